"""Comments on proposals over HTTP: allowed only while the phase allows commenting."""

import pytest
from django.urls import reverse
from django_comments_xtd.models import XtdComment

from civic.comments import comment_form
from tests.agenda.factories import ProposalFactory, RoundPageFactory, make_comment

pytestmark = pytest.mark.django_db


def post_comment(client, user, target, text, parent=None):
    client.force_login(user)
    form = comment_form(target, parent)
    data = dict(form.initial)
    data.setdefault("reply_to", 0)
    data.update(comment=text, honeypot="", next="/")
    return client.post(reverse("comments-post-comment"), data)


def test_resident_comments_during_discussion(client, resident, other_resident):
    proposal = ProposalFactory(round=RoundPageFactory(current="comment"))
    response = post_comment(client, resident, proposal, "Gute Idee!")
    assert response.status_code == 302
    comment = XtdComment.objects.get()
    assert comment.is_public  # not premoderated: appears at once
    reply = post_comment(client, other_resident, proposal, "Finde ich auch.", parent=comment)
    assert reply.status_code == 302
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Gute Idee!" in html and "Finde ich auch." in html


@pytest.mark.parametrize("current", ["propose", "vote", "evaluate", "result"])
def test_no_comments_outside_the_discussion(client, resident, current):
    proposal = ProposalFactory(round=RoundPageFactory(current=current))
    response = post_comment(client, resident, proposal, "Zu spät?")
    assert response.status_code in (400, 403)
    assert not XtdComment.objects.exists()
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Kommentieren ist in der aktuellen Phase der Runde nicht möglich." in html


def test_unverified_users_cannot_comment(client, unverified):
    proposal = ProposalFactory(round=RoundPageFactory(current="comment"))
    response = post_comment(client, unverified, proposal, "Hallo")
    assert response.status_code in (400, 403)
    assert not XtdComment.objects.exists()


def test_comment_count_in_the_list(client, resident):
    proposal = ProposalFactory(round=RoundPageFactory(current="comment"))
    parent = make_comment(proposal, resident)
    make_comment(proposal, resident, "Antwort", parent=parent)
    make_comment(proposal, resident, "Versteckt", is_public=False)
    html = client.get(proposal.round.url).content.decode()
    assert "2 Kommentare" in html
