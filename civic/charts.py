"""Server-rendered charts (SVG) and choropleth data for dashboards and reports.

Pure functions without database access: the caller aggregates (in SQL), this module draws.
Everything a chart shows is also in its data table, for screen readers and for copying.

Charts
------
:func:`bar_chart` draws horizontal bars, one series or several (grouped or stacked)::

    c = bar_chart([("Verkehr", 12), ("Schule", 7)], title=_("Vorschläge je Handlungsfeld"),
                  value_label=_("Vorschläge"))
    c = bar_chart(
        [("Mitte", {"online": 4, "offline": 2}), ("Nord", {"online": 1, "offline": 0})],
        title=..., value_label=_("Beiträge"),
        series=[("online", _("online")), ("offline", _("offline"))], stacked=True,
    )

:func:`time_series` draws values per day (or per month) as columns or lines, with shaded phase
bands; days without a value are filled with 0 between the first and the last date (or
``start``/``end``)::

    c = time_series([(date(2026, 3, 1), {"proposals": 3, "votes": 10}), ...],
                    title=..., series=[("proposals", _("Vorschläge")), ("votes", _("Stimmen"))],
                    bands=[(date(2026, 3, 1), date(2026, 3, 14), _("Ideensammlung"))])
    c = time_series([(date(2025, 1, 1), 4), ...], title=..., series=[("n", _("Erinnerungen"))],
                    period="month")        # one value per point: a single series

Both return a :class:`Chart`: ``.svg`` (a SafeString with ``role="img"``, ``<title>``, ``<desc>``
and ``aria-labelledby``; colours as presentation attributes, no ``style`` attribute, so the strict
CSP of the public site allows it), ``.table`` (a :class:`DataTable`: caption, headers, rows of
display strings) and ``.empty``. Render it with ``{% load civic_charts %}{% chart c %}``: a
``<figure>`` with caption, the SVG and the table in ``<details>`` ("Daten als Tabelle").

Choropleth
----------
:func:`choropleth` classifies a value per district (quantiles or equal intervals, a sequential
palette; 0 and "keine Daten" get their own grey classes) and returns a :class:`Choropleth` with
``.geojson`` (a FeatureCollection whose properties carry value, label, colour and class),
``.legend`` and ``.table``. ``{% choropleth_map c %}`` renders the map container
(``data-civic-choropleth``, drawn by ``static/js/civic-choropleth.js`` with Leaflet; the page must
load ``leaflet/leaflet.js``, ``js/civic-map.js`` and ``js/civic-choropleth.js``, or use
``{% choropleth_assets %}``), the legend and the table beside it.

All labels are escaped (they come from users: proposal titles, district names). Numbers are
formatted for the active language (German: ``1.234,5``).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

__all__ = [
    "SERIES_COLOURS",
    "SEQUENTIAL_PALETTE",
    "Chart",
    "Choropleth",
    "DataTable",
    "LegendEntry",
    "bar_chart",
    "choropleth",
    "classify",
    "format_number",
    "time_series",
]

# Series colours: each has at least 4.5:1 contrast against white (WCAG 1.4.11 asks 3:1 for
# graphics), and they differ in lightness as well as hue.
SERIES_COLOURS = ["#1f5f99", "#b34700", "#2b7a3d", "#6b3fa0", "#8a5a00", "#a3195b"]
TEXT_COLOUR = "#1a1a1a"
MUTED_TEXT_COLOUR = "#4d4d4d"
GRID_COLOUR = "#d0d0d0"
AXIS_COLOUR = "#595959"
BACKGROUND = "#ffffff"
BAND_COLOURS = ["#eaf1f8", "#f7efe2"]
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
FONT_SIZE = 13

# Choropleth: a sequential blue palette (ColorBrewer "Blues"), light to dark; borders are dark
# (#333, at least 3:1 against the lighter fills and the map background).
SEQUENTIAL_PALETTE = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
ZERO_COLOUR = "#f7f7f7"
NO_DATA_COLOUR = "#bdbdbd"
BORDER_COLOUR = "#333333"

Number = int | float


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class DataTable:
    """The data of a chart as a table: caption, column headers and rows of display strings.

    The first cell of each row is a row header (``<th scope="row">``)."""

    caption: str
    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Chart:
    """A rendered chart: ``svg`` (safe to output), its ``table``; ``empty`` when nothing to draw.

    ``uid`` prefixes the ids inside the SVG; pass ``uid=`` to the chart function when the same
    chart could appear twice on one page."""

    title: str
    description: str
    svg: SafeString
    table: DataTable
    empty: bool
    uid: str

    def __html__(self) -> str:
        return self.svg


@dataclass(frozen=True)
class LegendEntry:
    label: str
    colour: str
    klass: str  # "none", "zero" or "1".."n"
    count: int  # how many areas are in this class


@dataclass(frozen=True)
class Choropleth:
    """District polygons with colours (``geojson``), their ``legend`` and ``table``."""

    title: str
    description: str
    value_label: str
    geojson: dict
    legend: list[LegendEntry]
    table: DataTable
    empty: bool
    uid: str
    border_colour: str = BORDER_COLOUR
    extra: dict = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Helpers


def format_number(value: Number | None, decimals: int | None = None) -> str:
    """A number for display in the active language ("1.234" / "2,5"); "–" for None.

    Integers (and floats without a fraction) show no decimals; other floats ``decimals``
    places (default 1)."""
    if value is None:
        return "–"
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    if decimals == 0:
        value = round(value)
    return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)


def _uid(prefix: str, *parts: Any) -> str:
    digest = hashlib.sha1(repr(parts).encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"{prefix}-{digest[:10]}"


def _attrs(**attrs: Any) -> str:
    out = []
    for key, value in attrs.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        if isinstance(value, float):
            value = f"{value:.2f}".rstrip("0").rstrip(".")
        out.append(f'{name}="{escape(str(value))}"')
    return " ".join(out)


def _el(tag: str, content: str = "", **attrs: Any) -> str:
    a = _attrs(**attrs)
    open_tag = f"<{tag} {a}" if a else f"<{tag}"
    if content:
        return f"{open_tag}>{content}</{tag}>"
    return f"{open_tag}/>"


def _text(x, y, text: str, **attrs) -> str:
    attrs.setdefault("fill", TEXT_COLOUR)
    attrs.setdefault("font_size", FONT_SIZE)
    return _el("text", escape(text), x=x, y=y, **attrs)


def _truncate(text: str, max_chars: int) -> str:
    text = " ".join(str(text).split())
    if len(text) <= max_chars:
        return text
    return text[: max(1, max_chars - 1)].rstrip() + "…"


def _text_width(text: str, size: int = FONT_SIZE) -> float:
    """A rough width of a text in a sans-serif font (no font metrics on the server)."""
    return len(text) * size * 0.62


def _nice_step(raw: float) -> float:
    if raw <= 0:
        return 1
    exponent = math.floor(math.log10(raw))
    fraction = raw / 10**exponent
    for nice in (1, 2, 2.5, 5, 10):
        if fraction <= nice:
            return nice * 10**exponent
    return 10 ** (exponent + 1)  # pragma: no cover


def nice_ticks(max_value: float, count: int = 5, integer: bool = True) -> list[float]:
    """Tick values from 0 to at least ``max_value``, about ``count`` steps, "round" numbers."""
    if max_value <= 0:
        return [0, 1]
    step = _nice_step(max_value / count)
    if integer:
        step = max(1, math.ceil(step))
    ticks = [0.0]
    while ticks[-1] < max_value - 1e-9:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _svg(uid: str, width: int, height: int, title: str, description: str, body: list[str]) -> str:
    title_id, desc_id = f"{uid}-title", f"{uid}-desc"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="civic-chart__svg" role="img" '
        f"{_attrs(viewBox=f'0 0 {width} {height}', width=width, height=height)} "
        f'aria-labelledby="{title_id} {desc_id}" '
        f"{_attrs(font_family=FONT_FAMILY, font_size=FONT_SIZE)}>"
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>'
        + _el("rect", x=0, y=0, width=width, height=height, fill=BACKGROUND)
    )
    return head + "".join(body) + "</svg>"


def _empty_chart(uid: str, title: str, description: str, table: DataTable) -> Chart:
    message = _("Keine Daten")
    body = [_text(16, 28, message, fill=MUTED_TEXT_COLOUR, class_="civic-chart__empty")]
    svg = _svg(uid, 320, 44, title, description or message, body)
    return Chart(title, description, mark_safe(svg), table, True, uid)  # noqa: S308


def _normalise_series(series) -> list[tuple[str, str]]:
    out = []
    for item in series or ():
        if isinstance(item, str):
            out.append((item, item))
        else:
            key, label = item
            out.append((str(key), str(label)))
    return out


def _legend(series: list[tuple[str, str]], x0: float, y: float, max_x: float) -> tuple[str, float]:
    """Swatches with labels in rows; returns (svg, height used)."""
    parts, x, row = [], x0, 0
    for index, (_key, label) in enumerate(series):
        width = 14 + 6 + _text_width(label) + 18
        if x + width > max_x and x > x0:
            x, row = x0, row + 1
        top = y + row * 20
        parts.append(
            _el("rect", x=x, y=top, width=14, height=14, fill=_series_colour(index))
            + _text(x + 20, top + 12, label)
        )
        x += width
    return ('<g class="civic-chart__legend">' + "".join(parts) + "</g>", (row + 1) * 20 + 6)


def _series_colour(index: int) -> str:
    return SERIES_COLOURS[index % len(SERIES_COLOURS)]


def _as_number(value) -> Number | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    return float(value)  # Decimal


# --------------------------------------------------------------------------------------------
# Bar chart


def bar_chart(
    rows: Iterable[tuple[str, Any]],
    *,
    title: str,
    description: str = "",
    value_label: str,
    unit: str = "",
    series: Sequence[tuple[str, str]] | None = None,
    stacked: bool = False,
    label_header: str = "",
    show_total: bool | None = None,
    uid: str | None = None,
) -> Chart:
    """Horizontal bars, in the order given.

    ``rows``: ``[(label, value)]`` or, with ``series=[(key, label), ...]``,
    ``[(label, {key: value})]``; several series are drawn grouped (a bar per series) or, with
    ``stacked=True``, as one bar of segments. Values are non-negative numbers; ``None`` draws no
    bar and shows "–" in the table. ``unit`` follows each number ("%", "Tage").
    ``label_header`` heads the first table column (default "Bezeichnung").
    ``show_total`` adds a "Summe" column to the table (default: with stacked series).
    """
    title, description, value_label = str(title), str(description), str(value_label)
    series_list = _normalise_series(series)
    multi = bool(series_list)
    data: list[tuple[str, list[Number | None]]] = []
    for label, value in rows:
        if multi:
            value = value or {}
            values = [_as_number(value.get(key)) for key, _label in series_list]
        else:
            values = [_as_number(value)]
        data.append((str(label), values))
    if show_total is None:
        show_total = multi and stacked

    def fmt(value):
        text = format_number(value)
        return f"{text} {unit}".strip() if value is not None and unit else text

    headers = [str(label_header) or _("Bezeichnung")]
    headers += [label for _key, label in series_list] if multi else [value_label]
    if show_total:
        headers.append(_("Summe"))
    table_rows = []
    for label, values in data:
        row = [label] + [fmt(v) for v in values]
        if show_total:
            row.append(fmt(sum(v or 0 for v in values)))
        table_rows.append(row)
    table = DataTable(title, headers, table_rows)
    uid = uid or _uid("chart", title, data)

    if not data or all((v or 0) <= 0 for _label, values in data for v in values):
        return _empty_chart(uid, title, description, table)

    if stacked and multi:
        max_value = max(sum(v or 0 for v in values) for _l, values in data)
    else:
        max_value = max(v or 0 for _l, values in data for v in values)
    integer = all(float(v or 0).is_integer() for _l, values in data for v in values)
    ticks = nice_ticks(max_value, 5, integer)
    scale_max = ticks[-1]

    width = 640
    label_chars = 30
    longest = max(len(_truncate(label, label_chars)) for label, _v in data)
    label_w = min(230, max(60, _text_width("x" * longest) + 12))
    value_w = max(_text_width(fmt(max_value)) + 12, 40)
    plot_x = label_w
    plot_w = width - label_w - value_w
    n_bars = 1 if (stacked or not multi) else len(series_list)
    bar_h = 20 if n_bars == 1 else 14
    row_gap = 10
    row_h = n_bars * bar_h + row_gap

    body: list[str] = []
    top = 8
    if multi:
        legend_svg, legend_h = _legend(series_list, plot_x, top, width - 8)
        body.append(legend_svg)
        top += legend_h
    plot_top = top
    plot_h = len(data) * row_h
    axis_y = plot_top + plot_h + 2

    # Grid lines and tick labels
    grid = []
    for tick in ticks:
        x = plot_x + plot_w * tick / scale_max
        grid.append(
            _el("line", x1=x, y1=plot_top - 2, x2=x, y2=axis_y, stroke=GRID_COLOUR, stroke_width=1)
        )
        grid.append(
            _text(x, axis_y + 16, format_number(tick), text_anchor="middle", fill=MUTED_TEXT_COLOUR)
        )
    body.append('<g class="civic-chart__grid" aria-hidden="true">' + "".join(grid) + "</g>")

    bars = []
    for index, (label, values) in enumerate(data):
        y = plot_top + index * row_h + row_gap / 2
        parts = [f"<title>{escape(label)}</title>"]
        parts.append(
            _text(
                plot_x - 8,
                y + (n_bars * bar_h) / 2 + 4.5,
                _truncate(label, label_chars),
                text_anchor="end",
                class_="civic-chart__label",
            )
        )
        if stacked and multi:
            x = plot_x
            for s_index, value in enumerate(values):
                if not value:
                    continue
                w = plot_w * value / scale_max
                parts.append(
                    _el(
                        "rect",
                        x=x,
                        y=y,
                        width=w,
                        height=bar_h,
                        fill=_series_colour(s_index),
                        stroke=BACKGROUND,
                        stroke_width=1,
                        class_="civic-chart__bar",
                        data_series=series_list[s_index][0],
                        data_value=value,
                    )
                )
                x += w
            total = sum(v or 0 for v in values)
            parts.append(_text(x + 6, y + bar_h / 2 + 4.5, fmt(total), class_="civic-chart__value"))
        else:
            for s_index, value in enumerate(values):
                by = y + s_index * bar_h
                w = plot_w * (value or 0) / scale_max
                if value:
                    parts.append(
                        _el(
                            "rect",
                            x=plot_x,
                            y=by,
                            width=w,
                            height=bar_h - (2 if n_bars > 1 else 0),
                            fill=_series_colour(s_index),
                            class_="civic-chart__bar",
                            data_series=series_list[s_index][0] if multi else None,
                            data_value=value,
                        )
                    )
                parts.append(
                    _text(
                        plot_x + w + 6,
                        by + bar_h / 2 + 4.5 - (1 if n_bars > 1 else 0),
                        fmt(value),
                        class_="civic-chart__value",
                        font_size=FONT_SIZE if n_bars == 1 else FONT_SIZE - 1,
                    )
                )
        bars.append('<g class="civic-chart__row">' + "".join(parts) + "</g>")
    body.append("".join(bars))
    body.append(_el("line", x1=plot_x, y1=plot_top - 2, x2=plot_x, y2=axis_y, stroke=AXIS_COLOUR))
    body.append(
        _text(
            plot_x + plot_w / 2,
            axis_y + 34,
            value_label + (f" ({unit})" if unit else ""),
            text_anchor="middle",
            fill=MUTED_TEXT_COLOUR,
        )
    )
    height = int(axis_y + 44)
    if not description:
        description = _("Balkendiagramm: %(label)s für %(count)s Einträge.") % {
            "label": value_label,
            "count": len(data),
        }
    svg = _svg(uid, width, height, title, description, body)
    return Chart(title, description, mark_safe(svg), table, False, uid)  # noqa: S308


# --------------------------------------------------------------------------------------------
# Time series


def _month_start(d: date) -> date:
    return date(d.year, d.month, 1)


def _next(d: date, period: str) -> date:
    if period == "month":
        return date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return date.fromordinal(d.toordinal() + 1)


def _axis_label(d: date, period: str) -> str:
    if period == "month":
        # Translators: month on a chart axis (PHP-style date format), e.g. "Jan 2026"
        return formats.date_format(d, pgettext("chart axis month", "M Y"))
    # Translators: day on a chart axis (PHP-style date format), e.g. "21.11."
    return formats.date_format(d, pgettext("chart axis day", "j.n."))


def _full_label(d: date, period: str) -> str:
    if period == "month":
        return formats.date_format(d, "F Y")
    return formats.date_format(d, "SHORT_DATE_FORMAT")


def time_series(
    points: Iterable[tuple[date, Any]] | Mapping[date, Any],
    *,
    title: str,
    series: Sequence[tuple[str, str]],
    bands: Sequence[tuple[date, date, str]] = (),
    description: str = "",
    value_label: str = "",
    period: str = "day",
    kind: str = "columns",
    start: date | None = None,
    end: date | None = None,
    uid: str | None = None,
) -> Chart:
    """Values per day (``period="day"``) or per month (``"month"``, dates are any day of it).

    ``points``: ``[(date, {series_key: value})]`` or a mapping ``{date: {...}}``; with a single
    series the value may be a plain number. Dates between ``start`` (default: the first) and
    ``end`` (default: the last) without a point count as 0. ``kind``: ``"columns"`` (several
    series stacked) or ``"lines"``. ``bands``: ``[(first_day, last_day, label)]`` shaded behind
    the data (the phases of a round); the table gets a column naming the band of each row.
    """
    title, description = str(title), str(description)
    series_list = _normalise_series(series)
    if not series_list:
        raise ValueError("time_series needs at least one series")
    if period not in ("day", "month"):
        raise ValueError("period must be 'day' or 'month'")
    items = points.items() if isinstance(points, Mapping) else points
    values_by_date: dict[date, list[Number]] = {}
    for d, value in items:
        if isinstance(d, datetime):
            d = d.date()
        if period == "month":
            d = _month_start(d)
        if not isinstance(value, Mapping):
            value = {series_list[0][0]: value}
        current = values_by_date.setdefault(d, [0] * len(series_list))
        for i, (key, _label) in enumerate(series_list):
            current[i] += _as_number(value.get(key)) or 0
    dates_given = sorted(values_by_date)
    first = start or (dates_given[0] if dates_given else None)
    last = end or (dates_given[-1] if dates_given else None)
    if period == "month":
        first = first and _month_start(first)
        last = last and _month_start(last)
    slots: list[date] = []
    if first and last:
        d = first
        while d <= last:
            slots.append(d)
            d = _next(d, period)
    data = [(d, values_by_date.get(d, [0] * len(series_list))) for d in slots]

    band_list = [(b[0], b[1], str(b[2])) for b in bands]

    def band_of(d: date) -> str:
        names = [label for b_start, b_end, label in band_list if b_start <= d <= b_end]
        return ", ".join(names) or "–"

    headers = [_("Monat") if period == "month" else _("Datum")]
    headers += [label for _key, label in series_list]
    if band_list:
        headers.append(_("Phase"))
    table_rows = []
    for d, values in data:
        row = [_full_label(d, period)] + [format_number(v) for v in values]
        if band_list:
            row.append(band_of(d))
        table_rows.append(row)
    table = DataTable(title, headers, table_rows)
    uid = uid or _uid("series", title, data, band_list)
    if not data or all(v <= 0 for _d, values in data for v in values):
        return _empty_chart(uid, title, description, table)

    stacked = kind == "columns"
    if stacked:
        max_value = max(sum(values) for _d, values in data)
    else:
        max_value = max(v for _d, values in data for v in values)
    integer = all(float(v).is_integer() for _d, values in data for v in values)
    ticks = nice_ticks(max_value, 4, integer)
    scale_max = ticks[-1]

    width = 640
    plot_x = max(36, _text_width(format_number(scale_max)) + 14)
    plot_w = width - plot_x - 12
    body: list[str] = []
    top = 8
    if len(series_list) > 1:
        legend_svg, legend_h = _legend(series_list, plot_x, top, width - 8)
        body.append(legend_svg)
        top += legend_h
    if band_list:
        top += 18  # band labels
    plot_top = top
    plot_h = 180
    base_y = plot_top + plot_h
    n = len(data)
    slot_w = plot_w / n
    index_of = {d: i for i, (d, _v) in enumerate(data)}

    # Phase bands: from the first to the last slot inside the band.
    band_parts = []
    for b_index, (b_start, b_end, label) in enumerate(band_list):
        inside = [index_of[d] for d in slots if b_start <= d <= b_end]
        if not inside:
            continue
        x = plot_x + inside[0] * slot_w
        w = (inside[-1] - inside[0] + 1) * slot_w
        band_parts.append(
            _el(
                "rect",
                x=x,
                y=plot_top - 18,
                width=w,
                height=plot_h + 18,
                fill=BAND_COLOURS[b_index % len(BAND_COLOURS)],
                class_="civic-chart__band",
            )
        )
        max_chars = int(w / (FONT_SIZE * 0.56 * 0.92)) - 1
        if max_chars >= 3:
            band_parts.append(
                _text(
                    x + 4,
                    plot_top - 5,
                    _truncate(label, max_chars),
                    font_size=FONT_SIZE - 1,
                    class_="civic-chart__band-label",
                )
            )
    if band_parts:
        body.append('<g class="civic-chart__bands">' + "".join(band_parts) + "</g>")

    grid = []
    for tick in ticks:
        y = base_y - plot_h * tick / scale_max
        grid.append(_el("line", x1=plot_x, y1=y, x2=plot_x + plot_w, y2=y, stroke=GRID_COLOUR))
        grid.append(
            _text(
                plot_x - 6, y + 4.5, format_number(tick), text_anchor="end", fill=MUTED_TEXT_COLOUR
            )
        )
    body.append('<g class="civic-chart__grid" aria-hidden="true">' + "".join(grid) + "</g>")

    marks = []
    if stacked:
        col_w = max(1.0, slot_w * 0.75)
        for i, (d, values) in enumerate(data):
            x = plot_x + i * slot_w + (slot_w - col_w) / 2
            y = base_y
            label = _full_label(d, period)
            for s_index, value in enumerate(values):
                if not value:
                    continue
                h = plot_h * value / scale_max
                y -= h
                tip = f"{label}: {series_list[s_index][1]} {format_number(value)}"
                marks.append(
                    _el(
                        "rect",
                        f"<title>{escape(tip)}</title>",
                        x=x,
                        y=y,
                        width=col_w,
                        height=h,
                        fill=_series_colour(s_index),
                        class_="civic-chart__bar",
                        data_series=series_list[s_index][0],
                        data_value=value,
                        data_date=d.isoformat(),
                    )
                )
    else:
        for s_index, (key, _s_label) in enumerate(series_list):
            coords = []
            for i, (_d, values) in enumerate(data):
                x = plot_x + i * slot_w + slot_w / 2
                y = base_y - plot_h * values[s_index] / scale_max
                coords.append(f"{x:.1f},{y:.1f}")
            marks.append(
                _el(
                    "polyline",
                    points=" ".join(coords),
                    fill="none",
                    stroke=_series_colour(s_index),
                    stroke_width=2.5,
                    stroke_linejoin="round",
                    class_="civic-chart__line",
                    data_series=key,
                )
            )
            if n <= 62:
                for coord in coords:
                    cx, cy = coord.split(",")
                    marks.append(_el("circle", cx=cx, cy=cy, r=2.5, fill=_series_colour(s_index)))
    body.append('<g class="civic-chart__marks">' + "".join(marks) + "</g>")
    body.append(
        _el("line", x1=plot_x, y1=base_y, x2=plot_x + plot_w, y2=base_y, stroke=AXIS_COLOUR)
    )

    # X axis: as many labels as fit
    label_w = 70 if period == "month" else 46
    step = max(1, math.ceil(n / max(1, int(plot_w // label_w))))
    xl = []
    for i in range(0, n, step):
        d = data[i][0]
        x = plot_x + i * slot_w + slot_w / 2
        xl.append(_el("line", x1=x, y1=base_y, x2=x, y2=base_y + 4, stroke=AXIS_COLOUR))
        xl.append(
            _text(
                x, base_y + 18, _axis_label(d, period), text_anchor="middle", fill=MUTED_TEXT_COLOUR
            )
        )
    body.append('<g class="civic-chart__x-axis" aria-hidden="true">' + "".join(xl) + "</g>")
    height = int(base_y + 28)
    if not description:
        total = [sum(values[i] for _d, values in data) for i in range(len(series_list))]
        description = _("%(label)s von %(first)s bis %(last)s, insgesamt: %(totals)s.") % {
            "label": str(value_label) or _("Verlauf"),
            "first": _full_label(data[0][0], period),
            "last": _full_label(data[-1][0], period),
            "totals": ", ".join(
                f"{label} {format_number(t)}"
                for (_k, label), t in zip(series_list, total, strict=True)
            ),
        }
    svg = _svg(uid, width, height, title, description, body)
    return Chart(title, description, mark_safe(svg), table, False, uid)  # noqa: S308


# --------------------------------------------------------------------------------------------
# Choropleth


def classify(
    values: Iterable[Number], classes: int = 5, method: str = "quantile"
) -> list[tuple[Number, Number]]:
    """Class intervals ``[(lower, upper), ...]`` for positive values (both ends inclusive).

    ``quantile``: about the same number of values per class, bounds are data values, equal
    values never split; ``equal``: intervals of equal width from the smallest to the largest
    value. Fewer classes come back when there are fewer distinct values."""
    data = sorted(v for v in values if v is not None and v > 0)
    if not data:
        return []
    distinct = sorted(set(data))
    k = max(1, min(classes, len(distinct)))
    if method == "equal":
        low, high = data[0], data[-1]
        if low == high:
            return [(low, high)]
        width = (high - low) / k
        bounds = [(low + i * width, low + (i + 1) * width) for i in range(k)]
        bounds[-1] = (bounds[-1][0], high)
        return bounds
    if method != "quantile":
        raise ValueError("method must be 'quantile' or 'equal'")
    n = len(data)
    uppers: list[Number] = []
    for i in range(1, k + 1):
        upper = data[max(0, math.ceil(i * n / k) - 1)]
        if not uppers or upper > uppers[-1]:
            uppers.append(upper)
    intervals = []
    for upper in uppers:
        members = [v for v in distinct if (not intervals or v > intervals[-1][1]) and v <= upper]
        intervals.append((members[0], upper))
    return intervals


def _class_index(value: Number, intervals: list[tuple[Number, Number]], method: str) -> int:
    for index, (_low, upper) in enumerate(intervals):
        if value <= upper + (1e-9 if method == "equal" else 0):
            return index
    return len(intervals) - 1


def _palette(k: int) -> list[str]:
    if k <= 0:
        return []
    if k == 1:
        return [SEQUENTIAL_PALETTE[2]]
    size = len(SEQUENTIAL_PALETTE)
    if k >= size:
        return SEQUENTIAL_PALETTE[:]
    return [SEQUENTIAL_PALETTE[round(i * (size - 1) / (k - 1))] for i in range(k)]


def choropleth(
    features: Iterable[dict],
    values: Mapping[str, Number | None],
    *,
    title: str,
    value_label: str,
    classes: int = 5,
    method: str = "quantile",
    unit: str = "",
    description: str = "",
    decimals: int | None = None,
    extra_columns: Sequence[tuple[str, Mapping[str, Any]]] = (),
    area_header: str = "",
    uid: str | None = None,
) -> Choropleth:
    """Colour district polygons by a value.

    ``features``: GeoJSON features (``District.as_feature()``: ``properties.slug`` and
    ``properties.name``); ``values``: ``{slug: number or None}`` (missing slugs mean "keine
    Daten"). ``extra_columns``: ``[(header, {slug: value})]`` shown in the table and the tooltip
    as well (e.g. the absolute count beside a rate per 1,000 residents). Areas with 0 and
    without data get grey classes of their own; the others ``classes`` classes by ``method``
    (``"quantile"`` or ``"equal"``, see :func:`classify`).
    """
    title, value_label, description = str(title), str(value_label), str(description)
    features = list(features)
    numbers = {slug: _as_number(v) for slug, v in values.items()}
    intervals = classify(numbers.values(), classes, method)
    colours = _palette(len(intervals))
    integer = all(float(v).is_integer() for v in numbers.values() if v is not None)

    def fmt(v):
        text = format_number(v, decimals if decimals is not None else (0 if integer else 1))
        return f"{text} {unit}".strip() if v is not None and unit else text

    counts = {"none": 0, "zero": 0}
    for i in range(len(intervals)):
        counts[str(i + 1)] = 0

    out_features, table_rows = [], []
    for feature in sorted(features, key=lambda f: str(f.get("properties", {}).get("name", ""))):
        props = feature.get("properties") or {}
        slug = str(props.get("slug") or feature.get("id") or "")
        name = str(props.get("name") or slug)
        value = numbers.get(slug)
        if value is None:
            klass, colour = "none", NO_DATA_COLOUR
            class_label = _("Keine Daten")
        elif value <= 0:
            klass, colour = "zero", ZERO_COLOUR
            class_label = fmt(0)
        else:
            index = _class_index(value, intervals, method)
            klass, colour = str(index + 1), colours[index]
            low, high = intervals[index]
            class_label = _interval_label(low, high, fmt)
        counts[klass] += 1
        extras = [(str(header), _fmt_extra(col.get(slug))) for header, col in extra_columns]
        tooltip = f"{name}: {value_label} {fmt(value)}"
        if extras:
            tooltip += "".join(f"; {header} {text}" for header, text in extras)
        out_features.append(
            {
                "type": "Feature",
                "id": slug,
                "geometry": feature.get("geometry"),
                "properties": {
                    "name": name,
                    "slug": slug,
                    "value": value,
                    "value_display": fmt(value),
                    "label": tooltip,
                    "colour": colour,
                    "class": klass,
                },
            }
        )
        table_rows.append([name, fmt(value)] + [text for _h, text in extras] + [class_label])

    legend = [
        LegendEntry(_interval_label(low, high, fmt), colours[i], str(i + 1), counts[str(i + 1)])
        for i, (low, high) in enumerate(intervals)
    ]
    if counts["zero"]:
        legend.insert(0, LegendEntry(fmt(0), ZERO_COLOUR, "zero", counts["zero"]))
    if counts["none"]:
        legend.append(LegendEntry(_("Keine Daten"), NO_DATA_COLOUR, "none", counts["none"]))

    headers = [str(area_header) or _("Stadtteil"), value_label]
    headers += [str(header) for header, _col in extra_columns]
    headers.append(_("Klasse"))
    table = DataTable(title, headers, table_rows)
    empty = not out_features
    if not description:
        description = _(
            "Karte der Stadtteile, eingefärbt nach %(label)s. Dieselben Angaben stehen in der "
            "Tabelle."
        ) % {"label": value_label}
    return Choropleth(
        title=title,
        description=description,
        value_label=value_label,
        geojson={"type": "FeatureCollection", "features": out_features},
        legend=legend,
        table=table,
        empty=empty,
        uid=uid or _uid("choropleth", title, sorted(numbers.items())),
    )


def _fmt_extra(value) -> str:
    if isinstance(value, int | float) or value is None:
        return format_number(value)
    return str(value)


def _interval_label(low, high, fmt) -> str:
    if low == high:
        return fmt(low)
    return f"{fmt(low)} – {fmt(high)}"
