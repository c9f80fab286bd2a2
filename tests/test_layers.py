"""One direction of dependency: api -> flows/contacts/stats -> messaging -> saleor.

Nothing below imports what is above (ARCHITECTURE.md). Checked on the source's imports,
module-level and local alike.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "saleor_automation"

# layer -> the layers it must never import
FORBIDDEN = {
    "saleor": {"messaging", "contacts", "flows", "stats", "api"},
    "messaging": {"contacts", "flows", "stats", "api"},
    "contacts": {"flows", "stats", "api"},
    "flows": {"stats", "api"},
    "stats": {"api"},
}


def _imported_layers(path: Path) -> set[str]:
    module = path.relative_to(PACKAGE.parent).with_suffix("").parts
    layers = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = list(module[: len(module) - node.level])
                target = [*base, *(node.module.split(".") if node.module else [])]
            else:
                target = (node.module or "").split(".")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "saleor_automation" and len(parts) > 1:
                    layers.add(parts[1])
            continue
        else:
            continue
        if target[:1] == ["saleor_automation"] and len(target) > 1:
            layers.add(target[1])
    return layers


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_layer_imports_one_above_it(layer):
    offences = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        bad = _imported_layers(path) & FORBIDDEN[layer]
        if bad:
            offences.append(f"{path.relative_to(PACKAGE)} imports {sorted(bad)}")
    assert not offences, "\n".join(offences)
