"""Shared test setup. Tests run on PostgreSQL (DATABASE_URL) with a real Celery broker
(CELERY_BROKER_URL, Redis); `make test` provides both."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCHEMA_PATH = Path(os.environ.get("SALEOR_SCHEMA", REPO.parent / "shared/saleor/schema.graphql"))

pytest_plugins = [
    "tests.celery_fixtures",
    "tests.saleor.fixtures",
]


@pytest.fixture(scope="session")
def saleor_schema():
    """Saleor's real schema (shared/saleor/schema.graphql), built once per session."""
    from graphql import build_schema

    if not SCHEMA_PATH.is_file():
        pytest.fail(f"Saleor schema not found at {SCHEMA_PATH} (set SALEOR_SCHEMA)")
    return build_schema(SCHEMA_PATH.read_text())
