"""Backup and restore: the database and both file storages in one archive (``manage.py backup`` /
``manage.py restore``, see docs/operations.md).

Why Django's serializers and not pg_dump: the same archive restores on SQLite and PostgreSQL (a
development copy of production, a move between the two), no client binary has to match the
server's version, and one code path is tested in CI on both databases. Rows keep their primary
keys; content types and permissions (created again by ``migrate``) are referred to by their
natural keys, so the archive does not depend on the order in which a database created them. For a
very large PostgreSQL database, pg_dump is faster and can run next to this (docs/operations.md).

The archive is a gzipped tar:

* ``manifest.json``: format, civic version, time, database vendor, applied migrations, rows per
  model, and size and SHA-256 of every other member;
* ``db.jsonl``: one serialized row per line (Django's ``jsonl`` format), streamed model by model;
* ``media/…`` and ``private/…``: every file of ``STORAGES["default"]`` and ``STORAGES["private"]``.

A restore checks everything before it writes anything: the manifest's checksums, the migrations
(the archive must come from the same schema), and that the database is empty (unless ``force``).
It then replaces the database's content in one transaction; files are written inside it and
deleted again if anything fails.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import PurePosixPath

from django.apps import apps
from django.core import serializers
from django.core.files.base import File
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "civic-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_MEMBER = "db.jsonl"
#: Storage alias -> folder in the archive.
STORAGE_FOLDERS = {"default": "media", "private": "private"}
#: Created again by ``migrate``; rows elsewhere refer to them by natural key.
NOT_DUMPED = {"contenttypes.contenttype", "auth.permission"}
#: Derived or short-lived: not in the archive, emptied on restore (the search index is rebuilt).
DERIVED = {"sessions.session", "wagtailsearch.indexentry", "wagtailsearch.sqliteftsindexentry"}
#: Filled by ``migrate`` itself: a database with rows only here counts as empty.
MIGRATION_CONTENT = {
    "auth.group",
    "auth.group_permissions",
    "wagtailcore.page",
    "wagtailcore.locale",
    "wagtailcore.site",
    "wagtailcore.collection",
    "wagtailcore.groupcollectionpermission",
    "wagtailcore.grouppagepermission",
    "wagtailcore.referenceindex",
    "wagtailcore.revision",
    "wagtailcore.workflow",
    "wagtailcore.workflowtask",
    "wagtailcore.workflowpage",
    "wagtailcore.task",
    "wagtailcore.groupapprovaltask",
    "civic.homepage",
    "civic.commentremovalreason",
    "sites.site",
}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The archive cannot be written or restored; the message says why (translated)."""


@dataclass
class RestoreReport:
    created: str
    rows: dict[str, int] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)
    replaced: bool = False


def _label(model) -> str:
    return model._meta.label_lower


def dumped_models() -> list:
    """Every concrete model whose rows go into the archive, parents before children."""
    # Many-to-many rows travel with the model that declares the field (as dumpdata does).
    models = [
        m
        for m in apps.get_models()
        if m._meta.managed
        and not m._meta.proxy
        and _label(m) not in NOT_DUMPED
        and _label(m) not in DERIVED
    ]
    ordered = serializers.sort_dependencies([(None, models)], allow_cycles=True)
    return ordered


def _sha256_file(path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _storage_files(storage, folder: str = ""):
    """Every file name in a storage, depth first, sorted (works for any Django storage)."""
    try:
        directories, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for directory in sorted(directories):
        yield from _storage_files(storage, f"{folder}/{directory}" if folder else directory)


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    recorder = MigrationRecorder(connections[using])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _version() -> str:
    try:
        return metadata.version("civic")
    except metadata.PackageNotFoundError:
        return "unknown"


# --------------------------------------------------------------------------------------------
# Backup


def write_backup(target, *, using: str = DEFAULT_DB_ALIAS, stdout=None) -> dict:
    """Write the archive to ``target`` (a path); returns the manifest.

    The rows are read in one transaction (on PostgreSQL a repeatable-read snapshot), so they
    are consistent with each other even while the site is in use.
    """
    connection = connections[using]
    target = os.fspath(target)
    with tempfile.TemporaryDirectory(prefix="civic-backup-") as workdir:
        db_path = os.path.join(workdir, DB_MEMBER)
        counts = _dump_database(db_path, using)
        db_sha, db_size = _sha256_file(db_path)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "civic_version": _version(),
            "created": timezone.now().isoformat(),
            "database": connection.vendor,
            "migrations": applied_migrations(using),
            "counts": counts,
            "members": {DB_MEMBER: {"sha256": db_sha, "size": db_size}},
        }
        partial = target + ".partial"
        try:
            with tarfile.open(partial, "w:gz") as archive:
                archive.add(db_path, arcname=DB_MEMBER)
                for alias, folder in STORAGE_FOLDERS.items():
                    storage = storages[alias]
                    for name in _storage_files(storage):
                        member = f"{folder}/{name}"
                        manifest["members"][member] = _add_file(archive, storage, name, member)
                data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime = len(data), int(timezone.now().timestamp())
                archive.addfile(info, io.BytesIO(data))
            os.replace(partial, target)  # a half-written archive never has the final name
        finally:
            if os.path.exists(partial):
                os.remove(partial)
    return manifest


