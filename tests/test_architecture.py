"""The hexagon's rule: the domain imports nothing of ours from outside it, nor any framework."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src"
FORBIDDEN_IN_DOMAIN = ("adapters", "api", "litestar", "sqlalchemy", "msgspec", "alembic")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted((SRC / "domain").rglob("*.py")), ids=lambda p: p.name)
def test_domain_imports_only_the_standard_library_and_itself(path: Path) -> None:
    bad = {name for name in imported_modules(path) if name.split(".")[0] in FORBIDDEN_IN_DOMAIN}
    assert bad == set(), f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", sorted((SRC / "adapters").rglob("*.py")), ids=lambda p: p.name)
def test_adapters_never_import_the_api(path: Path) -> None:
    assert not {n for n in imported_modules(path) if n.split(".")[0] == "api"}
