"""The permission matrix from outside: each role requests each admin, dashboard, export, report,
job, moderation, steering, API and resident-action URL and gets exactly what it may.

Roles: anonymous, a resident, the resident who owns the objects (proposal, memory), the
editorial team (Redaktion), the steering group (Steuerungsgruppe) and an administrator. For a
POST that a role may not make, the test also checks that nothing was written (every row of the
tables these views touch, and the audit log, are compared before and after).

``test_every_url_of_our_apps_is_in_the_matrix`` collects the URLs from the resolver, so a new
view (or a new admin viewset of one of our models) fails until it has its row here.

Accepted as "no access" (``NO_ACCESS``): a staff user without the permission of a Wagtail
generic view (snippets, the user editor) gets Wagtail's redirect to the admin home with a
message instead of a 403; none of the page is shown (the same for the round dashboard and
exports, which answer with a 403 of their own).
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction

from agenda import phases as ph
from tests.matrix_helpers import (
    ADMIN,
    ANONYMOUS,
    DENIED,
    EDITOR,
    NO_ACCESS,
    NOT_FOUND,
    OK,
    OWNER,
    RESIDENT,
    ROLES,
    STEERING,
    Endpoint,
    expect,
    matches,
    our_url_names,
    outcome,
)

pytestmark = pytest.mark.django_db

STAFF = (EDITOR, STEERING, ADMIN)
EDITORS = (EDITOR, ADMIN)
STEERING_ONLY = (STEERING, ADMIN)
SIGNED_IN = (RESIDENT, OWNER, EDITOR, STEERING, ADMIN)
EVERYONE = ROLES


def admin_only_for(allowed, *, staff_others=NO_ACCESS) -> dict[str, str]:
    """An admin URL: anonymous to the login, residents 403 (no admin access at all), staff
    without the permission ``staff_others``."""
    table = expect(allowed, others=staff_others)
    table[RESIDENT] = table[OWNER] = DENIED
    return table


# --------------------------------------------------------------------------------------------
# The objects


@pytest.fixture
def world(db, home_page, settings, tmp_path):
    from django_comments_xtd.models import XtdComment  # noqa: F401 (app loaded)

    from civic.models import CommentRemovalReason
    from civic.models_jobs import Job
    from civic.roles import EDITORS as EDITOR_GROUP
    from civic.roles import RESIDENTS, assign_role
    from civic.roles import STEERING as STEERING_GROUP
    from stadtgedaechtnis.models import Status
    from tests.agenda.factories import (
        OfflineSourceFactory,
        ProposalFactory,
        RoundPageFactory,
        make_comment,
    )
    from tests.civic.factories import DistrictFactory, UserFactory, square
    from tests.stadtgedaechtnis.factories import (
        MemoryFactory,
        RejectionReasonFactory,
        ThemeFactory,
    )
    from tests.stadtgedaechtnis.factories_books import make_book

    settings.MEDIA_ROOT = tmp_path / "media"
    users = {}
    for role, group, name in (
        (RESIDENT, RESIDENTS, "Rita Resident"),
        (OWNER, RESIDENTS, "Olga Owner"),
        (EDITOR, EDITOR_GROUP, "Erika Redaktion"),
        (STEERING, STEERING_GROUP, "Sven Steuerung"),
    ):
        users[role] = UserFactory(display_name=name)
        assign_role(users[role], group)
    users[ADMIN] = UserFactory(display_name="Admin", is_superuser=True, is_staff=True)

    district = DistrictFactory(name="Innenstadt", geometry=square(10.95, 50.25, 0.02))
    propose_round = RoundPageFactory(current=ph.PROPOSE, title="Runde Vorschläge")
    vote_round = RoundPageFactory(current=ph.VOTE, title="Runde Abstimmung")
    own_proposal = ProposalFactory(round=propose_round, author=users[OWNER], title="Olgas Idee")
    vote_proposal = ProposalFactory(round=vote_round, author=users[OWNER], title="Zur Wahl")
    answer_round = RoundPageFactory(current=ph.EVALUATE, title="Runde Auswertung")
    answer_proposal = ProposalFactory(
        round=answer_round, author=users[OWNER], title="Beantwortet", answer="Ja, gern."
    )
    comment = make_comment(own_proposal, users[RESIDENT], "Ein Kommentar")
    removed_comment = make_comment(own_proposal, users[RESIDENT], "Entfernt")
    removed_comment.is_removed = True
    removed_comment.save()
    pending = MemoryFactory(
        status=Status.SUBMITTED, author=users[OWNER], title="Olgas Erinnerung", published_at=None
    )
    published = MemoryFactory(author=users[OWNER], title="Veröffentlicht")
    job = Job.objects.create(
        kind="agenda.round_export",
        title="Export",
        params={"round": vote_round.pk, "kind": "proposals", "format": "csv"},
        created_by=users[EDITOR],
    )
    book = make_book(home_page, number=7)
    return {
        "users": users,
        "district": district,
        "propose_round": propose_round,
        "vote_round": vote_round,
        "own_proposal": own_proposal,
        "vote_proposal": vote_proposal,
        "answer_round": answer_round,
        "answer_proposal": answer_proposal,
        "field": own_proposal.field_of_action,
        "comment": comment,
        "removed_comment": removed_comment,
        "removal_reason": CommentRemovalReason.objects.create(text="Beleidigend"),
        "pending": pending,
        "published": published,
        "theme": ThemeFactory(),
        "rejection_reason": RejectionReasonFactory(),
        "offline_source": OfflineSourceFactory(round=vote_round),
        "job": job,
        "book": book,
    }


def snapshot() -> dict:
    """Every row a forbidden POST of the matrix could touch."""
    from django_comments_xtd.models import XtdComment
    from wagtail.models import ModelLogEntry, PageLogEntry

    from agenda.models import Proposal, Vote
    from civic.models_jobs import Job
    from stadtgedaechtnis.models import Memory
    from stadtgedaechtnis.models_books import BookPage

    def rows(model):
        return list(model.objects.order_by("pk").values())

    return {
        "proposals": rows(Proposal),
        "votes": rows(Vote),
        "memories": rows(Memory),
        "comments": rows(XtdComment),
        "jobs": rows(Job),
        "books": rows(BookPage),
        "log": (ModelLogEntry.objects.count(), PageLogEntry.objects.count()),
    }


# --------------------------------------------------------------------------------------------
# The matrix


def r(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)


ENDPOINTS: list[Endpoint] = []


def row(name, url, expected, *, method="GET", data=None):
    ENDPOINTS.append(
        Endpoint(name=name, url=url, expect=expected, method=method, data=data or (lambda w: {}))
    )


# -- dashboards, reports, exports, jobs (view_dashboard / export_round) ------------------------
row("civic_dashboard:index", lambda w: r("civic_dashboard:index"), admin_only_for(STAFF))
row("agenda_dashboard:index", lambda w: r("agenda_dashboard:index"), admin_only_for(STAFF))
row(
    "agenda_dashboard:round",
    lambda w: r("agenda_dashboard:round", w["vote_round"].pk),
    admin_only_for(STAFF),
)
row(
    "agenda_report:html",
    lambda w: r("agenda_report:html", w["vote_round"].pk),
    admin_only_for(STAFF),
)
row(
    "agenda_report:pdf",
    lambda w: r("agenda_report:pdf", w["vote_round"].pk),
    admin_only_for(STAFF),
)
row(
    "agenda_exports:round",
    lambda w: r("agenda_exports:round", w["vote_round"].pk),
    admin_only_for(STAFF),
)
row(
    "agenda_exports:download",
    lambda w: r("agenda_exports:download", w["vote_round"].pk, "proposals", "csv"),
    admin_only_for(STAFF),
)
row(
    "agenda_exports:start",
    lambda w: r("agenda_exports:start", w["vote_round"].pk, "proposals", "csv"),
    admin_only_for(STAFF),
    method="POST",
)
row("civic_jobs:index", lambda w: r("civic_jobs:index"), admin_only_for(STAFF))
row("civic_jobs:detail", lambda w: r("civic_jobs:detail", w["job"].pk), admin_only_for(STAFF))
row("civic_jobs:status", lambda w: r("civic_jobs:status", w["job"].pk), admin_only_for(STAFF))
row(
    "civic_jobs:download",
    lambda w: r("civic_jobs:download", w["job"].pk),
    # The job has no file yet: who may see it gets a 404, the others no more than before.
    {**admin_only_for(STAFF), EDITOR: NOT_FOUND, STEERING: NOT_FOUND, ADMIN: NOT_FOUND},
)
row("civic_audit:index", lambda w: r("civic_audit:index"), admin_only_for(STAFF))
row("civic_audit:results", lambda w: r("civic_audit:results"), admin_only_for(STAFF))

# -- comment moderation (civic.moderate_contributions) ---------------------------------------
row("civic_comments:index", lambda w: r("civic_comments:index"), admin_only_for(EDITORS))
row(
    "civic_comments:approve",
    lambda w: r("civic_comments:approve", w["comment"].pk),
    admin_only_for(EDITORS),
    method="POST",
)
row(
    "civic_comments:remove",
    lambda w: r("civic_comments:remove", w["comment"].pk),
    admin_only_for(EDITORS),
    method="POST",
    data=lambda w: {"reason": w["removal_reason"].pk},
)
row(
    "civic_comments:restore",
    lambda w: r("civic_comments:restore", w["removed_comment"].pk),
    admin_only_for(EDITORS),
    method="POST",
)

# -- memories: moderation, memory of the month, export, books -------------------------------
row(
    "stadtgedaechtnis_memory:list",
    lambda w: r("stadtgedaechtnis_memory:list"),
    admin_only_for(EDITORS),
)
row(
    "stadtgedaechtnis_memory:edit",
    lambda w: r("stadtgedaechtnis_memory:edit", w["pending"].pk),
    admin_only_for(EDITORS),
)
row(
    "stadtgedaechtnis_memory:moderate",
    lambda w: r("stadtgedaechtnis_memory:moderate", w["pending"].pk),
    admin_only_for(EDITORS),
)
row(
    "stadtgedaechtnis_memory:moderate",
    lambda w: r("stadtgedaechtnis_memory:moderate", w["pending"].pk),
    admin_only_for(EDITORS),
    method="POST",
    data=lambda w: {"action": "publish", "message": ""},
)
row(
    "stadtgedaechtnis_memory:feature",
    lambda w: r("stadtgedaechtnis_memory:feature", w["published"].pk),
    admin_only_for(EDITORS),
    method="POST",
)
row(
    "stadtgedaechtnis_memory:export",
    lambda w: r("stadtgedaechtnis_memory:export", "csv"),
    admin_only_for(EDITORS),
)
row(
    "stadtgedaechtnis_books:pdf",
    lambda w: r("stadtgedaechtnis_books:pdf", w["book"].pk),
    admin_only_for(EDITORS),
)
row(
    "stadtgedaechtnis_books:release",
    lambda w: r("stadtgedaechtnis_books:release", w["book"].pk),
    admin_only_for(EDITORS),
    method="POST",
)

# -- agenda admin: proposals, rounds (steering), offline sources -----------------------------
row(
    "wagtailsnippets_agenda_proposal:list",
    lambda w: r("wagtailsnippets_agenda_proposal:list"),
    admin_only_for(STAFF),
)
row(
    "wagtailsnippets_agenda_proposal:edit",
    lambda w: r("wagtailsnippets_agenda_proposal:edit", w["vote_proposal"].pk),
    admin_only_for(EDITORS),
)
row(
    "wagtailsnippets_agenda_proposal:manage",
    lambda w: r("wagtailsnippets_agenda_proposal:manage", w["answer_proposal"].pk),
    admin_only_for(STAFF),  # editors see the proposal, without the answer form
)
row(
    "wagtailsnippets_agenda_proposal:manage",
    lambda w: r("wagtailsnippets_agenda_proposal:manage", w["answer_proposal"].pk),
    admin_only_for(STEERING_ONLY),
    method="POST",
    data=lambda w: {"status": "adopted", "answer": "Wird umgesetzt.", "publish": "now"},
)
row(
    "wagtailsnippets_agenda_proposal:merge",
    lambda w: r("wagtailsnippets_agenda_proposal:merge", w["vote_proposal"].pk),
    admin_only_for(STAFF),
)
row("agenda_rounds:index", lambda w: r("agenda_rounds:index"), admin_only_for(STAFF))
row(
    "agenda_rounds:publish_answers",
    lambda w: r("agenda_rounds:publish_answers", w["answer_round"].pk),
    admin_only_for(STEERING_ONLY),
    method="POST",
)
row(
    "wagtailsnippets_agenda_offlinesource:list",
    lambda w: r("wagtailsnippets_agenda_offlinesource:list"),
    admin_only_for(STAFF),
)
row(
    "wagtailsnippets_agenda_offlinesource:add_proposal",
    lambda w: r("wagtailsnippets_agenda_offlinesource:add_proposal", w["offline_source"].pk),
    admin_only_for(STAFF),
)
row(
    "wagtailsnippets_agenda_offlinesource:tallies",
    lambda w: r("wagtailsnippets_agenda_offlinesource:tallies", w["offline_source"].pk),
    admin_only_for(STAFF),
)

# -- users (administrators only) ---------------------------------------------------------------
row("wagtailusers_users:add", lambda w: r("wagtailusers_users:add"), admin_only_for((ADMIN,)))
row(
    "wagtailusers_users:edit",
    lambda w: r("wagtailusers_users:edit", w["users"][RESIDENT].pk),
    admin_only_for((ADMIN,)),
)

# -- resident actions --------------------------------------------------------------------------
row("civic:my_area", lambda w: r("civic:my_area"), expect(SIGNED_IN, others=OK))
row("civic:my_data", lambda w: r("civic:my_data"), expect(SIGNED_IN, others=OK))
row(
    "civic:my_data_download",
    lambda w: r("civic:my_data_download"),
    expect(SIGNED_IN, others=OK),
    method="POST",
)
row("civic:delete_account", lambda w: r("civic:delete_account"), expect(SIGNED_IN, others=OK))
row(
    "stadtgedaechtnis:tell",
    lambda w: r("stadtgedaechtnis:tell"),
    expect(EVERYONE, others=OK, anonymous=OK),
)
row(
    "stadtgedaechtnis:memory",
    lambda w: r("stadtgedaechtnis:memory", w["pending"].pk),
    expect((OWNER, EDITOR, ADMIN), others=NOT_FOUND, anonymous=NOT_FOUND),
)
row(
    "stadtgedaechtnis:edit",
    lambda w: r("stadtgedaechtnis:edit", w["pending"].pk),
    # Editors (and administrators) are sent to the admin, where they edit memories.
    expect((OWNER,), others=DENIED, editor=NO_ACCESS, admin=NO_ACCESS),
)
row(
    "stadtgedaechtnis:withdraw",
    lambda w: r("stadtgedaechtnis:withdraw", w["pending"].pk),
    # Administrators pass every permission (Django's superuser), also this one.
    expect((OWNER, ADMIN), others=DENIED),
    method="POST",
)
row(
    "agenda:proposal",
    lambda w: r("agenda:proposal", w["own_proposal"].pk),
    expect(EVERYONE, others=OK, anonymous=OK),
)
row(
    "agenda:propose",
    lambda w: r("agenda:propose", w["propose_round"].pk),
    expect(SIGNED_IN, others=OK),
)
row(
    "agenda:similar",
    lambda w: r("agenda:similar", w["propose_round"].pk) + "?title=Radweg",
    expect(EVERYONE, others=OK, anonymous=OK),
)
row(
    "agenda:edit",
    lambda w: r("agenda:edit", w["own_proposal"].pk),
    expect((OWNER,), others=DENIED),
)
row(
    "agenda:withdraw",
    lambda w: r("agenda:withdraw", w["own_proposal"].pk),
    expect((OWNER,), others=DENIED),
    method="POST",
)
row(
    "agenda:vote",
    lambda w: r("agenda:vote", w["vote_proposal"].pk),
    expect(SIGNED_IN, others=OK),
    method="POST",
    data=lambda w: {"value": "1"},
)

# -- the public API: the same for everyone, and never anything unpublished ----------------------
row("api:list_rounds", lambda w: r("api:list_rounds"), expect(EVERYONE, others=OK, anonymous=OK))
row(
    "api:get_round",
    lambda w: r("api:get_round", w["vote_round"].pk),
    expect(EVERYONE, others=OK, anonymous=OK),
)
row(
    "api:memory_detail",
    lambda w: r("api:memory_detail", w["pending"].pk),
    # Not even its author or an editor: the API shows published memories only.
    expect((), others=NOT_FOUND, anonymous=NOT_FOUND),
)
row(
    "api:get_results",
    lambda w: r("api:get_results", w["vote_round"].pk),
    # Results of a round in its voting phase are not public yet, whoever asks.
    expect((), others=NOT_FOUND, anonymous=NOT_FOUND),
)


# --------------------------------------------------------------------------------------------
# The tests


def request_as(client, world, role, endpoint):
    from django.core.cache import cache

    cache.clear()  # rate limits and cached pages start afresh for each role
    client.logout()
    if role != ANONYMOUS:
        client.force_login(world["users"][role])
    url = endpoint.url(world)
    if endpoint.method == "POST":
        return client.post(url, endpoint.data(world))
    return client.get(url)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.label for e in ENDPOINTS])
def test_each_role_gets_what_it_may(client, world, endpoint):
    problems = []
    for role in ROLES:
        with transaction.atomic():
            before = snapshot() if endpoint.method == "POST" else None
            response = request_as(client, world, role, endpoint)
            got = outcome(response, endpoint.method)
            wanted = endpoint.expect[role]
            if not matches(got, wanted):
                problems.append(f"{role}: got {got} ({response.status_code}), want {wanted}")
            if endpoint.method == "POST" and wanted != OK and snapshot() != before:
                problems.append(f"{role}: a forbidden POST wrote to the database")
            transaction.set_rollback(True)  # each role starts from the same rows
    assert not problems, "\n".join(problems)


def test_no_access_is_not_a_partial_page(client, world):
    """Wagtail's redirect for staff without a view's permission shows nothing of that page."""
    client.force_login(world["users"][STEERING])
    response = client.get(
        f"/admin/snippets/stadtgedaechtnis/theme/edit/{world['theme'].pk}/", follow=True
    )
    assert response.redirect_chain and response.redirect_chain[-1][0].rstrip("/") == "/admin"
    assert world["theme"].name not in response.content.decode()


# Generic views of the admin viewsets of our models (snippets, choosers). Who manages the
# model may open them; staff who may not get no access; residents a 403; anonymous the login.
# Wagtail's choosers ask for admin access only: any staff member may browse a chooser of names
# (themes, fields of action, reasons, districts, proposals, published memories), but not the
# generic memory chooser, which lists unpublished memories too.
MANAGERS = {
    "civic_district": EDITORS,
    "civic_commentremovalreason": EDITORS,
    "stadtgedaechtnis_theme": EDITORS,
    "stadtgedaechtnis_rejectionreason": EDITORS,
    "agenda_fieldofaction": EDITORS,
    "agenda_proposal": EDITORS,
    "agenda_offlinesource": STAFF,  # enter_offline: editors and the steering group
    "stadtgedaechtnis_memory": EDITORS,
}
NAMESPACE_MODEL = {
    **{f"wagtailsnippets_{m}": m for m in MANAGERS},
    **{f"wagtailsnippetchoosers_{m}": m for m in MANAGERS},
    "stadtgedaechtnis_memory": "stadtgedaechtnis_memory",
    "stadtgedaechtnis_tour_memory_chooser": "stadtgedaechtnis_memory",
    "stadtgedaechtnis_book_memory_chooser": "stadtgedaechtnis_memory",
}
OBJECT_OF_MODEL = {
    "civic_district": "district",
    "civic_commentremovalreason": "removal_reason",
    "stadtgedaechtnis_theme": "theme",
    "stadtgedaechtnis_rejectionreason": "rejection_reason",
    "agenda_fieldofaction": "field",
    "agenda_proposal": "vote_proposal",
    "agenda_offlinesource": "offline_source",
    "stadtgedaechtnis_memory": "published",
}
BROWSE = ("choose", "choose_results", "chosen", "chosen_multiple")

# Views whose answer differs from their model's rule, with the reason.
GENERIC_OVERRIDES = {
    # The steering group may look at districts, fields of action and proposals (lists only).
    "wagtailsnippets_civic_district:list": admin_only_for(STAFF),
    "wagtailsnippets_civic_district:list_results": admin_only_for(STAFF),
    "wagtailsnippets_agenda_fieldofaction:list": admin_only_for(STAFF),
    "wagtailsnippets_agenda_fieldofaction:list_results": admin_only_for(STAFF),
    "wagtailsnippets_agenda_proposal:list_results": admin_only_for(STAFF),
    "wagtailsnippets_agenda_proposal:history": admin_only_for(STAFF),
    "wagtailsnippets_agenda_proposal:history_results": admin_only_for(STAFF),
    # Proposals come from residents and offline sources, never from the snippet form.
    "wagtailsnippets_agenda_proposal:add": admin_only_for(()),
    "wagtailsnippetchoosers_agenda_proposal:create": admin_only_for(()),
    # Deleting proposals and districts (votes, memories hang on them): administrators only.
    "wagtailsnippets_agenda_proposal:delete": admin_only_for((ADMIN,)),
    "wagtailsnippets_civic_district:delete": admin_only_for((ADMIN,)),
    # Offline sources are entered by both, deleted by the editors.
    "wagtailsnippets_agenda_offlinesource:delete": admin_only_for(EDITORS),
    # The generic memory chooser lists unpublished memories: editors only (see the report).
    **{
        f"wagtailsnippetchoosers_stadtgedaechtnis_memory:{view}": admin_only_for(EDITORS)
        for view in BROWSE
    },
    # Reordering is a POST; a GET is refused by whoever may reorder, too.
    "wagtailsnippets_agenda_fieldofaction:reorder": None,
}


def generic_expectation(name: str):
    namespace, _, view = name.rpartition(":")
    if name in GENERIC_OVERRIDES:
        return GENERIC_OVERRIDES[name]
    if view in BROWSE:
        return admin_only_for(STAFF)
    return admin_only_for(MANAGERS[NAMESPACE_MODEL[namespace]])


# URLs of our apps that the matrix does not request, with the reason.
EXEMPT = {
    "stadtgedaechtnis:confirm": "a secret token from an e-mail, not a role (test_tell.py)",
    "stadtgedaechtnis:edit_token": "a secret token from an e-mail, not a role (test_tell.py)",
    "stadtgedaechtnis:withdraw_token": "a secret token from an e-mail, not a role (test_tell.py)",
    "stadtgedaechtnis:thanks": "a static thank-you page",
    "civic:search": "public page",
    "civic:districts": "public page",
    "theme_css": "public stylesheet",
    "healthz": "health check, public by design (tests/civic/test_health.py)",
    "api:unknown": "the JSON 404 of unknown API paths (tests/test_api_fuzz.py)",
}


def generic_cases():
    """(name, url builder, expected) for every view of the admin viewsets of our models that is
    not a row of the explicit matrix."""

    explicit = {e.name for e in ENDPOINTS}
    cases = []
    for name, route in sorted(our_url_names().items()):
        namespace = name.rpartition(":")[0]
        if name in explicit or namespace not in NAMESPACE_MODEL:
            continue
        wanted = generic_expectation(name)
        if wanted is None:
            continue
        cases.append((name, route, wanted))
    return cases


def _generic_url(world, name, route):
    from django.urls import reverse

    namespace = name.rpartition(":")[0]
    args = []
    if re.search(r"<(int|str):pk>", route):
        args.append(world[OBJECT_OF_MODEL[NAMESPACE_MODEL[namespace]]].pk)
    return reverse(name, args=args)


GENERIC = generic_cases()


@pytest.mark.parametrize("name, route, wanted", GENERIC, ids=[c[0] for c in GENERIC])
def test_generic_admin_views_of_our_models(client, world, name, route, wanted):
    endpoint = Endpoint(name=name, url=lambda w: _generic_url(w, name, route), expect=wanted)
    problems = []
    for role in ROLES:
        with transaction.atomic():
            response = request_as(client, world, role, endpoint)
            got = outcome(response, "GET")
            if not matches(got, wanted[role]):
                problems.append(f"{role}: got {got} ({response.status_code}), want {wanted[role]}")
            transaction.set_rollback(True)
    assert not problems, "\n".join(problems)


def test_every_url_of_our_apps_is_in_the_matrix():
    covered = {e.name for e in ENDPOINTS} | {c[0] for c in GENERIC} | set(EXEMPT)
    covered |= {name for name in GENERIC_OVERRIDES if GENERIC_OVERRIDES[name] is None}
    api_names = {name for name in our_url_names() if name.startswith("api:")}
    # The API's operations are fuzzed for everyone alike (test_api_fuzz.py); two of them are
    # here to show that a role changes nothing.
    missing = sorted(set(our_url_names()) - covered - api_names)
    assert not missing, f"URLs without a row in the permission matrix: {missing}"
