"""The voucher documents create_voucher sends, against the emulated Saleor: the refusals the
action relies on come back the way Saleor's discount mutations give them."""

import pytest

from saleor_automation.saleor.client import SaleorClient

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client(installed) -> SaleorClient:
    return SaleorClient.for_installation(installed)


def create(client: SaleorClient, codes: list[str], value_type: str = "PERCENTAGE") -> dict:
    variables = {"input": {"name": "t", "discountValueType": value_type, "addCodes": codes}}
    return client.execute("mutations/voucher-create", variables)["voucherCreate"]


def test_codes_taken_or_repeated_are_refused_with_the_codes(client):
    voucher_id = create(client, ["SA-ONE"])["voucher"]["id"]

    taken = create(client, ["SA-NEW", " SA-ONE "])
    repeated = client.execute(
        "mutations/voucher-codes-add", {"voucherId": voucher_id, "codes": ["SA-X", "SA-X"]}
    )["voucherUpdate"]

    assert taken["voucher"] is None
    assert [(e["field"], e["code"], e["voucherCodes"]) for e in taken["errors"]] == [
        ("codes", "ALREADY_EXISTS", ["SA-ONE"])
    ]
    assert [(e["field"], e["code"], e["voucherCodes"]) for e in repeated["errors"]] == [
        ("codes", "DUPLICATED_INPUT_ITEM", ["SA-X"])
    ]


@pytest.mark.parametrize(
    ("value_type", "value", "message"),
    [
        ("PERCENTAGE", "100.5", "Invalid percentage value."),
        ("FIXED", "10.005", "Invalid amount precision."),
        ("FIXED", "0", "Value is required for voucher."),
    ],
)
def test_listing_values_saleor_refuses(saleor_emulator, client, value_type, value, message):
    voucher_id = create(client, ["SA-ONE"], value_type)["voucher"]["id"]
    channel_id = saleor_emulator.channel()["id"]

    payload = client.execute(
        "mutations/voucher-channel-listing-update",
        {"voucherId": voucher_id, "channelId": channel_id, "value": value},
    )["voucherChannelListingUpdate"]

    [error] = payload["errors"]
    assert (error["field"], error["message"], error["channels"]) == (
        "discountValue",
        message,
        [channel_id],
    )
    assert saleor_emulator.voucher_code_problem("SA-ONE") == (
        "the voucher is not available in channel default-channel"
    )


def test_a_deleted_voucher_is_not_found_and_codes_are_found_by_search(saleor_emulator, client):
    kept = create(client, ["SA-KEEP"])["voucher"]["id"]
    gone = create(client, ["SA-GONE"])["voucher"]["id"]
    saleor_emulator.delete_voucher(gone)

    payload = client.execute("mutations/voucher-codes-add", {"voucherId": gone, "codes": ["A"]})
    found = client.execute("queries/voucher-by-code", {"code": "sa-keep"})

    [error] = payload["voucherUpdate"]["errors"]
    assert (error["field"], error["code"]) == ("id", "NOT_FOUND")
    assert [edge["node"]["id"] for edge in found["vouchers"]["edges"]] == [kept]


def test_a_single_use_code_is_spent_by_an_order(saleor_emulator, client):
    voucher_id = create(client, ["SA-ONCE"])["voucher"]["id"]
    client.execute(
        "mutations/voucher-channel-listing-update",
        {"voucherId": voucher_id, "channelId": saleor_emulator.channel()["id"], "value": "5"},
    )
    saleor_emulator.store.vouchers[voucher_id]["singleUse"] = True
    assert saleor_emulator.voucher_code_problem("SA-ONCE") is None

    saleor_emulator.order(saleor_emulator.customer("ana@example.com"), voucher_code="SA-ONCE")

    assert saleor_emulator.voucher_code_problem("SA-ONCE") == "the code is no longer active"
    status, body = saleor_emulator.graphql(
        "mutation($ids: [ID!]!) { voucherCodeBulkDelete(ids: $ids) "
        "{ count errors { path code voucherCodes } } }",
        {"ids": [voucher_id]},
        token=saleor_emulator.app.token,
    )
    assert status == 200
    assert body["data"]["voucherCodeBulkDelete"] == {
        "count": 0,
        "errors": [{"path": "ids", "code": "INVALID", "voucherCodes": [voucher_id]}],
    }
