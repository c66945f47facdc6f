"""Privacy (GDPR): a person's data export, the erasure of an account, and the retention purges.

Like the rest of civic this module knows nothing of the domain apps; each contributes its part in
its ``AppConfig.ready()`` (``stadtgedaechtnis/privacy.py``, ``agenda/privacy.py``)::

    register_exporter("agenda", export_agenda)      # fn(user, export) -> JSON-able data
    register_eraser("agenda", erase_agenda)         # fn(user, erasure) -> None
    register_purger("agenda.x", purge_x, label=_("..."))   # fn(now) -> int (rows purged)

* **Export** (:func:`build_export`, :func:`stream_zip`): one ZIP with ``daten.json`` (every
  registered section) and the original media files the person uploaded, written entry by entry
  into the response (bounded memory, however many memories and photos a person has).
* **Erasure** (:func:`erase_account`): every eraser runs in one transaction, in the mode the person
  chose (:class:`Mode`): *anonymise* keeps the contributions without the person, *delete* removes
  them. Files are deleted only after the commit (a rollback leaves every file in place).
* **Retention** (:func:`run_purgers`): ``manage.py purge_personal_data`` and the daily task
  :func:`purge_personal_data_task` run every registered purger.

Decisions (see ``docs/security.md``): votes stay counted without the person; comments of the
person stay without name (anonymise) or are replaced by "entfernt" where others replied (delete);
what the person's deletion takes with it is listed on the form before they confirm.
"""

from __future__ import annotations

import json
import logging
import posixpath
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from wagtail import hooks
from wagtail.log_actions import log

logger = logging.getLogger(__name__)

#: Wagtail log actions of this module (registered in ``civic/views_privacy.py``).
ACTION_EXPORT = "civic.privacy.export"
ACTION_DELETE = "civic.privacy.delete_account"

#: The placeholder account that takes over what must keep an origin after a deletion (e.g. a
#: proposal, whose database constraint requires an author, an offline source or an enterer).
#: Inactive, without password or personal data; its public name is "Anonym".
DELETED_ACCOUNT_EMAIL = "geloeschtes-konto@konto.invalid"


class Mode(models.TextChoices):
    ANONYMISE = "anonymise", _("Beiträge anonymisieren")
    DELETE = "delete", _("Beiträge löschen")


# --------------------------------------------------------------------------------------------
# Registries


@dataclass(frozen=True)
class Purger:
    name: str
    fn: Callable
    label: str


_EXPORTERS: dict[str, Callable] = {}
_ERASERS: dict[str, Callable] = {}
_PURGERS: dict[str, Purger] = {}


def register_exporter(name: str, fn: Callable) -> None:
    """``fn(user, export) -> data``: the section ``name`` of ``daten.json`` (JSON-able).

    Media files go in with ``export.add_file(folder, fieldfile)``, which returns the path inside
    the ZIP (to be put into the data)."""
    _EXPORTERS[name] = fn


def register_eraser(name: str, fn: Callable) -> None:
    """``fn(user, erasure)``: anonymise or delete what the app keeps about ``user``
    (``erasure.mode``), inside the erasure's transaction; files through
    ``erasure.delete_file_later(storage, name)``."""
    _ERASERS[name] = fn


def register_purger(name: str, fn: Callable, *, label) -> None:
    """``fn(now) -> int``: delete what is due (retention); returns how many items were purged."""
    _PURGERS[name] = Purger(name=name, fn=fn, label=label)


def exporters() -> dict[str, Callable]:
    return dict(_EXPORTERS)


def erasers() -> dict[str, Callable]:
    return dict(_ERASERS)


def purgers() -> list[Purger]:
    return list(_PURGERS.values())


# --------------------------------------------------------------------------------------------
# Helpers for exporters


def iso(value) -> str | None:
    """A date or datetime as ISO 8601 text (None stays None)."""
    return value.isoformat() if value is not None else None


def choice(instance, field_name: str) -> dict:
    """A choice field as ``{"value": ..., "label": ...}`` (the label in the current language)."""
    value = getattr(instance, field_name)
    label = getattr(instance, f"get_{field_name}_display")()
    return {"value": value, "label": str(label)}


# --------------------------------------------------------------------------------------------
# Export


@dataclass
class ExportFile:
    arcname: str
    storage: object
    name: str


