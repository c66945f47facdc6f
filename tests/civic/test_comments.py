"""Comments (civic.comments): posting, premoderation, refusals, depth, flagging, removal with a
reason, follow-up e-mails, privacy, counts, and the moderation views in the Wagtail admin.

civic has no commentable model of its own: the fixtures make ``civic.NewsPage`` commentable for
the duration of a test (monkeypatched ``can_comment``, a test template with the comment section)
and undo it afterwards.
"""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django_comments.models import CommentFlag
from django_comments_xtd.models import XtdComment

from civic import comments
from civic.comments import (
    annotate_comment_counts,
    comment_count_for,
    comment_form,
    comment_published,
    register_commentable,
    unregister_commentable,
)
from civic.models import CommentRemoval, CommentRemovalReason, NewsIndexPage, NewsPage
from tests.civic.test_roles import make_user

pytestmark = pytest.mark.django_db

TEST_TEMPLATE = (
    '{% extends "base.html" %}{% load civic_comments %}{% block content %}'
    "<h1>{{ page.title }}</h1>{% comment_section page %}{% endblock %}"
)
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {"tests/commentable_news_page.html": TEST_TEMPLATE},
                ),
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
        },
    }
]


def _templates_setting():
    from django.conf import settings

    setting = [dict(TEMPLATES[0])]
    setting[0]["DIRS"] = settings.TEMPLATES[0]["DIRS"]
    return setting


class Policy:
    """What the monkeypatched NewsPage.can_comment answers."""

    def __init__(self):
        self.open = True

    def can_comment(self, page, user):
        return self.open and user.has_perm("civic.participate")


def make_commentable(monkeypatch, *, premoderated: bool) -> Policy:
    policy = Policy()
    monkeypatch.setattr(
        NewsPage, "can_comment", lambda self, user: policy.can_comment(self, user), raising=False
    )
    monkeypatch.setattr(NewsPage, "get_absolute_url", lambda self: self.url, raising=False)
    monkeypatch.setattr(
        NewsPage,
        "comments_closed_message",
        lambda self, user: "Die Diskussion zu dieser Nachricht ist beendet.",
        raising=False,
    )
    monkeypatch.setattr(NewsPage, "template", "tests/commentable_news_page.html")
    register_commentable(NewsPage, premoderated=premoderated)
    return policy


@pytest.fixture
def templates():
    with override_settings(TEMPLATES=_templates_setting()):
        yield


@pytest.fixture
def policy(monkeypatch, templates):
    policy = make_commentable(monkeypatch, premoderated=False)
    yield policy
    unregister_commentable(NewsPage)


@pytest.fixture
def premoderated(monkeypatch, templates):
    policy = make_commentable(monkeypatch, premoderated=True)
    yield policy
    unregister_commentable(NewsPage)


@pytest.fixture
def news_index(home_page):
    return home_page.add_child(instance=NewsIndexPage(title="Aktuelles", slug="aktuelles"))


@pytest.fixture
def news(news_index):
    return news_index.add_child(
        instance=NewsPage(title="Das Rathaus wird digital", slug="rathaus", intro="Kurz.")
    )


@pytest.fixture
def resident():
    return make_user("resident")


@pytest.fixture
def other_resident():
    return make_user("resident")


@pytest.fixture
def editor():
    return make_user("editor")


def post_data(target, text, parent=None, followup=False) -> dict:
    form = comment_form(target, parent)
    data = {key: value for key, value in form.initial.items()}
    data.setdefault("reply_to", 0)
    data.update(comment=text, honeypot="", next="/")
    if followup:
        data["followup"] = "on"
    return data


def post(client, user, target, text, **kwargs):
    if user is not None:
        client.force_login(user)
    else:
        client.logout()
    return client.post(reverse("comments-post-comment"), post_data(target, text, **kwargs))


def comment_by(user):
    return XtdComment.objects.get(user=user)


# --------------------------------------------------------------------------------------------
# Posting


