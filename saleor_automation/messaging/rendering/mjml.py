"""MJML to responsive HTML with MRML (mjml-python: Rust, no Node at run time), and the
structure checks that report a content mistake at the line where it is.

    mjml_compile(source, *, field) -> str
    mjml_check(source, *, field) -> list[MessageIssue]

MRML names no position for many mistakes (an unclosed tag only says "unexpected end of
stream"), so `mjml_check` first walks the body's tags itself, then compiles it with the
template tags blanked out (offsets kept) and maps MRML's byte positions back to lines.
"""

import re
from html.parser import HTMLParser

import mjml

from .content import MessageIssue, RenderError
from .library import BLOCK_TAGS

# Tags of MJML's body (mj-include is refused: content loads no files).
BODY_ELEMENTS = frozenset(
    [
        "mj-accordion",
        "mj-accordion-element",
        "mj-accordion-text",
        "mj-accordion-title",
        "mj-button",
        "mj-carousel",
        "mj-carousel-image",
        "mj-column",
        "mj-divider",
        "mj-group",
        "mj-hero",
        "mj-image",
        "mj-navbar",
        "mj-navbar-link",
        "mj-raw",
        "mj-section",
        "mj-social",
        "mj-social-element",
        "mj-spacer",
        "mj-table",
        "mj-text",
        "mj-wrapper",
    ]
)
# Where each element may stand ("" is the body itself); MRML renders a misplaced one without
# a word, and the email comes out broken. mj-raw goes anywhere.
_CONTENT_PARENTS = frozenset({"mj-column", "mj-hero"})
PARENTS: dict[str, frozenset[str]] = {
    "mj-wrapper": frozenset({""}),
    "mj-section": frozenset({"", "mj-wrapper"}),
    "mj-hero": frozenset({"", "mj-wrapper"}),
    "mj-group": frozenset({"mj-section"}),
    "mj-column": frozenset({"mj-section", "mj-group"}),
    "mj-social-element": frozenset({"mj-social"}),
    "mj-navbar-link": frozenset({"mj-navbar"}),
    "mj-accordion-element": frozenset({"mj-accordion"}),
    "mj-accordion-title": frozenset({"mj-accordion-element"}),
    "mj-accordion-text": frozenset({"mj-accordion-element"}),
    "mj-carousel-image": frozenset({"mj-carousel"}),
    **{
        name: _CONTENT_PARENTS
        for name in [
            "mj-accordion",
            "mj-button",
            "mj-carousel",
            "mj-divider",
            "mj-image",
            "mj-navbar",
            "mj-social",
            "mj-spacer",
            "mj-table",
            "mj-text",
        ]
    },
}
# Where a block tag (a whole mj-section) may stand.
BLOCK_PARENTS = PARENTS["mj-section"]
VOID_HTML = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
_TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)
_BLOCK_TAG = re.compile(r"\{%\s*(" + "|".join(BLOCK_TAGS) + r")\b.*?%\}", re.S)
_POSITION = re.compile(r"at position (\d+):(\d+)")
_STRAY_LT = re.compile(r"<(?![A-Za-z/!?])")
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
_UNQUOTED = re.compile(r"""=\s*[^\s"'>/]""")
_BLOCK_MARK = "sa-block"
_PREFIX = "<mjml><mj-body>"


def _to_html(document: str) -> str:
    """mjml-python's mjml2html, with its parser's panics as the ValueError of any refusal:
    the Rust code panics on some inputs (a char boundary inside a non-BMP character, found
    by fuzzing), and the PanicException it raises is a BaseException, which would pass
    every `except Exception` up to the worker or the request."""
    try:
        return mjml.mjml2html(document, disable_comments=True)
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":
            raise
        raise ValueError(f"the MJML parser could not read this text ({exc})") from None


def mjml_compile(source: str, *, field: str) -> str:
    """A complete MJML document to HTML; raises RenderError."""
    try:
        return _to_html(source)
    except ValueError as exc:
        raise RenderError([MessageIssue(field, None, f"MJML: {exc}")]) from exc


