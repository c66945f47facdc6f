"""Round exports (agenda/exports.py): every format re-read, every figure checked against what the
test created, no private data, memory-bounded querying."""

import csv
import datetime
import io
import json
import zipfile

import pytest
from django.utils import timezone

from agenda import exports
from agenda import phases as ph
from agenda.models import Proposal
from civic.comments import remove_comment
from tests.agenda.factories import (
    FieldOfActionFactory,
    OfflineSourceFactory,
    OfflineVoteTallyFactory,
    ProposalFactory,
    RoundPageFactory,
    VoteFactory,
    make_comment,
)
from tests.civic.factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db

ANSWERED_AT = timezone.make_aware(datetime.datetime(2026, 6, 1, 14, 30))
CREATED = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 15))


def set_fields(proposal, **fields):
    """Write fields without save() (which would re-derive the district from the point)."""
    Proposal.objects.filter(pk=proposal.pk).update(**fields)
    proposal.refresh_from_db()


@pytest.fixture
def scenario(editor):
    """A for/against round with proposals of every kind, votes, paper votes and a thread."""
    earlier = RoundPageFactory(current="ended", reference_prefix="AA", reference_year=2025)
    round_page = RoundPageFactory(
        current=ph.EVALUATE,
        title="Runde Zwei",
        slug="runde-zwei",
        reference_prefix="DA",
        reference_year=2026,
        voting_mode="for_against",
    )
    later = RoundPageFactory(current=ph.PROPOSE, reference_prefix="DB", reference_year=2027)
    bildung = FieldOfActionFactory(name="Bildung", slug="bildung")
    mobil = FieldOfActionFactory(name="Mobilität", slug="mobilitaet")
    district = DistrictFactory(name="Altstadt")
    rita = UserFactory(display_name="Rita Resident", email="rita.private@example.org")
    nameless = UserFactory(display_name="", email="ohne.namen@example.org")
    commenter = UserFactory(display_name="Karl Kommentar", email="karl.secret@example.org")
    workshop = OfflineSourceFactory(round=round_page, name="Workshop Schule")

    old = ProposalFactory(round=earlier, title="Alter Vorschlag", author=rita)
    p1 = ProposalFactory(
        round=round_page, title="Offenes WLAN", author=rita, field_of_action=bildung
    )
    set_fields(
        p1,
        lat=50.2581,
        lon=10.9645,
        district=district,
        status="adopted",
        answer="Das machen wir.",
        answer_published=True,
        answered_at=ANSWERED_AT,
        created=CREATED,
    )
    p2 = ProposalFactory(
        round=round_page,
        title="=HYPERLINK(1)",
        description="Ohne Ort.",
        author=nameless,
        field_of_action=mobil,
    )
    set_fields(p2, answer="Noch intern.", answer_published=False, carried_from=old)
    p3 = ProposalFactory(
        round=round_page,
        title="Aus dem Workshop",
        author=None,
        offline_source=workshop,
        entered_by=editor,
        field_of_action=bildung,
    )
    set_fields(p3, status="merged", merged_into=p1, lat=50.26, lon=10.97)
    copy = ProposalFactory(round=later, title="Offenes WLAN", author=rita, carried_from=p1)
    ProposalFactory(round=later, title="Anderswo", author=commenter)

    for value in (1, 1, -1):
        VoteFactory(proposal=p1, value=value)
    VoteFactory(proposal=p2, value=1)
    OfflineVoteTallyFactory(proposal=p1, source=workshop, support=5, against=1)
    OfflineVoteTallyFactory(proposal=p2, source=workshop, support=2, against=3)

    c1 = make_comment(p1, commenter, "Sehr gut!")
    c2 = make_comment(p1, rita, "Danke.", parent=c1)
    c3 = make_comment(p1, commenter, "Gern.", parent=c2)
    c4 = make_comment(p1, commenter, "Etwas Beleidigendes")
    remove_comment(c4, by=editor, note="Beleidigung")
    c5 = make_comment(p1, commenter, "Wartet noch", is_public=False)
    c6 = make_comment(p2, nameless, "+49 hilft nicht")
    make_comment(copy, commenter, "In der anderen Runde")
    return {
        "round": round_page,
        "p": [p1, p2, p3],
        "copy": copy,
        "old": old,
        "comments": [c1, c2, c3, c4, c5, c6],
        "emails": [u.email for u in (rita, nameless, commenter, editor)],
    }


