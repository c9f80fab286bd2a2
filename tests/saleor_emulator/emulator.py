"""SaleorEmulator: a Saleor instance on loopback for the test suite.

It answers GraphQL against Saleor's real schema, installs apps from their manifest, renders
webhook bodies from the installed subscription documents and signs them like Saleor.
"""

import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from types import TracebackType
from typing import Any

from graphql import GraphQLSchema

from . import delivery as http
from .catalog import make_channel, make_product
from .delivery import Delivery, HttpResult
from .events import (
    ALWAYS_DELIVERED,
    SELF_ONLY_EVENTS,
    build_event,
    channel_filter_allows,
    event_permission,
    render_body,
)
from .factories import make_checkout, make_customer, make_order
from .graphql_api import GraphQLApi
from .install import InstallResult, create_app, install_app
from .records import AppRecord, GraphQLRequest, WebhookRecord
from .schema import SALEOR_VERSION, load_schema
from .server import SaleorHttpServer
from .signing import SigningKey
from .store import Store
from .values import now
from .vouchers import code_problem


class SaleorEmulator:
    def __init__(self, schema: GraphQLSchema | None = None, *, version: str = SALEOR_VERSION):
        self.schema = schema or load_schema()
        self.version = version
        # One lock for the store: the server's threads and the test thread both touch it.
        self.lock = threading.RLock()
        self.key = SigningKey()
        self._server = SaleorHttpServer(self._handle_graphql, lambda: self.key.jwks())
        self.domain = f"127.0.0.1:{self._server.port}"
        self.api_url = f"http://{self.domain}/graphql/"
        self.jwks_url = f"http://{self.domain}/.well-known/jwks.json"
        self.store = Store(self.domain)
        self.api = GraphQLApi(self.schema, self.store, self.lock)
        self.deliveries: list[Delivery] = []
        self._started = False
        self._outage: int | None = None  # the HTTP status /graphql/ answers during an outage

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> "SaleorEmulator":
        if not self._started:
            self._server.start()
            self._started = True
        return self

    def stop(self) -> None:
        if self._started:
            self._server.stop()
            self._started = False

    def __enter__(self) -> "SaleorEmulator":
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _handle_graphql(self, headers: Any, body: bytes) -> tuple[int, dict[str, Any]]:
        if self._outage is not None:
            # What a proxy in front of a Saleor that is down answers; nothing is executed
            # or recorded.
            return self._outage, {"detail": "Service Unavailable"}
        return self.api.handle(headers, body)

    @contextmanager
    def outage(self, status: int = 503) -> Iterator[None]:
        """Saleor is down meanwhile: every GraphQL request gets HTTP `status`."""
        self._outage = status
        try:
            yield
        finally:
            self._outage = None

    # -- data ---------------------------------------------------------------------------------

    def add(self, obj: dict) -> dict:
        """Store a factory-made object; returns the stored one (shared refs by slug)."""
        with self.lock:
            return self.store.add(obj)

    def remove(self, obj: dict) -> None:
        with self.lock:
            self.store.remove(obj)

    def channel(self, slug: str = "default-channel", **kwargs: Any) -> dict:
        with self.lock:
            return self.store.channels.get(slug) or self.store.add(make_channel(slug, **kwargs))

    def customer(self, email: str = "", **kwargs: Any) -> dict:
        return self.add(make_customer(email, **kwargs))

    def product(self, name: str, **kwargs: Any) -> dict:
        return self.add(make_product(name, **kwargs))

    def set_stock(self, target: dict, quantity: int | None) -> None:
        """Stock of a variant, or of every variant of a product, as `quantityAvailable`
        shows it (None: not tracked). 0 makes it out of stock: checkout lines show 0 and
        `products(where: {stockAvailability: IN_STOCK})` leaves the product out."""
        with self.lock:
            variants = target["variants"] if target["__typename"] == "Product" else [target]
            for variant in variants:
                variant["quantityAvailable"] = quantity
                variant["trackInventory"] = quantity is not None

    def checkout(self, email: str | None = None, **kwargs: Any) -> dict:
        return self.add(make_checkout(email, **kwargs))

    def order(
        self, customer: dict | str | None = None, lines: Iterable = (), **kwargs: Any
    ) -> dict:
        return self.add(make_order(customer, lines, **kwargs))

    def complete_checkout(self, checkout: dict, **kwargs: Any) -> dict:
        """Checkout completion: the checkout is deleted, an order carries its id."""
        lines = [(line["variant"], line["quantity"]) for line in checkout["lines"]]
        customer = checkout["user"] or checkout["email"]
        kwargs.setdefault("channel", checkout["channel"])
        kwargs.setdefault("voucher_code", checkout["voucherCode"])
        order = self.order(customer, lines, checkout_id=checkout["id"], **kwargs)
        self.remove(checkout)
        return order

    def voucher_of_code(self, code: str) -> dict | None:
        """The voucher holding `code` (its codes are under "_codes"), if any."""
        with self.lock:
            record = self.store.voucher_codes.get(code)
            return None if record is None else record["_voucher"]

    def delete_voucher(self, voucher_id: str) -> None:
        """voucherDelete (an operator in the dashboard): the voucher goes with its codes."""
        with self.lock:
            voucher = self.store.vouchers.pop(voucher_id)
            for record in voucher["_codes"]:
                self.store.voucher_codes.pop(record["code"], None)

    def voucher_code_problem(
        self, code: str, channel: str = "default-channel", at: datetime | None = None
    ) -> str | None:
        """Why a checkout in `channel` would refuse `code` (None when it would apply)."""
        with self.lock:
            return code_problem(self.store, code, channel, at)

    # -- apps ---------------------------------------------------------------------------------

    def install(
        self, manifest_url: str, permissions: list[str] | None = None, activate: bool = True
    ) -> InstallResult:
        """appInstall + the install task. `permissions` = granted (default: the manifest's)."""
        return install_app(self, manifest_url, permissions, activate)

    def create_app(
        self, manifest: dict[str, Any], permissions: list[str] | None = None, activate: bool = True
    ) -> AppRecord:
        """An installed app (with token) from manifest data, skipping the HTTP handshake."""
        return create_app(self, manifest, permissions, activate)

    @property
    def apps(self) -> list[AppRecord]:
        return list(self.store.apps.values())

    @property
    def app(self) -> AppRecord:
        """The one installed (not removed) app; most tests install exactly one."""
        installed = [a for a in self.store.apps.values() if not a.removed]
        if len(installed) != 1:
            raise LookupError(f"expected one installed app, found {len(installed)}")
        return installed[0]

    def _resolve_app(self, app: AppRecord | str | None) -> AppRecord:
        if app is None:
            return self.app
        return self.store.apps[app] if isinstance(app, str) else app

    def deactivate(self, app: AppRecord | str | None = None) -> list[Delivery]:
        """appDeactivate: the token stops working at once; APP_STATUS_CHANGED is sent."""
        target = self._resolve_app(app)
        with self.lock:
            target.is_active = False
        return self.emit("APP_STATUS_CHANGED", target.to_graphql())

    def activate(self, app: AppRecord | str | None = None) -> list[Delivery]:
        target = self._resolve_app(app)
        with self.lock:
            target.is_active = True
        return self.emit("APP_STATUS_CHANGED", target.to_graphql())

    def delete_app(self, app: AppRecord | str | None = None) -> list[Delivery]:
        """appDelete: soft delete (token dead at once); APP_DELETED still reaches the app."""
        target = self._resolve_app(app)
        with self.lock:
            target.is_active = False
            target.removed = True
        return self.emit("APP_DELETED", target.to_graphql())

    # -- webhooks -----------------------------------------------------------------------------

    def _principal(self, principal: AppRecord | dict | None) -> dict | None:
        return principal.to_graphql() if isinstance(principal, AppRecord) else principal

    def _targets(self, event: str, subject: dict | None) -> list[tuple[AppRecord, WebhookRecord]]:
        """Webhooks Saleor would create deliveries for (PROTOCOL §1.2, §2.5, §3.4)."""
        targets = []
        for app in self.store.apps.values():
            if event in SELF_ONLY_EVENTS and (subject or {}).get("id") != app.id:
                continue
            if not app.can_authenticate and event not in ALWAYS_DELIVERED:
                continue
            permission = event_permission(event)
            if permission is not None and permission not in app.permissions:
                continue
            targets += [(app, w) for w in app.webhooks if w.is_active and event in w.async_events]
        return targets

    def emit(
        self,
        event: str,
        subject: dict | None = None,
        *,
        issuing_principal: AppRecord | dict | None = None,
        issued_at: datetime | None = None,
        extra: dict[str, Any] | None = None,
    ) -> list[Delivery]:
        """Send `event` (e.g. "CHECKOUT_UPDATED") about `subject` to every subscribed webhook.

        `extra` sets event fields beyond the subject (newEmail, redirectUrl...); Channel and
        Shop fields default to the default channel and the shop.
        """
        prepared = []
        with self.lock:
            defaults = {"Channel": self.store.channels["default-channel"], "Shop": self.store.shop}
            moment = issued_at or now()
            for app, webhook in self._targets(event, subject):
                payload = build_event(
                    self.schema,
                    event,
                    subject,
                    recipient=app.to_graphql(),
                    issuing_principal=self._principal(issuing_principal),
                    defaults=defaults,
                    version=self.version,
                    issued_at=moment,
                    extra=extra,
                )
                if channel_filter_allows(webhook.query, payload):
                    body = render_body(self.schema, webhook.query, payload, self.api.context(app))
                    prepared.append((webhook, body))
        return [self._send(event, webhook, body) for webhook, body in prepared]

    def send_event(self, event: str, subject: dict | None = None, **kwargs: Any) -> Delivery:
        """emit() when exactly one webhook must receive the event."""
        deliveries = self.emit(event, subject, **kwargs)
        if len(deliveries) != 1:
            raise AssertionError(f"{event} went to {len(deliveries)} webhooks, expected 1")
        return deliveries[0]

    def deliver_pending(self) -> list[Delivery]:
        """Send the events the app's own mutations caused (metadata updates...), in order."""
        with self.lock:
            pending, self.api.emitted[:] = list(self.api.emitted), []
        deliveries = []
        for event, subject, principal in pending:
            deliveries += self.emit(event, subject, issuing_principal=principal)
        return deliveries

    def webhook_headers(
        self, event: str, body: bytes, custom: dict[str, str] | None = None
    ) -> dict[str, str]:
        """Saleor's delivery headers for `body`, signed with the current key."""
        signature = self.key.sign(body)
        return {
            **(custom or {}),
            "Content-Type": "application/json",
            "Saleor-Event": event.lower(),
            "Saleor-Domain": self.domain,
            "Saleor-Api-Url": self.api_url,
            "Saleor-Signature": signature,
            "X-Saleor-Event": event.lower(),
            "X-Saleor-Domain": self.domain,
            "X-Saleor-Signature": signature,
        }

    def _send(self, event: str, webhook: WebhookRecord, body: bytes, attempt: int = 1) -> Delivery:
        headers = self.webhook_headers(event, body, webhook.custom_headers)
        sent = Delivery(
            event=event,
            target_url=webhook.target_url,
            body=body,
            headers=headers,
            result=http.post(webhook.target_url, body, headers),
            webhook_id=webhook.id,
            attempt=attempt,
        )
        self.deliveries.append(sent)
        return sent

    def retry(self, delivery: Delivery) -> Delivery:
        """Saleor's retry: the stored body again, re-signed with the key current now."""
        headers = {
            **delivery.headers,
            **self.webhook_headers(delivery.event, delivery.body),
        }
        sent = Delivery(
            event=delivery.event,
            target_url=delivery.target_url,
            body=delivery.body,
            headers=headers,
            result=http.post(delivery.target_url, delivery.body, headers),
            webhook_id=delivery.webhook_id,
            attempt=delivery.attempt + 1,
        )
        self.deliveries.append(sent)
        return sent

    def post_raw(self, url: str, body: bytes, headers: dict[str, str]) -> HttpResult:
        """Any bytes with any headers, for negative tests (bad signature, unknown tenant...)."""
        return http.post(url, body, headers)

    def rotate_key(self) -> None:
        """The operator changed RSA_PRIVATE_KEY: new kid, the old key is gone at once."""
        self.key = SigningKey()

    # -- what the app did ---------------------------------------------------------------------

    @property
    def requests(self) -> list[GraphQLRequest]:
        return list(self.api.requests)

    def operations(self) -> list[str | None]:
        return [request.operation_name for request in self.api.requests]

    @property
    def faults(self) -> list[str]:
        """Emulator bugs met while answering (missing data, non-null violations)."""
        return list(self.api.faults)

    def take_faults(self) -> list[str]:
        """The faults so far, cleared: for tests that provoke one on purpose."""
        with self.lock:
            taken, self.api.faults[:] = list(self.api.faults), []
        return taken

    def graphql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        operation_name: str | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Query the emulator over HTTP as a client would (for tests of the emulator itself)."""
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        payload = {"query": query, "variables": variables or {}, "operationName": operation_name}
        result = http.post(self.api_url, json.dumps(payload).encode(), headers)
        assert result.status is not None, result.error
        return result.status, result.json()
