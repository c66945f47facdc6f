"""civic.charts: SVG charts and choropleth classification (pure functions, no database)."""

import json
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from civic import charts
from civic.colors import contrast_ratio

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _german():
    with translation.override("de"):
        yield


def parse(chart):
    return ET.fromstring(str(chart.svg))


def bars(root):
    return [el for el in root.iter(f"{SVG}rect") if "civic-chart__bar" in el.get("class", "")]


def texts(root):
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


# -- bar chart -------------------------------------------------------------------------------


def test_bar_chart_is_accessible_svg_with_proportional_bars():
    rows = [("Verkehr", 40), ("Schule", 10), ("Umwelt", 25)]
    c = charts.bar_chart(rows, title="Vorschläge je Handlungsfeld", value_label="Vorschläge")
    root = parse(c)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}title").text == "Vorschläge je Handlungsfeld"
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert "style" not in str(c.svg)  # CSP: presentation attributes only

    widths = [float(b.get("width")) for b in bars(root)]
    assert len(widths) == 3
    assert widths[0] / widths[1] == pytest.approx(4, rel=0.01)
    assert widths[2] / widths[1] == pytest.approx(2.5, rel=0.01)
    assert [b.get("data-value") for b in bars(root)] == ["40", "10", "25"]
    # labels and values are readable text in the SVG
    shown = texts(root)
    for label, value in rows:
        assert label in shown
        assert str(value) in shown


def test_bar_chart_table_equals_input_and_formats_german_numbers():
    rows = [("Mitte", 1234), ("Nord", 2.5), ("Süd", None)]
    c = charts.bar_chart(rows, title="T", value_label="Wert", label_header="Stadtteil")
    assert c.table.caption == "T"
    assert c.table.headers == ["Stadtteil", "Wert"]
    assert c.table.rows == [["Mitte", "1.234"], ["Nord", "2,5"], ["Süd", "–"]]
    assert len(bars(parse(c))) == 2  # no bar for "no value"


def test_bar_chart_escapes_labels():
    evil = '<script>alert("x")</script> & Co'
    c = charts.bar_chart([(evil, 3)], title="<b>Titel</b>", value_label="n")
    svg = str(c.svg)
    assert "<script>" not in svg
    assert "<b>" not in svg
    root = parse(c)  # still well-formed XML
    assert any("<script>" in t for t in texts(root))  # shown as text
    html = Template("{% load civic_charts %}{% chart c %}").render(Context({"c": c}))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_bar_chart_truncates_long_labels_but_table_keeps_them():
    long = "Ein sehr langer Vorschlagstitel, der nicht in die Beschriftung passt"
    c = charts.bar_chart([(long, 3)], title="T", value_label="n")
    shown = texts(parse(c))
    assert long not in shown
    assert any(t.endswith("…") and long.startswith(t[:-1]) for t in shown)
    assert c.table.rows[0][0] == long


def test_bar_chart_grouped_and_stacked_series():
    series = [("online", "online"), ("offline", "vor Ort")]
    rows = [("Mitte", {"online": 6, "offline": 2}), ("Nord", {"online": 3})]
    grouped = charts.bar_chart(rows, title="T", value_label="Beiträge", series=series)
    gbars = bars(parse(grouped))
    assert [(b.get("data-series"), b.get("data-value")) for b in gbars] == [
        ("online", "6"),
        ("offline", "2"),
        ("online", "3"),
    ]
    assert float(gbars[0].get("width")) / float(gbars[2].get("width")) == pytest.approx(2)
    assert grouped.table.headers == ["Bezeichnung", "online", "vor Ort"]
    assert grouped.table.rows == [["Mitte", "6", "2"], ["Nord", "3", "–"]]

    stacked = charts.bar_chart(rows, title="T", value_label="B", series=series, stacked=True)
    sbars = bars(parse(stacked))
    # the segments of a row sit end to end
    first, second = sbars[0], sbars[1]
    assert float(first.get("x")) + float(first.get("width")) == pytest.approx(
        float(second.get("x"))
    )
    assert float(first.get("y")) == float(second.get("y"))
    assert stacked.table.headers[-1] == "Summe"
    assert stacked.table.rows[0] == ["Mitte", "6", "2", "8"]
    assert "8" in texts(parse(stacked))  # the total at the end of the bar
    # legend names both series
    assert {"online", "vor Ort"} <= set(texts(parse(stacked)))


@pytest.mark.parametrize("rows", [[], [("Mitte", 0), ("Nord", None)]])
def test_empty_bar_chart_says_so(rows):
    c = charts.bar_chart(rows, title="Leer", value_label="n")
    assert c.empty
    assert "Keine Daten" in texts(parse(c))
    html = Template("{% load civic_charts %}{% chart c %}").render(Context({"c": c}))
    assert "Keine Daten" in html
    assert "<table" not in html


