"""The Saleor emulator behaves like Saleor where the app depends on it (PROTOCOL §1-3, §6)."""

import json
import re

import httpx
import jwt
import pytest

from tests.saleor.fixtures import automation_manifest
from tests.saleor_emulator import SaleorEmulator, StubResponse, make_customer

IDENTITY = "query Identity { app { id isActive } }"
CUSTOMERS_PAGE = """
query Page($first: Int, $after: String) {
  customers(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id email } }
  }
}
"""
WEBHOOK_IDENTIFIERS = (
    "checkout-events",
    "order-events",
    "customer-events",
    "account-events",
    "app-lifecycle",
)


@pytest.fixture
def receiver(app_stub):
    """The app's webhook endpoints, all answering 200."""
    for identifier in WEBHOOK_IDENTIFIERS:
        app_stub.route(f"/api/webhooks/{identifier}", StubResponse())
    return app_stub


@pytest.fixture
def app(saleor_emulator, receiver):
    return saleor_emulator.create_app(automation_manifest(receiver.base_url))


def verify(emulator: SaleorEmulator, signature: str, body: bytes) -> dict:
    """What the app does: pick the JWK by kid from the published JWKS, verify detached."""
    jwks = httpx.get(emulator.jwks_url).json()
    kid = jwt.get_unverified_header(signature)["kid"]
    (jwk,) = [key for key in jwks["keys"] if key["kid"] == kid]
    key = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwk))
    return jwt.api_jws.decode_complete(
        signature, key=key, algorithms=["RS256"], detached_payload=body
    )


# -- signatures -------------------------------------------------------------------------------


def test_signature_verifies_and_breaks_on_a_one_byte_change(saleor_emulator, app):
    delivery = saleor_emulator.send_event("CUSTOMER_CREATED", saleor_emulator.customer())
    signature = delivery.headers["Saleor-Signature"]

    _, payload, _ = signature.split(".")
    assert payload == ""  # detached
    assert jwt.get_unverified_header(signature) | {"typ": "JWT"} == {
        "alg": "RS256",
        "b64": False,
        "crit": ["b64"],
        "kid": saleor_emulator.key.kid,
        "typ": "JWT",
    }
    assert verify(saleor_emulator, signature, delivery.body)["payload"] == delivery.body

    tampered = bytearray(delivery.body)
    tampered[-2] ^= 1
    with pytest.raises(jwt.InvalidSignatureError):
        verify(saleor_emulator, signature, bytes(tampered))


def test_jwks_publishes_one_key_with_rfc7638_kid(saleor_emulator):
    (jwk,) = httpx.get(saleor_emulator.jwks_url).json()["keys"]
    assert (jwk["use"], jwk["alg"], jwk["kty"]) == ("sig", "RS256", "RSA")
    # RFC 7638 §3.1 test vector shape: SHA-256 over {"e","kty","n"}, base64url, no padding.
    assert len(jwk["kid"]) == 43 and "=" not in jwk["kid"]


def test_rotation_changes_kid_and_retry_resigns_with_the_new_key(saleor_emulator, app):
    first = saleor_emulator.send_event("CUSTOMER_UPDATED", saleor_emulator.customer())
    same_key_retry = saleor_emulator.retry(first)
    # RS256 is deterministic: a retry with the same key is byte-identical.
    assert same_key_retry.headers["Saleor-Signature"] == first.headers["Saleor-Signature"]
    assert same_key_retry.body == first.body

    old_kid = saleor_emulator.key.kid
    saleor_emulator.rotate_key()
    assert saleor_emulator.key.kid != old_kid
    (jwk,) = httpx.get(saleor_emulator.jwks_url).json()["keys"]
    assert jwk["kid"] == saleor_emulator.key.kid  # no overlap: the old key is gone

    with pytest.raises(ValueError):  # the old signature's kid is no longer published
        verify(saleor_emulator, first.headers["Saleor-Signature"], first.body)
    retried = saleor_emulator.retry(first)
    assert retried.body == first.body
    assert jwt.get_unverified_header(retried.headers["Saleor-Signature"])["kid"] != old_kid
    verify(saleor_emulator, retried.headers["Saleor-Signature"], retried.body)