class DataExport:
    """What is collected for one person: the sections of ``daten.json`` and the media files."""

    def __init__(self, user):
        self.user = user
        self.sections: dict[str, object] = {}
        self.files: list[ExportFile] = []
        self._names: set[str] = set()

    def add_file(self, folder: str, fieldfile) -> str | None:
        """Add a stored file under ``medien/<folder>/``; returns its path in the ZIP."""
        if not fieldfile or not getattr(fieldfile, "name", ""):
            return None
        base = posixpath.basename(fieldfile.name) or "datei"
        arcname = f"medien/{folder}/{base}"
        stem, dot, ext = base.rpartition(".")
        counter = 2
        while arcname in self._names:
            candidate = f"{stem}-{counter}.{ext}" if dot else f"{base}-{counter}"
            arcname = f"medien/{folder}/{candidate}"
            counter += 1
        self._names.add(arcname)
        self.files.append(ExportFile(arcname, fieldfile.storage, fieldfile.name))
        return arcname

    def data(self) -> dict:
        return {
            "created": iso(timezone.now()),
            "about": gettext(
                "Alle Daten, die diese Website über Ihr Konto gespeichert hat. Dateien, auf die "
                "verwiesen wird, liegen im Ordner „medien“ dieses Archivs."
            ),
            **self.sections,
        }


def build_export(user) -> DataExport:
    """Collect everything about ``user`` from every registered exporter."""
    export = DataExport(user)
    for name, fn in _EXPORTERS.items():
        export.sections[name] = fn(user, export)
    return export


class _Sink:
    """A write-only, unseekable file for :mod:`zipfile`: what is written is handed out in chunks."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


README_TEXT = _(
    "Ihre Daten von dieser Website\n"
    "=============================\n\n"
    "daten.json enthält alles, was über Ihr Konto gespeichert ist: Konto und Profil, "
    "E-Mail-Adressen, Rollen, Ihre Beiträge mit allen Angaben (auch den genauen Ort), Ihre "
    "Kommentare, Meldungen und Stimmen.\n"
    "Im Ordner „medien“ liegen die Dateien, die Sie hochgeladen haben, in der hochgeladenen "
    "Fassung.\n"
)

CHUNK = 256 * 1024


def stream_zip(export: DataExport) -> Iterator[bytes]:
    """The ZIP of ``export``, produced piece by piece (a file at most ``CHUNK`` bytes at a time)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("LIESMICH.txt", str(README_TEXT))
        payload = json.dumps(export.data(), ensure_ascii=False, indent=2, default=str)
        archive.writestr("daten.json", payload)
        yield sink.take()
        for item in export.files:
            try:
                source = item.storage.open(item.name, "rb")
            except OSError:
                logger.warning("Export: file %s is missing", item.name)
                continue
            with source, archive.open(item.arcname, "w", force_zip64=True) as target:
                while block := source.read(CHUNK):
                    target.write(block)
                    yield sink.take()
            yield sink.take()
    yield sink.take()


def record_export(user) -> None:
    log(instance=user, action=ACTION_EXPORT, user=user, title=account_label(user))


def account_label(user) -> str:
    """How the audit log names an account: by number, never by name or address."""
    return f"{gettext('Benutzerkonto')} #{user.pk}"


# --------------------------------------------------------------------------------------------
# Erasure


@dataclass
class Erasure:
    """The state of one account's erasure, handed to each eraser."""

    user: object
    mode: str
    counts: dict[str, int] = field(default_factory=dict)
    _files: list[tuple[object, str]] = field(default_factory=list)

    @property
    def delete_contributions(self) -> bool:
        return self.mode == Mode.DELETE

    def count(self, key: str, number: int) -> None:
        if number:
            self.counts[key] = self.counts.get(key, 0) + number

    def delete_file_later(self, storage, name: str) -> None:
        """Delete the stored file once the erasure has committed."""
        if name:
            self._files.append((storage, name))

    def delete_files(self) -> None:
        for storage, name in self._files:
            try:
                storage.delete(name)
            except OSError:
                logger.exception("Erasure: could not delete %s", name)