def test_resident_posts_and_the_comment_appears(client, news, policy, resident):
    published = []

    def on_published(sender, comment, target, **kwargs):
        published.append((sender, comment.pk, target.pk))

    comment_published.connect(on_published)
    try:
        response = post(client, resident, news, "Sehr gute Idee! <script>alert(1)</script>")
    finally:
        comment_published.disconnect(on_published)

    comment = comment_by(resident)
    assert response.status_code == 302
    assert response["Location"].startswith(news.url)
    assert response["Location"].endswith(f"#c{comment.pk}")
    assert comment.is_public and not comment.is_removed
    assert comment.user_name == resident.public_name
    assert published == [(NewsPage, comment.pk, news.pk)]

    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Ihr Kommentar wurde veröffentlicht." in html
    assert f'id="c{comment.pk}"' in html
    assert "Sehr gute Idee!" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert resident.public_name in html
    assert "1 Kommentar" in html


def test_page_without_comments_shows_the_form_to_residents(client, news, policy, resident):
    client.force_login(resident)
    html = client.get(news.url).content.decode()
    assert "0 Kommentare" in html
    assert "Noch keine Kommentare." in html
    assert "Kommentar schreiben" in html
    assert "Über Antworten per E-Mail benachrichtigen" in html
    assert 'name="honeypot"' in html
    assert "gravatar" not in html.lower()


def test_premoderated_comment_waits_for_an_editor(client, news, premoderated, resident, editor):
    response = post(client, resident, news, "Ich erinnere mich auch an den Marktplatz.")
    comment = comment_by(resident)
    assert not comment.is_public
    assert response["Location"].endswith("#kommentare")

    html = client.get(response["Location"]).content.decode()
    assert "Ihr Kommentar wird nach Prüfung durch die Redaktion veröffentlicht." in html
    assert "Ich erinnere mich auch" not in html
    assert comment_count_for(news) == 0

    client.force_login(editor)
    waiting = client.get(reverse("civic_comments:index") + "?status=waiting")
    assert waiting.status_code == 200
    assert "Ich erinnere mich auch" in waiting.content.decode()
    approve = client.post(reverse("civic_comments:approve", args=[comment.pk]))
    assert approve.status_code == 302

    comment.refresh_from_db()
    assert comment.is_public
    client.logout()
    assert "Ich erinnere mich auch" in client.get(news.url).content.decode()
    assert comment_count_for(news) == 1


def test_can_comment_false_refuses_and_saves_nothing(client, news, policy, resident):
    policy.open = False
    response = post(client, resident, news, "Zu spät?")
    assert response.status_code in (400, 403)
    assert not XtdComment.objects.exists()

    html = client.get(news.url).content.decode()
    assert "Die Diskussion zu dieser Nachricht ist beendet." in html
    assert "comments-post-comment" not in html
    assert 'action="/comments/post/"' not in html


def test_unverified_user_is_refused(client, news, policy):
    response = post(client, make_user("unverified"), news, "Hallo")
    assert response.status_code in (400, 403)
    assert not XtdComment.objects.exists()


def test_anonymous_is_refused(client, news, policy):
    response = post(client, None, news, "Anonym hier")
    # Without name and e-mail the form itself is incomplete: "not saved", no form, a login hint.
    assert response.status_code == 200
    assert 'action="/comments/post/"' not in response.content.decode()
    assert "melden Sie sich an" in response.content.decode()
    data = post_data(news, "Mit erfundenem Namen")
    data.update(name="Gast", email="gast@example.org")
    response = client.post(reverse("comments-post-comment"), data)
    assert response.status_code in (400, 403)
    assert not XtdComment.objects.exists()

    html = client.get(news.url).content.decode()
    assert "melden Sie sich an" in html
    assert 'action="/comments/post/"' not in html


def test_not_registered_model_is_refused(client, home_page, resident, templates):
    from civic.models import StandardPage

    page = home_page.add_child(instance=StandardPage(title="Info", slug="info"))
    response = post(client, resident, page, "Geht das?")
    assert response.status_code in (400, 403)
    assert not XtdComment.objects.exists()


def test_empty_comment_shows_the_error_and_keeps_the_form(client, news, policy, resident):
    response = post(client, resident, news, "   ")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte schreiben Sie Ihren Kommentar." in html
    assert 'action="/comments/post/"' in html
    assert not XtdComment.objects.exists()
    assert resident.email not in html


def test_too_long_comment_keeps_the_text(client, news, policy, resident):
    text = "Sehr lang. " * 300
    response = post(client, resident, news, text)
    assert response.status_code == 200
    html = response.content.decode()
    assert "zu lang" in html
    assert "Sehr lang. Sehr lang." in html
    assert not XtdComment.objects.exists()


# --------------------------------------------------------------------------------------------
# Threads