# -- deliveries -------------------------------------------------------------------------------


def test_delivery_headers_match_saleor(saleor_emulator, app, receiver):
    delivery = saleor_emulator.send_event("CHECKOUT_UPDATED", saleor_emulator.checkout())
    (request,) = receiver.requests_to("/api/webhooks/checkout-events")
    assert request.method == "POST"
    assert request.header("Content-Type") == "application/json"
    assert request.header("Saleor-Event") == request.header("X-Saleor-Event") == "checkout_updated"
    assert request.header("Saleor-Domain") == request.header("X-Saleor-Domain")
    assert request.header("Saleor-Domain") == saleor_emulator.domain
    assert request.header("Saleor-Api-Url") == f"http://{saleor_emulator.domain}/graphql/"
    assert request.header("Saleor-Signature") == request.header("X-Saleor-Signature")
    assert request.header("Saleor-Schema-Version") is None
    assert request.body == delivery.body
    assert delivery.ok and delivery.status == 200


def test_body_holds_exactly_the_selected_fields(saleor_emulator, receiver):
    saleor_emulator.create_app(
        {
            "id": "narrow",
            "name": "Narrow",
            "version": "1",
            "permissions": ["MANAGE_USERS"],
            "webhooks": [
                {
                    "name": "narrow",
                    "targetUrl": receiver.url("/api/webhooks/customer-events"),
                    "asyncEvents": ["CUSTOMER_CREATED"],
                    "query": "subscription { event { ... on CustomerCreated"
                    " { user { email firstName } } } }",
                }
            ],
        }
    )
    customer = saleor_emulator.customer("zoe@example.com", first_name="Zoë")
    delivery = saleor_emulator.send_event("CUSTOMER_CREATED", customer)
    # Python's json.dumps defaults, as Saleor: ", " / ": " separators, non-ASCII escaped.
    assert delivery.body == b'{"user": {"email": "zoe@example.com", "firstName": "Zo\\u00eb"}}'


def test_app_document_body_has_the_fragment_fields(saleor_emulator, app):
    delivery = saleor_emulator.send_event(
        "CUSTOMER_CREATED", saleor_emulator.customer(), issuing_principal=app
    )
    body = delivery.payload()
    assert set(body) == {"__typename", "issuedAt", "version", "issuingPrincipal", "user"}
    assert body["__typename"] == "CustomerCreated"
    assert body["issuingPrincipal"] == {"__typename": "App", "id": app.id}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", body["issuedAt"])
    assert set(body["user"]) == {
        "id",
        "email",
        "firstName",
        "lastName",
        "isActive",
        "isConfirmed",
        "isStaff",
        "dateJoined",
        "updatedAt",
        "languageCode",
        "externalReference",
        "metadata",
        "defaultShippingAddress",
        "defaultBillingAddress",
    }


def test_events_need_the_permission_and_an_active_app(saleor_emulator, receiver):
    app = saleor_emulator.create_app(
        automation_manifest(receiver.base_url), permissions=["MANAGE_USERS"]
    )
    customer = saleor_emulator.customer()
    assert saleor_emulator.emit("ORDER_CREATED", saleor_emulator.order(customer)) == []
    assert len(saleor_emulator.emit("CUSTOMER_UPDATED", customer)) == 1

    (status_changed,) = saleor_emulator.deactivate(app)
    assert status_changed.payload()["app"] == {"id": app.id, "isActive": False}
    assert status_changed.headers["Saleor-Event"] == "app_status_changed"
    assert saleor_emulator.emit("CUSTOMER_UPDATED", customer) == []  # lost while inactive

    (deleted,) = saleor_emulator.delete_app(app)
    assert deleted.payload() | {"issuedAt": None} == {
        "__typename": "AppDeleted",
        "issuedAt": None,
        "version": saleor_emulator.version,
        "app": {"id": app.id},
    }


