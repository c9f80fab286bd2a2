"""README.md's Configuration table names every environment variable settings.py reads, and
nothing else."""

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SETTINGS = REPO / "saleor_automation" / "settings.py"
README = REPO / "README.md"


def _is_os_environ(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def variables_read(source: str) -> set[str]:
    """Names in os.environ.get/[]/os.getenv and in the env_* helpers of settings.py."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        key = None
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            environ_get = isinstance(func, ast.Attribute) and (
                (func.attr == "get" and _is_os_environ(func.value)) or func.attr == "getenv"
            )
            if environ_get or (isinstance(func, ast.Name) and func.id.startswith("env_")):
                key = node.args[0]
        elif isinstance(node, ast.Subscript) and _is_os_environ(node.value):
            key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            names.add(key.value)
    return names


def documented(readme: str) -> set[str]:
    match = re.search(r"^## Configuration\n(.*?)(?=^## |\Z)", readme, re.S | re.M)
    assert match, "README.md has no '## Configuration' section"
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", match.group(1), re.M))


def test_the_parser_sees_every_form() -> None:
    source = (
        "import os\n"
        'A = os.environ.get("A", "x")\n'
        'B = os.environ["B"]\n'
        'C = env_bool("C", False)\n'
        'D = env_list("D")\n'
        'E = os.getenv("E")\n'
        "F = os.environ.get(name)\n"
    )
    assert variables_read(source) == {"A", "B", "C", "D", "E"}


def test_readme_configuration_table_matches_settings() -> None:
    read = variables_read(SETTINGS.read_text())
    table = documented(README.read_text())
    assert "DATABASE_URL" in read
    assert not sorted(read - table), f"read in settings.py, missing from README.md: {read - table}"
    assert not sorted(table - read), f"in README.md, not read in settings.py: {table - read}"
