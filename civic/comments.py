"""Comments on domain objects, built on django-comments-xtd and rendered on the server.

A domain app makes a model commentable in its ``AppConfig.ready()``::

    from civic.comments import register_commentable
    register_commentable(Proposal, premoderated=False)   # visible at once, editors remove later
    register_commentable(Memory, premoderated=True)      # visible after an editor approves

The model implements ``get_absolute_url()``, ``can_comment(user) -> bool`` (the domain policy,
checked on the server for every post) and optionally ``comments_closed_message(user) -> str``.
Templates use ``{% load civic_comments %}{% comment_section object %}``; list pages use
:func:`annotate_comment_counts`. Editors moderate in the Wagtail admin ("Kommentare",
``civic.comments_admin``) with the permission ``civic.moderate_contributions``.

Posting goes through django-comments' own view (``comments-post-comment``); the receivers here
refuse what the target does not allow (403, nothing saved), check the reply depth (400), store the
public name instead of the e-mail address, and send the poster back to the target's page at the
new comment with a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import transaction
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.dispatch import Signal, receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_comments.models import CommentFlag
from django_comments.signals import comment_was_flagged, comment_will_be_posted
from django_comments_xtd.forms import XtdCommentForm
from django_comments_xtd.models import (
    TmpXtdComment,
    XtdComment,
    max_thread_level_for_content_type,
)
from django_comments_xtd.moderation import XtdCommentModerator, moderator
from django_comments_xtd.signals import confirmation_received

#: Sent when a comment becomes public (posted on a not premoderated target, or approved).
#: ``sender`` is the target's model class; arguments ``comment`` and ``target``.
comment_published = Signal()

#: Sent when an editor removes a comment: ``sender`` model class, ``comment``, ``removal``.
comment_removed = Signal()


@dataclass
class Commentable:
    model: type
    premoderated: bool


_REGISTRY: dict[type, Commentable] = {}


# --------------------------------------------------------------------------------------------
# Registration


class CivicCommentModerator(XtdCommentModerator):
    """Asks the target whether this user may comment; holds comments back when premoderated."""

    premoderated = False

    def allow(self, comment, content_object, request):
        user = getattr(request, "user", None) or comment.get("user")
        if not may_comment(content_object, user):
            raise PermissionDenied(gettext("Sie können hier nicht kommentieren."))
        return True

    def moderate(self, comment, content_object, request):
        return self.premoderated

    def email(self, comment, content_object, request):
        return  # editors see waiting comments in the admin; no mail to the managers


def register_commentable(model, *, premoderated: bool) -> None:
    """Allow comments on ``model`` (call in ``AppConfig.ready()``).

    ``premoderated=True``: comments appear only after an editor approves them.
    """
    if model in _REGISTRY:
        if _REGISTRY[model].premoderated == premoderated:
            return
        unregister_commentable(model)
    moderator_class = type(
        f"{model.__name__}CommentModerator",
        (CivicCommentModerator,),
        {"premoderated": premoderated},
    )
    moderator.register(model, moderator_class)
    _REGISTRY[model] = Commentable(model=model, premoderated=premoderated)


def unregister_commentable(model) -> None:
    """Undo :func:`register_commentable` (used by tests)."""
    if model in _REGISTRY:
        del _REGISTRY[model]
        moderator.unregister(model)


def is_commentable(obj_or_model) -> bool:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return _registered(model) is not None


def is_premoderated(obj_or_model) -> bool:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    entry = _registered(model)
    return bool(entry and entry.premoderated)


def _registered(model) -> Commentable | None:
    for klass in getattr(model, "__mro__", (model,)):
        if klass in _REGISTRY:
            return _REGISTRY[klass]
    return None


def may_comment(target, user) -> bool:
    """Whether ``user`` may comment on ``target`` now: logged in, and the target agrees."""
    if target is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    if not user.is_active or not is_commentable(target):
        return False
    can_comment = getattr(target, "can_comment", None)
    return bool(can_comment(user)) if callable(can_comment) else False


def closed_message(target, user) -> str:
    """What to show instead of the form to a logged-in user who may not comment."""
    fn = getattr(target, "comments_closed_message", None)
    message = fn(user) if callable(fn) else ""
    return message or gettext("Kommentieren ist hier derzeit nicht möglich.")


# --------------------------------------------------------------------------------------------
# Reading


def target_url(target) -> str:
    """The page of the commented object (relative where the object gives a relative URL)."""
    if hasattr(target, "get_absolute_url"):
        return target.get_absolute_url()
    return target.get_url()


def comment_url(comment) -> str:
    """The comment's place on its target's page."""
    return f"{target_url(comment.content_object)}#c{comment.pk}"


def comments_for(target):
    """All comments on ``target`` (any status), in thread order."""
    content_type = ContentType.objects.get_for_model(target)
    return XtdComment.objects.filter(content_type=content_type, object_pk=str(target.pk))


def public_comments():
    """Comments everybody may see and count: public and not removed."""
    return XtdComment.objects.filter(is_public=True, is_removed=False)


def annotate_comment_counts(queryset, name: str = "comment_count"):
    """Add the number of public, not removed comments per row, with one subquery."""
    return queryset.annotate(**{name: comment_count_subquery(queryset.model)})


def comment_count_subquery(model):
    """An expression: the number of public, not removed comments on the outer row of ``model``.

    The content-type condition is written as ``content_type_id + 0`` so that SQLite looks the
    comments up by the ``object_pk`` index: with a plain ``content_type_id = …`` its planner
    (without statistics) walks the content-type index, i.e. every comment once per row — measured
    6.6 s instead of 0.01 s for 1,000 proposals with 10,000 comments. PostgreSQL plans by
    statistics and is not affected.
    """
    content_type = ContentType.objects.get_for_model(model)
    counts = (
        XtdComment.norel_objects.alias(content_type_plus=F("content_type_id") + 0)
        .filter(
            content_type_plus=content_type.pk,
            object_pk=Cast(OuterRef("pk"), output_field=CharField()),
            is_public=True,
            is_removed=False,
        )
        .order_by()
        .values("object_pk")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def comment_count_for(obj) -> int:
    """The number of public, not removed comments on ``obj``."""
    if hasattr(obj, "comment_count") and isinstance(obj.comment_count, int):
        return obj.comment_count
    content_type = ContentType.objects.get_for_model(obj)
    return XtdComment.norel_objects.filter(
        content_type=content_type, object_pk=str(obj.pk), is_public=True, is_removed=False
    ).count()


def author_name(comment) -> str:
    """The name shown with a comment: the author's public name, never an e-mail address."""
    user = getattr(comment, "user", None) if comment.user_id else None
    if user is not None:
        return user.public_name
    return str(_("Anonym"))


