"""Content + render context -> what goes out. Pure: no database, no network, no clock.

    email_render(content, render_context, *, store=Store(), links=Links()) -> RenderedEmail
    sms_render(content, render_context, *, links=Links()) -> RenderedSms

An email: the variant for the reader's language; its subject and preheader rendered as text
(one line each); its MJML body rendered with every value escaped, put into the layout
(templates/saleor_automation/email/layout.mjml: preheader, footer with the unsubscribe and
preferences links and the store's postal address), compiled to HTML by MRML; the text part
made from that HTML. Any failure raises RenderError naming the field (and line when known).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.template import Template
from django.utils.safestring import mark_safe

from .content import EMAIL, SMS, Content, MessageIssue, RenderError, content_read
from .context import Links, Store, languages, template_context
from .engine import HTML, template_compile, template_render
from .mjml import mjml_compile
from .text import html_to_text

LAYOUT = "layout.mjml"
MAX_SUBJECT = 998  # RFC 5322's line limit; the Message column's size
MAX_PREHEADER = 255
# The footer's link texts, by primary language; English for any other.
FOOTER_LABELS: dict[str, tuple[str, str]] = {
    "en": ("Unsubscribe", "Email preferences"),
    "de": ("Abmelden", "E-Mail-Einstellungen"),
    "fr": ("Se désabonner", "Préférences e-mail"),
    "es": ("Darse de baja", "Preferencias de correo"),
    "it": ("Annulla iscrizione", "Preferenze email"),
    "nl": ("Afmelden", "E-mailvoorkeuren"),
    "pt": ("Cancelar inscrição", "Preferências de e-mail"),
    "pl": ("Wypisz się", "Ustawienia e-mail"),
    "sv": ("Avregistrera", "E-postinställningar"),
    "da": ("Afmeld", "E-mail-indstillinger"),
    "nb": ("Meld av", "E-postinnstillinger"),
    "fi": ("Peruuta tilaus", "Sähköpostiasetukset"),
    "cs": ("Odhlásit odběr", "Nastavení e-mailu"),
}
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class RenderedEmail:
    language: str  # the variant's key ("" for a single-language message)
    subject: str
    preheader: str
    html: str
    text: str


@dataclass(frozen=True)
class RenderedSms:
    language: str
    text: str


@lru_cache(maxsize=256)
def _compiled(source: str, html: bool, field: str) -> Template:
    # A batch sends one node's content to many contacts: compile it once. Django templates
    # hold no render state, so one compiled template serves every thread.
    return template_compile(source, html=html, field=field)


def _parsed(content: Any, channel: str) -> Content:
    parsed, issues = content_read(content, channel)
    if issues:
        raise RenderError(issues)
    return parsed


def _prepare(
    parsed: Content, render_context: Mapping[str, Any], store: Store, links: Links
) -> tuple[str, dict[str, Any]]:
    """The variant's language and the template context."""
    try:
        language = parsed.choose(languages(render_context))
        data = template_context(render_context, language=language, store=store, links=links)
        return language, data
    except (ValueError, TypeError, LookupError, AttributeError, ArithmeticError) as exc:
        # Context data of a shape nothing foresaw (a stored render context is JSON from
        # another layer): a failed message, not a worker that crashes on every retry.
        issue = MessageIssue("render_context", None, f"{type(exc).__name__}: {exc}"[:200])
        raise RenderError([issue]) from exc


def _one_line(text: str, limit: int) -> str:
    # A header cannot hold a newline (Django would refuse the message as header injection).
    return _WHITESPACE.sub(" ", text).strip()[:limit]


def _field(parsed: Content, language: str, name: str, data: Mapping[str, Any], html: bool) -> str:
    path = parsed.path(language, name)
    source = parsed.variants[language][name]
    return template_render(_compiled(source, html, path), data, field=path) if source else ""


def email_render(
    content: Any,
    render_context: Mapping[str, Any],
    *,
    store: Store = Store(),  # noqa: B008 (frozen, so a shared default is safe)
    links: Links = Links(),  # noqa: B008
) -> RenderedEmail:
    parsed = _parsed(content, EMAIL)
    language, data = _prepare(parsed, render_context, store, links)
    subject = _one_line(_field(parsed, language, "subject", data, False), MAX_SUBJECT)
    preheader = _one_line(_field(parsed, language, "preheader", data, False), MAX_PREHEADER)
    body = _field(parsed, language, "mjml", data, True)
    unsubscribe, preferences = FOOTER_LABELS.get(
        str(data["locale"]).split("_")[0], FOOTER_LABELS["en"]
    )
    layout = HTML.get_template(LAYOUT)
    document = template_render(
        layout,
        {
            **data,
            "html_lang": data["locale"].replace("_", "-"),
            "subject": subject,
            "preheader": preheader,
            "body": mark_safe(body),  # noqa: S308 (rendered above with every value escaped)
            "labels": {"unsubscribe": unsubscribe, "preferences": preferences},
        },
        field="layout",
    )
    html = mjml_compile(document, field=parsed.path(language, "mjml"))
    return RenderedEmail(language, subject, preheader, html, html_to_text(html))


def sms_render(
    content: Any,
    render_context: Mapping[str, Any],
    *,
    links: Links = Links(),  # noqa: B008
) -> RenderedSms:
    parsed = _parsed(content, SMS)
    language, data = _prepare(parsed, render_context, Store(), links)
    return RenderedSms(language, _field(parsed, language, "text", data, False).strip())