def deleted_account():
    """The inactive placeholder account (see ``DELETED_ACCOUNT_EMAIL``), created when needed."""
    from civic.models import User

    user, created = User.objects.get_or_create(
        email=DELETED_ACCOUNT_EMAIL,
        defaults={"is_active": False, "display_name": ""},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def is_deleted_account(user) -> bool:
    return bool(user is not None and getattr(user, "email", "") == DELETED_ACCOUNT_EMAIL)


def erase_account(user, mode: str, *, requested: bool = True) -> Erasure:
    """Erase ``user``'s account and, by ``mode``, anonymise or delete their contributions.

    One transaction: when anything fails nothing is changed. Files go after the commit, then the
    confirmation e-mail (to the addresses the account had). ``requested=False`` (the retention
    purge of never confirmed sign-ups): no e-mail to the unconfirmed address, which may not even
    be the sign-up's own, and no acting user in the log."""
    if mode not in Mode.values:
        raise ValueError(f"Unknown mode: {mode}")
    if is_deleted_account(user):
        raise ValueError("The placeholder account cannot be erased.")
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=user.pk)  # a plain instance (not request.user's proxy)
    erasure = Erasure(user=user, mode=mode)
    addresses = _addresses(user)
    language = translation.get_language()
    with transaction.atomic():
        for fn in _ERASERS.values():
            fn(user, erasure)
        log(
            instance=user,
            action=ACTION_DELETE,
            user=user if requested else None,
            title=account_label(user),
            data={"mode": mode, "counts": dict(erasure.counts)},
        )
        _scrub_log_labels(user)
        pk = user.pk
        user.delete()
        user.pk = pk
        transaction.on_commit(erasure.delete_files)
        if requested:
            transaction.on_commit(lambda: _send_confirmation(addresses, erasure, language))
    return erasure


