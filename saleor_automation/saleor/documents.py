"""The GraphQL documents the app sends to Saleor or subscribes with, read from `graphql/`.

Each document names its fragments by spread; `document()` appends the fragment definitions
it needs (transitively) from `graphql/saleor/fragments/`, so webhook payloads and API pages
select the same fields and parse with the same models.
"""

import re
from functools import cache
from pathlib import Path

_SPREAD = re.compile(r"\.\.\.\s*(?!on\b)([_A-Za-z][_0-9A-Za-z]*)")
_DEFINITION = re.compile(r"\bfragment\s+([_A-Za-z][_0-9A-Za-z]*)\s+on\b")


@cache
def documents_root() -> Path:
    """`graphql/` inside the installed package, or beside it in a source checkout."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "graphql", package.parent / "graphql"):
        if (candidate / "saleor").is_dir():
            return candidate
    raise FileNotFoundError("the graphql/ documents are missing from this installation")


def _strip_comments(text: str) -> str:
    return "\n".join(line.split("#", 1)[0].rstrip() for line in text.splitlines()).strip()


@cache
def _fragments() -> dict[str, str]:
    fragments: dict[str, str] = {}
    for path in sorted((documents_root() / "saleor" / "fragments").glob("*.graphql")):
        text = _strip_comments(path.read_text())
        starts = [m for m in _DEFINITION.finditer(text)]
        for i, match in enumerate(starts):
            end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
            fragments[match.group(1)] = text[match.start() : end].strip()
    return fragments


@cache
def document(name: str) -> str:
    """The full text of `graphql/saleor/<name>.graphql` with the fragments it spreads.

    `name` is e.g. "subscriptions/checkout-events" or "queries/app-identity".
    """
    text = _strip_comments((documents_root() / "saleor" / f"{name}.graphql").read_text())
    fragments = _fragments()
    defined = set(_DEFINITION.findall(text))
    needed: list[str] = []
    pending = list(_SPREAD.findall(text))
    while pending:
        fragment = pending.pop(0)
        if fragment in defined or fragment in needed:
            continue
        if fragment not in fragments:
            raise KeyError(f"{name}: fragment {fragment} is not defined in graphql/saleor/")
        needed.append(fragment)
        pending.extend(_SPREAD.findall(fragments[fragment]))
    return "\n\n".join([text, *(fragments[f] for f in needed)]) + "\n"


def all_documents() -> list[str]:
    """Names of every operation document (fragments excluded), for validation in tests."""
    root = documents_root() / "saleor"
    return sorted(
        str(path.relative_to(root).with_suffix(""))
        for path in root.glob("*/*.graphql")
        if path.parent.name != "fragments"
    )
