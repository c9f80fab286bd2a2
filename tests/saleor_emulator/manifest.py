"""Saleor's manifest rules (PROTOCOL §1, §5.1): what makes `appInstall` accept a manifest.

Deliberately stricter than Saleor in two places, both of which Saleor accepts but which lose
events or hide UI silently: a webhook's declared `asyncEvents` must equal the events its
query's `event` fragments select, and an extension's `mount` must be one the dashboard shows.
"""

from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLSchema

from .schema import async_event_names, permission_names, sync_event_names
from .subscription_rules import SubscriptionRuleError, check_subscription
from .validators import custom_headers_error, is_valid_url, version_satisfies

WEBHOOK_SCHEMES = frozenset({"http", "https", "awssqs", "gcpubsub"})
TOKEN_URL_SCHEMES = frozenset({"http", "https", "ftp", "ftps"})
HTTP_SCHEMES = frozenset({"http", "https"})
TARGETS = frozenset({"POPUP", "APP_PAGE", "NEW_TAB", "WIDGET"})
# PROTOCOL §5.1: the 50 mounts of core's last enum plus the two added for 3.23.
_ENTITIES = [
    "CATEGORY",
    "COLLECTION",
    "CUSTOMER",
    "DISCOUNT",
    "DRAFT_ORDER",
    "GIFT_CARD",
    "MENU",
    "ORDER",
    "PAGE",
    "PAGE_TYPE",
    "PRODUCT",
    "VOUCHER",
]
_WIDGET_ENTITIES = [
    "COLLECTION",
    "CUSTOMER",
    "DRAFT_ORDER",
    "GIFT_CARD",
    "ORDER",
    "PRODUCT",
    "VOUCHER",
]
_NAVIGATION = ["CATALOG", "ORDERS", "CUSTOMERS", "DISCOUNTS", "TRANSLATIONS", "PAGES"]
KNOWN_MOUNTS = frozenset(
    [f"{e}_{place}" for e in _ENTITIES for place in ("OVERVIEW_CREATE", "OVERVIEW_MORE_ACTIONS")]
    + [f"{e}_DETAILS_MORE_ACTIONS" for e in _ENTITIES]
    + [f"{e}_DETAILS_WIDGETS" for e in _WIDGET_ENTITIES]
    + [f"NAVIGATION_{n}" for n in _NAVIGATION]
    + ["TRANSLATIONS_MORE_ACTIONS", "HOMEPAGE_WIDGETS", "SEARCH_ACTION"]
)
_OPTION_FOR_TARGET = {"WIDGET": "widgetTarget", "NEW_TAB": "newTabTarget"}


@dataclass
class ManifestError(Exception):
    field: str
    code: str  # AppErrorCode
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message} ({self.code})"


@dataclass(frozen=True)
class ManifestWebhook:
    name: str
    target_url: str
    query: str
    async_events: list[str]
    sync_events: list[str]
    is_active: bool
    identifier: str | None
    custom_headers: dict[str, str]


@dataclass(frozen=True)
class Manifest:
    id: str
    name: str
    version: str
    permissions: list[str]
    token_target_url: str | None
    app_url: str | None
    about: str | None
    audience: str | None
    author: str | None
    required_saleor_version: str | None
    brand_logo: str | None
    extensions: list[dict[str, Any]] = field(default_factory=list)
    webhooks: list[ManifestWebhook] = field(default_factory=list)


def _required_str(data: dict, key: str, limit: int) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ManifestError(key, "REQUIRED", "Field required.")
    if len(value) > limit:
        raise ManifestError(key, "INVALID", f"Ensure this value has at most {limit} characters.")
    return value


