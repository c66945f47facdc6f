"""The dashboard figures (agenda/stats.py), each checked against counts computed here from the
rows the test created."""

import datetime
from collections import defaultdict

import pytest
from django.utils import timezone

from agenda import phases as ph
from agenda.models import Proposal
from agenda.stats import compute_round_dashboard, round_dashboard
from tests.agenda.factories import ProposalFactory, RoundPageFactory
from tests.agenda.factories_dashboard import (
    CLOSED,
    build_dashboard_round,
    comment_on,
    local_noon,
)
from tests.civic.factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db


def _visible(record):
    return [r for r in record["rows"] if not r["p"].hidden]


def test_headline_figures_and_participants_include_offline():
    round_page, record = build_dashboard_round(seed=11)
    dash = compute_round_dashboard(round_page)
    visible = _visible(record)
    not_withdrawn = [r for r in visible if r["p"].status != "withdrawn"]
    ranked = [r for r in visible if r["p"].status not in CLOSED]

    authors = {r["p"].author_id for r in visible if r["p"].author_id}
    voters = {u for r in visible for u in r["voters"]}
    commenters = {u for r in visible for u, ok, _d in r["comments"] if ok}
    offline_people = sum(s.participants for s in record["sources"])
    res = dash.results
    assert res.participants_online == len(authors | voters | commenters)
    assert res.participants_offline == offline_people
    assert res.participants_total == len(authors | voters | commenters) + offline_people
    assert res.proposals == len(not_withdrawn)
    assert res.proposals_offline == sum(1 for r in not_withdrawn if r["p"].offline_source_id)
    assert res.comments == sum(1 for r in visible for _u, ok, _d in r["comments"] if ok)
    assert res.votes_online == sum(len(r["voters"]) for r in ranked)
    assert res.votes_offline == sum(s + a for r in ranked for s, a in r["paper"].values())


def test_by_field_of_action():
    round_page, record = build_dashboard_round(seed=12)
    dash = compute_round_dashboard(round_page)
    visible = _visible(record)
    for figures in dash.results.by_field:
        mine = [
            r
            for r in visible
            if r["p"].field_of_action_id == figures.field.pk and r["p"].status != "withdrawn"
        ]
        assert figures.proposals == len(mine)
        mine_ranked = [r for r in mine if r["p"].status not in CLOSED]
        assert figures.online_support == sum(
            1 for r in mine_ranked for v, _d in r["voters"].values() if v > 0
        )
        assert figures.online_against == sum(
            1 for r in mine_ranked for v, _d in r["voters"].values() if v < 0
        )
    assert {f.field.pk for f in dash.results.by_field} >= {f.pk for f in record["fields"]}


def test_by_district_absolute_and_per_1000():
    round_page, record = build_dashboard_round(seed=13, size=40)
    extra_district = DistrictFactory(population=5000)  # no contributions: a row with 0
    dash = compute_round_dashboard(round_page)
    visible = _visible(record)

    expected = {}
    for district in [*record["districts"], extra_district, None]:
        here = [r for r in visible if r["district"] == district]
        counted = [r for r in here if r["p"].status != "withdrawn"]
        ranked = [r for r in here if r["p"].status not in CLOSED]
        votes = sum(len(r["voters"]) for r in ranked) + sum(
            s + a for r in ranked for s, a in r["paper"].values()
        )
        comments = sum(1 for r in here for _u, ok, _d in r["comments"] if ok)
        people = (
            {r["p"].author_id for r in here if r["p"].author_id}
            | {u for r in here for u in r["voters"]}
            | {u for r in here for u, ok, _d in r["comments"] if ok}
        )
        population = district.population if district else None
        expected[district.pk if district else None] = {
            "proposals": len(counted),
            "votes": votes,
            "comments": comments,
            "participants": len(people),
            "per_1000": (
                round((len(counted) + votes + comments) * 1000 / population, 1)
                if population
                else None
            ),
        }
    got = {
        row.district_id: {
            "proposals": row.proposals,
            "votes": row.votes,
            "comments": row.comments,
            "participants": row.participants,
            "per_1000": row.per_1000,
        }
        for row in dash.by_district
    }
    assert got == expected
    # every district is listed (alphabetically), "ohne Ort" last
    assert [row.district_id for row in dash.by_district][-1] is None
    assert dash.by_district[-1].name == "ohne Ort"
    assert got[extra_district.pk]["proposals"] == 0
    assert got[extra_district.pk]["per_1000"] == 0.0
    no_population = next(d for d in record["districts"] if d.population is None)
    assert got[no_population.pk]["per_1000"] is None


def test_no_row_without_place_when_every_proposal_has_one():
    district = DistrictFactory(population=1000)
    round_page = RoundPageFactory(current=ph.VOTE)
    proposal = ProposalFactory(round=round_page)
    Proposal.objects.filter(pk=proposal.pk).update(district=district)
    dash = compute_round_dashboard(round_page)
    assert [(row.district_id, row.proposals) for row in dash.by_district] == [(district.pk, 1)]
    assert dash.by_district[0].per_1000 == 1.0