def test_chart_tag_renders_figure_svg_and_table():
    c = charts.bar_chart([("Mitte", 5), ("Nord", 7)], title="Erinnerungen", value_label="Anzahl")
    html = Template("{% load civic_charts %}{% chart c %}").render(Context({"c": c}))
    assert html.count("<figure") == 1
    assert "<figcaption" in html and "Erinnerungen" in html
    assert "<svg" in html
    assert "<details" in html and "Daten als Tabelle" in html
    assert "<caption>Erinnerungen</caption>" in html
    assert '<th scope="row">Nord</th><td class="civic-chart__num">7</td>' in html


def test_series_colours_have_contrast_against_white():
    for colour in charts.SERIES_COLOURS:
        assert contrast_ratio(colour, "#ffffff") >= 3
    assert contrast_ratio(charts.TEXT_COLOUR, "#ffffff") >= 4.5
    assert contrast_ratio(charts.MUTED_TEXT_COLOUR, "#ffffff") >= 4.5
    for band in charts.BAND_COLOURS:  # band labels are text on the band
        assert contrast_ratio(charts.TEXT_COLOUR, band) >= 4.5


# -- time series -----------------------------------------------------------------------------


def test_time_series_fills_missing_days_and_shows_bands():
    points = [
        (date(2026, 3, 1), {"p": 2, "v": 5}),
        (date(2026, 3, 4), {"p": 1}),
    ]
    c = charts.time_series(
        points,
        title="Aktivität",
        series=[("p", "Vorschläge"), ("v", "Stimmen")],
        bands=[
            (date(2026, 3, 1), date(2026, 3, 2), "Ideensammlung"),
            (date(2026, 3, 3), date(2026, 3, 9), "Abstimmung"),
        ],
    )
    assert c.table.headers == ["Datum", "Vorschläge", "Stimmen", "Phase"]
    assert c.table.rows == [
        ["01.03.2026", "2", "5", "Ideensammlung"],
        ["02.03.2026", "0", "0", "Ideensammlung"],
        ["03.03.2026", "0", "0", "Abstimmung"],
        ["04.03.2026", "1", "0", "Abstimmung"],
    ]
    root = parse(c)
    columns = bars(root)
    assert [(b.get("data-date"), b.get("data-series"), b.get("data-value")) for b in columns] == [
        ("2026-03-01", "p", "2"),
        ("2026-03-01", "v", "5"),
        ("2026-03-04", "p", "1"),
    ]
    # stacked: heights proportional, the second segment on top of the first
    h = [float(b.get("height")) for b in columns]
    assert h[1] / h[0] == pytest.approx(2.5)
    assert h[0] / h[2] == pytest.approx(2)
    assert float(columns[1].get("y")) + h[1] == pytest.approx(float(columns[0].get("y")))
    bands = [el for el in root.iter(f"{SVG}rect") if el.get("class") == "civic-chart__band"]
    assert len(bands) == 2
    shown = texts(root)
    assert "Ideensammlung" in " ".join(shown)
    assert "1.3." in shown  # German day labels on the x axis


def test_time_series_per_month_with_plain_values_and_range():
    c = charts.time_series(
        [(date(2025, 11, 20), 3), (date(2025, 11, 2), 1), (date(2026, 1, 5), 2)],
        title="Einsendungen",
        series=[("n", "Erinnerungen")],
        period="month",
        start=date(2025, 10, 1),
        end=date(2026, 2, 1),
    )
    assert [row[0] for row in c.table.rows] == [
        "Oktober 2025",
        "November 2025",
        "Dezember 2025",
        "Januar 2026",
        "Februar 2026",
    ]
    assert [row[1] for row in c.table.rows] == ["0", "4", "0", "2", "0"]
    assert "style" not in str(c.svg)


def test_time_series_lines_and_empty():
    c = charts.time_series(
        {date(2026, 1, 1): {"a": 1}, date(2026, 1, 3): {"a": 3}},
        title="Linien",
        series=[("a", "A")],
        kind="lines",
    )
    root = parse(c)
    lines = [el for el in root.iter(f"{SVG}polyline")]
    assert len(lines) == 1
    ys = [float(p.split(",")[1]) for p in lines[0].get("points").split()]
    assert len(ys) == 3
    base = max(ys[1], ys[0])  # the middle day is 0: the lowest point
    assert ys[1] == base
    assert (ys[1] - ys[2]) / (ys[1] - ys[0]) == pytest.approx(3)

    empty = charts.time_series([], title="Leer", series=[("a", "A")])
    assert empty.empty
    assert "Keine Daten" in texts(parse(empty))


def test_english_number_and_date_formats():
    with translation.override("en"):
        c = charts.bar_chart([("A", 1234.5)], title="T", value_label="n")
        assert c.table.rows == [["A", "1,234.5"]]


# -- choropleth ------------------------------------------------------------------------------


def test_classify_quantiles_on_known_input():
    assert charts.classify(range(1, 11), 5) == [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10)]
    # equal values are never split; fewer classes when there are fewer distinct values
    assert charts.classify([1, 1, 1, 5], 3) == [(1, 1), (5, 5)]
    assert charts.classify([4, 4, 4], 5) == [(4, 4)]
    # zeros and None are not classified
    assert charts.classify([0, None, 2, 4], 2) == [(2, 2), (4, 4)]
    assert charts.classify([], 5) == []


