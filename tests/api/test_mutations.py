"""Settings, suppressions, API keys and backfill through the API."""

from unittest import mock

import pytest
from strawberry.relay import to_base64

from saleor_automation.api.keys import api_key_authenticate
from saleor_automation.api.models import ApiKey
from saleor_automation.contacts.backfill_models import BackfillRun
from saleor_automation.messaging.suppression import is_suppressed, suppression_add
from saleor_automation.saleor.models import Installation

pytestmark = pytest.mark.django_db

SETTINGS = """{ installationSettings { timezone frequencyCapMessages frequencyCapHours
  assumeMarketingConsent birthdayMetadataKey consentMetadataKey
  effective { timezone frequencyCapMessages frequencyCapHours assumeMarketingConsent
              birthdayMetadataKey consentMetadataKey } } }"""

UPDATE = """mutation($input: InstallationSettingsInput!) {
  installationSettingsUpdate(input: $input) {
    __typename
    ... on InstallationSettings { timezone frequencyCapMessages effective { timezone } }
    ... on OperationInfo { messages { field message code } } } }"""


def test_settings_default_to_the_deployment(as_staff, settings):
    settings.DEFAULT_TIMEZONE = "Europe/Paris"
    data = as_staff(SETTINGS).data["installationSettings"]
    assert data["timezone"] is None and data["frequencyCapMessages"] is None
    assert data["effective"] == {
        "timezone": "Europe/Paris",
        "frequencyCapMessages": settings.FREQUENCY_CAP_MESSAGES,
        "frequencyCapHours": settings.FREQUENCY_CAP_HOURS,
        "assumeMarketingConsent": settings.ASSUME_MARKETING_CONSENT,
        "birthdayMetadataKey": settings.DEFAULT_BIRTHDAY_METADATA_KEY,
        "consentMetadataKey": settings.DEFAULT_CONSENT_METADATA_KEY,
    }


def test_settings_are_updated_and_reset(as_staff, installation):
    changes = {
        "timezone": "America/New_York",
        "frequencyCapMessages": 3,
        "frequencyCapHours": 48,
        "assumeMarketingConsent": True,
        "consentMetadataKey": "newsletter",
    }
    answer = as_staff(UPDATE, {"input": changes}).data["installationSettingsUpdate"]
    assert answer["timezone"] == "America/New_York"
    assert answer["effective"] == {"timezone": "America/New_York"}
    installation.refresh_from_db()
    assert (installation.frequency_cap_messages, installation.frequency_cap_hours) == (3, 48)
    assert installation.assume_marketing_consent is True
    assert installation.consent_metadata_key == "newsletter"
    # null resets one field; the ones not named stay.
    as_staff(UPDATE, {"input": {"timezone": None}})
    installation.refresh_from_db()
    assert installation.timezone == "" and installation.frequency_cap_messages == 3


def test_invalid_settings_change_nothing(as_staff, installation):
    answer = as_staff(UPDATE, {"input": {"timezone": "Mars/Olympus", "frequencyCapHours": 0}})
    messages = answer.data["installationSettingsUpdate"]["messages"]
    assert {m["field"] for m in messages} == {"timezone", "frequencyCapHours"}
    assert Installation.objects.get(pk=installation.pk).timezone == ""


QUIET = """mutation($input: InstallationSettingsInput!) {
  installationSettingsUpdate(input: $input) {
    __typename
    ... on InstallationSettings { quietHours effective { quietHours } }
    ... on OperationInfo { messages { field message } } } }"""


def test_store_quiet_hours_are_set_turned_off_and_reset(as_staff, installation, settings):
    settings.QUIET_HOURS = "21:00-08:00"
    answer = as_staff(QUIET, {"input": {"quietHours": "22:30-07:00"}}).data
    assert answer["installationSettingsUpdate"] == {
        "__typename": "InstallationSettings",
        "quietHours": "22:30-07:00",
        "effective": {"quietHours": "22:30-07:00"},
    }
    answer = as_staff(QUIET, {"input": {"quietHours": "off"}}).data
    assert answer["installationSettingsUpdate"]["effective"] == {"quietHours": ""}
    answer = as_staff(QUIET, {"input": {"quietHours": None}}).data
    assert answer["installationSettingsUpdate"]["effective"] == {"quietHours": "21:00-08:00"}


@pytest.mark.parametrize("value", ["21:00", "9:00-10:00", "08:00-08:00", "25:00-01:00"])
def test_malformed_quiet_hours_change_nothing(as_staff, installation, value):
    answer = as_staff(QUIET, {"input": {"quietHours": value}}).data
    assert [m["field"] for m in answer["installationSettingsUpdate"]["messages"]] == ["quietHours"]
    assert Installation.objects.get(pk=installation.pk).quiet_hours == ""


def test_a_malformed_deployment_default_is_a_system_check_error(settings):
    from saleor_automation.checks import check_quiet_hours

    settings.QUIET_HOURS = "21:00-08:00"
    assert check_quiet_hours(None) == []
    settings.QUIET_HOURS = "nightly"
    assert [e.id for e in check_quiet_hours(None)] == ["saleor_automation.E004"]