def _dump_database(path, using) -> dict[str, int]:
    connection = connections[using]
    counts: dict[str, int] = {}
    outermost = not connection.in_atomic_block
    with open(path, "w", encoding="utf-8") as out, transaction.atomic(using=using):
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for all tables (inside a caller's transaction, that one is used).
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for model in dumped_models():
            queryset = model._base_manager.using(using).order_by(model._meta.pk.name)
            counter = _Counter(queryset.iterator(chunk_size=2000))
            serializers.serialize(
                "jsonl",
                counter,
                stream=out,
                use_natural_foreign_keys=True,
                use_natural_primary_keys=False,
            )
            counts[_label(model)] = counter.count
    return counts


class _Counter:
    def __init__(self, iterable):
        self.iterable, self.count = iterable, 0

    def __iter__(self):
        for item in self.iterable:
            self.count += 1
            yield item


def _add_file(archive, storage, name, member) -> dict:
    digest, size = hashlib.sha256(), 0
    with storage.open(name, "rb") as source, tempfile.TemporaryFile() as copy:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            copy.write(chunk)
        copy.seek(0)
        info = tarfile.TarInfo(member)
        info.size, info.mtime = size, int(timezone.now().timestamp())
        archive.addfile(info, copy)
    return {"sha256": digest.hexdigest(), "size": size}


# --------------------------------------------------------------------------------------------
# Restore


def read_manifest(archive_path) -> dict:
    try:
        with tarfile.open(archive_path, "r:*") as archive:
            member = archive.extractfile(MANIFEST)
            manifest = json.load(member)
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(
            _("„%(path)s“ ist keine lesbare Sicherung von civic (%(reason)s).")
            % {"path": archive_path, "reason": exc}
        ) from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("Unbekanntes Format der Sicherung: %(format)s %(version)s.")
            % {
                "format": manifest.get("format"),
                "version": manifest.get("format_version"),
            }
        )
    return manifest


def verify_archive(archive_path, manifest) -> None:
    """Every member has the size and checksum the manifest lists, and nothing is missing."""
    expected = dict(manifest["members"])
    with tarfile.open(archive_path, "r:*") as archive:
        for info in archive:
            if info.name == MANIFEST:
                continue
            entry = expected.pop(info.name, None)
            if entry is None or not info.isfile():
                raise BackupError(
                    _("Die Sicherung enthält „%(name)s“, das nicht im Manifest steht.")
                    % {"name": info.name}
                )
            digest = hashlib.sha256()
            source = archive.extractfile(info)
            while chunk := source.read(CHUNK):
                digest.update(chunk)
            if digest.hexdigest() != entry["sha256"] or info.size != entry["size"]:
                raise BackupError(
                    _("Prüfsumme falsch: „%(name)s“ ist beschädigt. Es wurde nichts verändert.")
                    % {"name": info.name}
                )
    if expected:
        raise BackupError(
            _("In der Sicherung fehlen %(count)d Dateien, z. B. „%(name)s“.")
            % {"count": len(expected), "name": sorted(expected)[0]}
        )


