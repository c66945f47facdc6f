"""The similar-proposals hint: portable scoring over a bounded candidate set of the round."""

import pytest

from agenda.models import ProposalStatus
from agenda.services import similar_proposals, tokens
from tests.agenda.factories import ProposalFactory, RoundPageFactory

pytestmark = pytest.mark.django_db


def test_tokens_fold_umlauts_drop_stopwords_and_stem():
    assert tokens("Die Bürgerdienste und das Rathaus") == {"buergerdienst", "rathau"}
    assert tokens("Öffnungszeiten") == tokens("oeffnungszeiten")


def test_finds_related_wording_and_ranks_closest_first():
    round_ = RoundPageFactory(current="propose")
    wifi = ProposalFactory(
        round=round_,
        title="Kostenloses WLAN in der Innenstadt",
        description="Öffentliche Hotspots am Marktplatz und in der Fußgängerzone.",
    )
    wifi_library = ProposalFactory(
        round=round_,
        title="WLAN für die Stadtbücherei",
        description="Schnelles Internet zum Lernen.",
    )
    ProposalFactory(round=round_, title="Mehr Bäume am Anger", description="Schatten im Sommer.")
    ProposalFactory(
        round=round_, title="Online-Termine im Bürgerbüro", description="Keine Warteschlangen."
    )
    found = similar_proposals(
        round_, "Freies WLAN in der Innenstadt", "Hotspots in der Fußgängerzone"
    )
    assert found[0] == wifi
    assert wifi_library in found
    assert all("Bäume" not in p.title for p in found)


def test_only_the_same_round_and_visible_proposals():
    round_ = RoundPageFactory(current="propose")
    ProposalFactory(round=RoundPageFactory(), title="Digitale Parkplatzsuche")
    ProposalFactory(round=round_, title="Digitale Parkplatzsuche", hidden=True)
    ProposalFactory(round=round_, title="Digitale Parkplatzsuche", status=ProposalStatus.WITHDRAWN)
    assert similar_proposals(round_, "Parkplatzsuche digital") == []


def test_limit_and_exclude():
    round_ = RoundPageFactory(current="propose")
    made = [
        ProposalFactory(round=round_, title=f"Sensoren für Luftqualität Nummer {i}")
        for i in range(8)
    ]
    found = similar_proposals(round_, "Sensoren für die Luftqualität")
    assert len(found) == 5
    found = similar_proposals(
        round_, "Sensoren für die Luftqualität", exclude_pk=made[0].pk, limit=10
    )
    assert made[0] not in found and len(found) == 7


def test_empty_or_meaningless_text_finds_nothing():
    round_ = RoundPageFactory(current="propose")
    ProposalFactory(round=round_, title="Die Stadt und wir")
    assert similar_proposals(round_, "") == []
    assert similar_proposals(round_, "die und das") == []
