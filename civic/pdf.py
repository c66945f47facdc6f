"""Shared building blocks for PDFs made with reportlab (pip only, no system libraries).

* :class:`NumberedDocTemplate`: a platypus document with a running header, a footer
  "Seite X von Y", an optional cover page without header and footer, and headings that feed a
  :class:`~reportlab.platypus.tableofcontents.TableOfContents` and the PDF outline.
* :func:`make_styles`: paragraph styles in one font family.
* :func:`para`, :func:`paragraphs`, :func:`heading`: user text to flowables. User text is always
  escaped; it is never interpreted as reportlab markup (``<b>``, ``&``, ``<img>`` stay literal).
* :func:`scaled_image`: an image (bytes) scaled to fit a box, keeping its aspect ratio.
* :func:`bar_chart`: a horizontal bar chart drawing (``reportlab.graphics``).
* :func:`data_table`: a table with a repeated header row and wrapping cells.

Fonts: DejaVu (wide Unicode coverage) when its TTF files are found (``settings.CIVIC_PDF_FONT_DIR``
or the usual system folders), else the PDF standard fonts Helvetica/Times, which need no files but
show characters outside Western European ones as boxes.
"""

from __future__ import annotations

import functools
import hashlib
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab import rl_config
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
RULE = colors.HexColor("#9aa5b1")
ACCENT = colors.HexColor("#1d4e89")
ZEBRA = colors.HexColor("#f0f4f8")

# Binary streams instead of ASCII85 (process-wide reportlab setting): ASCII85 is encoded in pure
# Python here and cost seconds per book, and it only makes files larger.
rl_config.useA85 = 0

FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
)


# --- fonts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FontFamily:
    regular: str
    bold: str
    italic: str
    bold_italic: str


SANS_FALLBACK = FontFamily(
    "Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique"
)
SERIF_FALLBACK = FontFamily("Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic")

_TTF_FILES = {
    "sans": ("DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSans-BoldOblique"),
    "serif": ("DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSerif-Italic", "DejaVuSerif-BoldItalic"),
}


def _font_dirs() -> list[Path]:
    configured = getattr(settings, "CIVIC_PDF_FONT_DIR", None)
    dirs = [Path(configured)] if configured else []
    return dirs + [Path(d) for d in FONT_DIRS]


@functools.cache
def font_family(kind: str = "sans") -> FontFamily:
    """Register (once) and return the font family ``"sans"`` or ``"serif"``."""
    fallback = SANS_FALLBACK if kind == "sans" else SERIF_FALLBACK
    names = _TTF_FILES[kind]
    for folder in _font_dirs():
        paths = [folder / f"{name}.ttf" for name in names]
        if all(path.is_file() for path in paths):
            try:
                for name, path in zip(names, paths, strict=True):
                    pdfmetrics.registerFont(TTFont(f"Civic-{name}", str(path)))
            except Exception:  # a broken font file must not break every PDF
                return fallback
            family = FontFamily(*(f"Civic-{name}" for name in names))
            pdfmetrics.registerFontFamily(
                family.regular,
                normal=family.regular,
                bold=family.bold,
                italic=family.italic,
                boldItalic=family.bold_italic,
            )
            return family
    return fallback


# --- text --------------------------------------------------------------------------------------