SUPPRESS = """mutation($address: String!) { suppress(channel: EMAIL, address: $address) {
  __typename ... on SuppressionState { address reasons changed }
  ... on OperationInfo { messages { field } } } }"""
UNSUPPRESS = """mutation($address: String!, $reasons: [SuppressionReason!]!) {
  unsuppress(channel: EMAIL, address: $address, reasons: $reasons) {
    __typename ... on SuppressionState { reasons changed }
    ... on OperationInfo { messages { field } } } }"""


def test_suppress_and_unsuppress(as_staff, installation):
    first = as_staff(SUPPRESS, {"address": " Bob@Example.com"}).data["suppress"]
    assert first == {
        "__typename": "SuppressionState",
        "address": "bob@example.com",
        "reasons": ["MANUAL"],
        "changed": True,
    }
    assert is_suppressed(installation.pk, "email", "bob@example.com", marketing=False)
    assert as_staff(SUPPRESS, {"address": "bob@example.com"}).data["suppress"]["changed"] is False
    lift = {"address": "bob@example.com", "reasons": ["HARD_BOUNCE"]}
    assert as_staff(UNSUPPRESS, lift).data["unsuppress"] == {
        "__typename": "SuppressionState",
        "reasons": ["MANUAL"],
        "changed": False,
    }
    lift["reasons"] = ["MANUAL"]
    assert as_staff(UNSUPPRESS, lift).data["unsuppress"]["reasons"] == []
    assert not is_suppressed(installation.pk, "email", "bob@example.com")


def test_an_operator_cannot_undo_a_recipients_unsubscribe(as_staff, installation):
    suppression_add(installation.pk, "email", "carl@example.com", "unsubscribed")
    lift = {"address": "carl@example.com", "reasons": ["UNSUBSCRIBED"]}

    answer = as_staff(UNSUPPRESS, lift).data["unsuppress"]

    assert answer == {"__typename": "OperationInfo", "messages": [{"field": "reasons"}]}
    assert is_suppressed(installation.pk, "email", "carl@example.com")


def test_suppress_needs_an_address(as_staff):
    answer = as_staff(SUPPRESS, {"address": "  "}).data["suppress"]
    assert answer == {"__typename": "OperationInfo", "messages": [{"field": "address"}]}
    empty = as_staff(UNSUPPRESS, {"address": "a@example.com", "reasons": []}).data["unsuppress"]
    assert empty["messages"] == [{"field": "reasons"}]


KEY_CREATE = """mutation($name: String!, $scope: ApiKeyScope!) {
  apiKeyCreate(name: $name, scope: $scope) {
    __typename ... on ApiKeyCreated { token apiKey { id name scope prefix } }
    ... on OperationInfo { messages { field } } } }"""
KEY_REVOKE = """mutation($id: ID!) { apiKeyRevoke(id: $id) {
  __typename ... on ApiKey { revokedAt } ... on OperationInfo { messages { message } } } }"""


def test_api_keys_are_created_shown_once_and_revoked(as_staff, gql):
    created = as_staff(KEY_CREATE, {"name": "CI", "scope": "READ_WRITE"}).data["apiKeyCreate"]
    token = created["token"]
    key = ApiKey.objects.get()
    assert token.startswith(f"sak_{key.prefix}_") and token not in key.secret_hash
    assert created["apiKey"]["scope"] == "READ_WRITE"
    assert api_key_authenticate(token) == key
    assert gql("{ flows { totalCount } }", api_key=token).data == {"flows": {"totalCount": 0}}

    revoked = as_staff(KEY_REVOKE, {"id": created["apiKey"]["id"]}).data["apiKeyRevoke"]
    assert revoked["revokedAt"] is not None
    assert gql("{ flows { totalCount } }", api_key=token).status == 401
    missing = as_staff(KEY_REVOKE, {"id": to_base64("ApiKey", 0)}).data["apiKeyRevoke"]
    assert missing["messages"] == [{"message": "API key not found."}]


def test_an_api_key_needs_a_name(as_staff):
    answer = as_staff(KEY_CREATE, {"name": " ", "scope": "READ"}).data["apiKeyCreate"]
    assert answer["messages"] == [{"field": "name"}]


BACKFILL = """mutation($restart: Boolean!) { backfillStart(restart: $restart) {
  __typename ... on BackfillRun { id status progress { name imported } } } }"""


def test_a_backfill_is_started_once_and_enqueued_after_commit(
    as_staff, installation, django_capture_on_commit_callbacks
):
    def start(restart: bool) -> tuple[dict, int]:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            run = as_staff(BACKFILL, {"restart": restart}).data["backfillStart"]
        return run, len(callbacks)

    with mock.patch("saleor_automation.api.backfill.mutations.backfill_run_task") as task:
        run, enqueued = start(False)
        assert run["status"] == "RUNNING" and enqueued == 1
        task.delay.assert_called_once_with(BackfillRun.objects.get().pk)
        again, enqueued = start(False)
        assert again["id"] == run["id"]
        assert enqueued == 0  # a run already going is not started twice
        restarted, enqueued = start(True)
        assert restarted["id"] != run["id"] and enqueued == 1