def test_replies_nest_to_three_levels_and_no_deeper(client, news, policy, resident, other_resident):
    post(client, resident, news, "Ebene null")
    top = XtdComment.objects.get(level=0)
    post(client, other_resident, news, "Ebene eins", parent=top)
    first = XtdComment.objects.get(level=1)
    post(client, resident, news, "Ebene zwei", parent=first)
    second = XtdComment.objects.get(level=2)

    response = post(client, other_resident, news, "Ebene drei", parent=second)

    assert response.status_code == 400
    assert XtdComment.objects.count() == 3
    html = client.get(news.url).content.decode()
    assert html.count("<summary>Antworten") == 2  # no reply form on the deepest level
    assert "comment-list--replies" in html


def test_reply_to_a_comment_elsewhere_is_refused(client, news, news_index, policy, resident):
    other = news_index.add_child(instance=NewsPage(title="Andere", slug="andere", intro="x"))
    post(client, resident, other, "Dort")
    elsewhere = XtdComment.objects.get()
    data = post_data(news, "Hier", parent=None)
    data["reply_to"] = elsewhere.pk
    response = client.post(reverse("comments-post-comment"), data)
    assert response.status_code == 400
    assert XtdComment.objects.count() == 1


# --------------------------------------------------------------------------------------------
# Flagging and removal


def test_flagging_a_comment(client, news, policy, resident, other_resident, editor):
    post(client, resident, news, "Strittig")
    comment = comment_by(resident)

    client.force_login(other_resident)
    html = client.get(news.url).content.decode()
    assert reverse("comments-flag", args=[comment.pk]) in html
    response = client.post(
        reverse("comments-flag", args=[comment.pk]), {"next": f"{news.url}#c{comment.pk}"}
    )
    assert response.status_code == 302
    assert CommentFlag.objects.filter(
        comment=comment, user=other_resident, flag=CommentFlag.SUGGEST_REMOVAL
    ).exists()
    html = client.get(response["Location"]).content.decode()
    assert "Die Redaktion prüft den gemeldeten Kommentar." in html
    assert "Sie haben diesen Kommentar gemeldet." in html

    client.force_login(editor)
    flagged = client.get(reverse("civic_comments:index") + "?status=flagged").content.decode()
    assert "Strittig" in flagged
    assert "1 Meldung" in flagged

    # "Behalten": the report is handled, the comment stays public.
    client.post(reverse("civic_comments:approve", args=[comment.pk]))
    flagged = client.get(reverse("civic_comments:index") + "?status=flagged").content.decode()
    assert "Strittig" not in flagged
    comment.refresh_from_db()
    assert comment.is_public


def test_own_comment_has_no_flag_button(client, news, policy, resident):
    post(client, resident, news, "Meins")
    comment = comment_by(resident)
    html = client.get(news.url).content.decode()
    assert reverse("comments-flag", args=[comment.pk]) not in html


def test_anonymous_cannot_flag(client, news, policy, resident):
    post(client, resident, news, "Text")
    comment = comment_by(resident)
    client.logout()
    response = client.post(reverse("comments-flag", args=[comment.pk]))
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert not CommentFlag.objects.exists()


def test_removal_with_reason_shows_in_place_and_replies_stay(
    client, news, policy, resident, other_resident, editor
):
    post(client, resident, news, "Kaufen Sie billige Uhren!")
    spam = comment_by(resident)
    post(client, other_resident, news, "Das ist doch Werbung.", parent=spam)
    reply = comment_by(other_resident)
    reason = CommentRemovalReason.objects.get(text="Werbung oder Spam")

    client.force_login(editor)
    form = client.get(reverse("civic_comments:remove", args=[spam.pk]))
    assert form.status_code == 200
    assert "Werbung oder Spam" in form.content.decode()
    response = client.post(
        reverse("civic_comments:remove", args=[spam.pk]),
        {"reason": reason.pk, "note": "Bitte keine Angebote."},
    )
    assert response.status_code == 302

    removal = CommentRemoval.objects.get(comment=spam)
    assert removal.removed_by == editor
    assert removal.reason == reason
    spam.refresh_from_db()
    reply.refresh_from_db()
    assert spam.is_removed
    assert reply.is_public and not reply.is_removed
    assert CommentFlag.objects.filter(comment=spam, flag=CommentFlag.MODERATOR_DELETION).exists()

    client.logout()
    html = client.get(news.url).content.decode()
    assert "Von der Redaktion entfernt: Werbung oder Spam – Bitte keine Angebote." in html
    assert "billige Uhren" not in html
    assert "Das ist doch Werbung." in html
    assert "1 Kommentar" in html
    assert comment_count_for(news) == 1

    client.force_login(editor)
    removed = client.get(reverse("civic_comments:index") + "?status=removed").content.decode()
    assert "billige Uhren" in removed


