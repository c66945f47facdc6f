"""Denormalised vote and comment counters on proposals (issue 7), filled from the rows."""

from django.db import migrations, models
from django.db.models import CharField, Count, F, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce


def _int(queryset, expression):
    return Coalesce(
        Subquery(
            queryset.order_by().values("proposal").annotate(n=expression).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def fill_counters(apps, schema_editor):
    """The same computation as agenda.counters.refresh_counters, on the historical models."""
    Proposal = apps.get_model("agenda", "Proposal")
    Vote = apps.get_model("agenda", "Vote")
    OfflineVoteTally = apps.get_model("agenda", "OfflineVoteTally")
    ContentType = apps.get_model("contenttypes", "ContentType")
    XtdComment = apps.get_model("django_comments_xtd", "XtdComment")
    if not Proposal.objects.exists():
        return
    content_type = ContentType.objects.filter(app_label="agenda", model="proposal").first()
    votes = Vote.objects.filter(proposal=OuterRef("pk"))
    tallies = OfflineVoteTally.objects.filter(proposal=OuterRef("pk"))
    changes = {
        "votes_for": _int(votes.filter(value=1), Count("pk")),
        "votes_against": _int(votes.filter(value=-1), Count("pk")),
        "paper_for": _int(tallies, Sum("support")),
        "paper_against": _int(tallies, Sum("against")),
    }
    if content_type is not None:
        comments = (
            XtdComment.objects.alias(content_type_plus=F("content_type_id") + 0)
            .filter(
                content_type_plus=content_type.pk,
                object_pk=Cast(OuterRef("pk"), output_field=CharField()),
                is_public=True,
                is_removed=False,
            )
            .order_by()
            .values("object_pk")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )
        changes["comment_count"] = Coalesce(
            Subquery(comments, output_field=IntegerField()), Value(0)
        )
    Proposal.objects.update(**changes)
    Proposal.objects.update(
        support_total=F("votes_for") + F("paper_for"),
        score=F("votes_for") + F("paper_for") - F("votes_against") - F("paper_against"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0004_vote_user_kept_anonymously"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_comments_xtd", "0008_auto_20200920_2037"),
    ]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="votes_for",
            field=models.IntegerField(
                default=0, editable=False, verbose_name="Online-Stimmen dafür"
            ),
        ),
        migrations.AddField(
            model_name="proposal",
            name="votes_against",
            field=models.IntegerField(
                default=0, editable=False, verbose_name="Online-Stimmen dagegen"
            ),
        ),
        migrations.AddField(
            model_name="proposal",
            name="paper_for",
            field=models.IntegerField(
                default=0, editable=False, verbose_name="Papierstimmen dafür"
            ),
        ),
        migrations.AddField(
            model_name="proposal",
            name="paper_against",
            field=models.IntegerField(
                default=0, editable=False, verbose_name="Papierstimmen dagegen"
            ),
        ),
        migrations.AddField(
            model_name="proposal",
            name="support_total",
            field=models.IntegerField(
                default=0, editable=False, verbose_name="Stimmen dafür gesamt"
            ),
        ),
        migrations.AddField(
            model_name="proposal",
            name="score",
            field=models.IntegerField(default=0, editable=False, verbose_name="Saldo"),
        ),
        migrations.AddField(
            model_name="proposal",
            name="comment_count",
            field=models.IntegerField(default=0, editable=False, verbose_name="Kommentare"),
        ),
        migrations.RunPython(fill_counters, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(
                fields=["round", "-score", "-support_total"], name="agenda_prop_score_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(fields=["round", "-support_total"], name="agenda_prop_support_idx"),
        ),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(fields=["round", "-comment_count"], name="agenda_prop_comments_idx"),
        ),
    ]