def test_activity_per_day_over_the_phases():
    round_page, record = build_dashboard_round(seed=14, size=30)
    dash = compute_round_dashboard(round_page)
    visible = _visible(record)
    proposals, votes, comments = defaultdict(int), defaultdict(int), defaultdict(int)
    for r in visible:
        if r["p"].status != "withdrawn":
            proposals[r["created"]] += 1
        if r["p"].status not in CLOSED:
            for _v, day in r["voters"].values():
                votes[day] += 1
        for _u, ok, day in r["comments"]:
            if ok:
                comments[day] += 1

    first_day = record["first_day"]
    today = timezone.localdate()
    days = [row.day for row in dash.activity]
    # one row per day, without gaps, from the first phase's start until today (phase still on)
    assert days[0] == first_day
    assert days[-1] == today
    assert days == [first_day + datetime.timedelta(days=i) for i in range(len(days))]
    for row in dash.activity:
        assert (row.proposals, row.votes, row.comments) == (
            proposals[row.day],
            votes[row.day],
            comments[row.day],
        ), row.day
    assert sum(r.proposals for r in dash.activity) == dash.results.proposals
    assert sum(r.comments for r in dash.activity) == dash.results.comments
    assert sum(r.votes for r in dash.activity) == dash.results.votes_online


def test_activity_counts_days_in_the_site_time_zone():
    round_page = RoundPageFactory(current=ph.VOTE)
    person = UserFactory()
    proposal = ProposalFactory(round=round_page, author=person)
    # 23:30 UTC in summer is 01:30 the next day in Berlin
    first = round_page.phase_list()[0].start
    late = datetime.datetime.combine(
        timezone.localtime(first).date() + datetime.timedelta(days=1),
        datetime.time(23, 30),
        tzinfo=datetime.UTC,
    )
    Proposal.objects.filter(pk=proposal.pk).update(created=late)
    dash = compute_round_dashboard(round_page)
    expected_day = timezone.localtime(late).date()
    assert [row.day for row in dash.activity if row.proposals] == [expected_day]


def test_phase_bands():
    round_page = RoundPageFactory(current=ph.VOTE)
    dash = compute_round_dashboard(round_page)
    phases = round_page.phase_list()
    assert [band.label for band in dash.phases] == [p.label for p in phases]
    for band, phase in zip(dash.phases, phases, strict=True):
        assert band.start == timezone.localtime(phase.start).date()
        assert band.end == timezone.localtime(phase.end).date()


def test_backlog_order_age_and_overdue():
    round_page = RoundPageFactory(current=ph.EVALUATE)
    round_page.answer_target_days = 10
    round_page.save()
    today = timezone.localdate()
    made = {}
    for age, answer, published, status, hidden in [
        (3, "", False, "received", False),  # in the backlog, not overdue
        (25, "", False, "in_review", False),  # overdue
        (10, "", False, "received", False),  # exactly at the target: not overdue
        (11, "Entwurf", False, "adopted", False),  # answer waits for publication: overdue
        (40, "Antwort", True, "adopted", False),  # answered: not in the backlog
        (50, "", False, "withdrawn", False),  # withdrawn: not in the backlog
        (60, "", False, "merged", False),  # merged: not in the backlog
        (70, "", False, "received", True),  # hidden: not in the backlog
    ]:
        p = ProposalFactory(round=round_page, status=status, hidden=hidden)
        created = local_noon(today - datetime.timedelta(days=age))
        Proposal.objects.filter(pk=p.pk).update(
            created=created, answer=answer, answer_published=published
        )
        made[age] = p
    dash = compute_round_dashboard(round_page)
    assert dash.answer_target_days == 10
    assert [(row.proposal.pk, row.age_days, row.overdue) for row in dash.backlog] == [
        (made[25].pk, 25, True),
        (made[11].pk, 11, True),
        (made[10].pk, 10, False),
        (made[3].pk, 3, False),
    ]
    assert dash.backlog[1].answer_waiting
    assert dash.overdue_count == 2
    assert dash.backlog_count == 4


def test_default_answer_target_is_30_days():
    round_page = RoundPageFactory(current=ph.EVALUATE)
    p = ProposalFactory(round=round_page)
    Proposal.objects.filter(pk=p.pk).update(
        created=local_noon(timezone.localdate() - datetime.timedelta(days=31))
    )
    dash = compute_round_dashboard(round_page)
    assert dash.answer_target_days == 30
    assert [(row.age_days, row.overdue) for row in dash.backlog] == [(31, True)]
    # an emptied field means the default as well
    round_page.answer_target_days = None
    round_page.save()
    assert compute_round_dashboard(round_page).answer_target_days == 30


def test_cached_figures_show_a_just_published_answer():
    round_page = RoundPageFactory(current=ph.EVALUATE)
    person = UserFactory()
    p = ProposalFactory(round=round_page, answer="Wir prüfen das.")
    first = round_dashboard(round_page)
    assert [row.proposal.pk for row in first.backlog] == [p.pk]
    # the bulk publication (queryset.update, no change of "updated") must show at once
    Proposal.objects.filter(pk=p.pk).update(answer_published=True)
    assert round_dashboard(round_page).backlog == []
    # votes and comments are cached for a short while (see CACHE_TIMEOUT)
    comment_on(p, person)
    assert round_dashboard(round_page).results.comments == 0
    assert compute_round_dashboard(round_page).results.comments == 1


def test_query_count_does_not_depend_on_round_size(django_assert_max_num_queries):
    small, _ = build_dashboard_round(seed=21, size=5)
    with django_assert_max_num_queries(40) as captured:
        compute_round_dashboard(small)
    few = len(captured)
    big, record = build_dashboard_round(seed=22, size=60, districts=None)
    with django_assert_max_num_queries(few):
        dash = compute_round_dashboard(big)
    assert len(dash.results.ranking) > 20
    assert sum(len(r["voters"]) for r in record["rows"]) > 100