def clean_text(text) -> str:
    """Plain text without control characters (except newlines), with normalised line ends."""
    text = "" if text is None else str(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "".join(
        ch for ch in text if ch == "\n" or unicodedata.category(ch) not in {"Cc", "Cs", "Co"}
    )


def markup(text) -> str:
    """User text as safe reportlab paragraph markup: escaped, single newlines as line breaks."""
    escaped = escape(clean_text(text).strip())
    return "<br/>".join(line.strip() for line in escaped.split("\n"))


def para(text, style: ParagraphStyle) -> Paragraph:
    """One paragraph of user text (escaped)."""
    return Paragraph(markup(text), style)


def split_paragraphs(text) -> list[str]:
    """Split plain text into paragraphs at blank lines."""
    blocks, current = [], []
    for line in clean_text(text).split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def paragraphs(text, style: ParagraphStyle) -> list[Paragraph]:
    """User text with paragraphs separated by blank lines, as a list of escaped paragraphs."""
    return [para(block, style) for block in split_paragraphs(text)]


class Heading(Paragraph):
    """A paragraph that registers itself in the table of contents and the PDF outline."""

    def __init__(self, text, style, *, toc_level: int | None = 0, outline_level: int | None = None):
        self.plain_text = clean_text(text).strip().replace("\n", " ")
        self.toc_markup = escape(self.plain_text)
        self.toc_level = toc_level
        self.outline_level = toc_level if outline_level is None else outline_level
        super().__init__(markup(text), style)


def heading(text, style, *, toc_level: int | None = 0, outline_level: int | None = None):
    """A heading of user text; ``toc_level=None`` keeps it out of the table of contents."""
    return Heading(text, style, toc_level=toc_level, outline_level=outline_level)


# --- styles ------------------------------------------------------------------------------------


def make_styles(base_size: float = 10, kind: str = "sans") -> dict[str, ParagraphStyle]:
    """Paragraph styles for ``base_size`` pt body text in the font family ``kind``."""
    f = font_family(kind)
    s = base_size
    lead = s * 1.4
    body = ParagraphStyle(
        "body", fontName=f.regular, fontSize=s, leading=lead, textColor=INK, spaceAfter=s * 0.6
    )
    styles = {
        "body": body,
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=f.bold,
            fontSize=s * 2.4,
            leading=s * 2.9,
            spaceAfter=s * 1.2,
            textColor=ACCENT,
        ),
        "subtitle": ParagraphStyle(
            "subtitle",
            parent=body,
            fontSize=s * 1.4,
            leading=s * 1.9,
            textColor=MUTED,
            spaceAfter=s,
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=body,
            fontName=f.bold,
            fontSize=s * 1.8,
            leading=s * 2.2,
            spaceBefore=s * 0.6,
            spaceAfter=s * 0.9,
            textColor=ACCENT,
            keepWithNext=True,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=f.bold,
            fontSize=s * 1.35,
            leading=s * 1.7,
            spaceBefore=s * 1.2,
            spaceAfter=s * 0.4,
            keepWithNext=True,
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=body,
            fontName=f.bold,
            fontSize=s * 1.1,
            leading=s * 1.4,
            spaceBefore=s * 0.8,
            spaceAfter=s * 0.3,
            keepWithNext=True,
        ),
        "meta": ParagraphStyle(
            "meta",
            parent=body,
            fontName=f.italic,
            textColor=MUTED,
            fontSize=s * 0.9,
            leading=s * 1.25,
            spaceAfter=s * 0.5,
            keepWithNext=True,
        ),
        "small": ParagraphStyle(
            "small", parent=body, fontSize=s * 0.85, leading=s * 1.15, spaceAfter=s * 0.3
        ),
        "cell": ParagraphStyle(
            "cell", parent=body, fontSize=s * 0.85, leading=s * 1.1, spaceAfter=0
        ),
        "cell_head": ParagraphStyle(
            "cell_head",
            parent=body,
            fontName=f.bold,
            fontSize=s * 0.85,
            leading=s * 1.1,
            spaceAfter=0,
        ),
        "caption": ParagraphStyle(
            "caption",
            parent=body,
            fontName=f.italic,
            fontSize=s * 0.8,
            leading=s * 1.05,
            textColor=MUTED,
            spaceAfter=s * 0.6,
        ),
        "attribution": ParagraphStyle(
            "attribution", parent=body, fontName=f.italic, alignment=2, spaceBefore=s * 0.2
        ),
        "note": ParagraphStyle(
            "note",
            parent=body,
            fontSize=s * 0.9,
            leading=s * 1.25,
            backColor=ZEBRA,
            borderColor=RULE,
            borderWidth=0.5,
            borderPadding=(s * 0.4, s * 0.5, s * 0.4, s * 0.5),
            leftIndent=s * 0.5,
            rightIndent=s * 0.5,
            spaceBefore=s * 0.6,
            spaceAfter=s,
        ),
        "center": ParagraphStyle("center", parent=body, alignment=TA_CENTER),
        "figure": ParagraphStyle(
            "figure",
            parent=body,
            fontName=f.bold,
            fontSize=s * 2,
            leading=s * 2.3,
            alignment=TA_CENTER,
            spaceAfter=0,
        ),
        "toc0": ParagraphStyle(
            "toc0",
            parent=body,
            fontName=f.bold,
            leftIndent=0,
            firstLineIndent=0,
            spaceBefore=s * 0.4,
            spaceAfter=0,
        ),
        "toc1": ParagraphStyle(
            "toc1",
            parent=body,
            fontSize=s * 0.9,
            leading=s * 1.25,
            leftIndent=s * 1.2,
            firstLineIndent=0,
            spaceAfter=0,
        ),
    }
    return styles


