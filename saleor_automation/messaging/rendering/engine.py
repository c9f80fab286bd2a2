"""The template language of message content: Django's, run as standalone engines.

Why Django's and not Jinja2's sandbox: Django's language cannot call methods with arguments
or reach attributes starting with "_", so with a context of plain dicts, lists and strings
(context.py builds nothing else) there is nothing to escape from; it reports the line of a
syntax or render error when `debug` is on; and it needs no other dependency. What it would
still allow is taken away in library.py: the engines' only builtins are a reduced copy of
Django's tags and filters (no {% load %}, {% include %}, {% debug %}, {% autoescape %},
|safe...) plus the email blocks, and they load files from the email templates folder alone.

Two engines: HTML escapes every value (the MJML body); TEXT does not (subject, preheader and
SMS are plain text, where "&amp;" would be wrong and no markup can be injected).

    template_compile(source, *, html, field) -> Template
    template_render(template, data, *, field) -> str
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.template import Context, Engine, Template, TemplateSyntaxError

from .content import MessageIssue, RenderError

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates" / "saleor_automation" / "email"


class _ContentEngine(Engine):
    # Replaces Django's builtins instead of adding to them (Engine(builtins=...) adds).
    default_builtins = ["saleor_automation.messaging.rendering.library"]


def _engine(*, autoescape: bool) -> Engine:
    return _ContentEngine(
        dirs=[str(TEMPLATES_DIR)],
        app_dirs=False,
        debug=True,  # errors carry template_debug, with the line
        libraries={},
        autoescape=autoescape,
        string_if_invalid="",
    )


HTML = _engine(autoescape=True)
TEXT = _engine(autoescape=False)


def _line(exc: BaseException) -> int | None:
    info = getattr(exc, "template_debug", None)
    if not info:
        return None
    # An error inside a block's own template is reported at no line of the content.
    if info.get("name") not in (None, "<unknown source>"):
        return None
    return info.get("line")


def _message(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else ""
    if isinstance(exc, TemplateSyntaxError):
        return text  # Django's own sentences ("Invalid filter: 'safe'")
    # A filter failing on a value says little alone ("KeyError: 0").
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def template_compile(source: str, *, html: bool, field: str) -> Template:
    """Compile content source; raises RenderError with the line of a syntax error."""
    try:
        return (HTML if html else TEXT).from_string(source)
    except TemplateSyntaxError as exc:
        raise RenderError([MessageIssue(field, _line(exc), _message(exc))]) from exc


def template_render(template: Template, data: Mapping[str, Any], *, field: str) -> str:
    """Render with `data` as the whole context; any error becomes a RenderError."""
    try:
        return template.render(Context(dict(data), autoescape=template.engine.autoescape))
    except RenderError:
        raise
    except Exception as exc:  # a filter or tag failing on the data: reported, never raised
        raise RenderError([MessageIssue(field, _line(exc), _message(exc))]) from exc
