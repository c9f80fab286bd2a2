"""write_metadata end to end: the engine records the effect, effect_run writes the key on the
contact's customer in the emulated Saleor over HTTP."""

from datetime import timedelta

import pytest

from saleor_automation.contacts.inbox import inbox_process_due
from saleor_automation.flows.actions.metadata import GUEST
from saleor_automation.flows.effects import (
    GRACE,
    RUNNING_LEASE,
    effect_run,
    effects_sweep,
    retry_delay,
)
from saleor_automation.flows.models import Effect, EffectStatus
from saleor_automation.saleor.models import InboxEvent, InboxStatus

from .conftest import action_flow, enroll, make_contact

pytestmark = pytest.mark.django_db(transaction=True)


def metadata_flow(installation, **params):
    return action_flow(installation, "write_metadata", **{"key": "vip", "value": "gold", **params})


def test_public_metadata_is_written_and_the_echo_ignored(
    saleor_emulator, installed, contact, customer, now, requests_since
):
    _, effect = enroll(metadata_flow(installed), contact, now)

    assert effect_run(effect.pk, now=now) == EffectStatus.DONE

    assert requests_since() == [
        ("SetCustomerMetadata", {"id": customer["id"], "input": [{"key": "vip", "value": "gold"}]})
    ]
    assert {"key": "vip", "value": "gold"} in customer["metadata"]
    [echo] = saleor_emulator.deliver_pending()
    assert (echo.event, echo.status) == ("CUSTOMER_METADATA_UPDATED", 200)
    inbox_process_due()
    assert InboxEvent.objects.get(event_type="customer_metadata_updated").status == (
        InboxStatus.IGNORED
    )


def test_private_metadata_uses_the_private_mutation(
    saleor_emulator, installed, contact, customer, now, requests_since
):
    _, effect = enroll(metadata_flow(installed, private=True, value=""), contact, now)

    assert effect_run(effect.pk, now=now) == EffectStatus.DONE

    [(operation, variables)] = requests_since()
    assert operation == "SetCustomerPrivateMetadata"
    assert variables["input"] == [{"key": "vip", "value": ""}]
    assert {"key": "vip", "value": ""} in customer["privateMetadata"]
    assert not any(item["key"] == "vip" for item in customer["metadata"])


def test_a_guest_contact_is_skipped_with_the_reason(installed, now, requests_since):
    guest = make_contact(installed, "guest@example.com")
    _, effect = enroll(metadata_flow(installed), guest, now)

    assert effect_run(effect.pk, now=now) == EffectStatus.FAILED

    assert Effect.objects.get().error == GUEST
    assert requests_since() == []


def test_saleors_payload_errors_fail_the_effect_with_their_message(saleor_emulator, installed, now):
    gone = make_contact(installed, "gone@example.com", saleor_user_id="VXNlcjo5OTk5OTk=")
    _, effect = enroll(metadata_flow(installed), gone, now)

    assert effect_run(effect.pk, now=now) == EffectStatus.FAILED

    error = Effect.objects.get().error
    assert error.startswith("updateMetadata refused: NOT_FOUND on id")


def test_an_interrupted_write_is_made_again(saleor_emulator, installed, contact, customer, now):
    _, effect = enroll(metadata_flow(installed), contact, now)
    Effect.objects.filter(pk=effect.pk).update(status=EffectStatus.RUNNING, started_at=now)

    later = now + RUNNING_LEASE + timedelta(seconds=1)
    assert effects_sweep(now=later) == []
    due = later + retry_delay(1)
    assert effects_sweep(now=due + GRACE) == [effect.pk]
    assert effect_run(effect.pk, now=due) == EffectStatus.DONE
    assert {"key": "vip", "value": "gold"} in customer["metadata"]


def test_a_deactivated_app_fails_without_calling_saleor(installed, contact, now, requests_since):
    installed.is_active = False
    installed.save(update_fields=["is_active"])
    _, effect = enroll(metadata_flow(installed), contact, now)

    assert effect_run(effect.pk, now=now) == EffectStatus.FAILED

    assert "not active" in Effect.objects.get().error
    assert requests_since() == []
