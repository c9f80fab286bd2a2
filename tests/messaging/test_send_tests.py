"""Send tests (messaging/send_tests.py): the per-installation limit, under concurrency too,
and the SMS test send."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from saleor_automation.messaging import send_tests
from saleor_automation.messaging.send_test_models import SendTest
from saleor_automation.messaging.sms.models import SmsConfig
from tests.flows.db_fixtures import make_installation

from .sms.cases import sms_outbox

__all__ = ["sms_outbox"]  # fixture used by name

LIMIT = send_tests.TEST_SEND_LIMIT


def _fill(installation, n: int, age: timedelta = timedelta(minutes=1)) -> None:
    at = timezone.now() - age
    SendTest.objects.bulk_create(
        SendTest(installation=installation, channel="email", created_at=at) for _ in range(n)
    )


@pytest.mark.django_db
def test_the_limit_counts_the_window_of_one_installation():
    mine, other = make_installation(), make_installation("https://b.example.com/graphql/")
    _fill(mine, LIMIT - 1)
    _fill(mine, 5, age=send_tests.TEST_SEND_WINDOW + timedelta(seconds=1))  # too old to count
    _fill(other, LIMIT)
    send_tests.send_test_reserve(installation_id=mine.pk, channel="sms")
    with pytest.raises(send_tests.SendTestLimitReached) as refused:
        send_tests.send_test_reserve(installation_id=mine.pk, channel="email")
    assert refused.value.code == "rate_limited"
    assert SendTest.objects.filter(installation=mine).count() == LIMIT - 1 + 5 + 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_reservations_never_overrun_the_limit():
    installation = make_installation()
    _fill(installation, LIMIT - 1)
    barrier = threading.Barrier(4)
    results: list[str] = []

    def reserve() -> None:
        try:
            barrier.wait()
            send_tests.send_test_reserve(installation_id=installation.pk, channel="email")
            results.append("sent")
        except send_tests.SendTestLimitReached:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=reserve) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["refused", "refused", "refused", "sent"]
    assert SendTest.objects.filter(installation=installation).count() == LIMIT


@pytest.mark.django_db
def test_sms_test_send_reads_the_number_in_the_stores_region(sms_outbox):
    installation = make_installation()
    SmsConfig.objects.create(installation=installation, default_region="GB", sender="Shop")
    provider_id = send_tests.sms_test_send(
        installation_id=installation.pk,
        content={"text": "Hello {{ first_name }}"},
        to_address="07911 123456",
    )
    (sent,) = sms_outbox
    assert provider_id and sent.to == "+447911123456"
    assert (sent.body, sent.sender) == ("[Test] Hello Alex", "Shop")
    assert sent.status_callback is None and sent.metadata == {}
