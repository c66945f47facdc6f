"""The concurrent load test (bench/load.py), bounded: 20 residents x 10 actions at once through
gunicorn against PostgreSQL, then every count reconciled with the rows.

Needs PostgreSQL on 127.0.0.1 (or the server of DATABASE_URL when that is a PostgreSQL URL); the
test fails – it does not skip – when there is none. The script creates and drops its own
database (a copy of a migrated template database it keeps, see bench/load.py).
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_concurrent_residents_lose_and_double_nothing():
    completed = subprocess.run(
        [sys.executable, "bench/load.py", "--residents", "20", "--actions", "10", "--workers", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-5000:]
    assert "RESULT: OK" in completed.stdout
    # The run did real work: votes, comments and memories went through.
    table = {
        line[:60].strip(): line.split()[-2]
        for line in completed.stdout.splitlines()
        if line.rstrip().endswith(("ok", "MISMATCH"))
    }
    assert int(table["votes: rows in total"]) > 0
    assert int(table["comments: posts answered with a redirect"]) > 0
    assert int(table["memories: submissions answered with a redirect"]) > 0