def test_removal_needs_a_reason_or_a_note(client, news, policy, resident, editor):
    post(client, resident, news, "Text")
    comment = comment_by(resident)
    client.force_login(editor)
    response = client.post(reverse("civic_comments:remove", args=[comment.pk]), {"note": " "})
    assert response.status_code == 200
    assert "Bitte wählen Sie einen Grund" in response.content.decode()
    comment.refresh_from_db()
    assert not comment.is_removed

    client.post(reverse("civic_comments:remove", args=[comment.pk]), {"note": "Off-Topic"})
    assert CommentRemoval.objects.get(comment=comment).public_reason == "Off-Topic"


def test_removed_comment_cannot_be_answered(client, news, policy, resident, other_resident, editor):
    post(client, resident, news, "Weg damit")
    comment = comment_by(resident)
    comments.remove_comment(comment, by=editor, note="Nein")
    response = post(client, other_resident, news, "Antwort", parent=comment)
    assert response.status_code == 400


# --------------------------------------------------------------------------------------------
# Follow-up e-mails and privacy


def test_follow_up_email_to_opted_in_participant(client, news, policy, resident, other_resident):
    post(client, resident, news, "Ich bleibe dran.", followup=True)
    quiet = make_user("resident")
    post(client, quiet, news, "Ich nicht.")
    mail.outbox.clear()

    post(client, other_resident, news, "Eine Antwort für Sie.", parent=comment_by(resident))

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [resident.email]
    assert "Eine Antwort für Sie." in message.body
    assert other_resident.public_name in message.body
    assert other_resident.email not in message.body
    assert "http://" in message.body and "/comments/mute/" in message.body
    assert news.url in message.body


def test_follow_up_email_after_approval(client, news, premoderated, resident, other_resident):
    post(client, resident, news, "Erster", followup=True)
    first = comment_by(resident)
    comments.approve_comment(first, by=make_user("editor"))
    post(client, other_resident, news, "Zweiter")
    mail.outbox.clear()

    comments.approve_comment(comment_by(other_resident), by=make_user("editor"))

    assert [m.to for m in mail.outbox] == [[resident.email]]


def test_no_email_address_in_the_rendered_page(client, news, policy, resident, other_resident):
    resident.display_name = ""
    resident.save()
    post(client, resident, news, "Ohne Namen", followup=True)
    post(client, other_resident, news, "Mit Namen", parent=comment_by(resident))
    addresses = [resident.email, other_resident.email]

    for viewer in (None, resident, other_resident, make_user("editor")):
        if viewer:
            client.force_login(viewer)
        else:
            client.logout()
        html = client.get(news.url).content.decode()
        assert "Ohne Namen" in html
        for address in addresses:
            assert address not in html
        assert "Anonym" in html  # the public name of a user without display name


