"""The council report of a participation round ("Bericht an den Stadtrat", issue 5).

Two renderings of the same :class:`CouncilReport` (built from :func:`agenda.stats.round_dashboard`,
so every figure has the definitions documented there and in :mod:`agenda.results`):

* ``/admin/agenda/bericht/<round pk>/`` (``agenda_report:html``): a standalone HTML page (no admin
  chrome) with a print stylesheet (A4, a page break before each section);
* ``/admin/agenda/bericht/<round pk>/pdf/`` (``agenda_report:pdf``): an A4 PDF made with reportlab
  (cover, figures, bar charts, ranking, official answers, adopted proposals, "Seite X von Y"),
  streamed directly (a round of 500 proposals takes well under two seconds) and recorded in the
  round's history (Wagtail log action ``agenda.report``).

Permission ``agenda.view_dashboard`` (steering group, editors, administrators) is checked in both
views; everyone else gets 403. Only *published* official answers appear: the report may be passed
on to the public.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from agenda.models import RoundPage

PERMISSION = "agenda.view_dashboard"
LOG_ACTION = "agenda.report"
#: Bars in the PDF's ranking chart (the table below it has the whole ranking).
CHART_TOP = 10
#: Above this many days the PDF shows the activity per week instead of per day.
DAYS_PER_BAR_LIMIT = 31


@dataclass
class Figure:
    label: str
    value: int | float | None
    level: int = 0  # 1: a "davon" line below the figure before it


@dataclass
class CouncilReport:
    round: RoundPage
    dash: object  # agenda.stats.RoundDashboard
    city_name: str
    agenda_title: str
    generated: datetime.date
    period: tuple[datetime.date, datetime.date] | None
    figures: list[Figure] = field(default_factory=list)

    @property
    def results(self):
        return self.dash.results

    @property
    def for_against(self) -> bool:
        return self.results.for_against

    @property
    def ranking(self):
        return self.results.ranking

    @property
    def answers(self):
        """Ranked proposals with a published official answer, in the order of the ranking."""
        return [r for r in self.results.ranking if r.proposal.public_answer.strip()]

    @property
    def adopted(self):
        return self.results.adopted

    @property
    def by_field(self):
        return self.results.by_field

    @property
    def by_district(self):
        return self.dash.by_district

    @property
    def title(self) -> str:
        return _("Bericht an den Stadtrat: %(round)s") % {"round": self.round.title}

    @property
    def period_text(self) -> str:
        if not self.period:
            return ""
        return _("%(start)s bis %(end)s") % {
            "start": date_text(self.period[0]),
            "end": date_text(self.period[1]),
        }

    def weekly_activity(self) -> list[tuple[str, int]]:
        """Contributions per day, or per week (from Monday) for long rounds."""
        rows = self.dash.activity
        if len(rows) <= DAYS_PER_BAR_LIMIT:
            return [(short_date(row.day), row.total) for row in rows]
        weeks: dict[datetime.date, int] = {}
        for row in rows:
            monday = row.day - datetime.timedelta(days=row.day.weekday())
            weeks[monday] = weeks.get(monday, 0) + row.total
        return [
            (_("Woche ab %(day)s") % {"day": short_date(monday)}, total)
            for monday, total in sorted(weeks.items())
        ]


def date_text(day: datetime.date) -> str:
    return formats.date_format(day, "d.m.Y")


def short_date(day: datetime.date) -> str:
    return formats.date_format(day, "d.m.")


def city_name_for(request) -> str:
    from civic.models import CitySettings

    try:
        return CitySettings.for_request(request).city_name
    except Exception:  # noqa: BLE001 - a request outside every site: no city name, not an error
        return ""


def headline_figures(dash) -> list[Figure]:
    """The report's figures, in the order they are printed (HTML and PDF alike)."""
    res = dash.results
    figures = [
        Figure(_("Teilnehmende insgesamt"), res.participants_total),
        Figure(_("davon online (Konten)"), res.participants_online, 1),
        Figure(_("davon bei Veranstaltungen"), res.participants_offline, 1),
        Figure(_("Vorschläge"), res.proposals),
        Figure(_("davon online eingereicht"), res.proposals_online, 1),
        Figure(_("davon aus Veranstaltungen"), res.proposals_offline, 1),
        Figure(_("Kommentare"), res.comments),
        Figure(_("Stimmen insgesamt"), res.votes_total),
        Figure(_("davon online"), res.votes_online, 1),
        Figure(_("davon auf Papier"), res.votes_offline, 1),
    ]
    if res.for_against:
        figures += [
            Figure(_("Stimmen dafür"), res.votes_support_total, 1),
            Figure(_("Stimmen dagegen"), res.votes_against_total, 1),
        ]
    figures += [
        Figure(_("Veranstaltungen (Workshops, Interviews)"), res.offline_sources),
        Figure(_("In die Agenda aufgenommen"), res.proposals_adopted),
        Figure(_("Veröffentlichte Antworten"), res.answers_published),
        Figure(_("Noch ohne veröffentlichte Antwort"), dash.backlog_count),
        Figure(
            _("davon länger als %(days)s Tage") % {"days": dash.answer_target_days},
            dash.overdue_count,
            1,
        ),
    ]
    return figures