def public_user_name(user) -> str:
    return getattr(user, "public_name", "") if user is not None else ""


def no_avatar(comment) -> str:
    """Avatar URL for django-comments-xtd's API: none (no Gravatar, no outside request)."""
    return ""


@dataclass
class CommentNode:
    comment: XtdComment
    children: list[CommentNode] = field(default_factory=list)

    @property
    def removal(self):
        return getattr(self.comment, "civic_removal", None) if self.comment.is_removed else None


def comment_tree(target) -> list[CommentNode]:
    """The visible thread of ``target`` as nested nodes (two queries, whatever the size).

    Public comments, including removed ones (shown as a notice in place, so replies keep their
    context).
    """
    comments = (
        comments_for(target)
        .filter(is_public=True)
        .select_related("user", "civic_removal")
        .order_by("thread_id", "order")
    )
    nodes: dict[int, CommentNode] = {}
    roots: list[CommentNode] = []
    for comment in comments:
        node = CommentNode(comment)
        nodes[comment.pk] = node
        parent = nodes.get(comment.parent_id) if comment.parent_id != comment.pk else None
        (parent.children if parent else roots).append(node)
    return roots


# --------------------------------------------------------------------------------------------
# The form (settings.COMMENTS_XTD_FORM_CLASS points here)


class CivicCommentForm(XtdCommentForm):
    """django-comments-xtd's form with German labels and without name, e-mail and URL inputs.

    django-comments fills name and e-mail from the logged-in user; the receivers below replace
    the name with the public name. The honeypot field stays (hidden) for spam protection.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        max_length = getattr(settings, "COMMENT_MAX_LENGTH", 3000)
        text = self.fields["comment"]
        text.label = _("Ihr Kommentar")
        text.widget = forms.Textarea(attrs={"rows": 5, "maxlength": max_length})
        text.error_messages = {
            **text.error_messages,
            "required": _("Bitte schreiben Sie Ihren Kommentar."),
            "max_length": _("Ihr Kommentar ist zu lang (höchstens %(limit_value)d Zeichen)."),
        }
        for validator in text.validators:
            if getattr(validator, "code", "") == "max_length":
                validator.message = text.error_messages["max_length"]
        followup = self.fields["followup"]
        followup.label = _("Über Antworten per E-Mail benachrichtigen")
        followup.help_text = _(
            "Sie erhalten eine E-Mail, wenn hier weitere Kommentare erscheinen. Jede E-Mail "
            "enthält einen Link zum Abbestellen."
        )
        followup.widget.attrs = {}
        self.fields["honeypot"].label = _("Dieses Feld bitte leer lassen")
        for name in ("name", "email", "url"):
            self.fields[name].widget = forms.HiddenInput()


def comment_form(target, parent=None, **kwargs) -> CivicCommentForm:
    """An unbound comment form for ``target`` (a reply form when ``parent`` is given)."""
    prefix = f"antwort-{parent.pk}" if parent is not None else "kommentar"
    kwargs.setdefault("auto_id", f"id_{prefix}_%s")
    return CivicCommentForm(target, comment=parent, **kwargs)


# --------------------------------------------------------------------------------------------
# Posting


@receiver(comment_will_be_posted, sender=TmpXtdComment, dispatch_uid="civic_comment_checks")
def _check_new_comment(sender, comment, request, **kwargs):
    """Before a comment is saved: who may post, where it may hang, and which name it shows."""
    target = comment.content_object
    user = getattr(request, "user", None)
    if not is_commentable(target):
        raise PermissionDenied(gettext("Zu diesem Inhalt sind keine Kommentare möglich."))
    if not may_comment(target, user):
        raise PermissionDenied(gettext("Sie können hier nicht kommentieren."))
    parent_id = comment.get("parent_id") or 0
    if parent_id:
        parent = (
            XtdComment.norel_objects.filter(
                pk=parent_id,
                content_type=comment.content_type,
                object_pk=str(target.pk),
                is_public=True,
                is_removed=False,
            )
            .only("pk", "level")
            .first()
        )
        if parent is None:
            raise BadRequest("reply_to: no such public comment on this target")
        if parent.level >= max_thread_level_for_content_type(comment.content_type):
            raise BadRequest("reply_to: maximum thread depth reached")
    # Store the public name, never the address (django-comments would use the e-mail address
    # as the name of a user without first and last name); the address stays private and is
    # only used for follow-up e-mails.
    comment.user_name = user.public_name[:50]
    comment.user_url = ""
    return True


@receiver(confirmation_received, sender=TmpXtdComment, dispatch_uid="civic_comment_posted")
def _after_comment_saved(sender, comment, request, **kwargs):
    """After a logged-in user's comment was stored: message, redirect target, signal."""
    saved = comment.get("xtd_comment")
    if saved is None:
        return True
    target = comment.content_object
    if saved.is_public:
        text = gettext("Ihr Kommentar wurde veröffentlicht.")
        comment_published.send(sender=type(target), comment=saved, target=target)
    else:
        text = gettext("Ihr Kommentar wird nach Prüfung durch die Redaktion veröffentlicht.")
    if isinstance(request, HttpRequest):
        messages.success(request, text, fail_silently=True)
        # django-comments redirects to POST["next"]: point it at the new comment (or, while it
        # waits for approval, at the comment section).
        anchor = f"#c{saved.pk}" if saved.is_public else "#kommentare"
        post = request.POST.copy()
        post["next"] = target_url(target) + anchor
        request.POST = post
    return True


