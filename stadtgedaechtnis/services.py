"""Domain verbs of the Stadtgedächtnis: submit, publish, request changes, reject, withdraw, feature.

Each verb checks that the transition is allowed, changes the status, writes a
:class:`~stadtgedaechtnis.models.ModerationEvent` and – for the editors' and the contributor's
decisions – one entry of the audit trail (``civic.audit``; actions ``LOG_*`` below, registered in
``wagtail_hooks.py``; with the reason, never the text of the mail), and – after the transaction
committed – e-mails
the contributor (the account's address, or the :class:`MemoryContact` address for people without
an account; memories entered on behalf of someone get no mail).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from civic import audit
from stadtgedaechtnis import conf
from stadtgedaechtnis.models import Memory, MemoryContact, ModerationEvent, RejectionReason, Status

# Audit-trail actions (labels and who sees them: wagtail_hooks.py).
LOG_PUBLISH = "stadtgedaechtnis.memory.publish"
LOG_REQUEST_CHANGES = "stadtgedaechtnis.memory.request_changes"
LOG_UNPUBLISH = "stadtgedaechtnis.memory.unpublish"
LOG_REJECT = "stadtgedaechtnis.memory.reject"
LOG_WITHDRAW = "stadtgedaechtnis.memory.withdraw"
LOG_FEATURE = "stadtgedaechtnis.memory.feature"
LOG_EDIT = "stadtgedaechtnis.memory.edit"
LOG_NOT_FOR_PRINT = "stadtgedaechtnis.memory.not_for_print"


def _audit(memory: Memory, action: str, actor, event: ModerationEvent, **data) -> None:
    audit.record(
        memory,
        action,
        user=actor,
        data={"from_status": event.from_status, "to_status": event.to_status, **data},
    )


class TransitionNotAllowed(ValueError):
    """The memory's status does not allow this step."""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: str


TRANSITIONS = {
    "submit": Transition(
        "submit", frozenset({Status.DRAFT, Status.CHANGES_REQUESTED}), Status.SUBMITTED
    ),
    "publish": Transition(
        "publish", frozenset({Status.SUBMITTED, Status.CHANGES_REQUESTED}), Status.PUBLISHED
    ),
    "request_changes": Transition(
        "request_changes", frozenset({Status.SUBMITTED, Status.PUBLISHED}), Status.CHANGES_REQUESTED
    ),
    "reject": Transition(
        "reject",
        frozenset({Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.PUBLISHED}),
        Status.REJECTED,
    ),
    "withdraw": Transition(
        "withdraw",
        frozenset({Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.PUBLISHED}),
        Status.WITHDRAWN,
    ),
}


def allowed(memory: Memory, name: str) -> bool:
    """Whether the verb ``name`` may be applied to the memory in its current status."""
    transition = TRANSITIONS[name]
    if memory.status in transition.sources:
        return True
    # Memories editors entered on behalf of someone start as drafts and may go live directly.
    return name == "publish" and memory.status == Status.DRAFT and memory.on_behalf


def _transition(memory: Memory, name: str, *, actor=None, reason: str = "", message: str = ""):
    if not allowed(memory, name):
        raise TransitionNotAllowed(
            _("„%(title)s“ kann im Status „%(status)s“ nicht so geändert werden.")
            % {"title": memory.title, "status": memory.get_status_display()}
        )
    target = TRANSITIONS[name].target
    event = ModerationEvent.objects.create(
        memory=memory,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=memory.status,
        to_status=target,
        reason=reason[:255],
        message=message,
    )
    memory.status = target
    return event


def _schedule_contact_purge(memory: Memory, now) -> None:
    MemoryContact.objects.filter(memory=memory).update(
        purge_after=now + datetime.timedelta(days=conf.contact_retention_days())
    )


# --------------------------------------------------------------------------------------------
# Verbs


@transaction.atomic
def submit(memory: Memory, *, actor=None) -> ModerationEvent:
    """The contributor hands the memory to the editors (first time or after changes)."""
    event = _transition(memory, "submit", actor=actor)
    memory.submitted_at = timezone.now()
    memory.save(update_fields=["status", "submitted_at"])
    return event