def table_of_contents(styles: dict[str, ParagraphStyle]) -> TableOfContents:
    toc = TableOfContents()
    toc.levelStyles = [styles["toc0"], styles["toc1"]]
    toc.dotsMinLevel = 0
    return toc


# --- document template -------------------------------------------------------------------------


class NumberedCanvas(rl_canvas.Canvas):
    """Keeps pages until the end so that the footer can say "Seite X von Y"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._page_states: list[dict] = []
        self._civic_footer: tuple[str, str, float, float, float] | None = None

        self._civic_bookmarks: list[tuple[str, dict]] = []

    def bookmarkPage(self, key, **kwargs):  # noqa: N802 (reportlab API)
        # The page objects are only made in save(); a bookmark made now would point to page 1.
        self._civic_bookmarks.append((key, kwargs))

    def showPage(self):  # noqa: N802 (reportlab API)
        self._page_states.append(dict(self.__dict__))
        self._civic_bookmarks = []
        self._startPage()

    def save(self):
        total = len(self._page_states)
        for state in self._page_states:
            self.__dict__.update(state)
            for key, kwargs in self._civic_bookmarks:
                super().bookmarkPage(key, **kwargs)
            if self._civic_footer:
                self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        text, font, size, margin_x, y = self._civic_footer
        width = self._pagesize[0]
        self.saveState()
        self.setFont(font, size)
        self.setFillColor(MUTED)
        label = _("Seite %(page)s von %(pages)s") % {"page": self._pageNumber, "pages": total}
        self.drawRightString(width - margin_x, y, label)
        if text:
            self.drawString(margin_x, y, text)
        self.restoreState()


class NumberedDocTemplate(BaseDocTemplate):
    """A document with page templates ``"cover"`` (plain) and ``"page"`` (header and footer).

    The story starts on the cover template when ``cover=True``; switch with
    ``NextPageTemplate("page")`` + ``PageBreak()``. Build with :meth:`build_story` (multi-pass when
    the story holds a table of contents).
    """

    def __init__(
        self,
        out,
        *,
        pagesize=A4,
        margins=(20 * mm, 18 * mm, 20 * mm, 18 * mm),  # top, right, bottom, left
        header_text: str = "",
        footer_text: str = "",
        cover: bool = False,
        font_kind: str = "sans",
        title: str = "",
        author: str = "",
        subject: str = "",
        on_flowable=None,
    ):
        top, right, bottom, left = margins
        super().__init__(
            out,
            pagesize=pagesize,
            topMargin=top,
            rightMargin=right,
            bottomMargin=bottom,
            leftMargin=left,
            title=clean_text(title),
            author=clean_text(author),
            subject=clean_text(subject),
            creator="civic",
            pageCompression=1,
            lang=getattr(settings, "LANGUAGE_CODE", "de")[:2],
        )
        self.fonts = font_family(font_kind)
        self.header_text = clean_text(header_text).replace("\n", " ")
        self.footer_text = clean_text(footer_text).replace("\n", " ")
        self.on_flowable = on_flowable
        width, height = pagesize
        body = Frame(
            left,
            bottom,
            width - left - right,
            height - top - bottom,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        full = Frame(
            left,
            bottom,
            width - left - right,
            height - top - bottom,
            id="cover",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        templates = [
            PageTemplate(id="page", frames=[body], onPage=self._decorate),
            PageTemplate(id="cover", frames=[full], onPage=self._plain),
        ]
        if cover:
            templates.reverse()
        self.addPageTemplates(templates)
        self._heading_seq = 0

    def _plain(self, canv, doc):
        canv._civic_footer = None

    def _decorate(self, canv, doc):
        width, height = self.pagesize
        size = 7.5 if width < 160 * mm else 8.5
        canv._civic_footer = (
            self.footer_text,
            self.fonts.regular,
            size,
            self.leftMargin,
            self.bottomMargin * 0.45,
        )
        if self.header_text:
            canv.saveState()
            canv.setFont(self.fonts.regular, size)
            canv.setFillColor(MUTED)
            y = height - self.topMargin * 0.55
            canv.drawString(self.leftMargin, y, self.header_text[:120])
            canv.setStrokeColor(RULE)
            canv.setLineWidth(0.4)
            canv.line(self.leftMargin, y - 2.5 * mm, width - self.rightMargin, y - 2.5 * mm)
            canv.restoreState()

    def beforeDocument(self):  # noqa: N802 (reportlab API)
        self._heading_seq = 0

    def afterFlowable(self, flowable):  # noqa: N802 (reportlab API)
        if isinstance(flowable, Heading):
            self._heading_seq += 1
            key = f"h{self._heading_seq}"
            self.canv.bookmarkPage(key)
            if flowable.outline_level is not None:
                self.canv.addOutlineEntry(flowable.plain_text, key, level=flowable.outline_level)
            if flowable.toc_level is not None:
                self.notify("TOCEntry", (flowable.toc_level, flowable.toc_markup, self.page, key))
        if self.on_flowable is not None:
            self.on_flowable(flowable)

    def build_story(self, story: list) -> None:
        """Build with "Seite X von Y"; several passes when the story has a table of contents."""
        if any(flowable.isIndexing() for flowable in story):
            self.multiBuild(story, canvasmaker=NumberedCanvas)
        else:
            self.build(story, canvasmaker=NumberedCanvas)


# --- images, tables, charts --------------------------------------------------------------------


class _ImageSource:
    """An image for ``canvas.drawImage`` that reportlab keys by a hash of its bytes.

    Given an ``ImageReader``, reportlab decodes every photo to RGB and hashes the pixels on each
    draw (and again on every layout pass). Given anything else, it keys the image by ``str()`` and
    embeds a JPEG as it is (``jpeg_fh``): fast, and identical photos are stored once.
    """

    def __init__(self, data: bytes):
        self.reader = ImageReader(io.BytesIO(data))
        self.key = hashlib.sha1(data, usedforsecurity=False).hexdigest()

    def __str__(self):
        return f"civic-image-{self.key}"

    def __getattr__(self, name):
        return getattr(self.reader, name)


class ImageBox(Flowable):
    """A photo drawn at a fixed size (see :func:`scaled_image`)."""

    def __init__(self, source: _ImageSource, width: float, height: float):
        super().__init__()
        self.source = source
        self.width = self.drawWidth = width
        self.height = self.drawHeight = height
        self.hAlign = "CENTER"

    def wrap(self, avail_width, avail_height):
        return self.width, self.height

    def draw(self):
        self.canv.drawImage(self.source, 0, 0, self.width, self.height)


def scaled_image(data: bytes | None, max_width: float, max_height: float) -> ImageBox | None:
    """An image flowable from JPEG/PNG bytes that fits ``max_width`` x ``max_height`` (points).

    Returns None for missing or unreadable data, so one broken photo never breaks a document.
    """
    if not data:
        return None
    try:
        source = _ImageSource(data)
        width, height = source.reader.getSize()
    except Exception:
        return None
    if not width or not height:
        return None
    scale = min(max_width / width, max_height / height)
    return ImageBox(source, width * scale, height * scale)


def data_table(
    rows: list[list],
    styles: dict[str, ParagraphStyle],
    col_widths: list[float] | None = None,
    *,
    numeric_cols: tuple[int, ...] = (),
    header: bool = True,
) -> Table:
    """A table of plain values (escaped), with a header row that repeats on every page."""
    right = ParagraphStyle("cell_right", parent=styles["cell"], alignment=2)
    right_head = ParagraphStyle("cell_head_right", parent=styles["cell_head"], alignment=2)
    data = []
    for r, row in enumerate(rows):
        is_head = header and r == 0
        cells = []
        for c, value in enumerate(row):
            if isinstance(value, Paragraph):
                cells.append(value)
                continue
            if c in numeric_cols:
                style = right_head if is_head else right
            else:
                style = styles["cell_head"] if is_head else styles["cell"]
            cells.append(para(format_value(value), style))
        data.append(cells)
    table = Table(data, colWidths=col_widths, repeatRows=1 if header else 0, hAlign="LEFT")
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, -1), (-1, -1), 0.4, RULE),
    ]
    if header:
        commands += [
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
        ]
    table.setStyle(TableStyle(commands))
    return table


def format_value(value) -> str:
    """Numbers in German notation (1.234 / 1,5), everything else as text."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return str(value)


