"""Exports of a participation round for the steering group: proposals and comments.

Two kinds, four formats:

* **Vorschläge** (``proposals``): one row per proposal of the round (hidden, withdrawn and merged
  ones included, with their status), votes online and offline, comment count, the official answer,
  merge and carry-over references, the public point. As CSV, XLSX, GeoJSON and GeoPackage.
* **Kommentare** (``comments``): every comment on the round's proposals with its thread
  structure (id, parent id, thread id, level, order). As CSV and XLSX.

Decisions (also in the admin page's help text):

* **CSV** is written for Excel in Germany: UTF-8 with a byte order mark, ``;`` as separator,
  decimal comma for coordinates, dates as ``YYYY-MM-DD HH:MM`` (local time). Text cells that
  start with ``= + - @`` get a leading apostrophe so that Excel does not run them as formulas.
* **XLSX** (openpyxl, write-only): native numbers and dates (local time), every text cell stored
  as text, never as a formula.
* **GeoJSON** (RFC 7946, EPSG:4326) and **GeoPackage** (layer ``vorschlaege``, EPSG:4326) hold
  only proposals *with* a point; the others are omitted (GIS tools handle null geometries
  badly; CSV/XLSX have every proposal). Property names are the stable column keys; dates are
  ISO 8601 strings.
* Header rows of CSV and XLSX are the German (translated) column labels.

Memory stays bounded whatever the round's size: rows come from ``values()`` querysets with all
figures as correlated subqueries (one query per export, see :func:`agenda.results.annotate_tallies`)
read with ``.iterator(chunk_size=…)``, and are written row by row (GeoPackage: appended in
chunks through pyogrio).

**No private data**: no e-mail address, contact data or account id. The author column shows what
the public proposal page shows (:attr:`Proposal.origin_label`): the offline source, the author's
public name ("Anonym" without one) or "Redaktion"; comments show the public name.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agenda.models import Proposal, ProposalStatus
from agenda.results import annotate_tallies

#: Wagtail log action of every export (registered in ``agenda.export_registration``).
LOG_EXPORT = "agenda.export"

PROPOSALS = "proposals"
COMMENTS = "comments"

CSV = "csv"
XLSX = "xlsx"
GEOJSON = "geojson"
GPKG = "gpkg"

CSV_DELIMITER = ";"
CHUNK_SIZE = 2000
GPKG_LAYER = "vorschlaege"

#: Above this many rows an export runs only as a background job (setting
#: ``AGENDA_EXPORT_STREAM_LIMIT``); below, it can also be downloaded at once.
DEFAULT_STREAM_LIMIT = 5000

FORMATS = {
    CSV: {"label": "CSV", "content_type": "text/csv; charset=utf-8", "extension": "csv"},
    XLSX: {
        "label": "XLSX",
        "content_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "extension": "xlsx",
    },
    GEOJSON: {
        "label": "GeoJSON",
        "content_type": "application/geo+json",
        "extension": "geojson",
    },
    GPKG: {
        "label": "GeoPackage",
        "content_type": "application/geopackage+sqlite3",
        "extension": "gpkg",
    },
}

#: Formats with only the proposals that have a point.
GEO_FORMATS = frozenset({GEOJSON, GPKG})

#: Formats that are produced as a stream of text (and can be streamed over HTTP).
STREAMING_FORMATS = frozenset({CSV, GEOJSON})


def stream_limit() -> int:
    return int(getattr(settings, "AGENDA_EXPORT_STREAM_LIMIT", DEFAULT_STREAM_LIMIT))


# --------------------------------------------------------------------------------------------
# Columns


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # lazy translation
    type: str = "text"  # text | user_text | int | float | bool | datetime


PROPOSAL_COLUMNS = [
    Column("reference", _("Kennung")),
    Column("number", _("Nummer"), "int"),
    Column("title", _("Titel"), "user_text"),
    Column("description", _("Beschreibung"), "user_text"),
    Column("field_of_action", _("Handlungsfeld"), "user_text"),
    Column("district", _("Stadtteil"), "user_text"),
    Column("status", _("Status")),
    Column("hidden", _("Ausgeblendet"), "bool"),
    Column("origin", _("Herkunft")),
    Column("author", _("Verfasst von"), "user_text"),
    Column("online_support", _("Online dafür"), "int"),
    Column("online_against", _("Online dagegen"), "int"),
    Column("offline_support", _("Offline dafür"), "int"),
    Column("offline_against", _("Offline dagegen"), "int"),
    Column("total_support", _("Gesamt dafür"), "int"),
    Column("total_against", _("Gesamt dagegen"), "int"),
    Column("comment_count", _("Kommentare"), "int"),
    Column("answer", _("Antwort der Steuerungsgruppe"), "user_text"),
    Column("answer_published", _("Antwort veröffentlicht"), "bool"),
    Column("answered_at", _("Beantwortet am"), "datetime"),
    Column("merged_into", _("Zusammengeführt mit")),
    Column("carried_from", _("Übernommen aus")),
    Column("carried_to", _("Übernommen in")),
    Column("created", _("Eingereicht am"), "datetime"),
    Column("lat", _("Breitengrad"), "float"),
    Column("lon", _("Längengrad"), "float"),
]

COMMENT_COLUMNS = [
    Column("id", _("Kommentar-ID"), "int"),
    Column("parent_id", _("Antwort auf (ID)"), "int"),
    Column("thread_id", _("Diskussionsstrang (ID)"), "int"),
    Column("level", _("Ebene"), "int"),
    Column("order", _("Reihenfolge im Strang"), "int"),
    Column("proposal", _("Vorschlag")),
    Column("submitted", _("Geschrieben am"), "datetime"),
    Column("author", _("Verfasst von"), "user_text"),
    Column("text", _("Text"), "user_text"),
    Column("state", _("Zustand")),
]

#: Columns of the geographic formats: the point is the geometry.
GEO_COLUMNS = [c for c in PROPOSAL_COLUMNS if c.key not in ("lat", "lon")]


@dataclass(frozen=True)
class ExportKind:
    key: str
    label: str
    description: str
    columns: list[Column]
    formats: tuple[str, ...]
    file_stem: str


KINDS = {
    PROPOSALS: ExportKind(
        PROPOSALS,
        _("Vorschläge"),
        _(
            "Alle Vorschläge der Runde mit Stimmen (online und offline), Zahl der Kommentare, "
            "Status, Antwort und Ort. GeoJSON und GeoPackage enthalten nur Vorschläge mit Ort."
        ),
        PROPOSAL_COLUMNS,
        (CSV, XLSX, GEOJSON, GPKG),
        "vorschlaege",
    ),
    COMMENTS: ExportKind(
        COMMENTS,
        _("Kommentare"),
        _(
            "Alle Kommentare zu den Vorschlägen der Runde mit ihrer Struktur (Antwort auf, "
            "Strang, Ebene). Entfernte Kommentare erscheinen mit dem Hinweis der Redaktion "
            "statt ihres Textes."
        ),
        COMMENT_COLUMNS,
        (CSV, XLSX),
        "kommentare",
    ),
}


def is_valid(kind: str, fmt: str) -> bool:
    return kind in KINDS and fmt in KINDS[kind].formats


def filename(round_page, kind: str, fmt: str) -> str:
    """E.g. ``runde-2-vorschlaege.xlsx``."""
    stem = slugify(round_page.slug or round_page.title) or f"runde-{round_page.pk}"
    return f"{stem}-{KINDS[kind].file_stem}.{FORMATS[fmt]['extension']}"


# --------------------------------------------------------------------------------------------
# Rows


def _reference(prefix, year, number) -> str:
    if number is None:
        return ""
    return f"{prefix}-{year}-{number:03d}"


def _origin_author(row) -> tuple[str, str]:
    """What the public proposal page shows as the origin (never an address)."""
    if row["offline_source_id"]:
        return gettext("offline"), row["offline_source__name"] or ""
    if row["author_id"]:
        return gettext("online"), row["author__display_name"] or gettext("Anonym")
    return gettext("Redaktion"), gettext("Redaktion")


def proposal_queryset(round_page, *, with_point: bool = False):
    """The round's proposals as dicts, every figure computed by the database in one query."""
    carried = Proposal.objects.filter(carried_from=OuterRef("pk")).order_by("pk")
    qs = Proposal.objects.filter(round=round_page)
    if with_point:
        qs = qs.filter(lat__isnull=False, lon__isnull=False)
    return (
        annotate_tallies(qs)
        .annotate(
            carried_to_number=Subquery(carried.values("number")[:1]),
            carried_to_prefix=Subquery(carried.values("round__reference_prefix")[:1]),
            carried_to_year=Subquery(carried.values("round__reference_year")[:1]),
        )
        .order_by("number", "pk")
        .values(
            "pk",
            "number",
            "title",
            "description",
            "field_of_action__name",
            "district__name",
            "status",
            "hidden",
            "author_id",
            "author__display_name",
            "offline_source_id",
            "offline_source__name",
            "online_support",
            "online_against",
            "offline_support",
            "offline_against",
            "total_support",
            "total_against",
            "comment_count",
            "answer",
            "answer_published",
            "answered_at",
            "merged_into__number",
            "merged_into__round__reference_prefix",
            "merged_into__round__reference_year",
            "carried_from__number",
            "carried_from__round__reference_prefix",
            "carried_from__round__reference_year",
            "carried_to_number",
            "carried_to_prefix",
            "carried_to_year",
            "created",
            "lat",
            "lon",
        )
    )


def proposal_rows(round_page, *, with_point: bool = False) -> Iterator[dict]:
    """One dict per proposal, keyed like :data:`PROPOSAL_COLUMNS` (typed Python values)."""
    statuses = {value: str(label) for value, label in ProposalStatus.choices}
    prefix, year = round_page.reference_prefix, round_page.reference_year
    for row in proposal_queryset(round_page, with_point=with_point).iterator(chunk_size=CHUNK_SIZE):
        origin, author = _origin_author(row)
        yield {
            "reference": _reference(prefix, year, row["number"]),
            "number": row["number"],
            "title": row["title"],
            "description": row["description"],
            "field_of_action": row["field_of_action__name"] or "",
            "district": row["district__name"] or "",
            "status": statuses.get(row["status"], row["status"]),
            "hidden": row["hidden"],
            "origin": origin,
            "author": author,
            "online_support": row["online_support"],
            "online_against": row["online_against"],
            "offline_support": row["offline_support"],
            "offline_against": row["offline_against"],
            "total_support": row["total_support"],
            "total_against": row["total_against"],
            "comment_count": row["comment_count"],
            "answer": row["answer"],
            "answer_published": row["answer_published"],
            "answered_at": row["answered_at"],
            "merged_into": _reference(
                row["merged_into__round__reference_prefix"],
                row["merged_into__round__reference_year"],
                row["merged_into__number"],
            ),
            "carried_from": _reference(
                row["carried_from__round__reference_prefix"],
                row["carried_from__round__reference_year"],
                row["carried_from__number"],
            ),
            "carried_to": _reference(
                row["carried_to_prefix"], row["carried_to_year"], row["carried_to_number"]
            ),
            "created": row["created"],
            "lat": row["lat"],
            "lon": row["lon"],
        }