@receiver(comment_was_flagged, dispatch_uid="civic_comment_flagged")
def _after_flag(sender, comment, flag, created, request, **kwargs):
    if flag.flag == CommentFlag.SUGGEST_REMOVAL and isinstance(request, HttpRequest):
        messages.success(
            request,
            gettext("Danke. Die Redaktion prüft den gemeldeten Kommentar."),
            fail_silently=True,
        )


# --------------------------------------------------------------------------------------------
# Moderation (used by the Wagtail admin views in civic.comments_admin)


def moderation_queryset():
    """Every comment on a commentable model, with what the moderation list needs."""
    open_flags = CommentFlag.objects.filter(
        comment=OuterRef("pk"), flag=CommentFlag.SUGGEST_REMOVAL
    ).exclude(
        Exists(
            CommentFlag.objects.filter(
                comment=OuterRef(OuterRef("pk")),
                flag=CommentFlag.MODERATOR_APPROVAL,
                flag_date__gte=OuterRef("flag_date"),
            )
        )
    )
    flag_counts = (
        open_flags.order_by().values("comment").annotate(count=Count("pk")).values("count")
    )
    return (
        XtdComment.objects.select_related("user", "content_type", "civic_removal")
        .annotate(
            is_flagged=Exists(open_flags),
            open_flag_count=Coalesce(Subquery(flag_counts, output_field=IntegerField()), Value(0)),
        )
        .order_by("-submit_date")
    )


