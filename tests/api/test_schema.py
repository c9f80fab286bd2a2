"""The exported SDL matches the code, and the limits that protect the API hold."""

import difflib

import pytest

from saleor_automation.management.commands.export_schema import SCHEMA_FILE, schema_sdl


def test_the_exported_schema_matches_the_code():
    exported = SCHEMA_FILE.read_text() if SCHEMA_FILE.is_file() else ""
    current = schema_sdl()
    if exported != current:
        diff = "".join(
            difflib.unified_diff(
                exported.splitlines(keepends=True),
                current.splitlines(keepends=True),
                "graphql/schema.graphql",
                "the code",
                n=1,
            )
        )
        pytest.fail(f"graphql/schema.graphql is stale: run saleor-automation export-schema\n{diff}")


DEEP = "{ flows { edges { node { versions { number } } } } }"  # depth 4: the root field is 0


@pytest.mark.django_db
def test_depth_is_limited(as_staff, settings):
    assert as_staff(DEEP).status == 200 and not as_staff(DEEP).body.get("errors")
    settings.GRAPHQL_MAX_DEPTH = 3
    answer = as_staff(DEEP)
    assert answer.body["data"] is None
    assert "exceeds maximum operation depth" in answer.body["errors"][0]["message"]


@pytest.mark.django_db
def test_aliases_are_limited(as_staff, settings):
    query = "{ " + " ".join(f"a{i}: flows {{ totalCount }}" for i in range(16)) + " }"
    answer = as_staff(query)
    assert answer.body["data"] is None
    assert "aliases" in answer.body["errors"][0]["message"]


@pytest.mark.django_db
def test_tokens_are_limited(as_staff, settings):
    settings.GRAPHQL_MAX_TOKENS = 50
    query = "{ " + " ".join("flows { totalCount }" for _ in range(20)) + " }"
    answer = as_staff(query)
    assert answer.body["data"] is None
    assert "token" in answer.body["errors"][0]["message"].lower()


@pytest.mark.django_db
def test_pages_are_limited(as_staff, settings):
    answer = as_staff("{ flows(first: 1000) { totalCount edges { node { name } } } }")
    assert "cannot be higher than" in answer.body["errors"][0]["message"]


@pytest.mark.django_db
def test_a_fault_is_masked_and_logged_without_the_query(as_staff, caplog):
    from unittest import mock

    with mock.patch(
        "saleor_automation.api.flows.queries.flow_list", side_effect=RuntimeError("internals")
    ):
        answer = as_staff(
            '{ flows { totalCount } contactJourney(email: "ann@example.com") { __typename } }'
        )
    assert answer.body["errors"][0]["message"] == "Unexpected error."
    assert "internals" in caplog.text  # the traceback, for whoever runs the app
    assert "ann@example.com" not in caplog.text
