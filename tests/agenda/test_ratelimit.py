"""Rate limits on the agenda's write paths (civic.ratelimit): votes, proposals, comments, flags.

Each path: per account and per address, the N+1-th attempt in the window gets HTTP 429 with the
German message and nothing is written; after the window it works again.
"""

import pytest
from django.urls import reverse
from django_comments.models import CommentFlag
from django_comments_xtd.models import XtdComment

from agenda.models import Proposal, ProposalStatus, Vote
from civic import ratelimit
from civic.comments import comment_form
from civic.roles import RESIDENTS, assign_role
from tests.agenda.factories import ProposalFactory, RoundPageFactory, make_comment
from tests.civic.factories import UserFactory
from tests.civic.ratelimit_helpers import check_limit, use_up

pytestmark = pytest.mark.django_db

KINDS = ["account", "address"]


def resident_logged_in(client):
    user = UserFactory()
    assign_role(user, RESIDENTS)
    client.force_login(user)
    return user


@pytest.mark.parametrize("kind", KINDS)
def test_votes(client, monkeypatch, kind):
    round_ = RoundPageFactory(current="vote", max_votes_per_person=10)
    proposals = {i: ProposalFactory(round=round_) for i in (1, 2, 3)}
    user = resident_logged_in(client)

    def send(i):
        return client.post(reverse("agenda:vote", args=[proposals[i].pk]), {"value": "1"})

    def effect(i):
        return Vote.objects.filter(user=user, proposal=proposals[i]).exists()

    blocked = check_limit(
        "vote", kind, send=send, effect=effect, monkeypatch=monkeypatch, user=user
    )
    assert blocked["Retry-After"].isdigit()
    assert "Zu viele Anfragen" in blocked.content.decode()  # the page in the site frame
    assert 'class="site-header"' in blocked.content.decode()


@pytest.fixture
def propose_round(db):
    round_ = RoundPageFactory(current="propose")
    field = round_.fields_of_action.first() if round_.fields_of_action.exists() else None
    if field is None:
        from tests.agenda.factories import FieldOfActionFactory

        field = FieldOfActionFactory(name="Verkehr", slug="verkehr")
        round_.fields_of_action.add(field)
        round_.save()
    return round_, field


def proposal_data(field, title):
    return {
        "title": title,
        "description": "Mehr Fahrradbügel am Bahnhof, überdacht.",
        "field_of_action": field.pk,
        "lat": "",
        "lon": "",
        "image_alt": "",
    }


@pytest.mark.parametrize("kind", KINDS)
def test_proposal_submission_keeps_the_input(client, monkeypatch, propose_round, kind):
    round_, field = propose_round
    user = resident_logged_in(client)
    url = reverse("agenda:propose", args=[round_.pk])

    def send(i):
        return client.post(url, proposal_data(field, f"Fahrradbügel Nummer {i}"))

    def effect(i):
        return Proposal.objects.filter(title=f"Fahrradbügel Nummer {i}").exists()

    blocked = check_limit(
        "proposal", kind, send=send, effect=effect, monkeypatch=monkeypatch, user=user
    )
    html = blocked.content.decode()
    assert 'value="Fahrradbügel Nummer 2"' in html  # the form with what was typed


def test_proposal_edit_and_withdraw(client, monkeypatch, propose_round):
    round_, field = propose_round
    user = resident_logged_in(client)
    mine = {i: ProposalFactory(round=round_, author=user, field_of_action=field) for i in (1, 2, 3)}

    def send(i):
        if i == 2:  # over the limit: the edit form keeps the text
            return client.post(
                reverse("agenda:edit", args=[mine[2].pk]), proposal_data(field, "Geändert")
            )
        return client.post(reverse("agenda:withdraw", args=[mine[i].pk]))

    def effect(i):
        if i == 2:
            return Proposal.objects.filter(title="Geändert").exists()
        mine[i].refresh_from_db()
        return mine[i].status == ProposalStatus.WITHDRAWN

    blocked = check_limit(
        "proposal", "account", send=send, effect=effect, monkeypatch=monkeypatch, user=user
    )
    assert 'value="Geändert"' in blocked.content.decode()

    # Withdrawing over the limit: the 429 page, and the proposal stays.
    response = client.post(reverse("agenda:withdraw", args=[mine[2].pk]))
    assert response.status_code != 429  # the new window's second attempt
    use_up("proposal", ratelimit.rates("proposal")["account"].amount, user=user)
    extra = ProposalFactory(round=round_, author=user, field_of_action=field)
    response = client.post(reverse("agenda:withdraw", args=[extra.pk]))
    assert response.status_code == 429
    extra.refresh_from_db()
    assert extra.status != ProposalStatus.WITHDRAWN


def comment_data(target, text):
    form = comment_form(target)
    data = dict(form.initial)
    data.update(reply_to=0, comment=text, honeypot="", next="/")
    return data


@pytest.mark.parametrize("kind", KINDS)
def test_comments(client, monkeypatch, kind):
    proposal = ProposalFactory(round=RoundPageFactory(current="comment"))
    user = resident_logged_in(client)

    def send(i):
        return client.post(reverse("comments-post-comment"), comment_data(proposal, f"Idee {i}"))

    def effect(i):
        return XtdComment.objects.filter(comment=f"Idee {i}").exists()

    check_limit("comment", kind, send=send, effect=effect, monkeypatch=monkeypatch, user=user)


def test_comments_api_shares_the_comment_limit(client, monkeypatch):
    proposal = ProposalFactory(round=RoundPageFactory(current="comment"))
    user = resident_logged_in(client)

    def send(i):
        data = comment_data(proposal, f"API {i}")
        data.update(content_type="agenda.proposal", name="x", email=user.email)
        return client.post("/comments/api/comment/", data)

    def effect(i):
        return XtdComment.objects.filter(comment=f"API {i}").exists()

    blocked = check_limit(
        "comment", "account", send=send, effect=effect, monkeypatch=monkeypatch, user=user
    )
    assert blocked["Content-Type"].startswith("application/json")
    assert "zu viele Anfragen" in blocked.json()["detail"]


@pytest.mark.parametrize("kind", KINDS)
def test_flags(client, monkeypatch, kind):
    proposal = ProposalFactory(round=RoundPageFactory(current="comment"))
    author = UserFactory()
    assign_role(author, RESIDENTS)
    comments = {i: make_comment(proposal, author, f"Kommentar {i}") for i in (1, 2, 3)}
    user = resident_logged_in(client)

    def send(i):
        return client.post(reverse("comments-flag", args=[comments[i].pk]), {"next": "/"})

    def effect(i):
        return CommentFlag.objects.filter(
            comment=comments[i], user=user, flag=CommentFlag.SUGGEST_REMOVAL
        ).exists()

    check_limit("flag", kind, send=send, effect=effect, monkeypatch=monkeypatch, user=user)