def produce(round_page, kind, fmt, tmp_path):
    return exports.export_to_path(round_page, kind, fmt, tmp_path)


def read_csv(path_or_bytes):
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def read_xlsx(path):
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    # empty cells at the end of a row are not stored: pad to the header's width
    return [row + [None] * (len(rows[0]) - len(row)) for row in rows]


def labels(columns):
    return [str(c.label) for c in columns]


# -- proposals ----------------------------------------------------------------------------


def test_proposals_csv_has_every_proposal_with_figures(scenario, tmp_path):
    rows = read_csv(produce(scenario["round"], "proposals", "csv", tmp_path))
    assert rows[0] == labels(exports.PROPOSAL_COLUMNS)
    assert rows[0][:3] == ["Kennung", "Nummer", "Titel"]
    p1, p2, p3 = scenario["p"]
    body = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [r["Kennung"] for r in body] == [p.reference for p in (p1, p2, p3)]
    first, second, third = body

    assert first["Titel"] == "Offenes WLAN"
    assert first["Handlungsfeld"] == "Bildung"
    assert first["Stadtteil"] == "Altstadt"
    assert first["Status"] == "in die Agenda aufgenommen"
    assert first["Verfasst von"] == "Rita Resident"
    assert first["Herkunft"] == "online"
    assert (first["Online dafür"], first["Online dagegen"]) == ("2", "1")
    assert (first["Offline dafür"], first["Offline dagegen"]) == ("5", "1")
    assert (first["Gesamt dafür"], first["Gesamt dagegen"]) == ("7", "2")
    assert first["Kommentare"] == "3"  # c1–c3; removed and waiting comments do not count
    assert first["Antwort der Steuerungsgruppe"] == "Das machen wir."
    assert first["Antwort veröffentlicht"] == "ja"
    assert first["Beantwortet am"] == "2026-06-01 14:30"
    assert first["Eingereicht am"] == "2026-03-02 09:15"
    assert first["Übernommen in"] == scenario["copy"].reference
    assert first["Übernommen in"].startswith("DB-2027-")
    assert (first["Breitengrad"], first["Längengrad"]) == ("50,2581", "10,9645")

    # CSV injection: a formula typed by a resident stays text
    assert second["Titel"] == "'=HYPERLINK(1)"
    assert second["Verfasst von"] == "Anonym"
    assert (second["Online dafür"], second["Online dagegen"]) == ("1", "0")
    assert (second["Offline dafür"], second["Offline dagegen"]) == ("2", "3")
    assert second["Kommentare"] == "1"
    assert second["Antwort veröffentlicht"] == "nein"
    assert second["Antwort der Steuerungsgruppe"] == "Noch intern."
    assert second["Übernommen aus"] == scenario["old"].reference
    assert second["Breitengrad"] == second["Längengrad"] == ""

    assert third["Herkunft"] == "offline"
    assert third["Verfasst von"] == "Workshop Schule"
    assert third["Status"] == "zusammengeführt"
    assert third["Zusammengeführt mit"] == p1.reference


def test_proposal_figures_match_independent_counts(scenario, tmp_path):
    from agenda.models import OfflineVoteTally, Vote

    rows = read_csv(produce(scenario["round"], "proposals", "csv", tmp_path))
    body = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    for proposal in scenario["p"]:
        row = body[proposal.reference]
        votes = list(Vote.objects.filter(proposal=proposal).values_list("value", flat=True))
        tallies = OfflineVoteTally.objects.filter(proposal=proposal)
        assert int(row["Online dafür"]) == votes.count(1)
        assert int(row["Online dagegen"]) == votes.count(-1)
        assert int(row["Offline dafür"]) == sum(t.support for t in tallies)
        assert int(row["Offline dagegen"]) == sum(t.against for t in tallies)
        expected_comments = sum(
            1
            for c in scenario["comments"]
            if c.object_pk == str(proposal.pk) and c.is_public and not c.is_removed
        )
        c4 = scenario["comments"][3]
        c4.refresh_from_db()
        assert c4.is_removed
        assert int(row["Kommentare"]) == expected_comments


