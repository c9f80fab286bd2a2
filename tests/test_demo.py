"""`make demo` at a reduced size: scripts/demo.py in a subprocess, on its own SQLite (no
PostgreSQL, no Redis), simulating a small store and printing one row per flow."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from saleor_automation.flows.templates import TEMPLATES

REPO = Path(__file__).resolve().parents[1]
ROW = re.compile(r"^(?P<name>\S.*?)\s{2,}(?P<numbers>(?:\d+\s+){6})€[\d,]+\.\d\d$")

pytestmark = pytest.mark.slow


def test_the_demo_store_prints_each_flows_figures(tmp_path):
    env = {
        name: value
        for name, value in os.environ.items()
        # The demo must not need the test servers: without them it still runs.
        if name not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"}
    }
    data_dir = tmp_path / "demo"
    options = ["--customers", "8", "--days", "14", "--no-serve", "--port", "0"]
    result = subprocess.run(
        [sys.executable, "scripts/demo.py", *options, "--data-dir", str(data_dir)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]

    rows = {}
    for line in result.stdout.splitlines():
        match = ROW.match(line)
        if match:
            rows[match["name"]] = [int(n) for n in match["numbers"].split()]
    assert set(rows) == {template.name for template in TEMPLATES.values()}
    sent = {name: numbers[1] for name, numbers in rows.items()}
    assert sum(1 for n in sent.values() if n > 0) >= 4, sent
    # Opens and clicks never exceed what was sent; conversions need an enrollment.
    for name, (entered, sent_n, opened, clicked, converted, _orders) in rows.items():
        assert clicked <= opened <= sent_n, name
        assert converted <= entered, name
    assert (data_dir / "db.sqlite3").is_file()
    emails = list((data_dir / "mail").glob("*.eml"))
    assert len(emails) == sum(sent.values()) > 0