@transaction.atomic
def publish(
    memory: Memory, *, actor, message: str = "", request=None, notify_contributor: bool = True
) -> ModerationEvent:
    """Editors put the memory on the map; the contributor gets the link."""
    event = _transition(memory, "publish", actor=actor, message=message)
    now = timezone.now()
    memory.published_at = memory.published_at or now
    memory.decided_at = now
    memory.save(update_fields=["status", "published_at", "decided_at"])
    _schedule_contact_purge(memory, now)
    _audit(memory, LOG_PUBLISH, actor, event, with_message=bool(message.strip()))
    if notify_contributor:
        notify(memory, "published", message=message, request=request)
    return event


@transaction.atomic
def request_changes(memory: Memory, *, actor, message: str, request=None) -> ModerationEvent:
    """Editors ask for changes; the mail carries their message and a link to edit."""
    if not message.strip():
        raise ValueError("A message is required when asking for changes.")
    was_published = memory.status == Status.PUBLISHED
    event = _transition(memory, "request_changes", actor=actor, message=message)
    memory.save(update_fields=["status"])
    # Asking for changes to a published memory takes it off the map: an "unpublish".
    _audit(memory, LOG_UNPUBLISH if was_published else LOG_REQUEST_CHANGES, actor, event)
    notify(memory, "changes_requested", message=message, request=request)
    return event


@transaction.atomic
def reject(
    memory: Memory,
    *,
    actor,
    reason: RejectionReason | str | None = None,
    message: str = "",
    request=None,
) -> ModerationEvent:
    """Editors decide against publishing; the mail gives the reason."""
    reason_text = str(reason.text if isinstance(reason, RejectionReason) else (reason or ""))
    if not reason_text.strip() and not message.strip():
        raise ValueError("A reason or a message is required when rejecting.")
    event = _transition(memory, "reject", actor=actor, reason=reason_text, message=message)
    now = timezone.now()
    memory.decided_at = now
    memory.featured_at = None
    memory.save(update_fields=["status", "decided_at", "featured_at"])
    _schedule_contact_purge(memory, now)
    _audit(memory, LOG_REJECT, actor, event, reason=reason_text, with_message=bool(message.strip()))
    notify(memory, "rejected", reason=reason_text, message=message, request=request)
    return event


@transaction.atomic
def withdraw(memory: Memory, *, actor=None) -> ModerationEvent:
    """The contributor takes the memory back (at any time); it disappears from the public site."""
    event = _transition(memory, "withdraw", actor=actor)
    now = timezone.now()
    memory.decided_at = now
    memory.featured_at = None
    memory.save(update_fields=["status", "decided_at", "featured_at"])
    _schedule_contact_purge(memory, now)
    _audit(memory, LOG_WITHDRAW, actor, event)
    return event


@transaction.atomic
def feature(memory: Memory, *, actor) -> ModerationEvent:
    """Make a published memory the "Erinnerung des Monats" (the newest featured one is shown)."""
    if memory.status != Status.PUBLISHED:
        raise TransitionNotAllowed(
            _("Nur veröffentlichte Erinnerungen können Erinnerung des Monats werden.")
        )
    memory.featured_at = timezone.now()
    memory.save(update_fields=["featured_at"])
    event = ModerationEvent.objects.create(
        memory=memory,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=memory.status,
        to_status=memory.status,
        reason=str(_("Erinnerung des Monats")),
    )
    _audit(memory, LOG_FEATURE, actor, event)
    return event


def record_admin_edit(memory: Memory, *, actor, changed_fields, print_allowed_before) -> None:
    """The audit entry of an editor's change in the admin form: "not for print" when the
    permission to print was taken away, else "edited"; with the names of the changed fields
    (never their values: they may hold an exact place or a contact)."""
    action = LOG_NOT_FOR_PRINT if print_allowed_before and not memory.print_allowed else LOG_EDIT
    audit.record(memory, action, user=actor, data={"fields": sorted(changed_fields)})


def featured_memory() -> Memory | None:
    """The current "Erinnerung des Monats" (the most recently featured published memory)."""
    return Memory.objects.featured().select_related("district").first()