def build_report(round_page: RoundPage, *, city_name: str = "") -> CouncilReport:
    """Everything the report shows, from the (cached) dashboard figures of the round."""
    from agenda.stats import round_dashboard

    dash = round_dashboard(round_page)
    period = None
    if dash.phases:
        period = (min(b.start for b in dash.phases), max(b.end for b in dash.phases))
    parent = round_page.get_parent()
    return CouncilReport(
        round=round_page,
        dash=dash,
        city_name=city_name,
        agenda_title=parent.title if parent else "",
        generated=timezone.localdate(),
        period=period,
        figures=headline_figures(dash),
    )


# --------------------------------------------------------------------------------------------
# HTML charts (civic.charts)


def html_charts(report: CouncilReport) -> dict:
    from civic.charts import bar_chart, time_series

    pk = report.round.pk
    charts = {
        "fields": bar_chart(
            [(f.name, f.proposals) for f in report.by_field],
            title=_("Vorschläge je Handlungsfeld"),
            value_label=_("Vorschläge"),
            label_header=_("Handlungsfeld"),
            uid=f"report-{pk}-fields",
        ),
        "districts": bar_chart(
            [(row.name, row.contributions) for row in report.by_district],
            title=_("Beiträge je Stadtteil"),
            description=_(
                "Vorschläge, Stimmen und Kommentare zu Vorschlägen mit Ort im Stadtteil."
            ),
            value_label=_("Beiträge"),
            label_header=_("Stadtteil"),
            uid=f"report-{pk}-districts",
        ),
        "ranking": bar_chart(
            [
                (f"{r.proposal.reference} {r.proposal.title}", r.score)
                for r in report.ranking[:CHART_TOP]
            ],
            title=_("Die %(n)s Vorschläge mit den meisten Punkten") % {"n": CHART_TOP},
            value_label=_("Punkte"),
            label_header=_("Vorschlag"),
            uid=f"report-{pk}-ranking",
        ),
    }
    if report.dash.activity:
        charts["activity"] = time_series(
            [
                (
                    row.day,
                    {"proposals": row.proposals, "comments": row.comments, "votes": row.votes},
                )
                for row in report.dash.activity
            ],
            title=_("Aktivität pro Tag"),
            series=[
                ("proposals", _("Vorschläge")),
                ("comments", _("Kommentare")),
                ("votes", _("Stimmen online")),
            ],
            bands=[(b.start, b.end, b.label) for b in report.dash.phases],
            value_label=_("Beiträge"),
            uid=f"report-{pk}-activity",
        )
    return charts


# --------------------------------------------------------------------------------------------
# PDF (reportlab, civic.pdf)


def _ranking_rows(report: CouncilReport) -> tuple[list[list], list[float], tuple[int, ...]]:
    from reportlab.lib.units import mm

    if report.for_against:
        head = [
            _("Rang"),
            _("Nr."),
            _("Vorschlag"),
            _("Handlungsfeld"),
            _("dafür"),
            _("dagegen"),
            _("Punkte"),
            _("Status"),
        ]
        widths = [11 * mm, 23 * mm, 45 * mm, 26 * mm, 14 * mm, 16 * mm, 14 * mm, 25 * mm]
        rows = [
            [
                r.rank,
                r.proposal.reference,
                r.proposal.title,
                _field_name(r.proposal),
                r.total_support,
                r.total_against,
                r.score,
                r.status_label,
            ]
            for r in report.ranking
        ]
        numeric = (0, 4, 5, 6)
    else:
        head = [
            _("Rang"),
            _("Nr."),
            _("Vorschlag"),
            _("Handlungsfeld"),
            _("online"),
            _("Papier"),
            _("Punkte"),
            _("Status"),
        ]
        widths = [11 * mm, 23 * mm, 46 * mm, 26 * mm, 14 * mm, 14 * mm, 15 * mm, 25 * mm]
        rows = [
            [
                r.rank,
                r.proposal.reference,
                r.proposal.title,
                _field_name(r.proposal),
                r.online_support,
                r.offline_support,
                r.score,
                r.status_label,
            ]
            for r in report.ranking
        ]
        numeric = (0, 4, 5, 6)
    return [head, *rows], widths, numeric


