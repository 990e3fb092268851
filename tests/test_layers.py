"""The packages are layered as the data flows (docs/architecture.md); an import against the flow fails here.

    workbooks → loaders ─┐
                         ├─► graph ─► Neo4j          schema: the domain, under everything
    cli ─► api ─► queries┘

``schema`` imports no other package of the project (keys and settings are passed in); ``graph`` only the
domain; ``loaders`` and ``queries`` sit side by side on ``graph``; ``api`` reads through ``queries`` and
``graph`` and never the loaders; the command line sits on top, and no library imports it or click.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("api", "cli", "graph", "loaders", "queries", "schema")

# What each package may import of the others; anything else of PACKAGES (or click) is against the flow.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "schema": frozenset(),
    "graph": frozenset({"schema"}),
    "loaders": frozenset({"graph", "schema"}),
    "queries": frozenset({"graph", "schema"}),
    "api": frozenset({"graph", "queries", "schema"}),
    "cli": frozenset({"api", "graph", "loaders", "queries", "schema"}),
}
ONLY_THE_COMMAND_LINE = frozenset({"click"})


def imported(path: Path) -> set[str]:
    """Top-level package names ``path`` imports, at the top or inside a function (absolute imports only; the
    project uses no relative ones)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def against_the_flow(package: str, root: Path = ROOT) -> dict[str, list[str]]:
    """Each module of ``package`` under ``root`` with the packages it imports but may not."""
    forbidden = set(PACKAGES) - MAY_IMPORT[package] - {package}
    if package != "cli":
        forbidden |= ONLY_THE_COMMAND_LINE
    found = {path.relative_to(root).as_posix(): sorted(imported(path) & forbidden)
             for path in sorted((root / package).rglob("*.py"))}
    return {path: names for path, names in found.items() if names}


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_follow_the_data_flow(package: str) -> None:
    assert against_the_flow(package) == {}


def test_every_package_has_its_rule() -> None:
    on_disk = {path.parent.name for path in ROOT.glob("*/__init__.py")} - {"tests"}
    assert on_disk == set(PACKAGES)


def test_the_check_sees_imports() -> None:
    assert {"cli", "graph"} <= imported(ROOT / "cli" / "main.py")
    # graph/migrations.py imports the domain inside a function: still an import.
    assert "schema" in imported(ROOT / "graph" / "migrations.py")


def test_the_check_refuses_an_import_against_the_flow(tmp_path: Path) -> None:
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "sensitive.py").write_text(
        "def key() -> str:\n    from graph.secrets import read_or_create\n    return read_or_create.__name__\n",
        encoding="utf-8")
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "identity.py").write_text("import loaders.values\nimport click\n", encoding="utf-8")
    assert against_the_flow("schema", tmp_path) == {"schema/sensitive.py": ["graph"]}
    assert against_the_flow("queries", tmp_path) == {"queries/identity.py": ["click", "loaders"]}
