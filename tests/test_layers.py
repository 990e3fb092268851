"""The command line sits on top: no library imports the ``cli`` package or click."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIBRARIES = ("api", "graph", "loaders", "queries", "schema")
ABOVE_THE_LIBRARIES = ("cli", "click")


def imported(path: Path) -> set[str]:
    """Top-level package names ``path`` imports (absolute imports only; the project uses no relative ones)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", LIBRARIES)
def test_no_library_imports_the_command_line(package: str) -> None:
    offenders = {str(path.relative_to(ROOT)): sorted(imported(path) & set(ABOVE_THE_LIBRARIES))
                 for path in sorted((ROOT / package).rglob("*.py"))}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_check_sees_imports() -> None:
    assert {"cli", "graph"} <= imported(ROOT / "cli" / "main.py")