def _comment_model():
    from django_comments_xtd.models import XtdComment

    return XtdComment


def comment_queryset(round_page):
    """Every comment (any state) on the round's proposals as dicts, in thread order."""
    proposal_ids = (
        Proposal.objects.filter(round=round_page)
        .annotate(pk_text=Cast("pk", CharField()))
        .values("pk_text")
    )
    number = Proposal.objects.filter(pk=Cast(OuterRef("object_pk"), BigIntegerField())).values(
        "number"
    )[:1]
    return (
        _comment_model()
        .norel_objects.filter(
            content_type=ContentType.objects.get_for_model(Proposal),
            object_pk__in=proposal_ids,
        )
        .annotate(proposal_number=Subquery(number))
        .order_by("proposal_number", "thread_id", "order", "pk")
        .values(
            "pk",
            "parent_id",
            "thread_id",
            "level",
            "order",
            "proposal_number",
            "submit_date",
            "user_id",
            "user__display_name",
            "comment",
            "is_public",
            "is_removed",
            "civic_removal__reason_text",
            "civic_removal__note",
        )
    )


def _removal_note(row) -> str:
    reason = " – ".join(
        part for part in (row["civic_removal__reason_text"], row["civic_removal__note"]) if part
    )
    if reason:
        return gettext("Von der Redaktion entfernt: %(reason)s") % {"reason": reason}
    return gettext("Von der Redaktion entfernt.")


def comment_rows(round_page) -> Iterator[dict]:
    """One dict per comment, keyed like :data:`COMMENT_COLUMNS`. Removed comments carry the
    removal note instead of their text (as on the public page); the author is the public name."""
    prefix, year = round_page.reference_prefix, round_page.reference_year
    state_public = gettext("öffentlich")
    state_removed = gettext("entfernt")
    state_waiting = gettext("nicht freigegeben")
    for row in comment_queryset(round_page).iterator(chunk_size=CHUNK_SIZE):
        if row["is_removed"]:
            text, state = _removal_note(row), state_removed
        else:
            text = row["comment"]
            state = state_public if row["is_public"] else state_waiting
        if row["user_id"]:
            author = row["user__display_name"] or gettext("Anonym")
        else:
            author = gettext("Anonym")
        yield {
            "id": row["pk"],
            # django-comments-xtd marks a thread's first comment with parent_id == its own id
            "parent_id": None if row["parent_id"] in (row["pk"], 0, None) else row["parent_id"],
            "thread_id": row["thread_id"],
            "level": row["level"],
            "order": row["order"],
            "proposal": _reference(prefix, year, row["proposal_number"]),
            "submitted": row["submit_date"],
            "author": author,
            "text": text,
            "state": state,
        }


def count_rows(round_page, kind: str, fmt: str | None = None) -> int:
    """How many rows an export has (for progress and the stream-or-job decision)."""
    if kind == COMMENTS:
        return comment_queryset(round_page).count()
    qs = Proposal.objects.filter(round=round_page)
    if fmt in GEO_FORMATS:
        qs = qs.filter(lat__isnull=False, lon__isnull=False)
    return qs.count()


def rows_for(round_page, kind: str, fmt: str) -> Iterator[dict]:
    if kind == COMMENTS:
        return comment_rows(round_page)
    return proposal_rows(round_page, with_point=fmt in GEO_FORMATS)


# --------------------------------------------------------------------------------------------
# Cell values per format

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _local(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def csv_value(value, column: Column) -> str:
    if value is None:
        return ""
    if column.type == "bool":
        return gettext("ja") if value else gettext("nein")
    if column.type == "datetime":
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if column.type == "float":
        return repr(float(value)).replace(".", ",")
    if column.type == "int":
        return str(value)
    text = str(value)
    if column.type == "user_text" and text.startswith(_FORMULA_START):
        # Excel would evaluate "=…" typed by a resident as a formula (CSV injection).
        return "'" + text
    return text


def json_value(value, column: Column):
    if value is None:
        return None
    if column.type == "datetime":
        return _local(value).isoformat()
    return value


# --------------------------------------------------------------------------------------------
# Writers. Each takes an iterable of row dicts and an optional ``progress(done, total)``.

Progress = Callable[[int], None] | None


class _Echo:
    """A file-like object whose write() returns what it was given (csv.writer → generator)."""

    def write(self, value):
        return value


def iter_csv(rows: Iterable[dict], columns: list[Column], progress: Progress = None):
    """The CSV as a stream of text lines (the first one starts with the BOM)."""
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER, lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([str(c.label) for c in columns])
    for done, row in enumerate(rows, start=1):
        yield writer.writerow([csv_value(row[c.key], c) for c in columns])
        if progress and done % 500 == 0:
            progress(done)
    if progress:
        progress(-1)


def iter_geojson(rows: Iterable[dict], columns: list[Column], progress: Progress = None):
    """A GeoJSON FeatureCollection (RFC 7946) as a stream of text, one feature per line."""
    yield '{"type": "FeatureCollection", "name": ' + json.dumps(GPKG_LAYER) + ', "features": [\n'
    separator = ""
    for done, row in enumerate(rows, start=1):
        feature = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
            "properties": {c.key: json_value(row[c.key], c) for c in columns},
        }
        yield separator + json.dumps(feature, ensure_ascii=False)
        separator = ",\n"
        if progress and done % 500 == 0:
            progress(done)
    yield "\n]}\n"
    if progress:
        progress(-1)


