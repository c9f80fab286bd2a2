"""A NUL character in any argument is refused before GraphQL runs (PostgreSQL text cannot
hold one, so it would otherwise fail inside a resolver)."""

import pytest

pytestmark = pytest.mark.django_db

QUERY = "query($search: String) { messages(search: $search, first: 1) { totalCount } }"


def test_a_nul_in_a_variable_is_a_clean_400(gql, key_of):
    answer = gql(QUERY, {"search": "a\x00b"}, api_key=key_of("read"))
    assert answer.status == 400
    assert answer.codes == ["BAD_USER_INPUT"]


def test_a_nul_escape_in_a_string_literal_is_a_clean_400(gql, key_of):
    answer = gql('{ messages(search: "a\\u0000b", first: 1) { totalCount } }', api_key=key_of())
    assert answer.status == 400
    assert answer.codes == ["BAD_USER_INPUT"]


def test_other_escapes_pass(gql, key_of):
    answer = gql('{ messages(search: "caf\\u00e9", first: 1) { totalCount } }', api_key=key_of())
    assert answer.data["messages"]["totalCount"] == 0
