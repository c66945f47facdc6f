"""Phases: the declared features map, the current phase, and phase validation."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from agenda import phases as ph
from agenda.models import RoundPage, RoundPhase
from tests.agenda.factories import AgendaPageFactory, RoundPageFactory, schedule

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DAY = datetime.timedelta(days=1)


# -- the features map ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kinds", "visible", "expected"),
    [
        ([ph.PROPOSE], False, {"propose", "edit_proposal", "withdraw_proposal"}),
        ([ph.COMMENT], False, {"comment", "withdraw_proposal"}),
        (
            [ph.PROPOSE, ph.COMMENT],
            False,
            {"propose", "edit_proposal", "withdraw_proposal", "comment"},
        ),
        ([ph.VOTE], False, {"vote", "withdraw_proposal"}),
        ([ph.VOTE], True, {"vote", "withdraw_proposal", "show_counts"}),
        ([ph.COMMENT, ph.VOTE], False, {"comment", "vote", "withdraw_proposal"}),
        ([ph.EVALUATE], False, {"answer", "carry_over"}),
        ([ph.EVALUATE], True, {"answer", "carry_over", "show_counts"}),
        ([ph.RESULT], False, {"answer", "carry_over", "show_counts", "show_results"}),
        ([], False, set()),
    ],
)
def test_features_for_kinds(kinds, visible, expected):
    features = ph.features_for_kinds(kinds, counts_visible_during_voting=visible)
    # merge and enter_offline are staff features; checked separately below
    assert features - {ph.F_MERGE, ph.F_ENTER_OFFLINE} == expected
    assert features <= ph.ALL_FEATURES


def test_staff_features_end_with_the_evaluation():
    for kind in (ph.PROPOSE, ph.COMMENT, ph.VOTE, ph.EVALUATE):
        assert {ph.F_MERGE, ph.F_ENTER_OFFLINE} <= ph.features_for_kinds([kind])
    assert not {ph.F_MERGE, ph.F_ENTER_OFFLINE} & ph.features_for_kinds([ph.RESULT])


def test_kinds_label():
    assert ph.kinds_label([ph.COMMENT, ph.PROPOSE]) == "Ideensammlung und Diskussion"
    assert ph.kinds_label([ph.VOTE]) == "Abstimmung"


# -- a round's features over time --------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "feature"),
    [
        (ph.PROPOSE, "propose"),
        (ph.COMMENT, "comment"),
        (ph.VOTE, "vote"),
        (ph.EVALUATE, "answer"),
        (ph.RESULT, "show_results"),
    ],
)
def test_round_features_follow_the_active_phase(current, feature):
    round_ = RoundPageFactory(current=current)
    assert round_.current_phase().kinds == [current]
    assert feature in round_.features()
    assert round_.allows(feature)


def test_before_between_and_after_phases():
    round_ = RoundPageFactory(
        phases=[
            RoundPhase(kinds=[ph.PROPOSE, ph.COMMENT], start=NOW + DAY, end=NOW + 3 * DAY),
            RoundPhase(kinds=[ph.VOTE], start=NOW + 5 * DAY, end=NOW + 7 * DAY),
            RoundPhase(kinds=[ph.RESULT], start=NOW + 9 * DAY, end=NOW + 10 * DAY),
        ]
    )
    round_ = RoundPage.objects.get(pk=round_.pk)
    assert round_.features(NOW) == frozenset()
    assert round_.current_phase(NOW) is None
    assert round_.next_phase(NOW).kinds == [ph.PROPOSE, ph.COMMENT]
    assert {"propose", "comment"} <= round_.features(NOW + 2 * DAY)
    assert round_.features(NOW + 4 * DAY) == frozenset()  # a gap: nothing is open
    assert "vote" in round_.features(NOW + 6 * DAY)
    # The end is exclusive, the start inclusive.
    assert "vote" not in round_.features(NOW + 7 * DAY)
    assert "vote" in round_.features(NOW + 5 * DAY)
    # After the last phase the results stay public.
    assert "show_results" in round_.features(NOW + 30 * DAY)
    assert round_.has_ended(NOW + 30 * DAY)


def test_round_without_result_phase_shows_nothing_after_it_ends():
    round_ = RoundPageFactory(
        phases=[RoundPhase(kinds=[ph.PROPOSE], start=NOW - 3 * DAY, end=NOW - DAY)]
    )
    assert round_.features() == frozenset()


def test_counts_visible_during_voting_setting():
    hidden = RoundPageFactory(current=ph.VOTE, counts_visible_during_voting=False)
    shown = RoundPageFactory(current=ph.VOTE, counts_visible_during_voting=True)
    assert "show_counts" not in hidden.features()
    assert "show_counts" in shown.features()


def test_times_are_compared_as_aware_datetimes_in_the_site_time_zone():
    berlin = timezone.get_current_timezone()
    assert str(berlin) == "Europe/Berlin"
    start = datetime.datetime(2026, 3, 1, 0, 0, tzinfo=berlin)
    round_ = RoundPageFactory(phases=[RoundPhase(kinds=[ph.VOTE], start=start, end=start + DAY)])
    # 23:30 UTC on 28 February is already 00:30 on 1 March in Berlin.
    at = datetime.datetime(2026, 2, 28, 23, 30, tzinfo=datetime.UTC)
    assert round_.allows("vote", at)


# -- validation -----------------------------------------------------------------------------


def phase(kinds, start_day, end_day):
    return RoundPhase(kinds=kinds, start=NOW + start_day * DAY, end=NOW + end_day * DAY)


@pytest.mark.parametrize(
    ("phase_list", "message"),
    [
        ([phase([ph.PROPOSE], 2, 1)], "Das Ende muss nach dem Beginn der Phase liegen."),
        ([phase([ph.PROPOSE], 1, 1)], "Das Ende muss nach dem Beginn der Phase liegen."),
        ([phase([], 1, 2)], "mindestens eine Phasenart"),
        (
            [phase([ph.PROPOSE], 1, 5), phase([ph.VOTE], 4, 8)],
            "dürfen sich nicht überschneiden",
        ),
        (
            [phase([ph.VOTE], 5, 8), phase([ph.PROPOSE], 1, 4)],
            "zeitlich geordnet",
        ),
    ],
)
def test_invalid_phases_are_refused_with_a_german_message(phase_list, message):
    round_ = RoundPageFactory(phases=[])
    round_.phases = phase_list
    with pytest.raises(ValidationError) as excinfo:
        round_.full_clean()
    assert message in " ".join(excinfo.value.messages)


def test_valid_phases_combined_and_adjacent():
    round_ = RoundPageFactory(phases=[])
    round_.phases = [
        phase([ph.PROPOSE, ph.COMMENT], 0, 7),
        phase([ph.COMMENT, ph.VOTE], 7, 14),  # adjacent: ends where the next begins
        phase([ph.EVALUATE], 15, 20),
        phase([ph.RESULT], 20, 40),
    ]
    round_.full_clean()


def test_reference_prefix_must_be_unique_per_year():
    RoundPageFactory(reference_prefix="DA", reference_year=2026)
    clash = RoundPageFactory(reference_prefix="DB", reference_year=2026)
    clash.reference_prefix = "DA"
    with pytest.raises(ValidationError) as excinfo:
        clash.full_clean()
    assert "reference_prefix" in excinfo.value.message_dict


# -- validation in the Wagtail admin: errors on the phase's own field -------------------------


def round_form_data(phases_data):
    kinds = [row.pop("kinds") for row in phases_data]
    data = nested_form_data(
        {
            "title": "Runde 9",
            "slug": "runde-9",
            "number": 9,
            "intro": "",
            "body": streamfield([]),
            "voting_mode": "support",
            "max_votes_per_person": 0,
            "reference_prefix": "RX",
            "reference_year": 2026,
            "phases": inline_formset(phases_data),
        }
    )
    for i, row_kinds in enumerate(kinds):
        data[f"phases-{i}-kinds"] = row_kinds  # a list: several values for one name
    return data


def fmt(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M")


def test_admin_form_marks_the_overlapping_phase(client, superuser):
    agenda = AgendaPageFactory()
    client.force_login(superuser)
    url = reverse("wagtailadmin_pages:add", args=["agenda", "roundpage", agenda.pk])
    data = round_form_data(
        [
            {
                "kinds": ["propose", "comment"],
                "title": "",
                "start": fmt(NOW),
                "end": fmt(NOW + 5 * DAY),
            },
            {
                "kinds": ["vote"],
                "title": "",
                "start": fmt(NOW + 4 * DAY),
                "end": fmt(NOW + 8 * DAY),
            },
            {
                "kinds": ["result"],
                "title": "",
                "start": fmt(NOW + 9 * DAY),
                "end": fmt(NOW + 8 * DAY),
            },
        ]
    )
    response = client.post(url, data)
    assert response.status_code == 200
    formset = response.context["form"].formsets["phases"]
    assert "überschneiden" in " ".join(formset.forms[1].errors["start"])
    assert "Ende muss nach dem Beginn" in " ".join(formset.forms[2].errors["end"])
    assert not formset.forms[0].errors
    assert not RoundPage.objects.filter(slug="runde-9").exists()


def test_admin_form_accepts_valid_combined_phases(client, superuser):
    agenda = AgendaPageFactory()
    client.force_login(superuser)
    url = reverse("wagtailadmin_pages:add", args=["agenda", "roundpage", agenda.pk])
    data = round_form_data(
        [
            {
                "kinds": ["propose", "comment"],
                "title": "",
                "start": fmt(NOW),
                "end": fmt(NOW + 5 * DAY),
            },
            {
                "kinds": ["vote"],
                "title": "Abstimmung",
                "start": fmt(NOW + 5 * DAY),
                "end": fmt(NOW + 8 * DAY),
            },
        ]
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    round_ = RoundPage.objects.get(slug="runde-9")
    assert [p.kinds for p in round_.phase_list()] == [["propose", "comment"], ["vote"]]


def test_schedule_helper_makes_valid_phases():
    for current in (None, "ended", *ph.KIND_ORDER):
        round_ = RoundPageFactory(phases=[])
        round_.phases = schedule(current)
        round_.full_clean()