def write_text(chunks: Iterable[str], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        for chunk in chunks:
            fh.write(chunk)


def encode_stream(chunks: Iterable[str]) -> Iterator[bytes]:
    """UTF-8 bytes of a text stream, batched to ~64 KB so a response is not a flood of tiny
    writes."""
    encoder = codecs.getincrementalencoder("utf-8")()
    buffer: list[str] = []
    size = 0
    for chunk in chunks:
        buffer.append(chunk)
        size += len(chunk)
        if size >= 65536:
            yield encoder.encode("".join(buffer))
            buffer, size = [], 0
    yield encoder.encode("".join(buffer), final=True)


def write_xlsx(
    rows: Iterable[dict],
    columns: list[Column],
    path: Path,
    sheet_title: str,
    progress: Progress = None,
) -> None:
    """An XLSX workbook with one sheet, written row by row (openpyxl's write-only mode)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def header_cell(label):
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = bold
        return cell

    sheet.append([header_cell(c.label) for c in columns])

    def cell(value, column: Column):
        if value is None:
            return None
        if column.type == "datetime":
            return timezone.make_naive(value) if timezone.is_aware(value) else value
        if column.type in ("int", "float", "bool"):
            return value
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        # Force text: openpyxl would store "=…" as a formula.
        text_cell = WriteOnlyCell(sheet, value=text)
        text_cell.data_type = "s"
        return text_cell

    done = 0
    for done, row in enumerate(rows, start=1):
        sheet.append([cell(row[c.key], c) for c in columns])
        if progress and done % 500 == 0:
            progress(done)
    workbook.save(path)
    if progress:
        progress(-1)


def write_gpkg(
    rows: Iterable[dict],
    columns: list[Column],
    path: Path,
    progress: Progress = None,
    chunk_size: int = CHUNK_SIZE,
) -> None:
    """A GeoPackage with the layer ``vorschlaege`` (points, EPSG:4326), appended in chunks so
    that at most ``chunk_size`` rows are held at once."""
    import geopandas
    import pandas
    import pyogrio
    from shapely import points

    dtypes = {
        "int": "int64",
        "float": "float64",
        "bool": "bool",
    }

    def frame(batch: list[dict]):
        data = {}
        for c in columns:
            values = [row[c.key] for row in batch]
            if c.type == "datetime":
                values = [json_value(v, c) for v in values]
            data[c.key] = pandas.Series(values, dtype=dtypes.get(c.type, "object"))
        geometry = geopandas.GeoSeries(
            points([[row["lon"], row["lat"]] for row in batch]) if batch else [],
            crs="EPSG:4326",
        )
        return geopandas.GeoDataFrame(pandas.DataFrame(data), geometry=geometry, crs="EPSG:4326")

    if path.exists():
        path.unlink()
    written = False
    done = 0
    batch: list[dict] = []

    def flush():
        nonlocal written
        pyogrio.write_dataframe(
            frame(batch),
            path,
            layer=GPKG_LAYER,
            driver="GPKG",
            geometry_type="Point",
            append=written,
        )
        written = True

    for row in rows:
        batch.append(row)
        done += 1
        if len(batch) >= chunk_size:
            flush()
            batch = []
            if progress:
                progress(done)
    if batch or not written:
        flush()
    if progress:
        progress(-1)


# --------------------------------------------------------------------------------------------
# Entry points


def export_to_path(
    round_page,
    kind: str,
    fmt: str,
    directory: Path,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write the export into ``directory`` and return the file's path.

    ``progress(done, total)`` is called now and then (for the background job's progress bar).
    """
    if not is_valid(kind, fmt):
        raise ValueError(f"Unknown export {kind}.{fmt}")
    path = Path(directory) / filename(round_page, kind, fmt)
    export_kind = KINDS[kind]
    total = count_rows(round_page, kind, fmt)
    step = None
    if progress is not None:
        progress(0, total)

        def step(done):
            progress(total if done < 0 else min(done, total), total)

    rows = rows_for(round_page, kind, fmt)
    if fmt == CSV:
        write_text(iter_csv(rows, export_kind.columns, step), path)
    elif fmt == GEOJSON:
        write_text(iter_geojson(rows, GEO_COLUMNS, step), path)
    elif fmt == XLSX:
        write_xlsx(rows, export_kind.columns, path, str(export_kind.label), step)
    else:
        write_gpkg(rows, GEO_COLUMNS, path, step)
    return path


def stream(round_page, kind: str, fmt: str) -> Iterator[bytes]:
    """The export as UTF-8 bytes, produced while they are sent (CSV and GeoJSON only)."""
    if fmt not in STREAMING_FORMATS or not is_valid(kind, fmt):
        raise ValueError(f"{kind}.{fmt} cannot be streamed")
    rows = rows_for(round_page, kind, fmt)
    if fmt == CSV:
        chunks = iter_csv(rows, KINDS[kind].columns)
    else:
        chunks = iter_geojson(rows, GEO_COLUMNS)
    # The body is produced after the view has returned, when the admin's per-user language is
    # no longer active: keep the caller's language for headers and labels.
    return _in_language(encode_stream(chunks), translation.get_language())


def _in_language(chunks: Iterator[bytes], language: str | None) -> Iterator[bytes]:
    with translation.override(language):
        yield from chunks


def log_export(round_page, kind: str, fmt: str, *, user, mode: str, rows: int | None = None):
    """Record in Wagtail's log (the round's history) that and by whom an export was made."""
    from wagtail.log_actions import log

    data = {"kind": kind, "format": fmt, "mode": mode}
    if rows is not None:
        data["rows"] = rows
    return log(instance=round_page, action=LOG_EXPORT, user=user, data=data)