def test_proposals_xlsx_has_native_values(scenario, tmp_path):
    path = produce(scenario["round"], "proposals", "xlsx", tmp_path)
    assert path.name == "runde-zwei-vorschlaege.xlsx"
    rows = read_xlsx(path)
    assert rows[0] == labels(exports.PROPOSAL_COLUMNS)
    assert len(rows) == 4
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    second = dict(zip(header, rows[2], strict=True))
    assert first["Kennung"] == scenario["p"][0].reference
    assert first["Online dafür"] == 2 and first["Offline dafür"] == 5
    assert first["Gesamt dafür"] == 7 and first["Gesamt dagegen"] == 2
    assert first["Kommentare"] == 3
    assert first["Antwort veröffentlicht"] is True
    assert first["Beantwortet am"] == datetime.datetime(2026, 6, 1, 14, 30)
    assert first["Breitengrad"] == pytest.approx(50.2581)
    # stored as text, not as a formula
    assert second["Titel"] == "=HYPERLINK(1)"
    assert second["Breitengrad"] is None


def test_geojson_has_only_proposals_with_a_point(scenario, tmp_path):
    import geopandas

    path = produce(scenario["round"], "proposals", "geojson", tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    p1, _p2, p3 = scenario["p"]
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["reference"] for f in data["features"]] == [
        p1.reference,
        p3.reference,
    ]
    first = data["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [10.9645, 50.2581]}
    assert first["properties"]["online_support"] == 2
    assert first["properties"]["offline_against"] == 1
    assert first["properties"]["answer"] == "Das machen wir."
    assert first["properties"]["answered_at"] == "2026-06-01T14:30:00+02:00"
    assert "lat" not in first["properties"]

    frame = geopandas.read_file(path)
    assert len(frame) == 2
    assert frame.crs.to_epsg() == 4326
    assert list(frame["reference"]) == [p1.reference, p3.reference]


def test_geopackage_is_readable_with_expected_rows_and_columns(scenario, tmp_path):
    import geopandas

    path = produce(scenario["round"], "proposals", "gpkg", tmp_path)
    frame = geopandas.read_file(path, layer=exports.GPKG_LAYER)
    assert frame.crs.to_epsg() == 4326
    assert list(frame.columns) == [c.key for c in exports.GEO_COLUMNS] + ["geometry"]
    p1, _p2, p3 = scenario["p"]
    assert list(frame["reference"]) == [p1.reference, p3.reference]
    row = frame.iloc[0]
    assert (row["online_support"], row["online_against"]) == (2, 1)
    assert (row["offline_support"], row["offline_against"]) == (5, 1)
    assert row["comment_count"] == 3
    assert row["answer"] == "Das machen wir."
    assert bool(row["answer_published"]) is True
    assert (row.geometry.x, row.geometry.y) == (10.9645, 50.2581)
    assert frame.iloc[1]["merged_into"] == p1.reference


def test_geopackage_in_several_chunks(scenario, tmp_path):
    """Appending chunk by chunk gives the same layer as one write."""
    import geopandas

    round_page = scenario["round"]
    for i in range(5):
        set_fields(ProposalFactory(round=round_page, title=f"Punkt {i}"), lat=50.0 + i, lon=11.0)
    path = tmp_path / "chunks.gpkg"
    rows = exports.proposal_rows(round_page, with_point=True)
    exports.write_gpkg(rows, exports.GEO_COLUMNS, path, chunk_size=2)
    frame = geopandas.read_file(path, layer=exports.GPKG_LAYER)
    assert len(frame) == 7 == exports.count_rows(round_page, "proposals", "gpkg")
    assert sorted(frame.geometry.y)[-1] == 54.0


def test_empty_round_exports_are_valid(tmp_path):
    import geopandas

    round_page = RoundPageFactory(current=ph.PROPOSE)
    assert read_csv(produce(round_page, "proposals", "csv", tmp_path))[1:] == []
    assert read_xlsx(produce(round_page, "comments", "xlsx", tmp_path))[1:] == []
    data = json.loads(produce(round_page, "proposals", "geojson", tmp_path).read_text())
    assert data["features"] == []
    assert len(geopandas.read_file(produce(round_page, "proposals", "gpkg", tmp_path))) == 0


# -- comments -----------------------------------------------------------------------------


def test_comments_csv_keeps_the_thread_structure(scenario, tmp_path):
    c1, c2, c3, c4, c5, c6 = scenario["comments"]
    p1, p2, _p3 = scenario["p"]
    rows = read_csv(produce(scenario["round"], "comments", "csv", tmp_path))
    assert rows[0] == labels(exports.COMMENT_COLUMNS)
    body = {int(row[0]): dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    # every comment of the round (any state), none of the other round
    assert set(body) == {c.pk for c in (c1, c2, c3, c4, c5, c6)}
    assert body[c1.pk]["Antwort auf (ID)"] == ""
    assert body[c2.pk]["Antwort auf (ID)"] == str(c1.pk)
    assert body[c3.pk]["Antwort auf (ID)"] == str(c2.pk)
    assert {body[c.pk]["Diskussionsstrang (ID)"] for c in (c1, c2, c3)} == {str(c1.pk)}
    assert [body[c.pk]["Ebene"] for c in (c1, c2, c3)] == ["0", "1", "2"]
    assert body[c1.pk]["Vorschlag"] == p1.reference
    assert body[c6.pk]["Vorschlag"] == p2.reference
    assert body[c1.pk]["Verfasst von"] == "Karl Kommentar"
    assert body[c1.pk]["Text"] == "Sehr gut!"
    assert body[c1.pk]["Zustand"] == "öffentlich"
    # removed: the removal note instead of the text
    assert body[c4.pk]["Text"] == "Von der Redaktion entfernt: Beleidigung"
    assert body[c4.pk]["Zustand"] == "entfernt"
    assert body[c5.pk]["Zustand"] == "nicht freigegeben"
    assert body[c6.pk]["Verfasst von"] == "Anonym"
    assert body[c6.pk]["Text"] == "'+49 hilft nicht"
    # thread order: a proposal's comments together, replies after their parent
    order = [int(row[0]) for row in rows[1:]]
    assert order.index(c1.pk) < order.index(c2.pk) < order.index(c3.pk)
    assert order[-1] == c6.pk


def test_comments_xlsx(scenario, tmp_path):
    c1, c2, _c3, c4, _c5, _c6 = scenario["comments"]
    rows = read_xlsx(produce(scenario["round"], "comments", "xlsx", tmp_path))
    assert rows[0] == labels(exports.COMMENT_COLUMNS)
    assert len(rows) == 1 + 6
    body = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert body[c2.pk]["Antwort auf (ID)"] == c1.pk
    assert body[c1.pk]["Antwort auf (ID)"] is None
    assert body[c2.pk]["Ebene"] == 1
    assert "Beleidigendes" not in json.dumps([list(map(str, r)) for r in rows])
    assert body[c4.pk]["Text"].startswith("Von der Redaktion entfernt")


# -- privacy ------------------------------------------------------------------------------


def _all_text(path) -> bytes:
    data = path.read_bytes()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return b"".join(archive.read(name) for name in archive.namelist())
    return data


@pytest.mark.parametrize(
    "kind,fmt",
    [
        ("proposals", "csv"),
        ("proposals", "xlsx"),
        ("proposals", "geojson"),
        ("proposals", "gpkg"),
        ("comments", "csv"),
        ("comments", "xlsx"),
    ],
)
def test_no_email_address_in_any_export(scenario, tmp_path, kind, fmt):
    content = _all_text(produce(scenario["round"], kind, fmt, tmp_path))
    assert len(content) > 200
    for email in scenario["emails"]:
        assert email.encode() not in content
        assert email.split("@")[0].encode() not in content
    assert b"@example.org" not in content


# -- memory-bounded querying ----------------------------------------------------------------


@pytest.mark.parametrize("kind,fmt", [("proposals", "csv"), ("comments", "csv")])
def test_stream_query_count_does_not_grow_with_the_round(
    scenario, django_assert_max_num_queries, kind, fmt
):
    round_page = scenario["round"]

    def consume():
        return b"".join(exports.stream(round_page, kind, fmt))

    with django_assert_max_num_queries(3) as small:
        consume()
    users = UserFactory.create_batch(5)
    for i in range(40):
        proposal = ProposalFactory(round=round_page, author=users[i % 5])
        VoteFactory(proposal=proposal, user=users[(i + 1) % 5])
        parent = make_comment(proposal, users[i % 5], "Eins")
        make_comment(proposal, users[(i + 2) % 5], "Zwei", parent=parent)
    with django_assert_max_num_queries(len(small.captured_queries)):
        data = consume()
    assert data.count(b"\r\n") == 1 + (43 if kind == "proposals" else 6 + 80)


def test_headers_and_states_follow_the_language(scenario, tmp_path):
    from django.utils.translation import override

    with override("en"):
        rows = read_csv(produce(scenario["round"], "comments", "csv", tmp_path))
    assert rows[0][:3] == ["Comment ID", "Reply to (ID)", "Thread (ID)"]
    assert {row[-1] for row in rows[1:]} == {"public", "removed", "not approved"}