def _field_name(proposal) -> str:
    return proposal.field_of_action.name if proposal.field_of_action_id else "–"


def pdf_story(report: CouncilReport, styles) -> list:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, NextPageTemplate, PageBreak, Spacer

    from civic.pdf import bar_chart, data_table, heading, para, paragraphs

    width = 174 * mm  # A4 minus margins (see render_report_pdf)
    story: list = [Spacer(1, 40 * mm)]
    story.append(para(_("Bericht an den Stadtrat"), styles["subtitle"]))
    story.append(para(report.round.title, styles["title"]))
    for line in (report.agenda_title, report.city_name):
        if line:
            story.append(para(line, styles["h3"]))
    if report.period:
        story.append(
            para(
                _("Zeitraum der Runde: %(period)s") % {"period": report.period_text}, styles["body"]
            )
        )
    story.append(para(_("Stand: %(date)s") % {"date": date_text(report.generated)}, styles["body"]))
    story += [NextPageTemplate("page"), PageBreak()]

    # 1. figures
    story.append(heading(_("Kennzahlen"), styles["h1"]))
    indented = ParagraphStyle("cell_indent", parent=styles["cell"], leftIndent=5 * mm)
    rows = [[_("Kennzahl"), _("Anzahl")]]
    for figure in report.figures:
        label = para(figure.label, indented) if figure.level else figure.label
        rows.append([label, figure.value])
    story.append(data_table(rows, styles, [120 * mm, 30 * mm], numeric_cols=(1,)))
    story.append(Spacer(1, 4 * mm))
    story += paragraphs(
        _(
            "Teilnehmende online sind Konten, die in der Runde vorgeschlagen, abgestimmt oder "
            "kommentiert haben (jede Person einmal). Teilnehmende bei Veranstaltungen sind die "
            "dort gezählten Personen. Vorschläge ohne zurückgezogene; Stimmen zu Vorschlägen, "
            "die noch in der Wertung sind."
        ),
        styles["small"],
    )

    # 2. by field of action
    story.append(CondPageBreak(90 * mm))
    story.append(heading(_("Vorschläge nach Handlungsfeld"), styles["h1"]))
    story.append(
        bar_chart(
            [(f.name, f.proposals) for f in report.by_field],
            width=width,
            title=_("Vorschläge je Handlungsfeld"),
        )
    )
    rows = [[_("Handlungsfeld"), _("Vorschläge"), _("aufgenommen"), _("Stimmen dafür")]]
    if report.for_against:
        rows[0].append(_("Stimmen dagegen"))
    for f in report.by_field:
        row = [f.name, f.proposals, f.adopted, f.total_support]
        if report.for_against:
            row.append(f.total_against)
        rows.append(row)
    story.append(Spacer(1, 3 * mm))
    story.append(data_table(rows, styles, None, numeric_cols=(1, 2, 3, 4)))

    # 3. by district
    story.append(CondPageBreak(90 * mm))
    story.append(heading(_("Beteiligung nach Stadtteil"), styles["h1"]))
    story.append(
        bar_chart(
            [(row.name, row.contributions) for row in report.by_district],
            width=width,
            title=_("Beiträge je Stadtteil"),
        )
    )
    rows = [
        [
            _("Stadtteil"),
            _("Vorschläge"),
            _("Stimmen"),
            _("Kommentare"),
            _("Teilnehmende online"),
            _("Einwohner"),
            _("Beiträge je 1.000"),
        ]
    ]
    for row in report.by_district:
        rows.append(
            [
                row.name,
                row.proposals,
                row.votes,
                row.comments,
                row.participants,
                row.population,
                row.per_1000,
            ]
        )
    story.append(Spacer(1, 3 * mm))
    story.append(data_table(rows, styles, None, numeric_cols=(1, 2, 3, 4, 5, 6)))
    story.append(Spacer(1, 2 * mm))
    story += paragraphs(
        _(
            "Ein Beitrag zählt im Stadtteil des Ortes, den der Vorschlag auf der Karte hat. "
            "Eine Person kann in mehreren Stadtteilen zählen."
        ),
        styles["small"],
    )

    # 4. activity
    activity = report.weekly_activity()
    if activity:
        story.append(CondPageBreak(90 * mm))
        story.append(heading(_("Aktivität im Verlauf der Runde"), styles["h1"]))
        story.append(
            bar_chart(
                activity,
                width=width,
                bar_height=8,
                title=_("Vorschläge, Kommentare und Online-Stimmen"),
            )
        )
        if report.dash.phases:
            story.append(Spacer(1, 3 * mm))
            rows = [[_("Phase"), _("von"), _("bis")]]
            rows += [[b.label, date_text(b.start), date_text(b.end)] for b in report.dash.phases]
            story.append(data_table(rows, styles, [80 * mm, 35 * mm, 35 * mm]))

    # 5. ranking
    story.append(PageBreak())
    story.append(heading(_("Rangliste"), styles["h1"]))
    if report.ranking:
        story.append(
            bar_chart(
                [
                    (f"{r.proposal.reference} {r.proposal.title}", r.score)
                    for r in report.ranking[:CHART_TOP]
                ],
                width=width,
                title=_("Die %(n)s Vorschläge mit den meisten Punkten") % {"n": CHART_TOP},
                label_chars=44,
            )
        )
        story.append(Spacer(1, 4 * mm))
        rows, widths, numeric = _ranking_rows(report)
        story.append(data_table(rows, styles, widths, numeric_cols=numeric))
    else:
        story.append(para(_("Die Runde hat keine Vorschläge in der Wertung."), styles["body"]))

    # 6. answers
    story.append(PageBreak())
    story.append(heading(_("Antworten der Steuerungsgruppe"), styles["h1"]))
    answers = report.answers
    if not answers:
        story.append(para(_("Es sind noch keine Antworten veröffentlicht."), styles["body"]))
    for r in answers:
        story.append(
            heading(
                f"{r.proposal.reference} · {r.proposal.title}",
                styles["h3"],
                toc_level=None,
                outline_level=1,
            )
        )
        story.append(
            para(
                _("Rang %(rank)s · %(status)s") % {"rank": r.rank, "status": r.status_label},
                styles["meta"],
            )
        )
        story += paragraphs(r.proposal.public_answer, styles["body"])

    # 7. adopted
    story.append(CondPageBreak(60 * mm))
    story.append(heading(_("In die Agenda aufgenommene Vorschläge"), styles["h1"]))
    if report.adopted:
        rows = [[_("Nr."), _("Vorschlag"), _("Handlungsfeld"), _("Status"), _("Punkte")]]
        rows += [
            [
                r.proposal.reference,
                r.proposal.title,
                _field_name(r.proposal),
                r.status_label,
                r.score,
            ]
            for r in report.adopted
        ]
        story.append(
            data_table(
                rows, styles, [24 * mm, 68 * mm, 30 * mm, 36 * mm, 16 * mm], numeric_cols=(4,)
            )
        )
    else:
        story.append(
            para(_("Noch kein Vorschlag wurde in die Agenda aufgenommen."), styles["body"])
        )
    return story