def _blank(source: str) -> str:
    """Template tags replaced by spaces (newlines kept, so offsets and lines stay); a block
    tag by a self-closing <sa-block/> of the same length, so its place can be checked."""

    def block(match: re.Match[str]) -> str:
        text = match[0]
        mark = f"<{_BLOCK_MARK}" + " " * max(0, len(text) - len(_BLOCK_MARK) - 3) + "/>"
        return mark if len(mark) == len(text) else " " * len(text)

    def spaces(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match[0])

    return _TEMPLATE_TAG.sub(spaces, _BLOCK_TAG.sub(block, source))


class _Walker(HTMLParser):
    def __init__(self, field: str) -> None:
        # Entities stay out of the text, or "&lt;" would read as the "<" MRML refuses.
        super().__init__(convert_charrefs=False)
        self.field = field
        self.stack: list[tuple[str, int]] = []
        self.issues: list[MessageIssue] = []

    def issue(self, line: int | None, message: str) -> None:
        self.issues.append(MessageIssue(self.field, line, message))

    def _open(self, tag: str, closed: bool) -> None:
        line = self.getpos()[0]
        text = self.get_starttag_text() or ""
        if _UNQUOTED.search(_QUOTED.sub('""', text)):
            self.issue(line, f"<{tag}>: put attribute values in quotes")
        parent = next((name for name, _ in reversed(self.stack) if name.startswith("mj-")), "")
        if tag == _BLOCK_MARK:
            if parent not in BLOCK_PARENTS:
                self.issue(line, f"a block tag makes a whole section: move it out of <{parent}>")
            return
        if tag in ("mjml", "mj-body", "mj-head"):
            self.issue(line, f"<{tag}>: give the body's sections only, the layout adds <{tag}>")
        elif tag.startswith("mj-") and tag not in BODY_ELEMENTS:
            what = "files cannot be included" if tag == "mj-include" else "unknown MJML element"
            self.issue(line, f"<{tag}>: {what}")
        elif tag in PARENTS and parent not in PARENTS[tag]:
            where = f"inside <{parent}>" if parent else "directly in the body"
            inside = " or ".join(
                f"<{name}>" if name else "the body" for name in sorted(PARENTS[tag])
            )
            self.issue(line, f"<{tag}> cannot stand {where}: put it in {inside}")
        if not closed and tag not in VOID_HTML:
            self.stack.append((tag, line))

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._open(tag, closed=False)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self._open(tag, closed=True)

    def handle_endtag(self, tag: str) -> None:
        line = self.getpos()[0]
        if tag in VOID_HTML:
            return
        if not any(name == tag for name, _ in self.stack):
            self.issue(line, f"</{tag}> closes nothing")
            return
        while self.stack:
            name, opened = self.stack.pop()
            if name == tag:
                return
            self.issue(opened, f"<{name}> is not closed before </{tag}> on line {line}")

    def handle_data(self, data: str) -> None:
        # HTMLParser passes a lone "<" as text; MRML refuses it (write &lt;).
        match = _STRAY_LT.search(data)
        if match:
            self.issue(self.getpos()[0] + data[: match.start()].count("\n"), "write < as &lt;")

    def close(self) -> None:
        super().close()
        for name, opened in self.stack:
            self.issue(opened, f"<{name}> is never closed")


def mjml_check(source: str, *, field: str) -> list[MessageIssue]:
    """Problems of an MJML body (content's `mjml`), each with its line."""
    blanked = _blank(source)
    walker = _Walker(field)
    walker.feed(blanked)
    walker.close()
    if walker.issues:
        return walker.issues
    document = f"{_PREFIX}{blanked.replace(f'<{_BLOCK_MARK}', '<mj-raw  ')}</mj-body></mjml>"
    try:
        _to_html(document)
    except ValueError as exc:
        return [MessageIssue(field, _mrml_line(str(exc), blanked), f"MJML: {_plain(exc)}")]
    return []


def _plain(exc: ValueError) -> str:
    return _POSITION.sub("", str(exc)).replace(" in root template", "").strip()


def _mrml_line(message: str, body: str) -> int | None:
    """MRML's byte offset in the checked document, as a line of the body."""
    match = _POSITION.search(message)
    if not match:
        return None
    offset = int(match.group(1)) - len(_PREFIX.encode())
    if offset < 0:
        return 1
    return body.encode()[:offset].count(b"\n") + 1
