"""Concurrent load on loopback, then every count reconciled with the rows (issue 8).

``python bench/load.py [--residents 20] [--actions 10] [--workers 3]`` (also run, bounded, by
``tests/test_load.py`` inside ``make test``):

1. Creates its own PostgreSQL database ``civic_load_<random>`` as a copy of the template database
   ``civic_load_template`` (migrated once and rebuilt whenever the migrations or the installed
   packages change: migrating takes a minute on a small machine, copying a second). The database
   is dropped at the end, also after a failure. The server is ``DATABASE_URL`` when that is a
   PostgreSQL URL, else ``postgres://postgres@127.0.0.1:5432``; without PostgreSQL the script
   exits with status 2 and says so.
2. Seeds N verified residents (with a password), a round whose current phase allows commenting
   and voting, with proposals, and a published memory.
3. Starts gunicorn (``--workers``, production settings via ``bench/load_settings.py``, the rate
   limits raised with ``CIVIC_RATELIMIT_MULTIPLIER``: all load comes from 127.0.0.1).
4. Every resident at once (one thread each, a real HTTP session): GET the login page, POST the
   login form with its CSRF token, then ``--actions`` actions drawn at random: vote (for or
   against), retract, vote again with the other value, a double click (the same vote posted twice
   at the same moment), comment on a proposal, add to the memory (premoderated), tell a memory.
   Each form is fetched first and posted with its hidden fields and the CSRF token.
5. Reconciles in the database: each proposal's votes = the rows = what the residents' answered
   requests left behind, at most one vote per person and proposal with the expected value, the
   proposals' counters (``votes_for``/``votes_against``) = the rows, comments per target = the
   rows = the posts answered with a redirect, memories = the submissions answered with a
   redirect, no 5xx and no refused (429) request. Prints a table; exits 1 on any mismatch.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import server  # bench/server.py (the scripts run with bench/ on sys.path)

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
TEMPLATE_DB = "civic_load_template"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
PASSWORD = "Lasttest-2026-nur-lokal"
SECRET_KEY = "load-test-only-not-secret-" + "y" * 40
ACTIONS = ("vote", "retract", "revote", "double", "comment", "memory_comment", "tell")
WEIGHTS = (5, 2, 2, 1, 2, 1, 1)


def log(message: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


# --------------------------------------------------------------------------------------------
# PostgreSQL: the template and the run's own database


def server_url(database_url: str | None) -> str:
    """The PostgreSQL server to use: the one of DATABASE_URL if that is PostgreSQL."""
    if database_url and urlsplit(database_url).scheme in ("postgres", "postgresql", "pgsql"):
        parts = urlsplit(database_url)
        return urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    return DEFAULT_SERVER


def db_url(server: str, name: str) -> str:
    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, "", ""))


def admin_connection(server: str):
    import psycopg

    return psycopg.connect(db_url(server, "postgres"), autocommit=True, connect_timeout=5)


def fingerprint() -> str:
    """Changes when a migration or an installed package changes (then the template is rebuilt)."""
    from importlib import metadata

    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    for dist in sorted(metadata.distributions(), key=lambda d: (d.metadata["Name"] or "").lower()):
        digest.update(f"{dist.metadata['Name']}=={dist.version};".encode())
    return "civic-load " + digest.hexdigest()[:32]


def ensure_template(server: str, env: dict) -> None:
    from psycopg import sql

    wanted = fingerprint()
    # One builder at a time (two load runs may start together).
    with open(os.path.join(tempfile.gettempdir(), "civic-load-template.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with admin_connection(server) as conn:
            row = conn.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [TEMPLATE_DB],
            ).fetchone()
            if row is not None and row[0] == wanted:
                return
            log(f"building the template database {TEMPLATE_DB} (migrate; once per change)")
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(TEMPLATE_DB)
                )
            )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(TEMPLATE_DB)))
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env={**env, "DATABASE_URL": db_url(server, TEMPLATE_DB), "CONN_MAX_AGE": "0"},
            check=True,
        )
        with admin_connection(server) as conn:
            conn.execute(
                sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                    sql.Identifier(TEMPLATE_DB), sql.Literal(wanted)
                )
            )


def create_database(server: str, name: str) -> None:
    from psycopg import sql

    with admin_connection(server) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(TEMPLATE_DB)
            )
        )


def drop_database(server: str, name: str) -> None:
    from psycopg import sql

    with admin_connection(server) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


# --------------------------------------------------------------------------------------------
# Environment, data, server


def load_env(database_url: str, media_root: Path, multiplier: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "PYTEST"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.load_settings",
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "SECURE_COOKIES": "0",
            "CONN_MAX_AGE": "0",
            "MEDIA_ROOT": str(media_root / "media"),
            "PRIVATE_MEDIA_ROOT": str(media_root / "private"),
            "STATIC_ROOT": str(media_root / "static"),
            "CIVIC_PAGE_CACHE_SECONDS": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "CIVIC_RATELIMIT_MULTIPLIER": str(multiplier),
            "LOG_LEVEL": "ERROR",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
    )
    return env


@dataclass
class Seed:
    residents: list  # (pk, email, display name)
    proposals: list[int]
    memory_id: int
    login_path: str
    tell_path: str
    proposal_paths: dict[int, str]
    vote_paths: dict[int, str]
    memory_path: str


def seed(residents: int, proposals: int, token: str) -> Seed:
    """Residents, a round in a phase with commenting and voting, its proposals, a memory."""
    import datetime

    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from agenda.models import AgendaPage, FieldOfAction, Proposal, RoundPage, RoundPhase
    from civic.models import HomePage, User
    from civic.roles import RESIDENTS, assign_role
    from stadtgedaechtnis.models import Memory, Status

    now = timezone.now()
    day = datetime.timedelta(days=1)
    # One hash for every throw-away account: hashing costs ~0.3 s each here.
    password_hash = make_password(PASSWORD)
    with transaction.atomic():
        people = []
        for i in range(residents):
            user = User(
                email=f"last-{token}-{i}@example.invalid",
                display_name=f"Lasttest {i}",
                password=password_hash,
            )
            user.save()
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            assign_role(user, RESIDENTS)
            people.append((user.pk, user.email, user.display_name))
        home = HomePage.objects.get(depth=2)
        agenda = AgendaPage(title="Digitale Agenda (Last)", slug=f"agenda-last-{token}", intro="")
        home.add_child(instance=agenda)
        round_page = RoundPage(
            title="Lasttest-Runde",
            slug="runde",
            number=1,
            intro="",
            reference_prefix="LT",
            voting_mode="for_against",
            max_votes_per_person=0,
            phases=[
                RoundPhase(kinds=["propose"], start=now - 20 * day, end=now - 10 * day),
                RoundPhase(kinds=["comment", "vote"], start=now - 10 * day, end=now + 10 * day),
                RoundPhase(kinds=["evaluate"], start=now + 10 * day, end=now + 20 * day),
            ],
        )
        agenda.add_child(instance=round_page)
        field, _ = FieldOfAction.objects.get_or_create(
            slug="last-bildung", defaults={"name": "Bildung (Last)"}
        )
        round_page.fields_of_action.add(field)
        author = User.objects.get(pk=people[0][0])
        items = [
            Proposal.objects.create(
                round=round_page,
                title=f"Lastvorschlag {n}",
                description="Ein Vorschlag für den Lasttest.",
                field_of_action=field,
                author=author,
            )
            for n in range(proposals)
        ]
        memory = Memory.objects.create(
            title="Das alte Kino",
            story="Eine Erinnerung für den Lasttest.",
            date_text="um 1960",
            lat=50.2585,
            lon=10.9645,
            place_name="Marktplatz",
            status=Status.PUBLISHED,
            published_at=now,
            consent_publication=True,
            rights_confirmed=True,
            author=author,
        )
    return Seed(
        residents=people,
        proposals=[p.pk for p in items],
        memory_id=memory.pk,
        login_path=reverse("account_login"),
        tell_path=reverse("stadtgedaechtnis:tell"),
        proposal_paths={p.pk: p.get_absolute_url() for p in items},
        vote_paths={p.pk: reverse("agenda:vote", args=[p.pk]) for p in items},
        memory_path=memory.get_absolute_url(),
    )


class Server(server.Server):
    """gunicorn with the load settings; a 120 s worker timeout."""

    timeout_seconds = 120

    def __init__(self, env: dict, workers: int):
        super().__init__(env, workers, log=log)


# --------------------------------------------------------------------------------------------
# The residents


class Forms(HTMLParser):
    """The POST forms of a page: action and the inputs with their values."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._current = {"action": attrs.get("action") or "", "fields": {}}
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "textarea", "select"):
            name, kind = attrs.get("name"), (attrs.get("type") or "text").lower()
            if not name or kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._current["fields"].setdefault(name, attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def find_form(html: str, *, action_contains: str = "", field: str = "") -> dict | None:
    parser = Forms()
    parser.feed(html)
    for form in parser.forms:
        if action_contains and action_contains not in form["action"]:
            continue
        if field and field not in form["fields"]:
            continue
        return form
    return None


@dataclass
class Outcome:
    """What one resident's requests answered, as the resident saw it."""

    statuses: Counter = field(default_factory=Counter)
    votes: dict = field(default_factory=dict)  # proposal -> value (None: no vote)
    comments: Counter = field(default_factory=Counter)  # target key -> posts redirected
    memories: int = 0
    errors: list = field(default_factory=list)
    latencies: list = field(default_factory=list)


class Resident:
    def __init__(self, base_url: str, seed_data: Seed, email: str, rng: random.Random):
        import requests

        self.base, self.seed, self.email, self.rng = base_url, seed_data, email, rng
        self.session = requests.Session()
        self.out = Outcome()
        self.lock = threading.Lock()

    def _note(self, response, started):
        with self.lock:
            self.out.statuses[response.status_code] += 1
            self.out.latencies.append(time.perf_counter() - started)

    def get(self, path: str):
        started = time.perf_counter()
        response = self.session.get(urljoin(self.base, path), timeout=120, allow_redirects=False)
        self._note(response, started)
        return response

    def post(self, path: str, data: dict, *, session=None):
        started = time.perf_counter()
        csrf = self.session.cookies.get("csrftoken", "")
        response = (session or self.session).post(
            urljoin(self.base, path),
            data={**data, "csrfmiddlewaretoken": csrf},
            headers={"X-CSRFToken": csrf, "Referer": self.base + "/"},
            timeout=120,
            allow_redirects=False,
        )
        self._note(response, started)
        return response

    @staticmethod
    def redirected(response) -> bool:
        location = response.headers.get("Location", "")
        return (
            response.status_code == 302 and "anmelden" not in location and "login" not in (location)
        )

    # -- steps ---------------------------------------------------------------------------------

    def login(self) -> bool:
        page = self.get(self.seed.login_path)
        form = find_form(page.text, field="password")
        if form is None:
            self.out.errors.append(f"no login form ({page.status_code})")
            return False
        fields = {**form["fields"], "login": self.email, "password": PASSWORD}
        fields.pop("remember", None)
        response = self.post(form["action"] or self.seed.login_path, fields)
        if response.status_code != 302 or "sessionid" not in self.session.cookies:
            self.out.errors.append(f"login failed ({response.status_code})")
            return False
        return True

    def vote(self, proposal: int, value: int, *, double: bool = False) -> None:
        data = {"action": "cast", "value": str(value)}
        path = self.seed.vote_paths[proposal]
        if double:
            # The double click: the same vote twice at the same moment, from the same session.
            import requests

            twin = requests.Session()
            twin.cookies.update(self.session.cookies)
            with ThreadPoolExecutor(max_workers=2) as pool:
                responses = list(
                    pool.map(lambda s: self.post(path, data, session=s), [self.session, twin])
                )
        else:
            responses = [self.post(path, data)]
        if any(self.redirected(r) for r in responses):
            self.out.votes[proposal] = value

    def retract(self, proposal: int) -> None:
        response = self.post(self.seed.vote_paths[proposal], {"action": "retract"})
        if self.redirected(response):
            self.out.votes[proposal] = None

    def comment(self, key: str, page_path: str, text: str) -> None:
        page = self.get(page_path)
        form = find_form(page.text, action_contains="/comments/post")
        if form is None:
            self.out.errors.append(f"no comment form on {page_path} ({page.status_code})")
            return
        fields = {**form["fields"], "comment": text}
        fields.pop("followup", None)
        response = self.post(form["action"], fields)
        if self.redirected(response):
            self.out.comments[key] += 1

    def tell(self, n: int) -> None:
        page = self.get(self.seed.tell_path)
        form = find_form(page.text, field="title") or {"fields": {}, "action": ""}
        data = {
            **{k: v for k, v in form["fields"].items() if k.startswith(("csrf", "hp", "honey"))},
            "title": f"Lasttest-Erinnerung {n}",
            "story": "Im Sommer 1962 kam der Fernseher.\n\nDie ganze Straße kam zu uns.",
            "summary": "",
            "date_text": "Sommer 1962",
            "lat": "50.2585",
            "lon": "10.9645",
            "place_name": "Ketschengasse",
            "precision": "exact",
            "place_note": "",
            "licence": "cc-by-4.0",
            "people_status": "not_identifiable",
            "attribution": "full_name",
            "name": "Lasttest",
            "pseudonym": "",
            "consent": "on",
            "rights_confirmed": "on",
        }
        # The photo slots' licence selects (no photo is sent; the form still wants a value).
        for name in form["fields"]:
            if name.startswith("photo-") and name.endswith("-licence"):
                data[name] = "cc-by-4.0"
        for i in range(5):
            data.setdefault(f"photo-{i}-licence", "cc-by-4.0")
        response = self.post(self.seed.tell_path, data)
        if self.redirected(response):
            self.out.memories += 1
        elif response.status_code < 500:
            import re

            found = re.findall(
                r'class="[^"]*(?:errorlist|form-errors)[^"]*".*?</(?:ul|div)>', response.text, re.S
            )
            summary = " ".join(" ".join(re.sub(r"<[^>]+>", " ", f).split()) for f in found)[:300]
            self.out.errors.append(f"memory not accepted ({response.status_code}): {summary}")

    def run(self, actions: int) -> Outcome:
        try:
            if not self.login():
                return self.out
            proposals = self.seed.proposals
            for n in range(actions):
                action = self.rng.choices(ACTIONS, WEIGHTS)[0]
                voted = [p for p, v in self.out.votes.items() if v is not None]
                if action in ("retract", "revote") and not voted:
                    action = "vote"
                if action == "vote":
                    self.vote(self.rng.choice(proposals), self.rng.choice((1, -1)))
                elif action == "double":
                    self.vote(self.rng.choice(proposals), self.rng.choice((1, -1)), double=True)
                elif action == "retract":
                    self.retract(self.rng.choice(voted))
                elif action == "revote":
                    proposal = self.rng.choice(voted)
                    self.vote(proposal, -self.out.votes[proposal])
                elif action == "comment":
                    proposal = self.rng.choice(proposals)
                    self.comment(
                        f"proposal:{proposal}",
                        self.seed.proposal_paths[proposal],
                        f"Kommentar {n} von {self.email.split('@')[0]}",
                    )
                elif action == "memory_comment":
                    self.comment("memory", self.seed.memory_path, f"Ergänzung {n}")
                else:
                    self.tell(n)
        except Exception as error:  # noqa: BLE001 - reported in the table, fails the run
            self.out.errors.append(f"{type(error).__name__}: {error}")
        return self.out


# --------------------------------------------------------------------------------------------
# Reconciliation


def reconcile(seed_data: Seed, outcomes: dict[int, Outcome]) -> list[tuple[str, object, object]]:
    """Rows (what, expected, found); each mismatch is a failure."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count
    from django_comments_xtd.models import XtdComment

    from agenda.models import Proposal, Vote
    from civic.comments import comment_count_for
    from stadtgedaechtnis.models import Memory

    resident_ids = list(outcomes)
    rows: list[tuple[str, object, object]] = []

    expected_pairs = {
        (user, proposal): value
        for user, out in outcomes.items()
        for proposal, value in out.votes.items()
        if value is not None
    }
    votes = list(
        Vote.objects.filter(proposal_id__in=seed_data.proposals).values_list(
            "user_id", "proposal_id", "value"
        )
    )
    pairs = Counter((u, p) for u, p, _ in votes)
    rows.append(("votes: rows in total", len(expected_pairs), len(votes)))
    rows.append(("votes: pairs with more than one row", 0, sum(n > 1 for n in pairs.values())))
    rows.append(
        (
            "votes: rows with the value the resident left",
            len(expected_pairs),
            sum(1 for u, p, v in votes if expected_pairs.get((u, p)) == v),
        )
    )
    rows.append(
        (
            "votes: rows no answered request explains",
            0,
            sum(1 for pair in pairs if pair not in expected_pairs),
        )
    )
    per_proposal = defaultdict(lambda: [0, 0])
    for (_u, proposal), value in expected_pairs.items():
        per_proposal[proposal][0 if value == 1 else 1] += 1
    mismatched_rows = mismatched_counters = 0
    for proposal in Proposal.objects.filter(pk__in=seed_data.proposals):
        for_rows = sum(1 for _u, p, v in votes if p == proposal.pk and v == 1)
        against_rows = sum(1 for _u, p, v in votes if p == proposal.pk and v == -1)
        if [for_rows, against_rows] != per_proposal[proposal.pk]:
            mismatched_rows += 1
        if (proposal.votes_for, proposal.votes_against) != (for_rows, against_rows):
            mismatched_counters += 1
    rows.append(("proposals whose votes differ from the answered requests", 0, mismatched_rows))
    rows.append(("proposals whose counters differ from the rows", 0, mismatched_counters))

    proposal_type = ContentType.objects.get_for_model(Proposal)
    memory_type = ContentType.objects.get_for_model(Memory)
    posted = Counter()
    for out in outcomes.values():
        posted.update(out.comments)
    stored = Counter()
    for content_type, object_pk, n in (
        XtdComment.objects.filter(user_id__in=resident_ids)
        .values_list("content_type_id", "object_pk")
        .annotate(n=Count("pk"))
    ):
        kind = "memory" if content_type == memory_type.pk else "proposal"
        key = "memory" if kind == "memory" else f"proposal:{object_pk}"
        if content_type in (proposal_type.pk, memory_type.pk):
            stored[key] += n
    rows.append(
        ("comments: posts answered with a redirect", sum(posted.values()), sum(stored.values()))
    )
    rows.append(
        (
            "comments: targets whose rows differ from the posts",
            0,
            sum(1 for key in set(posted) | set(stored) if posted[key] != stored[key]),
        )
    )
    shown_wrong = 0
    for proposal in Proposal.objects.filter(pk__in=seed_data.proposals):
        public = XtdComment.objects.filter(
            content_type=proposal_type, object_pk=str(proposal.pk), is_public=True, is_removed=False
        ).count()
        if comment_count_for(proposal) != public:
            shown_wrong += 1
    rows.append(("proposals whose shown comment count differs from the rows", 0, shown_wrong))

    told = sum(out.memories for out in outcomes.values())
    memories = Memory.objects.filter(author_id__in=resident_ids, title__startswith="Lasttest-")
    rows.append(("memories: submissions answered with a redirect", told, memories.count()))
    rows.append(
        (
            "memories: titles stored twice",
            0,
            memories.values("author_id", "title").annotate(n=Count("pk")).filter(n__gt=1).count(),
        )
    )

    statuses = Counter()
    for out in outcomes.values():
        statuses.update(out.statuses)
    rows.append(("responses 5xx", 0, sum(n for s, n in statuses.items() if s >= 500)))
    rows.append(("responses 429 (rate limit)", 0, statuses.get(429, 0)))
    rows.append(("residents with errors", 0, sum(1 for out in outcomes.values() if out.errors)))
    return rows


def print_table(rows, info: dict) -> bool:
    width = max(len(what) for what, *_ in rows)
    print()
    print(
        f"Load: {info['residents']} residents x {info['actions']} actions, {info['workers']} "
        f"gunicorn workers, {info['requests']} requests in {info['seconds']:.1f} s "
        f"({info['requests'] / max(info['seconds'], 0.001):.1f}/s; p50 {info['p50']:.0f} ms, "
        f"p95 {info['p95']:.0f} ms); statuses {dict(sorted(info['statuses'].items()))}"
    )
    print(f"{'check'.ljust(width)}  {'expected':>9}  {'found':>9}  result")
    ok = True
    for what, expected, found in rows:
        good = expected == found
        ok &= good
        print(f"{what.ljust(width)}  {expected!s:>9}  {found!s:>9}  {'ok' if good else 'MISMATCH'}")
    for error in info["errors"][:10]:
        print(f"  error: {error}")
    print("RESULT:", "OK" if ok else "FAILED")
    return ok


# --------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=20)
    parser.add_argument("--actions", type=int, default=10, help="actions per resident")
    parser.add_argument("--proposals", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="a PostgreSQL URL naming the server (default: DATABASE_URL, else "
        + DEFAULT_SERVER
        + ")",
    )
    parser.add_argument("--rate-limit-multiplier", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="keep the database (for a look)")
    args = parser.parse_args(argv)

    server = server_url(args.database_url)
    try:
        with admin_connection(server) as conn:
            conn.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 - any driver error means: no PostgreSQL here
        print(f"load: PostgreSQL is not reachable at {server}: {error}", file=sys.stderr)
        return 2

    name = f"civic_load_{secrets.token_hex(4)}"
    media = Path(tempfile.mkdtemp(prefix="civic-load-"))
    (media / "static").mkdir()
    env = load_env(db_url(server, name), media, args.rate_limit_multiplier)
    started_all = time.perf_counter()
    try:
        ensure_template(server, env)
        create_database(server, name)
        log(f"database {name} (a copy of {TEMPLATE_DB})")
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        seed_data = seed(args.residents, args.proposals, secrets.token_hex(3))
        from django.db import connections

        connections.close_all()
        with Server(env, args.workers) as srv:
            residents = [
                Resident(srv.base_url, seed_data, email, random.Random(args.seed * 1000 + i))
                for i, (_pk, email, _name) in enumerate(seed_data.residents)
            ]
            log(f"{len(residents)} residents start at once")
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=len(residents)) as pool:
                results = list(pool.map(lambda r: r.run(args.actions), residents))
            seconds = time.perf_counter() - started
        outcomes = {pk: out for (pk, _e, _n), out in zip(seed_data.residents, results, strict=True)}
        rows = reconcile(seed_data, outcomes)
        statuses = Counter()
        latencies = []
        errors = []
        for out in results:
            statuses.update(out.statuses)
            latencies.extend(out.latencies)
            errors.extend(out.errors)
        latencies.sort()
        info = {
            "residents": args.residents,
            "actions": args.actions,
            "workers": args.workers,
            "requests": sum(statuses.values()),
            "seconds": seconds,
            "p50": 1000 * latencies[len(latencies) // 2] if latencies else 0,
            "p95": 1000 * latencies[max(0, int(len(latencies) * 0.95) - 1)] if latencies else 0,
            "statuses": statuses,
            "errors": errors,
        }
        ok = print_table(rows, info)
        connections.close_all()
        log(f"done in {time.perf_counter() - started_all:.1f} s")
        return 0 if ok else 1
    finally:
        if not args.keep:
            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # noqa: BLE001, S110 - Django may not be set up yet
                pass
            drop_database(server, name)
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