def _shorten(label: str, limit: int) -> str:
    label = clean_text(label).replace("\n", " ").strip()
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def bar_chart(
    items: list[tuple[str, float]],
    *,
    width: float,
    title: str = "",
    bar_height: float = 12,
    label_chars: int = 34,
    color=ACCENT,
    font_kind: str = "sans",
) -> Drawing:
    """A horizontal bar chart of ``(label, value)`` pairs, top to bottom in the given order.

    Values are written at the end of each bar; the chart's height follows the number of bars.
    Always pair it with the same figures as a table or text (the PDF's readers may not see it).
    """
    fonts = font_family(font_kind)
    items = list(items) or [("–", 0)]
    n = len(items)
    title_h = 16 if title else 0
    label_w = min(width * 0.42, 5.2 * label_chars)
    plot_h = n * bar_height * 1.45
    height = plot_h + title_h + 22
    drawing = Drawing(width, height)
    if title:
        drawing.add(
            String(
                0, height - 11, _shorten(title, 90), fontName=fonts.bold, fontSize=9, fillColor=INK
            )
        )
    chart = HorizontalBarChart()
    chart.x = label_w
    chart.y = 16
    chart.width = width - label_w - 34
    chart.height = plot_h
    # reportlab draws the first category at the bottom: reverse for reading order.
    values = [float(value or 0) for _label, value in reversed(items)]
    labels = [_shorten(label, label_chars) for label, _value in reversed(items)]
    chart.data = [values]
    chart.bars[0].fillColor = color
    chart.bars[0].strokeColor = None
    chart.barWidth = bar_height
    chart.groupSpacing = bar_height * 0.45
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = fonts.regular
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = RULE
    top = max(values) if values else 0
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top * 1.1 if top > 0 else 1
    chart.valueAxis.labels.fontName = fonts.regular
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e4e7eb")
    chart.valueAxis.labelTextFormat = lambda v: format_value(int(v)) if v == int(v) else f"{v:g}"
    chart.barLabelFormat = lambda v: (
        format_value(int(v)) if float(v).is_integer() else format_value(v)
    )
    chart.barLabels.fontName = fonts.regular
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing
