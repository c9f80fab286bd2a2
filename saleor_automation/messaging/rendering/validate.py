"""Save-time checks of message content, so that a mistake is reported to the person writing
it, with its line, and never surfaces as a failed send.

    message_validate(content, *, channel="email") -> list[MessageIssue]

In order: the content's shape; each template's syntax; names a template uses that its
context will never hold (a typo renders as nothing); the MJML body's structure; then every
variant is rendered in full with SAMPLE data, the way a send would, which catches what only
rendering shows (a filter refusing its value, a section nested where MJML forbids it).
"""

from collections.abc import Iterator
from typing import Any

from django.template import Node, NodeList, Template
from django.template.base import FilterExpression, Variable
from django.template.smartif import TokenBase

from .content import EMAIL, SMS, Content, MessageIssue, RenderError, content_read
from .context import Links, Store
from .engine import template_compile
from .mjml import mjml_check
from .render import email_render, sms_render

KNOWN_NAMES = frozenset(
    [
        "first_name",
        "last_name",
        "email",
        "language",
        "locale",
        "currency",
        "timezone",
        "checkout",
        "order",
        "voucher",
        "recommendations",
        "recovery_url",
        "unsubscribe_url",
        "preferences_url",
        "confirm_url",
        "store",
        "forloop",
    ]
)
# Attributes by which Django's tags bring names into scope ({% for x in %}, {% with x= %},
# {% regroup ... as x %}, {% cycle ... as x %}, {% firstof ... as x %}, {% tag ... as x %}).
_SCOPE_ATTRS = ("var_name", "variable_name", "asvar", "target_var")

SAMPLE_STORE = Store(
    name="Sample Store",
    postal_address="1 Sample Street, 10115 Berlin",
    checkout_url="https://shop.example.com/checkout?token={token}",
)
SAMPLE_LINKS = Links(
    unsubscribe_url="https://automation.example.com/u/sample",
    preferences_url="https://automation.example.com/p/sample",
    confirm_url="https://automation.example.com/confirm/sample",
)


def sample_render_context(language: str = "") -> dict[str, Any]:
    """A render context with every block filled: validation renders with it, and a preview
    without a real contact can too."""
    line = {
        "product_name": "Sample product",
        "variant_name": "Size M",
        "sku": "SAMPLE-1",
        "thumbnail_url": "https://shop.example.com/media/sample.png",
        "quantity": 2,
        "unit_price": "1234.50",
        "total_price": "2469.00",
    }
    return {
        "contact": {
            "first_name": "Alex",
            "last_name": "Sample",
            "email": "alex@example.com",
            "language": language,
            "country": "",
        },
        "timezone": "UTC",
        "context": {
            "checkout": {
                "token": "sample-token",
                "currency": "EUR",
                "total": "2469.00",
                "subtotal": "2469.00",
                "quantity": 2,
                "lines_count": 1,
                "lines": [line],
            },
            "order": {"number": "1001", "currency": "EUR", "total": "2469.00"},
            "voucher": {
                "code": "SA-SAMPLE12345",
                "valid_until": "2026-06-22T21:59:59+00:00",
                "discount": "10%",
            },
            "recommendations": [
                {
                    "name": f"Recommended {n}",
                    "url": f"https://shop.example.com/products/{n}",
                    "image": f"https://shop.example.com/media/{n}.png",
                    "price": "19.90",
                }
                for n in (1, 2)
            ],
        },
    }


def message_validate(content: Any, *, channel: str = EMAIL) -> list[MessageIssue]:
    """Every problem of `content` for `channel` ("email" or "sms"); [] when it renders."""
    parsed, issues = content_read(content, channel)
    html_fields = {"mjml"} if channel == EMAIL else set()
    for language, variant in parsed.variants.items():
        for name, source in variant.items():
            if source:
                issues += _template_issues(parsed, language, name, source, name in html_fields)
    if issues:
        return issues
    for language in parsed.variants:
        try:
            if channel == SMS:
                sms_render(content, sample_render_context(language), links=SAMPLE_LINKS)
            else:
                email_render(
                    content,
                    sample_render_context(language),
                    store=SAMPLE_STORE,
                    links=SAMPLE_LINKS,
                )
        except RenderError as error:
            issues += error.issues
    return issues


def _template_issues(
    parsed: Content, language: str, name: str, source: str, html: bool
) -> list[MessageIssue]:
    path = parsed.path(language, name)
    try:
        template = template_compile(source, html=html, field=path)
    except RenderError as error:
        return error.issues
    issues = [
        MessageIssue(path, line, f"{{{{ {root} }}}} is not something a message can show")
        for root, line in _unknown_names(template)
    ]
    if html:
        issues += mjml_check(source, field=path)
    return issues


def _unknown_names(template: Template) -> list[tuple[str, int | None]]:
    nodes = template.nodelist.get_nodes_by_type(Node)
    introduced = set(KNOWN_NAMES)
    for node in nodes:
        introduced.update(getattr(node, "loopvars", None) or ())
        introduced.update((getattr(node, "extra_context", None) or {}).keys())
        introduced.update(
            value for attr in _SCOPE_ATTRS if isinstance(value := getattr(node, attr, None), str)
        )
    unknown: dict[str, int | None] = {}
    for node in nodes:
        for root in _roots([v for k, v in vars(node).items() if k not in ("token", "origin")]):
            if root not in introduced and root not in unknown:
                token = getattr(node, "token", None)
                unknown[root] = getattr(token, "lineno", None)
    return list(unknown.items())


def _roots(value: Any) -> Iterator[str]:
    """The first name of every variable lookup in a node's attributes (not its children)."""
    if isinstance(value, Node | NodeList):
        return
    if isinstance(value, FilterExpression):
        yield from _roots(value.var)
        for _, args in value.filters:
            for lookup, arg in args:
                if lookup:
                    yield from _roots(arg)
    elif isinstance(value, Variable):
        if value.lookups:
            yield value.lookups[0]
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _roots(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _roots(item)
    elif isinstance(value, TokenBase):  # an {% if %} condition: operators and operands
        yield from _roots(list(vars(value).values()))