def test_comments_api_shows_no_email_and_no_gravatar(client, news, policy, resident):
    resident.display_name = ""
    resident.save()
    post(client, resident, news, "Über die API")
    response = client.get(f"/comments/api/civic-newspage/{news.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Über die API" in body
    assert resident.email not in body
    assert "gravatar" not in body


def test_comments_api_post_obeys_can_comment(client, news, policy, resident):
    client.force_login(resident)
    data = post_data(news, "Über die API geschrieben")
    data.update(content_type="civic.newspage", name="Irgendwer", email=resident.email)
    policy.open = False
    refused = client.post("/comments/api/comment/", data)
    assert refused.status_code in (400, 403)
    assert not XtdComment.objects.exists()

    policy.open = True
    created = client.post("/comments/api/comment/", data)
    assert created.status_code == 201, created.content
    assert comment_by(resident).user_name == resident.public_name


# --------------------------------------------------------------------------------------------
# Counts


def test_annotate_comment_counts_with_constant_queries(
    news_index, policy, resident, editor, django_assert_num_queries
):
    pages = [
        news_index.add_child(instance=NewsPage(title=f"N{i}", slug=f"n{i}", intro="x"))
        for i in range(12)
    ]
    factory_comment = _comment_factory(resident)
    for index, page in enumerate(pages):
        for _n in range(index % 4):
            factory_comment(page, "öffentlich")
    factory_comment(pages[1], "wartet", is_public=False)
    removed = factory_comment(pages[1], "entfernt")
    comments.remove_comment(removed, by=editor, note="x")

    def counts(limit):
        qs = annotate_comment_counts(NewsPage.objects.filter(pk__in=[p.pk for p in pages]))
        return {page.slug: page.comment_count for page in qs.order_by("pk")[:limit]}

    counts(1)  # warm the content type cache
    with django_assert_num_queries(1):
        few = counts(2)
    with django_assert_num_queries(1):
        many = counts(12)
    assert few == {"n0": 0, "n1": 1}
    assert many["n3"] == 3 and many["n7"] == 3 and many["n4"] == 0
    assert comment_count_for(pages[3]) == 3

    custom = annotate_comment_counts(NewsPage.objects.all(), name="anzahl").get(pk=pages[2].pk)
    assert custom.anzahl == 2


def test_comment_section_queries_do_not_grow_with_comments(
    client, news, policy, resident, django_assert_max_num_queries
):
    make = _comment_factory(resident)
    for _n in range(3):
        make(news, "Kommentar")
    client.force_login(resident)
    client.get(news.url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(news.url)
    for _n in range(20):
        parent = make(news, "Noch einer")
        make(news, "Antwort", parent=parent)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(news.url)
    assert response.content.decode().count('class="comment"') == 43


def _comment_factory(user):
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sites.models import Site
    from django.utils import timezone

    site = Site.objects.get_current()

    def make(target, text, is_public=True, parent=None):
        comment = XtdComment(
            content_type=ContentType.objects.get_for_model(target),
            object_pk=str(target.pk),
            site=site,
            user=user,
            user_name=user.public_name,
            user_email=user.email,
            comment=text,
            submit_date=timezone.now(),
            is_public=is_public,
            parent_id=parent.pk if parent else 0,
        )
        comment.save()
        return comment

    return make


# --------------------------------------------------------------------------------------------
# The moderation views per role


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("resident", False),
        ("steering", False),
        ("editor", True),
        ("superuser", True),
    ],
)
def test_moderation_views_per_role(client, news, policy, role, allowed):
    author = make_user("resident")
    post(client, author, news, "Zu prüfen")
    comment = comment_by(author)
    client.logout()
    if role != "anonymous":
        client.force_login(make_user(role))

    urls = [
        reverse("civic_comments:index"),
        reverse("civic_comments:remove", args=[comment.pk]),
        reverse("wagtailsnippets_civic_commentremovalreason:list"),
    ]
    for url in urls:
        response = client.get(url)
        if allowed:
            assert response.status_code == 200, url
        else:
            assert response.status_code in (302, 403), url
            if response.status_code == 302:
                assert "/admin/login/" in response["Location"] or not response[
                    "Location"
                ].startswith(url)

    approve = client.post(reverse("civic_comments:approve", args=[comment.pk]))
    remove = client.post(reverse("civic_comments:remove", args=[comment.pk]), {"note": "Weg"})
    comment.refresh_from_db()
    if allowed:
        assert approve.status_code == 302 and remove.status_code == 302
        assert comment.is_removed
    else:
        assert approve.status_code in (302, 403) and remove.status_code in (302, 403)
        assert not comment.is_removed
        assert not CommentRemoval.objects.exists()


def test_admin_menu_shows_comments_only_to_moderators(client):
    client.force_login(make_user("editor"))
    assert "Kommentare" in client.get("/admin/").content.decode()
    client.force_login(make_user("steering"))
    assert not re.search(r'"label": "Kommentare"', client.get("/admin/").content.decode())
    assert reverse("civic_comments:index") not in client.get("/admin/").content.decode()


def test_comment_section_in_english(rf, news, policy, resident):
    from django.template import Context, Template
    from django.utils import translation

    _comment_factory(resident)(news, "Hallo")
    request = rf.get("/")
    request.user = resident
    template = Template("{% load civic_comments %}{% comment_section page %}")
    with translation.override("en"):
        html = template.render(Context({"page": news, "request": request}))
    assert "1 comment" in html
    assert "Write a comment" in html
    assert "Notify me of replies by e-mail" in html
