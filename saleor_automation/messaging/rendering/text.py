"""The plain-text part of an email, made from its HTML.

    html_to_text(html) -> str

Mail clients that show text (and spam filters that compare the parts) read it, so it keeps
what a reader needs: the words in reading order, a line per block, links as "text (url)".
It drops what is not shown: <head>, styles, Outlook's conditional comments, and hidden
elements such as the preheader (display:none), which the text part has no use for.
A stdlib parser rather than html2text: that one is GPL-licensed, and MJML's output is
regular enough.
"""

import re
from html.parser import HTMLParser

from .mjml import VOID_HTML

SKIPPED = frozenset({"head", "style", "script", "title"})
BLOCKS = frozenset(
    [
        "address",
        "article",
        "blockquote",
        "div",
        "dl",
        "dt",
        "dd",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "thead",
        "tr",
        "ul",
    ]
)
PARAGRAPHS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote"})
_LINE, _PARAGRAPH = "\x00", "\x01"  # block edges, until they are turned into line breaks
_BREAKS = re.compile(r"[ \t\u00a0]*[\x00\x01][\x00\x01\s\u00a0]*")
_HIDDEN = re.compile(r"display\s*:\s*none", re.I)
_SPACES = re.compile(r"[ \t\r\f\v]+")  # not \u00a0: "1.234,50 €" stays unbroken


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip: list[str] = []  # open tags whose content is not shown
        self.links: list[tuple[str, int]] = []  # (href, position in out) of open <a>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self.skip:
            if tag not in VOID_HTML:
                self.skip.append(tag)
            return
        if tag in SKIPPED or _HIDDEN.search(values.get("style") or ""):
            if tag not in VOID_HTML:
                self.skip.append(tag)
            return
        if tag == "br":
            self.out.append("\n")
        elif tag in BLOCKS:
            self.out.append(_PARAGRAPH if tag in PARAGRAPHS else _LINE)
        elif tag == "a":
            self.links.append((values.get("href") or "", len(self.out)))

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if self.skip[-1] == tag:
                self.skip.pop()
            return
        if tag in BLOCKS:
            self.out.append(_PARAGRAPH if tag in PARAGRAPHS else _LINE)
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            label = "".join(self.out[start:]).strip()
            # An image link has no words: its target shows wherever the text links it.
            if label and href.startswith(("http://", "https://", "mailto:")) and href != label:
                self.out.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    # MJML nests blocks deeply (tr > td > div): a run of block edges is one line break, or
    # an empty line when a paragraph-like block is among them.
    text = _BREAKS.sub(lambda run: "\n\n" if _PARAGRAPH in run[0] else "\n", "".join(parser.out))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))  # at most one empty line in a row
    return text.strip() + "\n"
