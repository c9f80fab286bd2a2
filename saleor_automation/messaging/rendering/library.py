"""The only tags and filters message content can use (the engines' sole builtin library).

Django's own, less those that reach outside the context or turn escaping off:
{% autoescape %} and |safe, |safeseq would let a customer's name inject markup; {% debug %}
and |pprint print internals; {% load %}, {% url %}, {% csrf_token %}, {% querystring %} need
things an email has not; |random and {% lorem %} would make a preview differ from the send.
Loader tags ({% include %}, {% extends %}) are not builtins here at all.

The email blocks, each a whole <mj-section> (place them between sections):
    {% checkout_lines title="Your cart" %}   the abandoned checkout's lines and total
    {% recommendations title="You may also like" limit=4 %}
    {% voucher_code label="Your code" until="Valid until" %}
    {% recovery_button label="Complete your order" %}
    {% confirm_button label="Confirm my subscription" %}   the double opt-in link
And, anywhere:
    {% money amount %} / {% money amount "USD" %}   in the message's currency and locale
    {% local_date value %}                          a moment as the reader's local date
"""

from typing import Any

from django.template import Context, Library, defaultfilters, defaulttags

from .formatting import date_local
from .formatting import money as format_money

FORBIDDEN_TAGS = frozenset(
    {"autoescape", "csrf_token", "debug", "load", "lorem", "querystring", "url"}
)
FORBIDDEN_FILTERS = frozenset({"safe", "safeseq", "pprint", "random"})
MAX_RECOMMENDATIONS = 12

register = Library()
register.tags.update(
    {name: tag for name, tag in defaulttags.register.tags.items() if name not in FORBIDDEN_TAGS}
)
register.filters.update(
    {
        name: flt
        for name, flt in defaultfilters.register.filters.items()
        if name not in FORBIDDEN_FILTERS
    }
)
BLOCK_TAGS = (
    "checkout_lines",
    "recommendations",
    "voucher_code",
    "recovery_button",
    "confirm_button",
)


@register.inclusion_tag("blocks/checkout_lines.mjml", takes_context=True)
def checkout_lines(context: Context, title: str = "") -> dict[str, Any]:
    checkout = context.get("checkout") or {}
    return {"title": title, "lines": checkout.get("lines") or [], "total": checkout.get("total")}


@register.inclusion_tag("blocks/recommendations.mjml", takes_context=True)
def recommendations(context: Context, title: str = "", limit: int = 4) -> dict[str, Any]:
    try:
        limit = max(0, min(int(limit), MAX_RECOMMENDATIONS))
    except (TypeError, ValueError):
        limit = 4
    items = list(context.get("recommendations") or [])[:limit]
    # Two products per row: MJML columns in a group stay side by side on phones too.
    rows = [items[i : i + 2] for i in range(0, len(items), 2)]
    return {"title": title, "rows": rows}


@register.inclusion_tag("blocks/voucher.mjml", takes_context=True)
def voucher_code(context: Context, label: str = "", until: str = "") -> dict[str, Any]:
    return {"voucher": context.get("voucher"), "label": label, "until": until}


@register.inclusion_tag("blocks/button.mjml", takes_context=True)
def recovery_button(context: Context, label: str = "Complete your order") -> dict[str, Any]:
    return {"url": context.get("recovery_url") or "", "label": label}


@register.inclusion_tag("blocks/button.mjml", takes_context=True)
def confirm_button(context: Context, label: str = "Confirm my subscription") -> dict[str, Any]:
    # Not click-tracked: the link is the credential, and a mail scanner's fetch of it is
    # no reader's click.
    return {"url": context.get("confirm_url") or "", "label": label}


@register.simple_tag(takes_context=True)
def money(context: Context, amount: Any, currency: str | None = None) -> str:
    locale = context.get("locale") or "en"
    return format_money(amount, currency or context.get("currency") or "", locale)


@register.simple_tag(takes_context=True)
def local_date(context: Context, value: Any) -> str:
    return date_local(value, context.get("locale") or "en", context.get("timezone") or "UTC")
