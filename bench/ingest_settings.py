"""The app's settings plus the floor route of the ingest benchmark (bench/ingest.py)."""

from saleor_automation.settings import *  # noqa: F403

ROOT_URLCONF = "bench.ingest_urls"