def _permissions(schema: GraphQLSchema, value: Any, key: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise ManifestError(key, "INVALID_PERMISSION", "Given permissions don't exist.")
    unknown = [p for p in value if p not in permission_names(schema)]
    if unknown:
        raise ManifestError(key, "INVALID_PERMISSION", f"Given permissions don't exist: {unknown}")
    if "MANAGE_APPS" in value:
        raise ManifestError(
            key, "OUT_OF_SCOPE_PERMISSION", "Apps can't request the MANAGE_APPS permission."
        )
    return list(value)


def event_list_error(schema: GraphQLSchema, declared: list[str], query: str) -> tuple[str, str]:
    """(code, message) when declared events and the query disagree; ("", "") when they agree."""
    try:
        derived = check_subscription(schema, query)
    except SubscriptionRuleError as error:
        return "INVALID", f"Subscription query is not valid: {error.message}"
    if declared and set(declared) != set(derived):
        return (
            "INVALID",
            f"asyncEvents {sorted(declared)} differ from the events the query selects "
            f"{derived} (Saleor would accept this and send payloads without the fragment)",
        )
    return "", ""


def clean_webhook(schema: GraphQLSchema, entry: Any, index: int) -> ManifestWebhook:
    where = f"webhooks[{index}]"
    if not isinstance(entry, dict):
        raise ManifestError(where, "INVALID", "A webhook must be an object.")
    name = _required_str(entry, "name", 255)
    target_url = entry.get("targetUrl")
    if not is_valid_url(target_url, WEBHOOK_SCHEMES, tld_required=False) or len(target_url) > 255:
        raise ManifestError(f"{where}.targetUrl", "INVALID_URL_FORMAT", "Invalid target url.")
    query = entry.get("query")
    if not isinstance(query, str) or not query.strip():
        raise ManifestError(f"{where}.query", "REQUIRED", "Field required.")
    async_events = entry.get("asyncEvents") or []
    if any(e not in async_event_names(schema) for e in async_events):
        raise ManifestError(f"{where}.asyncEvents", "INVALID", "Invalid asynchronous event.")
    sync_events = entry.get("syncEvents") or []
    if any(e not in sync_event_names(schema) for e in sync_events):
        raise ManifestError(f"{where}.syncEvents", "INVALID", "Invalid synchronous event.")
    code, message = event_list_error(schema, async_events, query)
    if code:
        raise ManifestError(f"{where}.query", code, message)
    if not async_events and not sync_events:
        async_events = check_subscription(schema, query)
    headers = entry.get("customHeaders") or {}
    header_error = custom_headers_error(headers)
    if header_error:
        raise ManifestError(f"{where}.customHeaders", "INVALID_CUSTOM_HEADERS", header_error)
    identifier = entry.get("identifier") or None
    return ManifestWebhook(
        name=name,
        target_url=target_url,
        query=query,
        async_events=list(async_events),
        sync_events=list(sync_events),
        is_active=entry.get("isActive", True) is not False,
        identifier=identifier,
        custom_headers={k.lower(): v for k, v in headers.items()},
    )


def clean_extension(
    schema: GraphQLSchema, entry: Any, index: int, app_url: str | None, granted: list[str]
) -> dict[str, Any]:
    where = f"extensions[{index}]"
    if not isinstance(entry, dict):
        raise ManifestError(where, "INVALID", "An extension must be an object.")
    label = _required_str(entry, "label", 256)
    mount = _required_str(entry, "mount", 256).upper()
    if mount not in KNOWN_MOUNTS:
        raise ManifestError(f"{where}.mount", "INVALID", f"The dashboard knows no mount {mount}.")
    target = str(entry.get("target") or "POPUP").upper()
    if target not in TARGETS:
        raise ManifestError(f"{where}.target", "INVALID", f"Unknown target {target}.")
    if target == "WIDGET" and not (
        mount.endswith("_DETAILS_WIDGETS") or mount == "HOMEPAGE_WIDGETS"
    ):
        raise ManifestError(f"{where}.target", "INVALID", f"WIDGET can't be mounted at {mount}.")
    url = _required_str(entry, "url", 200)
    if url.startswith("/"):
        if not app_url:
            raise ManifestError(
                f"{where}.url", "INVALID_URL_FORMAT", "A relative url needs appUrl."
            )
    elif not is_valid_url(url, HTTP_SCHEMES):
        raise ManifestError(f"{where}.url", "INVALID_URL_FORMAT", "Incorrect format.")
    elif target == "APP_PAGE":
        raise ManifestError(
            f"{where}.url",
            "INVALID_URL_FORMAT",
            "Url cannot start with protocol when target == APP_PAGE",
        )
    permissions = _permissions(schema, entry.get("permissions"), f"{where}.permissions")
    if not set(permissions) <= set(granted):
        raise ManifestError(
            f"{where}.permissions",
            "OUT_OF_SCOPE_PERMISSION",
            "Extension permission must be listed in App's permissions.",
        )
    options = entry.get("options") or {}
    unexpected = set(options) - {
        _OPTION_FOR_TARGET.get(target, ""),
        "homeWidgetTarget",
        "views",
        "aliases",
    }
    if not isinstance(options, dict) or unexpected:
        raise ManifestError(
            f"{where}.options", "INVALID", f"Options {sorted(unexpected)} don't fit {target}."
        )
    return {
        "label": label,
        "url": url,
        "mountName": mount,
        "targetName": target,
        "settings": options,
        "identifier": entry.get("identifier") or None,
        "permissions": permissions,
    }


def _unique(items: list[Any], key: str, where: str, code: str) -> None:
    seen = [getattr(i, key, None) if not isinstance(i, dict) else i.get(key) for i in items]
    named = [s for s in seen if s]
    if len(named) != len(set(named)):
        raise ManifestError(where, code, f"Duplicated {key} in {where}.")


def parse_manifest(
    schema: GraphQLSchema,
    data: Any,
    *,
    saleor_version: str,
    granted: list[str] | None = None,
) -> Manifest:
    """A validated Manifest, or ManifestError with Saleor's AppErrorCode."""
    if not isinstance(data, dict):
        raise ManifestError("manifest", "INVALID_MANIFEST_FORMAT", "The manifest is not an object.")
    manifest_id = _required_str(data, "id", 256)
    name = _required_str(data, "name", 60)
    version = _required_str(data, "version", 60)
    permissions = _permissions(schema, data.get("permissions"), "permissions")
    token_target_url = data.get("tokenTargetUrl")
    if token_target_url is not None and not is_valid_url(token_target_url, TOKEN_URL_SCHEMES):
        raise ManifestError("tokenTargetUrl", "INVALID_URL_FORMAT", "Incorrect format.")
    author = data.get("author")
    if author is not None and (not isinstance(author, str) or not author.strip()):
        raise ManifestError("author", "INVALID", "Incorrect value for field: author.")
    required = data.get("requiredSaleorVersion")
    if required is not None:
        try:
            satisfied = version_satisfies(saleor_version, required)
        except ValueError as error:
            raise ManifestError(
                "requiredSaleorVersion", "INVALID", "Incorrect value for required Saleor version."
            ) from error
        if not satisfied:
            raise ManifestError(
                "requiredSaleorVersion",
                "UNSUPPORTED_SALEOR_VERSION",
                f"Saleor version {saleor_version} is not supported by the app.",
            )
    logo = ((data.get("brand") or {}).get("logo") or {}).get("default")
    if logo is not None and not (isinstance(logo, str) and logo.endswith(".png")):
        raise ManifestError("brand.logo.default", "INVALID", "The logo URL must end in .png.")
    app_url = data.get("appUrl") or data.get("configurationUrl")
    webhooks = [clean_webhook(schema, w, i) for i, w in enumerate(data.get("webhooks") or [])]
    _unique(webhooks, "identifier", "webhooks", "DUPLICATED_WEBHOOK_IDENTIFIER")
    extensions = [
        clean_extension(schema, e, i, app_url, permissions if granted is None else granted)
        for i, e in enumerate(data.get("extensions") or [])
    ]
    _unique(extensions, "identifier", "extensions", "DUPLICATED_EXTENSION_IDENTIFIER")
    return Manifest(
        id=manifest_id,
        name=name,
        version=version,
        permissions=permissions,
        token_target_url=token_target_url,
        app_url=app_url,
        about=data.get("about"),
        audience=data.get("audience"),
        author=author,
        required_saleor_version=required,
        brand_logo=logo,
        extensions=extensions,
        webhooks=webhooks,
    )