@transaction.atomic
def confirm_contact(token: str) -> Memory | None:
    """Double opt-in: the link in the confirmation mail was followed; submit the draft.

    Returns the memory, or None for an unknown token. Confirming twice is harmless.
    """
    contact = (
        MemoryContact.objects.select_for_update().select_related("memory").filter(token=token)
    ).first()
    if contact is None:
        return None
    memory = contact.memory
    if contact.confirmed_at is None:
        contact.confirmed_at = timezone.now()
        contact.save(update_fields=["confirmed_at"])
    if memory.status == Status.DRAFT:
        submit(memory)
    return memory


# --------------------------------------------------------------------------------------------
# E-mail


def absolute_url(path: str, request=None) -> str:
    """An absolute URL for ``path`` (from the request, else the default site, else the setting)."""
    if request is not None:
        return request.build_absolute_uri(path)
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    base = site.root_url if site else getattr(settings, "WAGTAILADMIN_BASE_URL", "")
    return base.rstrip("/") + path


def recipient(memory: Memory) -> tuple[str, str] | None:
    """(name, e-mail) of the person to tell about decisions, or None (e.g. on-behalf entries)."""
    if memory.author_id and memory.author.email:
        return memory.author.public_name, memory.author.email
    contact = MemoryContact.objects.filter(memory=memory, confirmed_at__isnull=False).first()
    if contact is not None:
        return contact.name, contact.email
    return None


def edit_path(memory: Memory) -> str:
    if memory.author_id:
        return reverse("stadtgedaechtnis:edit", args=[memory.pk])
    contact = MemoryContact.objects.filter(memory=memory).first()
    if contact is None:
        return ""
    return reverse("stadtgedaechtnis:edit_token", args=[contact.token])


SUBJECTS = {
    "published": _("Ihre Erinnerung „%(title)s“ ist veröffentlicht"),
    "changes_requested": _("Rückfrage zu Ihrer Erinnerung „%(title)s“"),
    "rejected": _("Ihre Erinnerung „%(title)s“ wird nicht veröffentlicht"),
    "confirm": _("Bitte bestätigen Sie Ihre Erinnerung „%(title)s“"),
}


def notify(memory: Memory, kind: str, *, reason: str = "", message: str = "", request=None):
    """Send the decision mail after the transaction has committed (none without a recipient)."""
    to = recipient(memory)
    if to is None:
        return
    language = memory.language or settings.LANGUAGE_CODE
    links = {}
    with translation.override(language):  # links in the contributor's language
        if kind == "published":
            links["memory_url"] = absolute_url(memory.get_absolute_url(), request)
        elif kind == "changes_requested":
            path = edit_path(memory)
            links["edit_url"] = absolute_url(path, request) if path else ""
    context = {
        "name": to[0],
        "title": memory.title,
        "reason": reason,
        "message": message,
        **links,
    }
    transaction.on_commit(
        lambda: send_memory_mail.enqueue(kind=kind, to=to[1], context=context, language=language)
    )


@task()
def send_memory_mail(kind: str, to: str, context: dict, language: str = "de"):
    """Render and send one of the contributor mails (plain text: nothing in it is executable)."""
    with translation.override(language):
        subject = str(SUBJECTS[kind]) % {"title": context.get("title", "")}
        body = render_to_string(f"stadtgedaechtnis/emails/{kind}.txt", context)
    send_mail(" ".join(subject.split()), body, None, [to])


def send_confirmation_mail(memory: Memory, contact: MemoryContact, request=None):
    """The double opt-in mail for contributors without an account."""
    language = memory.language or settings.LANGUAGE_CODE
    with translation.override(language):
        path = reverse("stadtgedaechtnis:confirm", args=[contact.token])
    url = absolute_url(path, request)
    context = {
        "name": contact.name,
        "title": memory.title,
        "confirm_url": url,
        "days": conf.unconfirmed_days(),
    }
    transaction.on_commit(
        lambda: send_memory_mail.enqueue(
            kind="confirm", to=contact.email, context=context, language=language
        )
    )
