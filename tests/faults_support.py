"""Fault injection for the "nothing half-written" tests (tests/test_faults_*.py).

Real faults, not mocked services: the database refuses the n-th write statement
(``connection.execute_wrapper``), or a real file system storage refuses the n-th file it is
asked to save. The tests then count the rows of every table the action touches and the files
under the media roots.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import DatabaseError, connection

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)
# Writes that belong to the request around the action, not to the action itself: the session,
# and Wagtail's derived tables, the reference index and the search index (Wagtail writes them in
# handlers that log and swallow a failure by design; `rebuild_references_index` and
# `update_index` rebuild them).
NOT_THE_ACTION = re.compile(
    r"django_session|django_tasks_database_dbtaskresult|wagtailcore_referenceindex|wagtailsearch_",
    re.I,
)


class FailOnNthWrite:
    """Raise :class:`DatabaseError` on the n-th INSERT/UPDATE/DELETE (as a broken connection,
    a full disk or a violated constraint would), once. ``statements`` records what ran."""

    def __init__(self, n: int, *, only: str | None = None):
        self.n = n
        self.only = re.compile(only, re.I) if only else None
        self.seen = 0
        self.fired_on: str | None = None
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        text = _text(sql, context)
        if WRITE.match(text) and not NOT_THE_ACTION.search(text.split("(")[0]):
            if self.only is None or self.only.search(text):
                self.seen += 1
                self.statements.append(text[:120])
                if self.seen == self.n and self.fired_on is None:
                    self.fired_on = text[:120]
                    raise DatabaseError(f"injected fault on write {self.n}: {text[:80]}")
        return execute(sql, params, many, context)

    @property
    def fired(self) -> bool:
        return self.fired_on is not None


def _text(sql, context) -> str:
    """The statement as text (Wagtail's PostgreSQL search backend sends psycopg ``Composed``)."""
    if isinstance(sql, str):
        return sql
    try:
        return sql.as_string(context["connection"].connection)
    except Exception:  # noqa: BLE001 - any other object: its repr names the tables too
        return str(sql)


@contextmanager
def fail_on_write(n: int, *, only: str | None = None):
    fault = FailOnNthWrite(n, only=only)
    with connection.execute_wrapper(fault):
        yield fault


class FailingStorage(FileSystemStorage):
    """A real file system storage that refuses the n-th save (``FailingStorage.fail_at``) with
    :class:`OSError`, as a full disk or a lost network mount would."""

    fail_at = 0
    saves = 0
    fired = False

    @classmethod
    def arm(cls, n: int) -> None:
        cls.fail_at, cls.saves, cls.fired = n, 0, False

    def _save(self, name, content):
        cls = type(self)
        cls.saves += 1
        if cls.saves == cls.fail_at:
            cls.fired = True
            raise OSError(28, "injected fault: no space left on device", name)
        return super()._save(name, content)


def use_failing_storage(settings_fixture, media_root: Path) -> None:
    """Make the default storage a :class:`FailingStorage` under ``media_root`` (disarmed)."""
    FailingStorage.arm(0)
    settings_fixture.MEDIA_ROOT = media_root
    settings_fixture.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.faults_support.FailingStorage"},
    }


def files_under(*roots) -> set[str]:
    """Every file below the roots, as paths relative to their root (prefixed by its index)."""
    found = set()
    for index, root in enumerate(roots):
        root = Path(root)
        if root.exists():
            found |= {f"{index}:{p.relative_to(root)}" for p in root.rglob("*") if p.is_file()}
    return found


def row_counts(*models) -> dict[str, int]:
    """Rows per model (label -> count)."""
    return {model._meta.label: model._default_manager.count() for model in models}
