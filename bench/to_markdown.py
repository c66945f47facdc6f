"""Render a bench/run.py ``--json`` result as Markdown tables (for docs/performance.md).

.venv/bin/python bench/to_markdown.py /tmp/bench-small.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def render(report: dict) -> str:
    out = []
    m = report["machine"]
    data = report.get("data_found", {})
    out.append(
        f"Scale **{report['scale']}**: {data.get('memories', 0):,} public memories, "
        f"{data.get('users', 0):,} users, round with {data.get('proposals', 0):,} proposals. "
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, PostgreSQL "
        f"{m['postgresql']}, Python {m['python']}, commit `{m['commit']}`, load average "
        f"{m['load_before']:.1f} at the start. Total run {report['total_seconds']:.0f} s."
    )
    if "pages" in report:
        out.append("")
        out.append("| endpoint | n | status | p50 ms | p95 ms | queries | size KB | × floor |")
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in report["pages"]:
            r = {k: "–" if v is None else v for k, v in r.items()}
            out.append(
                f"| {r['endpoint']} | {r.get('n', '')} | {r['status']} | {r['p50_ms']} | "
                f"{r['p95_ms']} | {r['queries']} | {r['kb']} | {r['x_floor']} |"
            )
    if "votes" in report and "error" not in report["votes"]:
        v = report["votes"]
        out.append("")
        out.append(
            f"**Votes**: {v['votes_per_s']} votes/s ({v['requests']} requests incl. "
            f"{v['double_clicks']} double clicks, {v['voters']} voters, {v['threads']} client "
            f"threads, {v['seconds']} s; latency p50 {v['p50_ms']} ms, p95 {v['p95_ms']} ms; "
            f"{v.get('queries_per_vote', '?')} queries per vote). Reconciled: {v['rows']} rows "
            f"for {v['planned_votes']} planned votes, lost {v['lost']}, duplicates "
            f"{v['duplicates']}, unexpected {v['unexpected']}, wrong value {v['wrong_value']}, "
            f"per-proposal counts match: {v['counts_match']}, stored counters off: "
            f"{v.get('counter_mismatches', '?')}/{v.get('counter_mismatches_after_cleanup', '?')} "
            f"(after the run/after removing the voters) → **{'OK' if v['ok'] else 'FAILED'}**."
        )
    if "export" in report:
        out.append("")
        out.append("| export | rows | time s | file MB | Python peak MB | ru_maxrss MB |")
        out.append("| --- | ---: | ---: | ---: | ---: | ---: |")
        for r in report["export"]:
            if "error" in r:
                out.append(f"| {r['kind']}.{r['format']} | failed | | | | |")
                continue
            out.append(
                f"| {r['kind']}.{r['format']} | {r['rows']:,} | {r['seconds']} | {r['file_mb']} "
                f"| {r['tracemalloc_peak_mb']} | {r['maxrss_after_mb']} |"
            )
    if "carryover" in report:
        c = report["carryover"]
        out.append("")
        out.append(
            f"**Carry-over**: {c['copied']:,} proposals in {c['seconds']} s, {c['queries']} "
            f"queries, one transaction ({c['topped_up']:,} of them copies made for the "
            "measurement; rolled back)."
        )
    if "map" in report:
        r = report["map"]
        out.append("")
        out.append(
            f"**Map in Chromium** ({r['runs']} cold visits): first marker/cluster visible after "
            f"{r['first_marker_p50_ms']:.0f} ms (p50; slowest {r['first_marker_max_ms']:.0f} ms),"
            f" DOMContentLoaded {r['dom_content_loaded_p50_ms']:.0f} ms, "
            f"{r['markers_shown']} markers/clusters on the first view."
        )
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(render(json.loads(Path(sys.argv[1]).read_text())))