def test_classify_equal_intervals():
    assert charts.classify([0.5, 10, 2, 4], 2, "equal") == [(0.5, 5.25), (5.25, 10)]
    assert charts.classify([3, 3], 4, "equal") == [(3, 3)]


def square(slug, name, lon):
    return {
        "type": "Feature",
        "id": slug,
        "geometry": {
            "type": "Polygon",
            "coordinates": [
                [[lon, 50], [lon + 0.01, 50], [lon + 0.01, 50.01], [lon, 50.01], [lon, 50]]
            ],
        },
        "properties": {"name": name, "slug": slug, "population": 1000},
    }


def test_choropleth_classes_colours_legend_and_table():
    features = [
        square("mitte", "Mitte", 10.0),
        square("nord", "Nord <i>", 10.1),
        square("sued", "Süd", 10.2),
        square("ost", "Ost", 10.3),
        square("west", "West", 10.4),
    ]
    values = {"mitte": 10, "nord": 2, "sued": 0, "ost": None}  # west missing: no data
    c = charts.choropleth(
        features,
        values,
        title="Erinnerungen je Stadtteil",
        value_label="Erinnerungen",
        classes=2,
        extra_columns=[("je 1.000 Einwohner", {"mitte": 10.0, "nord": 2.0})],
    )
    props = {f["id"]: f["properties"] for f in c.geojson["features"]}
    assert props["nord"]["class"] == "1" and props["mitte"]["class"] == "2"
    assert props["sued"]["class"] == "zero" and props["sued"]["colour"] == charts.ZERO_COLOUR
    assert props["ost"]["class"] == "none" and props["west"]["class"] == "none"
    assert props["ost"]["colour"] == charts.NO_DATA_COLOUR
    assert props["mitte"]["colour"] == charts.SEQUENTIAL_PALETTE[-1]
    assert props["nord"]["colour"] == charts.SEQUENTIAL_PALETTE[0]
    assert props["mitte"]["value"] == 10
    assert props["mitte"]["label"] == "Mitte: Erinnerungen 10; je 1.000 Einwohner 10"
    # the geometry comes through unchanged
    assert c.geojson["features"][0]["geometry"]["type"] == "Polygon"
    assert [(e.label, e.klass, e.count) for e in c.legend] == [
        ("0", "zero", 1),
        ("2", "1", 1),
        ("10", "2", 1),
        ("Keine Daten", "none", 2),
    ]
    assert c.table.headers == ["Stadtteil", "Erinnerungen", "je 1.000 Einwohner", "Klasse"]
    assert c.table.rows == [
        ["Mitte", "10", "10", "10"],
        ["Nord <i>", "2", "2", "2"],
        ["Ost", "–", "–", "Keine Daten"],
        ["Süd", "0", "–", "0"],
        ["West", "–", "–", "Keine Daten"],
    ]


def test_choropleth_map_tag_renders_container_data_legend_and_table(db):
    features = [square("mitte", "Mitte </script><script>", 10.0), square("nord", "Nord", 10.1)]
    c = charts.choropleth(features, {"mitte": 3, "nord": 7}, title="Karte", value_label="n")
    request = RequestFactory().get("/admin/auswertung/")
    html = Template("{% load civic_charts %}{% choropleth_map c %}").render(
        Context({"c": c, "request": request})
    )
    assert "data-civic-choropleth" in html
    assert f'data-geojson-id="{c.uid}-data"' in html
    assert f'<script id="{c.uid}-data" type="application/json">' in html
    assert f'<script id="{c.uid}-options" type="application/json">' in html
    assert "</script><script>" not in html.replace(
        '</script><script id="', ""
    )  # the name is escaped inside json_script
    start = html.index(f'<script id="{c.uid}-data" type="application/json">')
    payload = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    data = json.loads(payload)
    assert {f["properties"]["name"] for f in data["features"]} == {
        "Mitte </script><script>",
        "Nord",
    }
    assert "civic-choropleth__legend" in html
    assert "<caption>Karte</caption>" in html
    assert "<details" not in html  # the table stands beside the map, not folded away
    assert "Mitte &lt;/script&gt;&lt;script&gt;" in html


def test_choropleth_palette_borders_contrast():
    for colour in charts.SEQUENTIAL_PALETTE[:3] + [charts.ZERO_COLOUR, charts.NO_DATA_COLOUR]:
        assert contrast_ratio(charts.BORDER_COLOUR, colour) >= 3


def test_choropleth_without_districts_says_so(db):
    c = charts.choropleth([], {}, title="Karte", value_label="n")
    assert c.empty and c.legend == [] and c.table.rows == []
    html = Template("{% load civic_charts %}{% choropleth_map c %}").render(
        Context({"c": c, "request": RequestFactory().get("/")})
    )
    assert "Keine Stadtteile eingetragen." in html
    assert "data-civic-choropleth" not in html