def render_report_pdf(report: CouncilReport, out) -> None:
    """Write the report as an A4 PDF to ``out`` (a path or a binary file)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    from civic.pdf import NumberedDocTemplate, make_styles

    styles = make_styles(base_size=9.5)
    footer = " · ".join(part for part in (report.city_name, report.round.title) if part)
    doc = NumberedDocTemplate(
        out,
        pagesize=A4,
        margins=(20 * mm, 18 * mm, 20 * mm, 18 * mm),
        header_text=_("Bericht an den Stadtrat – Stand %(date)s")
        % {"date": date_text(report.generated)},
        footer_text=footer,
        cover=True,
        title=report.title,
        author=report.city_name,
        subject=report.agenda_title,
    )
    doc.build_story(pdf_story(report, styles))


# --------------------------------------------------------------------------------------------
# views


def _round_for(request, pk) -> RoundPage:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    return get_object_or_404(RoundPage, pk=pk)


def report_url(round_page) -> str:
    return reverse("agenda_report:html", args=[round_page.pk])


def report_pdf_url(round_page) -> str:
    return reverse("agenda_report:pdf", args=[round_page.pk])


def _dashboard_url(round_page) -> str:
    try:
        return reverse("agenda_dashboard:round", args=[round_page.pk])
    except NoReverseMatch:
        return ""


def report_view(request, pk):
    """The report as a standalone, printable HTML page."""
    round_page = _round_for(request, pk)
    report = build_report(round_page, city_name=city_name_for(request))
    return TemplateResponse(
        request,
        "agenda/report/report.html",
        {
            "report": report,
            "charts": html_charts(report),
            "pdf_url": report_pdf_url(round_page),
            "dashboard_url": _dashboard_url(round_page),
        },
    )


def report_pdf(request, pk):
    """The report as a PDF download, recorded in the round's history."""
    from wagtail.log_actions import log

    round_page = _round_for(request, pk)
    report = build_report(round_page, city_name=city_name_for(request))
    buffer = io.BytesIO()
    render_report_pdf(report, buffer)
    log(instance=round_page, action=LOG_ACTION, user=request.user, data={"format": "pdf"})
    filename = (
        f"bericht-{slugify(round_page.title) or round_page.pk}-{report.generated:%Y-%m-%d}.pdf"
    )
    response = HttpResponse(buffer.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