def database_content(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows in tables that ``migrate`` does not fill (empty dict: the database counts as empty)."""
    content = {}
    for model in dumped_models():
        label = _label(model)
        if label in MIGRATION_CONTENT:
            continue
        count = model._base_manager.using(using).count()
        if count:
            content[label] = count
    return content


def _check_schema(manifest, using) -> None:
    connection = connections[using]
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise BackupError(
            _("Die Datenbank ist nicht auf dem neuesten Stand: bitte zuerst „manage.py migrate“.")
        )
    ours, theirs = set(applied_migrations(using)), set(manifest.get("migrations", []))
    if ours != theirs:
        missing = sorted(theirs - ours)[:3]
        newer = sorted(ours - theirs)[:3]
        raise BackupError(
            _(
                "Die Sicherung passt nicht zum Datenbankschema dieser Version (in der Sicherung, "
                "nicht hier: %(missing)s; hier, nicht in der Sicherung: %(newer)s). Stellen Sie "
                "mit der civic-Version %(version)s wieder her und führen Sie danach "
                "„manage.py migrate“ aus."
            )
            % {
                "missing": ", ".join(missing) or "–",
                "newer": ", ".join(newer) or "–",
                "version": manifest.get("civic_version", "?"),
            }
        )


def restore_backup(archive_path, *, force=False, using=DEFAULT_DB_ALIAS) -> RestoreReport:
    """Replace the database's content and the stored files with the archive's.

    Refuses (``BackupError``, nothing changed) when the archive is damaged, comes from another
    schema, or the database already holds content and ``force`` is false.
    """
    archive_path = os.fspath(archive_path)
    manifest = read_manifest(archive_path)
    verify_archive(archive_path, manifest)
    _check_schema(manifest, using)
    content = database_content(using)
    if content and not force:
        sample = ", ".join(f"{label}: {count}" for label, count in sorted(content.items())[:4])
        raise BackupError(
            _(
                "Die Datenbank ist nicht leer (%(sample)s). Eine Wiederherstellung würde diese "
                "Daten ersetzen; dafür „--force“ angeben."
            )
            % {"sample": sample}
        )
    report = RestoreReport(created=manifest["created"], replaced=bool(content))
    written: list[tuple[object, str]] = []
    try:
        with transaction.atomic(using=using):
            _flush(using)
            _load_rows(archive_path, using)
            report.rows = _count_rows(manifest, using)
            report.files = _restore_files(archive_path, manifest, written)
    except BaseException:
        for storage, name in written:
            try:
                storage.delete(name)
            except OSError:
                pass
        raise
    # The search index is derived from the restored rows.
    call_command("update_index", verbosity=0)
    return report


def _flush(using) -> None:
    """Empty every table the archive fills (and the derived ones), inside the transaction.

    DELETE rather than TRUNCATE: it works inside any transaction on both databases, and the
    foreign keys (deferred until the commit) are checked once everything is loaded.
    """
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    tables = []
    for model in dumped_models():
        tables.append(model._meta.db_table)
        tables += [
            f.remote_field.through._meta.db_table
            for f in model._meta.local_many_to_many
            if f.remote_field.through._meta.auto_created
        ]
    tables += [
        m._meta.db_table for m in apps.get_models(include_auto_created=True) if _label(m) in DERIVED
    ]
    with connection.cursor() as cursor:
        for table in dict.fromkeys(tables):
            if table in existing:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


def _load_rows(archive_path, using) -> None:
    connection = connections[using]
    models = set()
    with tarfile.open(archive_path, "r:*") as archive:
        stream = io.TextIOWrapper(archive.extractfile(DB_MEMBER), encoding="utf-8")
        with connection.constraint_checks_disabled():
            for obj in serializers.deserialize(
                "jsonl", stream, using=using, handle_forward_references=True
            ):
                obj.save(using=using)
                models.add(obj.object.__class__)
    # Rows kept their primary keys: move PostgreSQL's sequences past them.
    sequence_sql = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for sql in sequence_sql:
            cursor.execute(sql)
        connection.check_constraints(table_names=[m._meta.db_table for m in models])


def _count_rows(manifest, using) -> dict[str, int]:
    counts = {}
    by_label = {_label(m): m for m in dumped_models()}
    for label, expected in manifest["counts"].items():
        model = by_label.get(label)
        actual = model._base_manager.using(using).count() if model else None
        if actual != expected:
            raise BackupError(
                _("%(model)s: %(expected)s Zeilen in der Sicherung, %(actual)s wiederhergestellt.")
                % {"model": label, "expected": expected, "actual": actual}
            )
        counts[label] = actual
    return counts


def _restore_files(archive_path, manifest, written) -> dict[str, int]:
    folders = {folder: alias for alias, folder in STORAGE_FOLDERS.items()}
    counts = dict.fromkeys(STORAGE_FOLDERS, 0)
    with tarfile.open(archive_path, "r:*") as archive:
        for info in archive:
            if info.name in (MANIFEST, DB_MEMBER):
                continue
            path = PurePosixPath(info.name)
            alias = folders.get(path.parts[0])
            name = str(PurePosixPath(*path.parts[1:]))
            if alias is None or ".." in path.parts or path.is_absolute():
                raise BackupError(
                    _("Unerwarteter Pfad in der Sicherung: %(name)s") % {"name": path}
                )
            storage = storages[alias]
            if storage.exists(name):
                storage.delete(name)
            with tempfile.TemporaryFile() as copy:
                shutil.copyfileobj(archive.extractfile(info), copy, CHUNK)
                copy.seek(0)
                saved = storage.save(name, File(copy, name=name))
            written.append((storage, saved))
            if saved != name:
                raise BackupError(
                    _("Die Datei „%(name)s“ wurde als „%(saved)s“ gespeichert.")
                    % {"name": name, "saved": saved}
                )
            counts[alias] += 1
    return counts
