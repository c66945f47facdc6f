"""The audit trail ("Protokoll") of moderation and steering-group actions.

Every moderation and steering action writes one entry into Wagtail's log
(``wagtail.log_actions``): who acted, when, on which object, and – where there is one – the reason.
The actions are registered here with German labels and with the permission a person needs to see
them; the domain apps register theirs at import time of their ``wagtail_hooks`` (``civic`` knows
neither app). ``civic/wagtail_hooks.py`` hands the labels to Wagtail (``register_log_actions``) and
mounts the report (``civic/audit_admin.py``) at ``/admin/protokoll/``.

What goes into an entry: the actor, the object (its id and a public label), the action and a few
facts (old and new status, a reason chosen from a list or written for the public). Never an
e-mail address, the body of an e-mail to a contributor, an exact place or a contact's name.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import log


@dataclass(frozen=True)
class AuditAction:
    action: str
    label: str
    message: str
    permission: str


_ACTIONS: dict[str, AuditAction] = {}


def register_action(action: str, label, message, *, permission: str) -> None:
    """Register an audited action: its label (filter, report), its message (history) and the
    permission needed to see its entries in the "Protokoll" (administrators see all)."""
    _ACTIONS[action] = AuditAction(action, label, message, permission)


def registered_actions() -> dict[str, AuditAction]:
    """All audited actions (importing every ``wagtail_hooks`` module first)."""
    hooks.search_for_hooks()
    return dict(_ACTIONS)


def visible_actions(user) -> list[str]:
    """The audited actions whose entries ``user`` may see (none for anonymous users)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    actions = registered_actions()
    if user.is_superuser:
        return sorted(actions)
    cached = getattr(user, "_civic_audit_actions", None)
    if cached is None:
        allowed = {}
        cached = []
        for name, entry in sorted(actions.items()):
            if entry.permission not in allowed:
                allowed[entry.permission] = user.has_perm(entry.permission)
            if allowed[entry.permission]:
                cached.append(name)
        user._civic_audit_actions = cached
    return cached


def can_view(user) -> bool:
    return bool(visible_actions(user))


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


def record(instance, action: str, *, user=None, title: str | None = None, data=None):
    """Write one audit entry for ``instance`` (an unregistered action is a programming error)."""
    if action not in _ACTIONS:
        hooks.search_for_hooks()  # the domain apps register theirs in their wagtail_hooks
    if action not in _ACTIONS:
        raise ValueError(f"Unregistered audit action: {action}")
    return log(
        instance=instance,
        action=action,
        user=_actor(user),
        title=title,
        data=data or {},
    )


def user_label(user) -> str:
    """How a person appears as the *object* of an entry: the public name, never the address."""
    name = (getattr(user, "display_name", "") or "").strip()
    return name or f"#{user.pk}"


# --------------------------------------------------------------------------------------------
# The civic app's own actions: comment moderation and role changes

COMMENT_APPROVE = "civic.comment.approve"
COMMENT_FLAGS_DISMISSED = "civic.comment.flags_dismissed"
COMMENT_REMOVE = "civic.comment.remove"
COMMENT_RESTORE = "civic.comment.restore"
USER_ROLES = "civic.user.roles"

MODERATE = "civic.moderate_contributions"

register_action(
    COMMENT_APPROVE, _("Kommentar freigegeben"), _("Kommentar freigegeben"), permission=MODERATE
)
register_action(
    COMMENT_FLAGS_DISMISSED,
    _("Meldungen zu Kommentar erledigt"),
    _("Meldungen geprüft, Kommentar bleibt öffentlich"),
    permission=MODERATE,
)
register_action(
    COMMENT_REMOVE, _("Kommentar entfernt"), _("Kommentar entfernt"), permission=MODERATE
)
register_action(
    COMMENT_RESTORE,
    _("Kommentar wiederhergestellt"),
    _("Kommentar wiederhergestellt"),
    permission=MODERATE,
)
register_action(USER_ROLES, _("Rollen geändert"), _("Rollen geändert"), permission=MODERATE)
