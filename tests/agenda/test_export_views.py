"""The "Exporte" admin page of a round: access, direct downloads, background jobs, the log."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from wagtail.models import PageLogEntry

from agenda import exports
from agenda import phases as ph
from civic.models_jobs import Job
from tests.agenda.factories import (
    OfflineVoteTallyFactory,
    ProposalFactory,
    RoundPageFactory,
    VoteFactory,
    make_comment,
)
from tests.civic.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_page():
    page = RoundPageFactory(current=ph.EVALUATE, title="Runde Drei", slug="runde-drei")
    author = UserFactory(display_name="Paula Public", email="paula.private@example.org")
    first = ProposalFactory(round=page, title="Radwege", author=author)
    second = ProposalFactory(round=page, title="Schul-WLAN", author=author)
    VoteFactory(proposal=first, value=1)
    VoteFactory(proposal=first, value=1)
    OfflineVoteTallyFactory(proposal=second, support=4, against=0)
    root = make_comment(first, author, "Gute Idee")
    make_comment(first, author, "Stimmt", parent=root)
    return page


def page_url(round_page):
    return reverse("agenda_exports:round", args=[round_page.pk])


def download_url(round_page, kind, fmt):
    return reverse("agenda_exports:download", args=[round_page.pk, kind, fmt])


def start_url(round_page, kind, fmt):
    return reverse("agenda_exports:start", args=[round_page.pk, kind, fmt])


def csv_rows(data: bytes):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def export_log(round_page):
    return PageLogEntry.objects.filter(page=round_page, action=exports.LOG_EXPORT)


# -- access -------------------------------------------------------------------------------


def _urls(round_page):
    return [
        ("get", page_url(round_page)),
        ("get", download_url(round_page, "proposals", "csv")),
        ("post", start_url(round_page, "proposals", "xlsx")),
    ]


def test_anonymous_visitors_are_sent_to_the_login(client, round_page):
    for method, url in _urls(round_page):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    assert not export_log(round_page).exists()
    assert not Job.objects.exists()


def test_residents_get_no_export(client, resident, round_page):
    client.force_login(resident)
    for method, url in _urls(round_page):
        response = getattr(client, method)(url)
        # 403 from the admin-access middleware, or Wagtail's login redirect without it
        assert response.status_code in (302, 403)
        assert b"Radwege" not in response.content
    assert not export_log(round_page).exists()
    assert not Job.objects.exists()


def test_admin_users_without_the_export_permission_get_403(client, resident, round_page):
    """Somebody who may enter the admin but is neither editor nor steering group."""
    resident.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(resident)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    for method, url in _urls(round_page):
        response = getattr(client, method)(url)
        # the view raises PermissionDenied; Wagtail's admin answers with its "no permission"
        # redirect to the dashboard (403 for AJAX)
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
        ajax = getattr(client, method)(url, headers={"x-requested-with": "XMLHttpRequest"})
        assert ajax.status_code == 403
        assert b"Radwege" not in ajax.content
    assert not export_log(round_page).exists()
    assert not Job.objects.exists()


@pytest.mark.parametrize("role", ["editor", "steering", "superuser"])
def test_staff_see_the_exports_page(client, request, role, round_page):
    client.force_login(request.getfixturevalue(role))
    response = client.get(page_url(round_page))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Runde Drei" in html
    for kind in exports.KINDS.values():
        for fmt in kind.formats:
            assert f'href="{download_url(round_page, kind.key, fmt)}"' in html
            assert start_url(round_page, kind.key, fmt) in html
    assert "Diese Runde wurde noch nicht exportiert." in html


@pytest.mark.parametrize("role", ["editor", "superuser"])
def test_the_round_has_an_exports_button_in_the_page_explorer(client, request, role, round_page):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("wagtailadmin_explore", args=[round_page.get_parent().pk]))
    assert response.status_code == 200
    assert page_url(round_page) in response.content.decode()


def test_unknown_exports_are_404(client, steering, round_page):
    client.force_login(steering)
    assert client.get(download_url(round_page, "comments", "geojson")).status_code == 404
    assert client.get(download_url(round_page, "votes", "csv")).status_code == 404
    assert client.get(reverse("agenda_exports:round", args=[999999])).status_code == 404


# -- direct downloads ---------------------------------------------------------------------


def test_csv_streams_and_is_logged(client, steering, round_page):
    client.force_login(steering)
    response = client.get(download_url(round_page, "proposals", "csv"))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="runde-drei-vorschlaege.csv"' in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    rows = csv_rows(data)
    header = rows[0]
    body = {row[header.index("Titel")]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(body) == {"Radwege", "Schul-WLAN"}
    assert body["Radwege"]["Online dafür"] == "2"
    assert body["Radwege"]["Kommentare"] == "2"
    assert body["Schul-WLAN"]["Offline dafür"] == "4"
    assert body["Radwege"]["Verfasst von"] == "Paula Public"
    assert b"paula.private" not in data

    entry = export_log(round_page).get()
    assert entry.user == steering
    assert entry.data["format"] == "csv"
    assert entry.data["kind"] == "proposals"
    assert entry.data["mode"] == "download"


def test_comment_csv_download(client, editor, round_page):
    client.force_login(editor)
    response = client.get(download_url(round_page, "comments", "csv"))
    rows = csv_rows(b"".join(response.streaming_content))
    assert [row[rows[0].index("Text")] for row in rows[1:]] == ["Gute Idee", "Stimmt"]
    parent = rows[0].index("Antwort auf (ID)")
    assert rows[1][parent] == "" and rows[2][parent] == rows[1][0]


def test_xlsx_download(client, steering, round_page):
    from openpyxl import load_workbook

    client.force_login(steering)
    response = client.get(download_url(round_page, "proposals", "xlsx"))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(data)
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert sorted(row[2] for row in rows[1:]) == ["Radwege", "Schul-WLAN"]
    assert export_log(round_page).get().data["format"] == "xlsx"


def test_the_history_on_the_page_shows_who_exported(client, editor, round_page):
    client.force_login(editor)
    b"".join(client.get(download_url(round_page, "proposals", "geojson")).streaming_content)
    html = client.get(page_url(round_page)).content.decode()
    assert "Diese Runde wurde noch nicht exportiert." not in html
    assert "Erika Redaktion" in html
    assert "GeoJSON" in html and "sofort heruntergeladen" in html
    # and in the round's page history (Wagtail's log)
    history = client.get(reverse("wagtailadmin_pages:history", args=[round_page.pk]))
    assert "Exportiert: Vorschläge (GeoJSON)" in history.content.decode()


def test_large_exports_are_only_offered_as_jobs(client, steering, round_page, settings):
    settings.AGENDA_EXPORT_STREAM_LIMIT = 1  # the round has 2 proposals and 2 comments
    client.force_login(steering)
    html = client.get(page_url(round_page)).content.decode()
    assert f'href="{download_url(round_page, "proposals", "csv")}"' not in html
    assert start_url(round_page, "proposals", "csv") in html
    assert "zu groß" in html
    response = client.get(download_url(round_page, "proposals", "csv"))
    assert response.status_code == 302 and response["Location"] == page_url(round_page)
    assert not export_log(round_page).exists()


# -- background jobs ----------------------------------------------------------------------


@pytest.mark.parametrize("kind,fmt", [("proposals", "xlsx"), ("comments", "csv")])
def test_job_runs_and_offers_the_file(
    client, steering, round_page, django_capture_on_commit_callbacks, kind, fmt
):
    client.force_login(steering)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(start_url(round_page, kind, fmt))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == "done", job.message
    assert job.created_by == steering
    assert job.params == {"round": round_page.pk, "kind": kind, "format": fmt, "language": "de"}
    assert "Runde Drei" in job.title

    detail = client.get(job.get_absolute_url())
    assert detail.status_code == 200
    download = client.get(job.download_url())
    assert download.status_code == 200
    data = b"".join(download.streaming_content)
    if fmt == "csv":
        rows = csv_rows(data)
        assert len(rows) == 1 + 2
        assert rows[0] == [str(c.label) for c in exports.COMMENT_COLUMNS]
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == [str(c.label) for c in exports.PROPOSAL_COLUMNS]
        assert len(rows) == 1 + 2

    entry = export_log(round_page).get()
    assert entry.user == steering
    assert entry.data == {"kind": kind, "format": fmt, "mode": "job", "rows": 2}


def test_job_start_needs_post(client, steering, round_page):
    client.force_login(steering)
    assert client.get(start_url(round_page, "proposals", "csv")).status_code == 405
    assert not Job.objects.exists()


def test_job_fails_cleanly_when_the_round_is_gone(steering, round_page):
    from agenda.export_views import run_round_export
    from civic import jobs

    job = Job.objects.create(
        kind="agenda.round_export",
        title="x",
        params={"round": 987654, "kind": "proposals", "format": "csv"},
        created_by=steering,
    )
    with pytest.raises(jobs.JobError):
        run_round_export(job, lambda *args: None)


def test_streamed_csv_keeps_the_admin_language(client, steering, round_page):
    """Wagtail switches to the user's admin language only while the view runs; the streamed
    body is produced later and must still be in that language."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(steering)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(steering)
    response = client.get(download_url(round_page, "proposals", "csv"))
    rows = csv_rows(b"".join(response.streaming_content))
    assert rows[0][:3] == ["Reference", "Number", "Title"]
    assert {row[rows[0].index("Status")] for row in rows[1:]} == {"received"}
