"""The store's double opt-in setting through the API: stored, in effect, reset."""

import pytest

pytestmark = pytest.mark.django_db

READ = """{ installationSettings { doubleOptIn assumeMarketingConsent
  effective { doubleOptIn assumeMarketingConsent } } }"""

UPDATE = """mutation($input: InstallationSettingsInput!) {
  installationSettingsUpdate(input: $input) {
    ... on InstallationSettings { doubleOptIn effective { doubleOptIn assumeMarketingConsent } }
    ... on OperationInfo { messages { field message } } } }"""


def test_double_opt_in_defaults_to_the_deployment(as_staff, settings):
    settings.DOUBLE_OPT_IN = True
    settings.ASSUME_MARKETING_CONSENT = True
    data = as_staff(READ).data["installationSettings"]
    assert (data["doubleOptIn"], data["assumeMarketingConsent"]) == (None, None)
    # While confirmation is asked for, no unknown consent is assumed.
    assert data["effective"] == {"doubleOptIn": True, "assumeMarketingConsent": False}


def test_double_opt_in_is_set_and_reset(as_staff, installation, settings):
    settings.DOUBLE_OPT_IN = False
    answer = as_staff(UPDATE, {"input": {"doubleOptIn": True}}).data
    assert answer["installationSettingsUpdate"] == {
        "doubleOptIn": True,
        "effective": {"doubleOptIn": True, "assumeMarketingConsent": False},
    }
    installation.refresh_from_db()
    assert installation.double_opt_in is True

    as_staff(UPDATE, {"input": {"doubleOptIn": None}})
    installation.refresh_from_db()
    assert installation.double_opt_in is None
