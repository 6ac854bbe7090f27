"""The house rules a machine can check: ruff clean, and imports that run one way (no cycles)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "parolekit"


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff") or shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:  # it is in the test extras: `pip install -e ".[test]"` installs it
        pytest.fail("ruff is not installed; run pip install -e '.[test]'")
    run = subprocess.run([ruff, "check", "--output-format", "concise", "src", "tests", "benchmarks",
                          "examples"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, top_level_only: bool = False) -> set[str]:
    """parolekit modules *path* imports, inside functions too (a late import hides a cycle; it
    does not remove one), or with *top_level_only* only those run when it is imported."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _module(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and getattr(node.test, "id", "") == "TYPE_CHECKING" for n in ast.walk(node)}
    for node in nodes:
        if id(node) in typing_only:  # `if TYPE_CHECKING:` imports never run
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("parolekit")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("parolekit"):
                continue
            found.add(target)
            for a in node.names:  # `from . import stamp` names a module
                if (PACKAGE.parent / (target.replace(".", "/") + "/" + a.name + ".py")).exists() or \
                        (PACKAGE.parent / (target.replace(".", "/") + "/" + a.name)).is_dir():
                    found.add(f"{target}.{a.name}")
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {t for t in imports(path) if t in modules and t != name} for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_module_imports_have_no_cycle():
    graph = _graph()
    # Packages import their own modules in __init__ only to re-export; a module importing its
    # package's __init__ is not a cycle of meaning.
    for name in graph:
        graph[name] = {t for t in graph[name] if not name.startswith(t + ".")}
    cycle = _cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_severity_is_decided_by_the_catalogue_alone():
    """No call site names a severity; the one override (build's lint-only dates) is in rules.engine."""
    import re

    from parolekit.errors import ProblemList

    found = []
    for path in PACKAGE.rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"\bseverity=(\"|')(warning|error)", line) and path.name not in ("catalogue.py",) \
                    and not (path.name == "engine.py" and "replace(p, severity=" in line):
                found.append(f"{path.relative_to(ROOT)}:{n}")
    assert not found, "severity named outside the catalogue: " + ", ".join(found)
    problems = ProblemList()
    problems.add(1, 1, "file-duplicate", "x")  # a warning in the catalogue
    problems.add(1, 1, "file-missing", "y")  # an error there
    assert [p.severity for p in problems.items] == ["warning", "error"]
