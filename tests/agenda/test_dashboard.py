"""The round dashboard in the admin (agenda/dashboard.py): access, what it shows, the civic
panel, and a query count independent of the round's size."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from agenda import phases as ph
from agenda.models import Proposal
from tests.agenda.factories import ProposalFactory, RoundPageFactory
from tests.agenda.factories_dashboard import build_dashboard_round, local_noon
from tests.civic.factories import DistrictFactory

pytestmark = pytest.mark.django_db


def round_url(round_page):
    return reverse("agenda_dashboard:round", args=[round_page.pk])


@pytest.fixture
def small_round():
    round_page = RoundPageFactory(current=ph.EVALUATE, title="Runde Zwei")
    round_page.answer_target_days = 14
    round_page.save()
    return round_page


def _figure(html, name):
    """The number shown in the headline figure ``name`` (its ``<dd>``)."""
    match = re.search(rf'data-figure="{name}">\s*<dt>[^<]*</dt>\s*<dd>(\d+)', html, flags=re.DOTALL)
    assert match, name
    return int(match.group(1))


# -- access -------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["index", "round"])
def test_anonymous_is_sent_to_login(client, small_round, url_name):
    args = [small_round.pk] if url_name == "round" else []
    response = client.get(reverse(f"agenda_dashboard:{url_name}", args=args))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("url_name", ["index", "round"])
def test_resident_gets_403(client, resident, small_round, url_name):
    args = [small_round.pk] if url_name == "round" else []
    client.force_login(resident)
    response = client.get(reverse(f"agenda_dashboard:{url_name}", args=args))
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["editor", "steering", "superuser"])
def test_editor_steering_and_admin_see_it(client, request, small_round, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("agenda_dashboard:index"))
    assert response.status_code == 200
    assert round_url(small_round) in response.content.decode()
    response = client.get(round_url(small_round))
    assert response.status_code == 200
    assert "Keine Antwort ist die schlechteste Antwort" in response.content.decode()


def test_unknown_round_is_404(client, steering):
    client.force_login(steering)
    assert client.get(reverse("agenda_dashboard:round", args=[999999])).status_code == 404


# -- what the page shows ------------------------------------------------------------------


def test_page_shows_the_figures_counted_from_the_rows(client, steering):
    round_page, record = build_dashboard_round(seed=31, size=20)
    client.force_login(steering)
    html = client.get(round_url(round_page)).content.decode()

    visible = [r for r in record["rows"] if not r["p"].hidden]
    not_withdrawn = [r for r in visible if r["p"].status != "withdrawn"]
    ranked = [r for r in visible if r["p"].status not in {"merged", "withdrawn"}]
    people = (
        {r["p"].author_id for r in visible if r["p"].author_id}
        | {u for r in visible for u in r["voters"]}
        | {u for r in visible for u, ok, _d in r["comments"] if ok}
    )
    offline = sum(s.participants for s in record["sources"])
    votes = sum(len(r["voters"]) for r in ranked) + sum(
        s + a for r in ranked for s, a in r["paper"].values()
    )
    backlog = [r for r in ranked if not (r["p"].answer and r["p"].answer_published)]
    assert _figure(html, "participants") == len(people) + offline
    assert _figure(html, "proposals") == len(not_withdrawn)
    assert _figure(html, "comments") == sum(
        1 for r in visible for _u, ok, _d in r["comments"] if ok
    )
    assert _figure(html, "votes") == votes
    assert _figure(html, "offline") == sum(1 for r in not_withdrawn if r["p"].offline_source_id)
    assert _figure(html, "backlog") == len(backlog)

    # charts and the map with its data, the table beside it
    assert html.count("<svg") >= 2 and 'role="img"' in html
    assert "data-civic-choropleth" in html
    for district in record["districts"]:
        assert district.name in html
    # the ranking's top entries link to the answer page
    assert "Rangliste" in html


def test_backlog_oldest_first_with_age_overdue_text_and_answer_links(client, steering, small_round):
    today = timezone.localdate()
    young = ProposalFactory(round=small_round, title="Junger Vorschlag")
    old = ProposalFactory(round=small_round, title="Alter Vorschlag")
    answered = ProposalFactory(
        round=small_round, title="Beantworteter Vorschlag", answer="Ja.", answer_published=True
    )
    Proposal.objects.filter(pk=young.pk).update(created=local_noon(today - datetime.timedelta(2)))
    Proposal.objects.filter(pk=old.pk).update(created=local_noon(today - datetime.timedelta(20)))
    Proposal.objects.filter(pk=answered.pk).update(
        created=local_noon(today - datetime.timedelta(40))
    )
    client.force_login(steering)
    html = client.get(round_url(small_round)).content.decode()
    backlog = html[html.index("Keine Antwort ist die schlechteste Antwort") :]
    backlog = backlog[: backlog.index("</table>")]
    assert "Beantworteter Vorschlag" not in backlog
    assert backlog.index("Alter Vorschlag") < backlog.index("Junger Vorschlag")
    rows = re.findall(r"<tr class=\"agenda-backlog__row[^\"]*\">(.*?)</tr>", backlog, re.DOTALL)
    assert len(rows) == 2
    assert "20 Tage" in rows[0] and "überfällig" in rows[0]
    assert "2 Tage" in rows[1] and "überfällig" not in rows[1] and "in der Frist" in rows[1]
    for proposal, row in zip([old, young], rows, strict=True):
        manage = reverse("wagtailsnippets_agenda_proposal:manage", args=[proposal.pk])
        assert f'href="{manage}"' in row
    assert "spätestens 14 Tage nach der Einreichung" in html


def test_a_published_answer_leaves_the_backlog_at_once(client, steering, small_round):
    proposal = ProposalFactory(round=small_round, title="Wartet auf Antwort", answer="Entwurf")
    client.force_login(steering)
    url = round_url(small_round)
    assert "Wartet auf Antwort" in client.get(url).content.decode()
    Proposal.objects.filter(pk=proposal.pk).update(answer_published=True)  # as the bulk publish
    html = client.get(url).content.decode()
    assert "Alle Vorschläge dieser Runde haben eine veröffentlichte Antwort." in html


def test_civic_dashboard_has_the_agenda_panel(client, steering, small_round):
    ProposalFactory(round=small_round)
    client.force_login(steering)
    response = client.get(reverse("civic_dashboard:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="digitale-agenda"' in html
    assert round_url(small_round) in html
    assert reverse("agenda_dashboard:index") in html


def _district_table(html):
    table = html[html.index('class="listing agenda-districts"') :]
    table = table[: table.index("</table>")]
    return {
        name: [cell.strip() for cell in re.findall(r"<td>(.*?)</td>", cells)]
        for name, cells in re.findall(
            r'<th scope="row">([^<]+)</th>(.*?)</tr>', table, flags=re.DOTALL
        )
    }


def test_district_table_under_the_map_shows_counts_and_rates(client, steering):
    round_page = RoundPageFactory(current=ph.EVALUATE)
    district = DistrictFactory(name="Kleinstadtteil", population=2000)
    DistrictFactory(name="Leerer Stadtteil", population=None)
    authors = []
    for i in range(4):
        p = ProposalFactory(round=round_page)
        authors.append(p.author)
        if i < 3:
            Proposal.objects.filter(pk=p.pk).update(district=district)
    client.force_login(steering)
    html = client.get(round_url(round_page)).content.decode()
    # 3 proposals, no votes or comments, 3 authors; (3 + 0 + 0) * 1000 / 2000 = 1,5
    assert _district_table(html) == {
        "Kleinstadtteil": ["3", "0", "0", "3", "2000", "1,5"],
        "Leerer Stadtteil": ["0", "0", "0", "0", "–", "–"],
        "ohne Ort (nicht in der Karte)": ["1", "0", "0", "1", "–", "–"],
    }
    # the map's own table beside it has the rate too
    assert "data-civic-choropleth" in html


# -- queries ------------------------------------------------------------------------------


def test_query_count_does_not_depend_on_round_size(client, steering, django_assert_max_num_queries):
    small, _ = build_dashboard_round(seed=41, size=5)
    big, _ = build_dashboard_round(seed=42, size=60, districts=None)
    client.force_login(steering)
    client.get(reverse("agenda_dashboard:index"))  # warm up session, permissions, site
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(200) as captured:
        assert client.get(round_url(small)).status_code == 200
    few = len(captured)
    cache.clear()
    with django_assert_max_num_queries(few):
        assert client.get(round_url(big)).status_code == 200


def test_round_pages_in_the_admin_link_to_dashboard_report_and_exports(client, editor):
    """Editors see the round's admin pages as buttons on the round's edit page; a page that is
    not a round gets none of them."""
    round_page = RoundPageFactory(current=ph.EVALUATE)
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[round_page.pk])).content.decode()
    for url in (
        reverse("agenda_dashboard:round", args=[round_page.pk]),
        reverse("agenda_report:html", args=[round_page.pk]),
        reverse("agenda_exports:round", args=[round_page.pk]),
    ):
        assert f'href="{url}"' in html
    agenda = round_page.get_parent()
    html = client.get(reverse("wagtailadmin_pages:edit", args=[agenda.pk])).content.decode()
    assert not re.search(r"/admin/agenda/(auswertung|bericht|exporte)/\d+/", html)
