"""The message content format: what a send node's `message` holds (flows keeps it opaque).

Email, one variant per language (keys are language codes, "de", "pt-BR"):

    {"default_language": "en",
     "variants": {"en": {"subject": "Your cart, {{ first_name|default:'there' }}",
                         "preheader": "Still thinking it over?",
                         "mjml": "<mj-section>...</mj-section>{% checkout_lines %}"},
                  "de": {...}}}

SMS: the same with {"text": "..."} as the variant. A single-language message may leave out
"variants" and "default_language": {"subject": ..., "mjml": ...} serves every language.

`mjml` is the body only (sections): the layout around it adds <mjml>, <mj-head> with the
preheader, and the footer with the unsubscribe and preferences links and the store's postal
address, so no marketing email can go out without them.

    content_read(content, channel) -> (Content, list[MessageIssue])
    language_key(code) -> str
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

EMAIL = "email"
SMS = "sms"
# field -> (required, maximum length of its template source)
FIELDS: dict[str, dict[str, tuple[bool, int]]] = {
    EMAIL: {"subject": (True, 1000), "preheader": (False, 1000), "mjml": (True, 200_000)},
    SMS: {"text": (True, 2000)},
}
ANY_LANGUAGE = ""  # the key of the one variant of a message without "variants"
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")


@dataclass(frozen=True)
class MessageIssue:
    """A problem with message content: `field` is a dotted path into the content
    ("variants.de.mjml"), `line` the 1-based line of that field's text when known."""

    field: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.field}, line {self.line}" if self.line else self.field
        return f"{where}: {self.message}"


class RenderError(Exception):
    """Content that cannot be rendered; at send time the message fails with str(error)."""

    def __init__(self, issues: Iterable[MessageIssue]) -> None:
        self.issues = list(issues)
        super().__init__("; ".join(str(issue) for issue in self.issues))


@dataclass(frozen=True)
class Content:
    default_language: str
    variants: dict[str, dict[str, str]] = field(default_factory=dict)
    prefix: str = "variants"  # how issue paths name a variant ("" for the single form)

    def path(self, language: str, name: str) -> str:
        return f"{self.prefix}.{language}.{name}" if self.prefix else name

    def choose(self, languages: Iterable[str]) -> str:
        """The variant for the first of `languages` that has one: exact ("de-at"), then
        its primary language ("de"); else the default language; else the first variant."""
        for code in languages:
            key = language_key(code)
            if not key:
                continue
            for candidate in (key, key.split("-")[0]):
                if candidate in self.variants:
                    return candidate
        if self.default_language in self.variants:
            return self.default_language
        return next(iter(self.variants))


def language_key(code: str | None) -> str:
    """A language code as variant keys hold it: "DE_AT", "de_at" and "de-AT" are "de-at"
    (Saleor sends LanguageCodeEnum names)."""
    return (code or "").strip().replace("_", "-").lower()


def content_read(content: Any, channel: str) -> tuple[Content, list[MessageIssue]]:
    """Parse content; every problem of shape becomes an issue (templates are not compiled
    here). The Content returned alongside issues must not be rendered."""
    issues: list[MessageIssue] = []
    if channel not in FIELDS:
        raise ValueError(f"unknown channel {channel!r}")
    if not isinstance(content, Mapping) or not content:
        issues.append(MessageIssue("", None, "the message has no content"))
        return Content(ANY_LANGUAGE), issues
    if "variants" not in content:
        single = {k: v for k, v in content.items() if k != "default_language"}
        variant = _variant(single, channel, "", issues)
        return Content(ANY_LANGUAGE, {ANY_LANGUAGE: variant}, prefix=""), issues
    for key in sorted(set(content) - {"variants", "default_language"}):
        issues.append(MessageIssue(str(key), None, "is not allowed here"))
    default = content.get("default_language")
    if not isinstance(default, str) or not _LANGUAGE.match(language_key(default)):
        issues.append(MessageIssue("default_language", None, "must be a language code"))
        default = ""
    raw = content["variants"]
    if not isinstance(raw, Mapping) or not raw:
        issues.append(MessageIssue("variants", None, "must map language codes to variants"))
        return Content(language_key(default)), issues
    variants: dict[str, dict[str, str]] = {}
    for code, value in raw.items():
        key = language_key(str(code))
        if not _LANGUAGE.match(key):
            issues.append(MessageIssue(f"variants.{code}", None, "is not a language code"))
        elif key in variants:
            issues.append(MessageIssue(f"variants.{code}", None, "repeats a language"))
        variants[key] = _variant(value, channel, f"variants.{code}.", issues)
    default = language_key(default)
    if default and default not in variants:
        issues.append(MessageIssue("default_language", None, "has no variant"))
    return Content(default, variants), issues


def _variant(value: Any, channel: str, prefix: str, issues: list[MessageIssue]) -> dict[str, str]:
    if not isinstance(value, Mapping):
        issues.append(MessageIssue(prefix.rstrip("."), None, "must be an object"))
        return {}
    fields = FIELDS[channel]
    for key in sorted(set(value) - set(fields), key=str):
        issues.append(MessageIssue(f"{prefix}{key}", None, "is not allowed here"))
    variant = {}
    for name, (required, limit) in fields.items():
        text = value.get(name)
        if text is None or text == "":
            if required:
                issues.append(MessageIssue(f"{prefix}{name}", None, "is required"))
            text = ""
        elif not isinstance(text, str):
            issues.append(MessageIssue(f"{prefix}{name}", None, "must be text"))
            text = ""
        elif len(text) > limit:
            issues.append(MessageIssue(f"{prefix}{name}", None, f"is over {limit} characters"))
        variant[name] = text
    return variant
