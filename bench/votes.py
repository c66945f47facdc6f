"""Vote throughput through gunicorn, then a reconciliation in the database (issue 7).

Run by bench/run.py (``--only votes``; ``python bench/votes.py`` is the same). ``run()`` creates
``voters`` verified residents, a logged-in session for each written straight into the session
store, and a plan: each voter votes on ``votes_per_voter`` different open proposals of the round
(for or against, as the round allows). Every tenth vote is sent twice at the same moment (a double
click). All requests go concurrently (``threads``) to ``/agenda/vorschlaege/<pk>/abstimmen/``
with a CSRF cookie and header, as the browser's form would.

Afterwards, in the database: every planned (voter, proposal) pair whose request succeeded is
exactly one row with the planned value, no pair has two rows, no other row appeared, and each
proposal's count of new votes equals the plan. The voters and their votes are deleted at the end,
so the bench data stays as generated.
"""

from __future__ import annotations

import random
import secrets
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor


def _voters(count: int, token: str) -> list:
    from allauth.account.models import EmailAddress

    from civic.models import User
    from civic.roles import RESIDENTS, assign_role

    users = []
    for i in range(count):
        user = User.objects.create_user(
            email=f"bench-voter-{token}-{i}@example.invalid", display_name=f"Abstimmende {i}"
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        assign_role(user, RESIDENTS)
        users.append(user)
    return users


def _open_proposals(round_page, probe_user, wanted: int) -> list:
    import rules

    from agenda.models import Proposal

    candidates = list(
        Proposal.objects.filter(round=round_page, hidden=False)
        .select_related("round")
        .order_by("pk")[: wanted * 4]
    )
    return [p for p in candidates if rules.has_perm("agenda.vote_proposal", probe_user, p)][:wanted]


def run(
    base_url: str,
    round_page,
    *,
    voters: int = 40,
    votes_per_voter: int = 10,
    threads: int = 16,
    make_session,
    seed: int = 7,
) -> dict:
    import requests
    from django.db.models import Count

    from agenda.models import Vote
    from civic.models import User

    rng = random.Random(seed)
    token = secrets.token_hex(3)
    users = _voters(voters, token)
    limit = round_page.max_votes_per_person or votes_per_voter
    per_voter = min(votes_per_voter, limit)
    proposals = _open_proposals(round_page, users[0], max(per_voter * 3, 30))
    if len(proposals) < per_voter:
        _cleanup(users)
        return {"error": f"only {len(proposals)} proposals open for voting in {round_page}"}
    values = [1] if round_page.is_support_only else [1, -1]

    plan: dict[tuple[int, int], int] = {}
    for user in users:
        for proposal in rng.sample(proposals, per_voter):
            plan[(user.pk, proposal.pk)] = rng.choice(values)
    requests_to_send = []
    for index, (pair, value) in enumerate(plan.items()):
        requests_to_send.append((pair, value))
        if index % 10 == 0:
            requests_to_send.append((pair, value))  # the double click
    rng.shuffle(requests_to_send)
    sessions = {user.pk: make_session(user) for user in users}
    before = Vote.objects.filter(round=round_page).count()

    def send(item):
        (user_id, proposal_id), value = item
        csrf = secrets.token_hex(16)  # 32 characters, as Django's own secret
        started = time.perf_counter()
        response = requests.post(
            f"{base_url}/agenda/vorschlaege/{proposal_id}/abstimmen/",
            data={"value": str(value), "action": "cast"},
            cookies={"sessionid": sessions[user_id], "csrftoken": csrf},
            headers={"X-CSRFToken": csrf, "Referer": base_url + "/"},
            allow_redirects=False,
            timeout=120,
        )
        location = response.headers.get("Location", "")
        ok = response.status_code in (200, 302) and "login" not in location
        queries = response.headers.get("X-Civic-Queries", "?")
        return (
            (user_id, proposal_id),
            ok,
            response.status_code,
            time.perf_counter() - started,
            queries,
        )

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        outcomes = list(pool.map(send, requests_to_send))
    seconds = time.perf_counter() - started

    statuses = Counter(status for _, _, status, _, _ in outcomes)
    succeeded = {pair for pair, ok, *_ in outcomes if ok}
    latencies = sorted(latency * 1000 for *_, latency, _ in outcomes)
    queries = Counter(q for *_, q in outcomes)
    rows = list(
        Vote.objects.filter(user_id__in=[u.pk for u in users]).values_list(
            "user_id", "proposal_id", "value"
        )
    )
    row_pairs = Counter((u, p) for u, p, _ in rows)
    duplicates = sum(1 for n in row_pairs.values() if n > 1)
    lost = [pair for pair in succeeded if pair not in row_pairs]
    unexpected = [pair for pair in row_pairs if pair not in plan]
    wrong_value = [(u, p) for u, p, v in rows if plan.get((u, p)) not in (None, v)]
    per_proposal_plan = Counter(p for (_u, p) in succeeded)
    per_proposal_db = dict(
        Vote.objects.filter(user_id__in=[u.pk for u in users])
        .values("proposal_id")
        .annotate(n=Count("pk"))
        .values_list("proposal_id", "n")
    )
    counts_match = per_proposal_db == dict(per_proposal_plan)
    after = Vote.objects.filter(round=round_page).count()
    # The proposals' stored counters (agenda/counters.py) equal a recount of the vote rows.
    from agenda.counters import counter_mismatches
    from agenda.models import Proposal

    touched = Proposal.objects.filter(pk__in={p for (_u, p) in plan})
    counter_problems = counter_mismatches(touched)
    result = {
        "voters": voters,
        "threads": threads,
        "requests": len(requests_to_send),
        "double_clicks": len(requests_to_send) - len(plan),
        "planned_votes": len(plan),
        "succeeded_pairs": len(succeeded),
        "statuses": dict(statuses),
        "queries_per_vote": "/".join(sorted(queries, key=lambda q: (len(q), q))),
        "seconds": round(seconds, 2),
        "requests_per_s": round(len(requests_to_send) / seconds, 1),
        "votes_per_s": round(len(succeeded) / seconds, 1),
        "p50_ms": round(latencies[len(latencies) // 2], 1),
        "p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)], 1),
        "rows": len(rows),
        "round_rows_added": after - before,
        "lost": len(lost),
        "duplicates": duplicates,
        "unexpected": len(unexpected),
        "wrong_value": len(wrong_value),
        "counts_match": counts_match,
        "counter_mismatches": len(counter_problems),
    }
    result["ok"] = (
        not lost
        and not duplicates
        and not unexpected
        and not wrong_value
        and counts_match
        and not counter_problems
        and len(succeeded) == len(plan)
        and after - before == len(plan)
    )
    _cleanup(users)
    assert not User.objects.filter(email__startswith=f"bench-voter-{token}-").exists()
    result["counter_mismatches_after_cleanup"] = len(counter_mismatches(touched))
    result["ok"] = result["ok"] and not result["counter_mismatches_after_cleanup"]
    return result


def _cleanup(users) -> None:
    from django.db import transaction

    from agenda.models import Vote
    from civic.models import User

    ids = [u.pk for u in users]
    with transaction.atomic():
        Vote.objects.filter(user_id__in=ids).delete()
        User.objects.filter(pk__in=ids).delete()


def print_result(r: dict) -> None:
    if "error" in r:
        print(f"\nVotes: not measured ({r['error']})")
        return
    print(
        f"\nVotes: {r['votes_per_s']} votes/s ({r['requests_per_s']} requests/s; "
        f"{r['requests']} requests incl. {r['double_clicks']} double clicks, {r['voters']} voters, "
        f"{r['threads']} client threads, {r['seconds']} s; latency p50 {r['p50_ms']} ms, "
        f"p95 {r['p95_ms']} ms; {r['queries_per_vote']} queries per vote; statuses {r['statuses']})"
    )
    print(
        f"  reconciled: {r['rows']} rows for {r['planned_votes']} planned votes "
        f"({r['succeeded_pairs']} answered successfully), lost {r['lost']}, duplicates "
        f"{r['duplicates']}, unexpected {r['unexpected']}, wrong value {r['wrong_value']}, "
        f"per-proposal counts match: {r['counts_match']}, stored counters off: "
        f"{r.get('counter_mismatches', '?')} (after removing the voters: "
        f"{r.get('counter_mismatches_after_cleanup', '?')}) → {'OK' if r['ok'] else 'FAILED'}"
    )


if __name__ == "__main__":
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.run import main

    sys.exit(main(["--only", "votes", *sys.argv[1:]]))
