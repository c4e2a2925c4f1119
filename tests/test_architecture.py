"""The layering the README's folder map draws: models/ understands text, pipeline/ moves it.

Imports are read from the source with ``ast`` (imports inside functions count),
so the test needs nothing but the files.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("models", "pipeline")

#: What models/ may never import: orchestration, CLI, terminal, network, locks,
#: process and C plumbing, parallel runners, and Parquet dataset I/O.
FORBIDDEN_IN_MODELS = ("pipeline", "prefect", "prefect_dask", "click", "rich", "httpx", "fcntl", "ctypes", "dask",
                       "distributed", "duckdb", "pyarrow.parquet", "pyarrow.dataset", "subprocess", "socket")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(dotted: str) -> bool:
    base = ROOT.joinpath(*dotted.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth of its code, as absolute dotted names.

    ``from pkg import mod`` counts as importing ``pkg.mod`` (a child's import of its own
    package is implicit, not an edge); ``from mod import name`` as importing ``mod``.
    """
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            submodules = {f"{mod}.{alias.name}" for alias in node.names if _is_module(f"{mod}.{alias.name}")}
            out.update(submodules or {mod})
    return out


def _graph() -> dict[str, set[str]]:
    files = [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]
    modules = {_module_name(p): p for p in files}
    graph = {}
    for name, path in modules.items():
        graph[name] = {m for m in _imports(path) if m in modules and m != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def forbidden_imports() -> list[str]:
    bad = []
    for path in sorted((ROOT / "models").rglob("*.py")):
        for mod in sorted(_imports(path)):
            if any(mod == f or mod.startswith(f + ".") for f in FORBIDDEN_IN_MODELS):
                bad.append(f"{_module_name(path)} imports {mod}")
    return bad


def test_models_import_nothing_that_moves_data():
    assert forbidden_imports() == []


def test_no_import_cycles():
    assert _cycles(_graph()) == []


def test_only_flow_modules_import_prefect():
    flows = {"pipeline.flows", "pipeline.tasks", "pipeline.serve_flow", "pipeline.reprocess", "pipeline.server"}
    users = {name for name, path in ((_module_name(p), p) for p in (ROOT / "pipeline").rglob("*.py"))
             if any(m == "prefect" or m.startswith(("prefect.", "prefect_dask")) for m in _imports(path))}
    assert users <= flows, users - flows


@pytest.mark.parametrize("source,expected", [
    ("from pipeline.store import x", "models.bad imports pipeline.store"),
    ("def f():\n    import httpx", "models.bad imports httpx"),
    ("import pyarrow.dataset as ds", "models.bad imports pyarrow.dataset"),
])
def test_the_check_can_fail(tmp_path, monkeypatch, source, expected):
    pkg = tmp_path / "models"
    pkg.mkdir()
    (pkg / "bad.py").write_text(source, encoding="utf-8")
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    assert forbidden_imports() == [expected]


def test_the_cycle_check_can_fail():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
