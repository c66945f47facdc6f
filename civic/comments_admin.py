"""Wagtail admin: comment moderation ("Kommentare") and the list of removal reasons.

Editors (and administrators) with ``civic.moderate_contributions`` see the comments waiting for
approval, flagged, public and removed; they approve or remove with a reason that shows in place of
the comment. Imported from ``civic/wagtail_hooks.py``.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_comments_xtd.models import XtdComment
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from civic import audit, comments
from civic.models import CommentRemoval, CommentRemovalReason
from civic.roles import EDITORS

PERMISSION = "civic.moderate_contributions"
STATUSES = [
    ("waiting", _("Wartet auf Freigabe")),
    ("flagged", _("Gemeldet")),
    ("public", _("Öffentlich")),
    ("removed", _("Entfernt")),
]
PER_PAGE = 25


def can_moderate(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(PERMISSION))


def _require_moderator(request):
    if not can_moderate(request.user):
        raise PermissionDenied


def _back_to_index(request, status: str = ""):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        url = reverse("civic_comments:index") + (f"?status={status}" if status else "")
    return redirect(url)


def audit_label(comment) -> str:
    """The comment as the object of an audit entry: number and page, never its text or author."""
    target = comment.content_object
    return f"#{comment.pk} · {target}" if target is not None else f"#{comment.pk}"


def status_of(comment) -> str:
    if comment.is_removed:
        return "removed"
    if not comment.is_public:
        return "waiting"
    if getattr(comment, "is_flagged", False):
        return "flagged"
    return "public"


# --------------------------------------------------------------------------------------------
# Views


def index(request):
    _require_moderator(request)
    status = request.GET.get("status", "waiting")
    if status not in dict(STATUSES) and status != "all":
        status = "waiting"
    base = comments.moderation_queryset()
    counts = {key: comments.filter_by_status(base, key).count() for key, _label in STATUSES}
    page = Paginator(comments.filter_by_status(base, status), PER_PAGE).get_page(
        request.GET.get("p")
    )
    page_comments = list(page.object_list)
    prefetch_related_objects(page_comments, "content_object")
    rows = []
    for comment in page_comments:
        target = comment.content_object
        rows.append(
            {
                "comment": comment,
                "target": target,
                "url": comments.comment_url(comment) if target is not None else "",
                "status": status_of(comment),
                "status_label": dict(STATUSES)[status_of(comment)],
                "author": comments.author_name(comment),
            }
        )
    return TemplateResponse(
        request,
        "civic/comments/admin/index.html",
        {
            "statuses": [(key, label, counts[key]) for key, label in STATUSES],
            "status": status,
            "page_obj": page,
            "rows": rows,
        },
    )


@require_POST
def approve(request, pk: int):
    _require_moderator(request)
    comment = get_object_or_404(XtdComment, pk=pk, is_removed=False)
    published = comments.approve_comment(comment, by=request.user)
    audit.record(
        comment,
        audit.COMMENT_APPROVE if published else audit.COMMENT_FLAGS_DISMISSED,
        user=request.user,
        title=audit_label(comment),
    )
    if published:
        messages.success(request, _("Der Kommentar ist jetzt öffentlich."))
    else:
        messages.success(
            request, _("Der Kommentar bleibt öffentlich; die Meldungen sind erledigt.")
        )
    return _back_to_index(request, request.POST.get("status", ""))


class RemovalForm(forms.Form):
    reason = forms.ModelChoiceField(
        label=_("Grund"),
        queryset=CommentRemovalReason.objects.all(),
        required=False,
        empty_label=_("– Grund wählen –"),
    )
    note = forms.CharField(
        label=_("Ergänzung"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Erscheint öffentlich an der Stelle des Kommentars, nach dem Grund."),
    )

    def clean(self):
        data = super().clean()
        if not data.get("reason") and not (data.get("note") or "").strip():
            raise forms.ValidationError(
                _("Bitte wählen Sie einen Grund oder schreiben Sie eine Begründung.")
            )
        return data


def remove(request, pk: int):
    _require_moderator(request)
    comment = get_object_or_404(XtdComment.objects.select_related("user"), pk=pk)
    form = RemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        note = form.cleaned_data["note"].strip()
        with transaction.atomic():
            comments.remove_comment(comment, by=request.user, reason=reason, note=note)
            # The reason and the note are shown publicly in place of the comment anyway.
            audit.record(
                comment,
                audit.COMMENT_REMOVE,
                user=request.user,
                title=audit_label(comment),
                data={"reason": reason.text if reason else "", "note": note},
            )
        messages.success(
            request, _("Der Kommentar wurde entfernt; der Grund steht an seiner Stelle.")
        )
        return _back_to_index(request, "removed")
    target = comment.content_object
    return TemplateResponse(
        request,
        "civic/comments/admin/remove.html",
        {
            "comment": comment,
            "target": target,
            "author": comments.author_name(comment),
            "url": comments.comment_url(comment) if target is not None else "",
            "form": form,
            "next": request.GET.get("next", ""),
        },
    )


@require_POST
def restore(request, pk: int):
    """Undo a removal: the comment is shown again (as it was before) and the reason disappears."""
    _require_moderator(request)
    comment = get_object_or_404(XtdComment, pk=pk)
    if not comment.is_removed:
        messages.error(request, _("Dieser Kommentar ist nicht entfernt."))
        return _back_to_index(request, "removed")
    with transaction.atomic():
        CommentRemoval.objects.filter(comment=comment).delete()
        # A queryset update, as in comments.remove_comment: saving would touch the replies.
        XtdComment.norel_objects.filter(pk=comment.pk).update(is_removed=False)
        audit.record(comment, audit.COMMENT_RESTORE, user=request.user, title=audit_label(comment))
    messages.success(request, _("Der Kommentar ist wiederhergestellt."))
    return _back_to_index(request, "public" if comment.is_public else "waiting")


@hooks.register("register_admin_urls")
def register_comment_admin_urls():
    return [
        path(
            "kommentare/",
            _include(
                [
                    path("", index, name="index"),
                    path("<int:pk>/freigeben/", approve, name="approve"),
                    path("<int:pk>/entfernen/", remove, name="remove"),
                    path("<int:pk>/wiederherstellen/", restore, name="restore"),
                ]
            ),
        )
    ]


def _include(patterns):
    from django.urls import include

    return include((patterns, "civic_comments"), namespace="civic_comments")


class CommentsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_moderate(request.user)


@hooks.register("register_admin_menu_item")
def register_comments_menu_item():
    return CommentsMenuItem(
        _("Kommentare"),
        reverse("civic_comments:index"),
        name="kommentare",
        icon_name="comment",
        order=260,
    )


# --------------------------------------------------------------------------------------------
# Removal reasons (a snippet editors maintain)


class ModeratorPermissionPolicy(BasePermissionPolicy):
    """Every action on the model for users who may moderate contributions."""

    def user_has_permission(self, user, action):
        return can_moderate(user)

    def user_has_any_permission(self, user, actions):
        return can_moderate(user)

    def users_with_any_permission(self, actions):
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(groups__name=EDITORS))
            .distinct()
        )

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])

    def user_has_permission_for_instance(self, user, action, instance):
        return can_moderate(user)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return can_moderate(user)

    def instances_user_has_any_permission_for(self, user, actions):
        if can_moderate(user):
            return self.model._default_manager.all()
        return self.model._default_manager.none()


class CommentRemovalReasonViewSet(SnippetViewSet):
    model = CommentRemovalReason
    icon = "comment"
    menu_label = _("Gründe für das Entfernen")
    menu_name = "comment-removal-reasons"
    list_display = ["text", "sort_order"]
    ordering = ["sort_order", "text"]
    search_fields = ["text"]
    search_backend_name = None


register_permission_policy(CommentRemovalReason, ModeratorPermissionPolicy(CommentRemovalReason))
register_snippet(CommentRemovalReasonViewSet)