def _addresses(user) -> list[str]:
    from allauth.account.models import EmailAddress

    found = list(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    if user.email and user.email not in found:
        found.insert(0, user.email)
    return found


def _scrub_log_labels(user) -> None:
    """Earlier audit entries about this account were labelled with its name or address: keep
    the entries, label them by number."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ModelLogEntry

    content_type = ContentType.objects.get_for_model(type(user))
    ModelLogEntry.objects.filter(content_type=content_type, object_id=str(user.pk)).update(
        label=account_label(user)
    )


def _send_confirmation(addresses: list[str], erasure: Erasure, language) -> None:
    from django.core.mail import send_mail

    if not addresses:
        return
    context = {"mode": erasure.mode, "deleted": erasure.delete_contributions}
    with translation.override(language):
        subject, body = _render_mail(context)
    try:
        send_mail(subject, body, None, addresses[:1], fail_silently=False)
    except Exception:  # the account is gone either way; a failed mail must not turn into a 500
        logger.exception("Erasure: confirmation mail could not be sent")


def _render_mail(context) -> tuple[str, str]:
    from django.template.loader import render_to_string

    subject = render_to_string("civic/privacy/email_deleted_subject.txt", context).strip()
    body = render_to_string("civic/privacy/email_deleted.txt", context)
    return subject, body


# --------------------------------------------------------------------------------------------
# civic's own part: account, addresses, roles, comments, flags, uploads, jobs


def export_account(user, export: DataExport) -> dict:
    from allauth.account.models import EmailAddress

    return {
        "email": user.email,
        "display_name": user.display_name,
        "public_name": user.public_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "district": user.district.name if user.district_id else None,
        "date_joined": iso(user.date_joined),
        "last_login": iso(user.last_login),
        "is_active": user.is_active,
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "roles": sorted(user.groups.values_list("name", flat=True)),
    }


def export_comments(user, export: DataExport) -> dict:
    from django_comments.models import CommentFlag
    from django_comments_xtd.models import XtdComment

    comments = []
    for c in (
        XtdComment.norel_objects.filter(user=user).select_related("content_type").order_by("pk")
    ):
        comments.append(
            {
                "id": c.pk,
                "on": f"{c.content_type.app_label}.{c.content_type.model}",
                "object_id": c.object_pk,
                "reply_to": c.parent_id if c.parent_id != c.pk else None,
                "text": c.comment,
                "name_shown": c.user_name,
                "email": c.user_email,
                "ip_address": c.ip_address,
                "submitted": iso(c.submit_date),
                "public": c.is_public,
                "removed": c.is_removed,
                "notify_on_replies": c.followup,
            }
        )
    flags = [
        {"comment_id": f.comment_id, "flag": f.flag, "date": iso(f.flag_date)}
        for f in CommentFlag.objects.filter(user=user).order_by("pk")
    ]
    return {"comments": comments, "flags": flags}


def export_uploads_and_jobs(user, export: DataExport) -> dict:
    from civic.models import PendingUpload
    from civic.models_jobs import Job

    uploads = []
    for upload in PendingUpload.objects.filter(user=user).order_by("pk"):
        uploads.append(
            {
                "kind": upload.kind,
                "original_name": upload.original_name,
                "created": iso(upload.created),
                "file": export.add_file("zwischengespeichert", upload.file),
            }
        )
    jobs = [
        {"kind": j.kind, "title": j.title, "status": j.status, "created": iso(j.created_at)}
        for j in Job.objects.filter(created_by=user).order_by("created_at")
    ]
    return {"pending_uploads": uploads, "jobs": jobs}


def erase_comments(user, erasure: Erasure) -> None:
    """Anonymise: the text stays, without name, address and IP. Delete: a comment nobody
    replied to goes; one with replies stays as "entfernt" (empty text), so the thread keeps
    its shape."""
    from django_comments_xtd.models import XtdComment

    from civic.models import CommentRemoval

    own = XtdComment.norel_objects.filter(user=user)
    personal = {"user": None, "user_name": "", "user_email": "", "user_url": ""}
    personal.update(ip_address=None, followup=False)
    if not erasure.delete_contributions:
        erasure.count("comments_anonymised", own.update(**personal))
        return
    replied_to = set(
        XtdComment.norel_objects.filter(parent_id__in=own.values("pk"))
        .exclude(pk__in=own.values("pk"))
        .values_list("parent_id", flat=True)
    )
    # A chain of own replies below an own comment: keep the parents of kept comments too.
    # Own comments above a kept one stay as well (as "entfernt"), or the thread would break.
    parents = dict(own.values_list("pk", "parent_id"))
    keep = set(replied_to)
    for pk in list(keep):
        node = pk
        while (parent := parents.get(node)) not in (None, node) and parent in parents:
            if parent in keep:
                break
            keep.add(parent)
            node = parent
    if keep:
        XtdComment.norel_objects.filter(pk__in=keep).update(comment="", is_removed=True, **personal)
        for pk in keep:
            CommentRemoval.objects.update_or_create(
                comment_id=pk,
                defaults={
                    "reason": None,
                    "reason_text": gettext("auf Wunsch der Verfasserin oder des Verfassers"),
                    "note": "",
                    "removed_by": None,
                },
            )
        # The queryset update sends no signal: tell the counters (agenda.counters) that these
        # comments no longer count, as an editor's removal does.
        from civic.comments import comment_removed

        for comment in XtdComment.norel_objects.filter(pk__in=keep):
            comment_removed.send(sender=XtdComment, comment=comment, removal=None)
        erasure.count("comments_removed", len(keep))
    doomed = own.exclude(pk__in=keep)
    erasure.count("comments_deleted", doomed.count())
    doomed.delete()


def erase_account_data(user, erasure: Erasure) -> None:
    """Uploads waiting for a form, the person's jobs and files, a Wagtail avatar."""
    from civic.models import PendingUpload
    from civic.models_jobs import Job

    for upload in PendingUpload.objects.filter(user=user):
        erasure.delete_file_later(upload.file.storage, upload.file.name)
    erasure.count("pending_uploads", PendingUpload.objects.filter(user=user).delete()[0])
    for job in Job.objects.filter(created_by=user):
        if job.file:
            erasure.delete_file_later(job.file.storage, job.file.name)
    erasure.count("jobs", Job.objects.filter(created_by=user).delete()[0])
    profile = getattr(user, "wagtail_userprofile", None)
    if profile is not None and getattr(profile, "avatar", None):
        erasure.delete_file_later(profile.avatar.storage, profile.avatar.name)


register_exporter("account", export_account)
register_exporter("comments", export_comments)
register_exporter("uploads", export_uploads_and_jobs)
register_eraser("comments", erase_comments)
register_eraser("account", erase_account_data)


# --------------------------------------------------------------------------------------------
# Retention


def unverified_account_days() -> int:
    return int(getattr(settings, "CIVIC_UNVERIFIED_ACCOUNT_DAYS", 14))


def comment_ip_days() -> int:
    return int(getattr(settings, "CIVIC_COMMENT_IP_RETENTION_DAYS", 30))


def purge_unverified_accounts(now) -> int:
    """Sign-ups whose address was never confirmed, older than CIVIC_UNVERIFIED_ACCOUNT_DAYS and
    never logged in since: erased (with anything they left, deleted)."""
    from allauth.account.models import EmailAddress
    from django.db.models import Exists, OuterRef

    from civic.models import User

    cutoff = now - timedelta(days=unverified_account_days())
    due = (
        User.objects.filter(date_joined__lt=cutoff, is_staff=False, is_superuser=False)
        .filter(models.Q(last_login__isnull=True) | models.Q(last_login__lt=cutoff))
        .filter(Exists(EmailAddress.objects.filter(user=OuterRef("pk"))))
        .exclude(Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)))
        .exclude(email=DELETED_ACCOUNT_EMAIL)
    )
    count = 0
    for user in due.iterator():
        erase_account(user, Mode.DELETE, requested=False)
        count += 1
    return count