def test_field_permissions_apply_inside_payloads(saleor_emulator, receiver):
    saleor_emulator.create_app(
        automation_manifest(receiver.base_url), permissions=["MANAGE_CHECKOUTS"]
    )
    checkout = saleor_emulator.checkout(user=saleor_emulator.customer())
    body = saleor_emulator.send_event("CHECKOUT_CREATED", checkout).payload()
    assert body["checkout"]["user"] is None  # Checkout.user needs MANAGE_USERS
    (error,) = body["errors"]
    assert error["path"] == ["event", "checkout", "user"]
    assert error["extensions"]["exception"]["code"] == "PermissionDenied"


# -- the GraphQL API --------------------------------------------------------------------------


@pytest.mark.parametrize("token", ["x" * 30, "short", None])
def test_unknown_token_runs_anonymously_with_http_200(saleor_emulator, app, token):
    status, response = saleor_emulator.graphql(IDENTITY, token=token)
    assert status == 200
    assert response["data"] == {"app": None}
    assert response["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"


def test_token_dies_with_deactivation_and_deletion(saleor_emulator, app):
    def identity() -> dict | None:
        status, response = saleor_emulator.graphql(IDENTITY, token=app.token)
        assert status == 200
        return response["data"]["app"]

    assert identity() == {"id": app.id, "isActive": True}
    saleor_emulator.deactivate(app)
    assert identity() is None
    saleor_emulator.activate(app)
    assert identity() == {"id": app.id, "isActive": True}
    saleor_emulator.delete_app(app)
    assert identity() is None


def test_invalid_documents_get_http_400(saleor_emulator, app):
    status, response = saleor_emulator.graphql("{ app { idd } }", token=app.token)
    assert status == 400
    assert "idd" in response["errors"][0]["message"]
    assert saleor_emulator.graphql("{ app { id ", token=app.token)[0] == 400
    status, _ = saleor_emulator.graphql(CUSTOMERS_PAGE, {"first": "ten"}, token=app.token)
    assert status == 400


def test_pagination_caps_at_100(saleor_emulator, app):
    for n in range(150):
        saleor_emulator.add(make_customer(f"c{n:03}@example.com"))

    status, response = saleor_emulator.graphql(CUSTOMERS_PAGE, {"first": 101}, token=app.token)
    assert status == 200
    assert response["data"]["customers"] is None
    assert "exceeds the `first` limit of 100" in response["errors"][0]["message"]

    _, response = saleor_emulator.graphql(CUSTOMERS_PAGE, {"first": 100}, token=app.token)
    page = response["data"]["customers"]
    assert (len(page["edges"]), page["totalCount"], page["pageInfo"]["hasNextPage"]) == (
        100,
        150,
        True,
    )
    after = page["pageInfo"]["endCursor"]
    _, response = saleor_emulator.graphql(
        CUSTOMERS_PAGE, {"first": 100, "after": after}, token=app.token
    )
    rest = response["data"]["customers"]
    assert len(rest["edges"]) == 50 and rest["pageInfo"]["hasNextPage"] is False
    emails = [e["node"]["email"] for e in page["edges"] + rest["edges"]]
    assert emails == sorted(emails) and len(set(emails)) == 150

    _, response = saleor_emulator.graphql(CUSTOMERS_PAGE, {}, token=app.token)
    assert "You must provide a `first` or `last` value" in response["errors"][0]["message"]


def test_requests_are_recorded(saleor_emulator, app):
    saleor_emulator.graphql(CUSTOMERS_PAGE, {"first": 5}, token=app.token, operation_name="Page")
    (request,) = saleor_emulator.requests
    assert (request.operation_name, request.variables, request.token, request.app_id) == (
        "Page",
        {"first": 5},
        app.token,
        app.id,
    )
    assert saleor_emulator.operations() == ["Page"]


def test_permissions_guard_queries(saleor_emulator, receiver):
    app = saleor_emulator.create_app(
        automation_manifest(receiver.base_url), permissions=["MANAGE_CHECKOUTS"]
    )
    status, response = saleor_emulator.graphql(CUSTOMERS_PAGE, {"first": 1}, token=app.token)
    assert status == 200 and response["data"]["customers"] is None
    assert response["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"


def test_missing_emulator_data_is_reported_not_nulled(saleor_emulator, app):
    customer = saleor_emulator.customer()
    query = "query ($id: ID) { user(id: $id) { email giftCards(first: 1) { totalCount } } }"
    _, response = saleor_emulator.graphql(query, {"id": customer["id"]}, token=app.token)
    assert "has no `giftCards`" in response["errors"][0]["message"]
    assert saleor_emulator.take_faults()


def test_metadata_write_emits_an_event_with_the_app_as_principal(saleor_emulator, app):
    customer = saleor_emulator.customer()
    mutation = """
    mutation ($id: ID!, $input: [MetadataInput!]!) {
      updateMetadata(id: $id, input: $input) {
        item { ... on User { metadata { key value } } }
        errors { field code message }
      }
    }
    """
    _, response = saleor_emulator.graphql(
        mutation, {"id": customer["id"], "input": [{"key": "k", "value": "v"}]}, token=app.token
    )
    assert response["data"]["updateMetadata"] == {
        "item": {"metadata": [{"key": "k", "value": "v"}]},
        "errors": [],
    }
    (delivery,) = saleor_emulator.deliver_pending()
    assert delivery.event == "CUSTOMER_METADATA_UPDATED"
    assert delivery.payload()["issuingPrincipal"] == {"__typename": "App", "id": app.id}


def test_webhook_create_applies_the_subscription_rules(saleor_emulator, app, receiver):
    mutation = """
    mutation ($input: WebhookCreateInput!) {
      webhookCreate(input: $input) { webhook { id isActive } errors { field code message } }
    }
    """
    query = "subscription { event { ... on CustomerCreated { user { id } } } }"
    base = {"name": "x", "targetUrl": receiver.url("/api/webhooks/customer-events")}

    _, response = saleor_emulator.graphql(
        mutation,
        {"input": {**base, "query": query, "asyncEvents": ["CUSTOMER_DELETED"]}},
        token=app.token,
    )
    assert response["data"]["webhookCreate"]["errors"][0]["field"] == "asyncEvents"

    _, response = saleor_emulator.graphql(
        mutation, {"input": {**base, "query": query.replace("user", "usr")}}, token=app.token
    )
    assert response["data"]["webhookCreate"]["errors"][0]["code"] == "GRAPHQL_ERROR"

    _, response = saleor_emulator.graphql(
        mutation, {"input": {**base, "query": query}}, token=app.token
    )
    assert response["data"]["webhookCreate"]["errors"] == []
    created = app.webhooks[-1]
    assert created.async_events == ["CUSTOMER_CREATED"]
    assert created.id == response["data"]["webhookCreate"]["webhook"]["id"]


# -- installation -----------------------------------------------------------------------------


def _serve_manifest(stub, **overrides):
    manifest = automation_manifest(stub.base_url, **overrides)
    return stub.route("/api/manifest", StubResponse.json(manifest))


def test_install_hands_over_a_working_token(saleor_emulator, receiver):
    seen = {}

    def register(request):
        # Saleor waits for this answer, so the app can already use the token here.
        token = request.json()["auth_token"]
        seen["status"], seen["response"] = saleor_emulator.graphql(IDENTITY, token=token)
        return StubResponse.json({"success": True})

    receiver.route("/api/register", register)
    result = saleor_emulator.install(_serve_manifest(receiver))

    assert result.ok, result.message
    assert seen["response"]["data"]["app"] == {"id": result.app_id, "isActive": True}
    (manifest_get,) = receiver.requests_to("/api/manifest")
    assert manifest_get.method == "GET"
    assert manifest_get.header("Saleor-Schema-Version") == "3.24"
    assert manifest_get.header("User-Agent") == "Saleor/3.24"
    (token_post,) = receiver.requests_to("/api/register")
    assert token_post.body == json.dumps({"auth_token": result.token}).encode()
    assert len(result.token) == 30
    assert token_post.header("Saleor-Api-Url") == saleor_emulator.api_url
    assert token_post.header("Saleor-Domain") == token_post.header("X-Saleor-Domain")
    assert token_post.header("Saleor-Schema-Version") == "3.24"
    assert token_post.header("Saleor-Signature") is None
    assert [w.identifier for w in saleor_emulator.app.webhooks] == list(WEBHOOK_IDENTIFIERS)


def test_failed_register_deletes_the_app_and_reports_its_message(saleor_emulator, receiver):
    receiver.route(
        "/api/register",
        StubResponse.json(
            {"success": False, "error": {"code": "UNKNOWN_APP_ID", "message": "nope"}}, 401
        ),
    )
    result = saleor_emulator.install(_serve_manifest(receiver))
    assert (result.status, result.message) == ("FAILED", "nope")
    assert saleor_emulator.apps == []
    assert saleor_emulator.graphql(IDENTITY, token=result.token)[1]["data"] == {"app": None}


def test_install_without_activation_fails_at_the_token_check(saleor_emulator, receiver):
    """An inactive app's token does not authenticate, so app-sdk style registers refuse it."""

    def register(request):
        _, response = saleor_emulator.graphql(IDENTITY, token=request.json()["auth_token"])
        if response["data"]["app"] is None:
            error = {"code": "UNKNOWN_APP_ID", "message": "token did not identify an app"}
            return StubResponse.json({"success": False, "error": error}, status=401)
        return StubResponse.json({"success": True})

    receiver.route("/api/register", register)
    result = saleor_emulator.install(_serve_manifest(receiver), activate=False)
    assert (result.status, result.message) == ("FAILED", "token did not identify an app")
    assert saleor_emulator.apps == []


@pytest.mark.parametrize(
    "manifest_response",
    [
        StubResponse(status=301, body=b"", headers=(("Location", "/elsewhere"),)),
        StubResponse(status=404, body=b"{}"),
        StubResponse(status=200, body=b"not json"),
    ],
    ids=["redirect", "not-found", "not-json"],
)
def test_manifest_fetch_failures(saleor_emulator, receiver, manifest_response):
    result = saleor_emulator.install(receiver.route("/api/manifest", manifest_response))
    assert result.status == "FAILED" and result.message
    assert receiver.requests_to("/elsewhere") == []  # redirects are not followed
    assert receiver.requests_to("/api/register") == []
    assert saleor_emulator.apps == []


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"permissions": ["MANAGE_APPS"]}, "OUT_OF_SCOPE_PERMISSION"),
        ({"permissions": ["MANAGE_EVERYTHING"]}, "INVALID_PERMISSION"),
        ({"id": ""}, "REQUIRED"),
        ({"tokenTargetUrl": "not a url"}, "INVALID_URL_FORMAT"),
        ({"brand": {"logo": {"default": "https://x.example.com/logo.svg"}}}, "INVALID"),
        ({"requiredSaleorVersion": ">=3.25"}, "UNSUPPORTED_SALEOR_VERSION"),
    ],
)
def test_manifest_rules(saleor_emulator, receiver, overrides, code):
    result = saleor_emulator.install(_serve_manifest(receiver, **overrides))
    assert (result.status, result.code) == ("FAILED", code), result.message


def test_manifest_events_must_match_the_query(saleor_emulator, receiver):
    manifest = automation_manifest(receiver.base_url)
    manifest["webhooks"][0]["asyncEvents"] = ["CHECKOUT_CREATED"]
    result = saleor_emulator.install(receiver.route("/api/manifest", StubResponse.json(manifest)))
    assert (result.status, result.code) == ("FAILED", "INVALID")
    assert "asyncEvents" in result.message
