"""The house stays drawn: which part of Headway may import which (STYLE.md, "Our layout").

Read from the source (every import, top-level or inside a function), so it is fast and needs no
database:
- `core/` never imports Streamlit, `ui/`, `pages/` or the demo data in `seed/`;
- the base (`core.platform` and the tables in `core.models`) imports no domain;
- the packages of `core/` import each other in one direction only (no cycle between them), and
  no package imports the composition roots (`core.cli`, `core.jobs`, `core.access_matrix`);
- no cycle between modules anywhere in core, seed, ui and pages;
- each package's `__init__` says in its docstring what it offers, naming each of its modules;
- no module in `core/` is longer than about 500 lines (those still longer are listed, with
  the seam each is to be split along).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("core", "seed", "ui", "pages")
BASE = ("platform", "models")  # the plumbing and the tables: every domain may use them
ROOTS = ("core.cli", "core.jobs", "core.access_matrix", "core.__main__")  # wire everything
MAX_LINES = 530  # "about 500"
# Modules still longer, each with the seam it is to be split along (shrink this list, never grow).
LONGER: dict[str, str] = {}


def _module_name(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


@cache
def _modules() -> dict[str, Path]:
    found = {}
    for top in SCANNED:
        for path in (ROOT / top).rglob("*.py"):
            found[_module_name(path)] = path
    found["streamlit_app"] = ROOT / "streamlit_app.py"
    return found


def _imported_names(path: Path) -> set[str]:
    """Every dotted name imported by the file (for `from a import b`: a, and a.b)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@cache
def _graph() -> dict[str, frozenset[str]]:
    """module -> the modules of this project it imports (names resolved to their module)."""
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        targets = set()
        for imported in _imported_names(path):
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name and imported != "core":
                targets.add(imported)
        graph[name] = frozenset(targets)
    return graph


def _package(module: str) -> str:
    """The package of core a module belongs to (`core.quality.disputes` -> `quality`), the base
    for platform and models, or the module itself for core's loose modules."""
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and (ROOT / "core" / parts[1]).is_dir()):
        return "base" if parts[1] in BASE else parts[1]
    return module


def _cycles(graph: dict[str, Iterable[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(graph.get(start, ())))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _core_modules() -> list[str]:
    return sorted(m for m in _modules() if m == "core" or m.startswith("core."))


def test_core_never_imports_streamlit_ui_pages_or_the_demo_data() -> None:
    wrong = {
        module: sorted(
            n
            for n in _imported_names(_modules()[module])
            if n.split(".")[0] in {"streamlit", "ui", "pages", "seed", "streamlit_app"}
        )
        for module in _core_modules()
    }
    assert {m: names for m, names in wrong.items() if names} == {}


def test_the_base_imports_no_domain() -> None:
    graph = _graph()
    wrong = {
        module: sorted(t for t in graph[module] if t.startswith("core.") and _package(t) != "base")
        for module in _core_modules()
        if _package(module) == "base"
    }
    assert {m: targets for m, targets in wrong.items() if targets} == {}


def test_the_packages_of_core_import_each_other_in_one_direction_only() -> None:
    packages: dict[str, set[str]] = {}
    for module in _core_modules():
        for target in _graph()[module]:
            if target.startswith("core.") and _package(module) != _package(target):
                packages.setdefault(_package(module), set()).add(_package(target))
    assert _cycles(packages) == []


def test_nothing_imports_the_composition_roots_of_core() -> None:
    wrong = {
        module: sorted(t for t in targets if t in ROOTS)
        for module, targets in _graph().items()
        if module not in ROOTS and module.startswith("core")
    }
    assert {m: targets for m, targets in wrong.items() if targets} == {}


def test_no_two_modules_import_each_other_even_through_others() -> None:
    assert _cycles(dict(_graph())) == []


def test_each_package_of_core_says_what_it_offers_naming_each_of_its_modules() -> None:
    missing = {}
    for init in sorted((ROOT / "core").glob("*/__init__.py")):
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        modules = sorted(
            p.stem
            for p in init.parent.glob("*.py")
            if not p.stem.startswith("_") and init.parent.name != "models"
        )
        unnamed = [m for m in modules if f"`{m}`" not in docstring]
        if not docstring or unnamed:
            missing[init.parent.name] = unnamed or ["(no docstring)"]
    assert missing == {}


def test_no_module_in_core_is_longer_than_about_500_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / "core").rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        and _module_name(path) not in LONGER
    }
    assert long == {}


def test_the_checks_see_a_cycle_when_there_is_one() -> None:
    assert _cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c"]]
    assert _cycles({"a": ["b"], "b": []}) == []
    assert _package("core.quality.disputes") == "quality"
    assert _package("core.platform.db") == "base"
    assert _package("core.cli") == "core.cli"
