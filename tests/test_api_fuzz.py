"""Schemathesis against /api/openapi.json: no 5xx, no response outside the schema.

The API is read-only, so one seeded set of data (districts, published memories with themes and
a photo, rounds in several phases with proposals, votes and an official answer) serves every
generated request. The run is bounded (a few dozen examples per operation, no shrinking of long
runs) so that it stays well under a minute on SQLite.
"""

import datetime

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from agenda import phases as ph
from tests.agenda.factories import (
    FieldOfActionFactory,
    OfflineVoteTallyFactory,
    ProposalFactory,
    RoundPageFactory,
    VoteFactory,
)
from tests.civic.factories import DistrictFactory, square
from tests.stadtgedaechtnis.factories import MemoryFactory, MemoryPhotoFactory, ThemeFactory

MAX_EXAMPLES = 25

CONFIG = {
    "generation": {"mode": "all", "max-examples": MAX_EXAMPLES},
    "phases": {"stateful": {"enabled": False}},
    "checks": {
        # A value of the right form that names nothing usable (an unknown theme, a box with
        # West > East, a page past the end) is a 400/404 with a German message: the schema
        # cannot express "exists". 422 (the wrong type or range) stays a failure for valid data.
        "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "404"]},
    },
}


@pytest.fixture
def keep_db_connection():
    """Requests go through the plain WSGI handler (not Django's test client), whose
    request_started/request_finished signals would close the connection that holds the test's
    transaction (PostgreSQL). Django's test client disconnects the same receiver."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_data(db, keep_db_connection, settings, tmp_path):
    """Real rows, so the endpoints answer with real bodies (and real ids to hit)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    district = DistrictFactory(name="Innenstadt", slug="innenstadt", geometry=square(10.95, 50.25))
    theme = ThemeFactory(name="Handwerk", slug="handwerk")
    memories = []
    for i in range(6):
        memory = MemoryFactory(
            title=f"Erinnerung {i} an die Ketschengasse",
            lat=50.255 + i * 0.001,
            lon=10.962 + i * 0.001,
            date_text="Anfang der 60er",
        )
        memory.themes.add(theme)
        memories.append(memory)
    MemoryPhotoFactory(memory=memories[0])
    field = FieldOfActionFactory(name="Mobilität", slug="mobilitaet")
    rounds = {}
    for current in (ph.VOTE, "ended", None):
        round_page = RoundPageFactory(current=current)
        proposals = [
            ProposalFactory(round=round_page, field_of_action=field, district=district)
            for _ in range(3)
        ]
        proposals[0].lat, proposals[0].lon = 50.26, 10.96
        proposals[0].answer = "Die Stadt setzt das um."
        proposals[0].answer_published = True
        proposals[0].save()
        VoteFactory(proposal=proposals[1])
        OfflineVoteTallyFactory(proposal=proposals[2])
        rounds[str(current)] = round_page
    return {
        "district": district,
        "theme": theme,
        "memory_ids": [m.pk for m in memories],
        "round_ids": [r.pk for r in rounds.values()],
        "results_round_id": rounds["ended"].pk,
    }


SCHEMA = schemathesis.openapi.from_wsgi(
    "/api/openapi.json",
    get_wsgi_application(),
    config=schemathesis.Config.from_dict(CONFIG),
)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


def real_path_parameters(operation, data) -> dict:
    """Path parameters naming rows that exist (the generated ones rarely do)."""
    names = {p.name for p in operation.path_parameters}
    real = {"round_id": data["round_ids"], "memory_id": data["memory_ids"], "slug": ["innenstadt"]}
    return {name: real[name] for name in names if name in real}


def negatable(operation) -> bool:
    """Whether a request can break the schema at all: query strings and path segments are
    strings, so only operations with a typed or constrained parameter have negative cases."""
    for parameter in operation.iter_parameters():
        schema = parameter.definition.get("schema", {})
        if schema.get("type") != "string" or set(schema) - {"type", "title", "description"}:
            return True
    return False


CASES = [(op, GenerationMode.POSITIVE) for op in OPERATIONS] + [
    (op, GenerationMode.NEGATIVE) for op in OPERATIONS if negatable(op)
]


@pytest.mark.parametrize(
    "operation, mode", CASES, ids=[f"{op.label} {mode.value}" for op, mode in CASES]
)
def test_api_conforms_to_its_schema(operation, mode, fuzz_data):
    strategy = operation.as_strategy(generation_mode=mode)
    real = real_path_parameters(operation, fuzz_data)
    if real:
        with_real_ids = st.fixed_dictionaries({k: st.sampled_from(v) for k, v in real.items()})
        strategy = st.one_of(
            strategy,
            with_real_ids.flatmap(
                lambda ids: operation.as_strategy(generation_mode=mode, path_parameters=ids)
            ),
        )

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=datetime.timedelta(seconds=2),
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    @given(case=strategy)
    def run(case):
        case.call_and_validate()

    run()


# One request per operation that must find real rows: the bodies the fuzzing may have missed
# (every optional filter has to be right for a 200) are validated against the schema too.
GOOD_QUERIES = {
    "/api/memories/": {"bbox": "10.9,50.2,11.1,50.3", "theme": "handwerk", "limit": 3},
    "/api/memories/map": {"bbox": "10.9,50.2,11.1,50.3", "zoom": 17, "theme": "handwerk"},
    "/api/agenda/rounds/{round_id}/proposals": {"page": 1, "per_page": 2},
}


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_real_bodies_conform_to_the_schema(operation, fuzz_data):
    path_parameters = {
        "slug": "innenstadt",
        "memory_id": fuzz_data["memory_ids"][0],
        "round_id": fuzz_data["results_round_id"],  # its results are public
    }
    names = {p.name for p in operation.path_parameters}
    case = operation.Case(
        path_parameters={k: v for k, v in path_parameters.items() if k in names},
        query=GOOD_QUERIES.get(operation.path, {}),
    )
    response = case.call_and_validate()
    assert response.status_code == 200
    body = response.json()
    if isinstance(body, dict):
        body = body.get("features", body.get("items", body.get("ranking", body)))
    assert body, "real rows, not an empty list"