def purge_comment_ips(now) -> int:
    """django-comments stores the poster's IP address: kept CIVIC_COMMENT_IP_RETENTION_DAYS
    days (to trace abuse), then cleared."""
    from django_comments_xtd.models import XtdComment

    cutoff = now - timedelta(days=comment_ip_days())
    return XtdComment.norel_objects.filter(submit_date__lt=cutoff, ip_address__isnull=False).update(
        ip_address=None
    )


def purge_pending_uploads(now) -> int:
    from civic.models import PendingUpload
    from civic.uploads import pending_upload_hours

    cutoff = now - timedelta(hours=pending_upload_hours())
    return PendingUpload.objects.filter(created__lt=cutoff).delete_with_files()


def purge_jobs(now) -> int:
    from civic.jobs import purge_finished_jobs

    return purge_finished_jobs(now)


def purge_sessions(now) -> int:
    """Expired sessions (database sessions only; cached sessions expire by themselves)."""
    from importlib import import_module

    engine = import_module(settings.SESSION_ENGINE)
    if not engine.__name__.endswith(".db"):
        return 0
    from django.contrib.sessions.models import Session

    return Session.objects.filter(expire_date__lt=now).delete()[0]


register_purger(
    "civic.pending_uploads", purge_pending_uploads, label=_("Zwischengespeicherte Dateien")
)
register_purger("civic.jobs", purge_jobs, label=_("Abgelaufene Exporte und Dokumente"))
register_purger(
    "civic.unverified_accounts", purge_unverified_accounts, label=_("Unbestätigte Konten")
)
register_purger("civic.comment_ips", purge_comment_ips, label=_("IP-Adressen von Kommentaren"))
register_purger("civic.sessions", purge_sessions, label=_("Abgelaufene Sitzungen"))


def run_purgers(now=None, *, only: list[str] | None = None) -> list[tuple[Purger, int]]:
    """Run every registered purger (each in its own transaction); returns (purger, count)."""
    now = now or timezone.now()
    results = []
    for purger in _PURGERS.values():
        if only and purger.name not in only:
            continue
        with transaction.atomic():
            count = int(purger.fn(now) or 0)
        results.append((purger, count))
    logger.info("Retention: %s", {p.name: n for p, n in results})
    return results


@task(backend="jobs")
def purge_personal_data_task() -> dict:
    """The daily retention run (enqueued by ``manage.py purge_personal_data --schedule``)."""
    return {purger.name: count for purger, count in run_purgers()}


# --------------------------------------------------------------------------------------------
# What the privacy page states


def retention_periods() -> list[dict]:
    """The retention times as configured, for the privacy page (never hard-coded there)."""
    from civic.uploads import pending_upload_hours

    def days(name, default):
        return int(getattr(settings, name, default))

    return [
        {
            "what": _("Kontaktdaten von Erzählenden ohne Konto"),
            "days": days("STADTGEDAECHTNIS_CONTACT_RETENTION_DAYS", 90),
            "after": _("nach der Entscheidung der Redaktion"),
        },
        {
            "what": _("Unbestätigte Einsendungen ohne Konto (mit Fotos und Tonaufnahmen)"),
            "days": days("STADTGEDAECHTNIS_UNCONFIRMED_DAYS", 7),
            "after": _("nach dem Absenden"),
        },
        {
            "what": _("Konten, deren E-Mail-Adresse nie bestätigt wurde"),
            "days": unverified_account_days(),
            "after": _("nach der Registrierung"),
        },
        {
            "what": _("IP-Adressen bei Kommentaren"),
            "days": comment_ip_days(),
            "after": _("nach dem Schreiben"),
        },
        {
            "what": _("Zwischengespeicherte Dateien unvollständiger Formulare"),
            "hours": pending_upload_hours(),
            "after": _("nach dem Hochladen"),
        },
        {
            "what": _("Exporte und erzeugte Dokumente"),
            "days": days("CIVIC_JOB_RETENTION_DAYS", 7),
            "after": _("nach der Erstellung"),
        },
    ]


# --------------------------------------------------------------------------------------------
# Audit log actions


@hooks.register("register_log_actions")
def register_privacy_log_actions(actions):
    actions.register_action(
        ACTION_EXPORT, _("Eigene Daten heruntergeladen"), _("Daten heruntergeladen")
    )
    actions.register_action(ACTION_DELETE, _("Eigenes Konto gelöscht"), _("Konto gelöscht"))
