"""Answering proposals: status, official answer, when it becomes public, the author's e-mail."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from wagtail.models import ModelLogEntry

from agenda import phases as ph
from agenda.models import ProposalEvent
from agenda.steering import answer_proposal, publish_due_answers
from tests.agenda.factories import OfflineSourceFactory, ProposalFactory, RoundPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluating_round():
    return RoundPageFactory(current=ph.EVALUATE)


@pytest.fixture
def proposal(evaluating_round):
    return ProposalFactory(round=evaluating_round, title="WLAN in allen Schulen")


def test_answer_published_at_once_mails_the_author(
    proposal, steering, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = answer_proposal(
            proposal,
            status="adopted",
            answer="Wir nehmen das in die Agenda auf.",
            publish_now=True,
            actor=steering,
        )
    proposal.refresh_from_db()
    assert result.became_public
    assert proposal.status == "adopted"
    assert proposal.answer_published
    assert proposal.answered_by == steering
    assert proposal.answered_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [proposal.author.email]
    assert proposal.reference in message.subject
    assert "Wir nehmen das in die Agenda auf." in message.body
    assert "in die Agenda aufgenommen" in message.body
    assert proposal.get_absolute_url() in message.body
    html = message.alternatives[0][0]
    assert "Wir nehmen das in die Agenda auf." in html
    # history and audit log
    event = ProposalEvent.objects.get(proposal=proposal)
    assert event.kind == "answered" and event.to_status == "adopted" and event.public
    assert ModelLogEntry.objects.filter(action="agenda.answer", object_id=str(proposal.pk)).exists()


def test_answer_with_results_waits_and_sends_no_mail(
    proposal, steering, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer_proposal(
            proposal, status="rejected", answer="Leider nicht.", publish_now=False, actor=steering
        )
    proposal.refresh_from_db()
    assert proposal.status == "rejected"
    assert proposal.answer == "Leider nicht."
    assert not proposal.answer_published
    assert mail.outbox == []
    event = ProposalEvent.objects.get(proposal=proposal)
    assert event.kind == "status" and not event.public  # "abgelehnt" stays internal for now

    # Not yet the result phase: nothing is published ...
    assert publish_due_answers(proposal.round) == 0
    proposal.refresh_from_db()
    assert not proposal.answer_published

    # ... until the steering group publishes the answers (or the result phase begins).
    with django_capture_on_commit_callbacks(execute=True):
        assert publish_due_answers(proposal.round, actor=steering, force=True) == 1
    proposal.refresh_from_db()
    assert proposal.answer_published
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [proposal.author.email]
    # Publishing again changes nothing and mails nobody.
    with django_capture_on_commit_callbacks(execute=True):
        assert publish_due_answers(proposal.round, actor=steering, force=True) == 0
    assert len(mail.outbox) == 1


def test_result_phase_publishes_waiting_answers(steering, django_capture_on_commit_callbacks):
    round_page = RoundPageFactory(current=ph.RESULT)
    waiting = ProposalFactory(round=round_page, answer="Wird umgesetzt.", status="adopted")
    unanswered = ProposalFactory(round=round_page)
    with django_capture_on_commit_callbacks(execute=True):
        assert publish_due_answers(round_page) == 1
    waiting.refresh_from_db()
    unanswered.refresh_from_db()
    assert waiting.answer_published and not unanswered.answer_published
    assert [m.to for m in mail.outbox] == [[waiting.author.email]]


def test_answer_in_result_phase_is_public_at_once(steering, django_capture_on_commit_callbacks):
    proposal = ProposalFactory(round=RoundPageFactory(current=ph.RESULT))
    with django_capture_on_commit_callbacks(execute=True):
        answer_proposal(
            proposal, status="in_progress", answer="Läuft.", publish_now=False, actor=steering
        )
    proposal.refresh_from_db()
    assert proposal.answer_published
    assert len(mail.outbox) == 1


def test_changing_a_public_answer_mails_an_update_unchanged_mails_nothing(
    proposal, steering, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer_proposal(proposal, status="adopted", answer="Ja.", publish_now=True, actor=steering)
        # the same again: nothing changes, nobody is mailed
        answer_proposal(proposal, status="adopted", answer="Ja.", publish_now=True, actor=steering)
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        result = answer_proposal(
            proposal,
            status="in_progress",
            answer="Ja, es läuft.",
            publish_now=False,
            actor=steering,
        )
    proposal.refresh_from_db()
    assert result.changed_public and not result.became_public
    assert proposal.answer_published  # a public answer stays public
    assert len(mail.outbox) == 2
    assert "aktualisiert" in mail.outbox[1].subject
    assert "Ja, es läuft." in mail.outbox[1].body


def test_publishing_needs_an_answer(proposal, steering):
    with pytest.raises(ValidationError):
        answer_proposal(proposal, status="adopted", answer="  ", publish_now=True, actor=steering)
    proposal.refresh_from_db()
    assert proposal.status == "received"


def test_statuses_set_by_merge_or_withdraw_are_refused(proposal, steering):
    for status in ("merged", "withdrawn", "nonsense"):
        with pytest.raises(ValidationError):
            answer_proposal(proposal, status=status, answer="x", publish_now=True, actor=steering)
    proposal.status = "withdrawn"
    proposal.save()
    with pytest.raises(ValidationError):
        answer_proposal(proposal, status="adopted", answer="x", publish_now=True, actor=steering)


def test_offline_proposal_gets_no_mail(
    evaluating_round, steering, django_capture_on_commit_callbacks
):
    source = OfflineSourceFactory(round=evaluating_round)
    proposal = ProposalFactory(round=evaluating_round, author=None, offline_source=source)
    with django_capture_on_commit_callbacks(execute=True):
        answer_proposal(proposal, status="adopted", answer="Ja.", publish_now=True, actor=steering)
    proposal.refresh_from_db()
    assert proposal.answer_published
    assert mail.outbox == []


def test_publish_due_answers_command_publishes_and_mails(
    steering, django_capture_on_commit_callbacks
):
    """The scheduled command publishes answers that waited for the results, once."""
    from io import StringIO

    from django.core.management import call_command

    evaluating = RoundPageFactory(current=ph.EVALUATE)
    waiting = ProposalFactory(round=evaluating)
    answer_proposal(
        waiting,
        status="rejected",
        answer="Das prüfen wir nicht weiter.",
        publish_now=False,
        actor=steering,
    )
    out = StringIO()
    call_command("publish_due_answers", stdout=out)
    waiting.refresh_from_db()
    assert not waiting.answer_published and "0 Antwort(en)" in out.getvalue()

    finished = RoundPageFactory(current=ph.RESULT)
    waiting.round = finished
    waiting.save()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_due_answers", stdout=out)
    waiting.refresh_from_db()
    assert waiting.answer_published
    assert [m.to for m in mail.outbox] == [[waiting.author.email]]
    assert "Das prüfen wir nicht weiter." in mail.outbox[0].body