def filter_by_status(queryset, status: str):
    if status == "waiting":
        return queryset.filter(is_public=False, is_removed=False)
    if status == "flagged":
        return queryset.filter(is_flagged=True, is_removed=False)
    if status == "public":
        return queryset.filter(is_public=True, is_removed=False)
    if status == "removed":
        return queryset.filter(is_removed=True)
    return queryset


def approve_comment(comment, *, by) -> bool:
    """Publish a waiting comment, or keep a flagged one (its open reports count as reviewed).

    Returns True when the comment became public now (followers are notified then).
    """
    from django_comments_xtd.views import notify_comment_followers

    with transaction.atomic():
        comment = XtdComment.objects.select_for_update(of=("self",)).get(pk=comment.pk)
        newly_public = not comment.is_public and not comment.is_removed
        CommentFlag.objects.update_or_create(
            comment=comment,
            user=by,
            flag=CommentFlag.MODERATOR_APPROVAL,
            defaults={"flag_date": timezone.now()},
        )
        if newly_public:
            comment.is_public = True
            comment.save(update_fields=["is_public"])
    target = comment.content_object
    if newly_public and target is not None:
        notify_comment_followers(comment)
        comment_published.send(sender=type(target), comment=comment, target=target)
    return newly_public


def remove_comment(comment, *, by, reason=None, note: str = ""):
    """Remove a comment with a reason shown in its place; replies stay visible."""
    from civic.models import CommentRemoval

    with transaction.atomic():
        removal, _created = CommentRemoval.objects.update_or_create(
            comment=comment,
            defaults={
                "reason": reason,
                "reason_text": reason.text if reason else "",
                "note": note.strip(),
                "removed_by": by,
                "at": timezone.now(),
            },
        )
        # A queryset update on purpose: saving the comment would make django-comments-xtd hide
        # all replies below it (its pre_save handler), and replies must stay visible.
        XtdComment.norel_objects.filter(pk=comment.pk).update(is_removed=True)
        CommentFlag.objects.update_or_create(
            comment=comment,
            user=by,
            flag=CommentFlag.MODERATOR_DELETION,
            defaults={"flag_date": timezone.now()},
        )
    comment.is_removed = True
    target = comment.content_object
    comment_removed.send(
        sender=type(target) if target is not None else XtdComment,
        comment=comment,
        removal=removal,
    )
    return removal
