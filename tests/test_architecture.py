"""The shape of the code: small modules, and no module that imports itself round a loop.

Every import is counted, at the top of a module or inside a function: an import
inside a function hides a loop from Python, not from the reader.
"""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGES = ("soliday", "news", "actions")
MAX_LINES = 500


def project_modules():
    """{dotted name: path} of every Python module of ours, migrations aside."""
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imported_names(path, name):
    """The dotted names `path` (module `name`) imports, wherever the import stands.

    `from package import name` yields `package.name` and `package`: resolve() keeps the
    submodule when there is one, and the package only when `name` is defined in it.
    """
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = name.split(".")
                parent = parent[: len(parent) - node.level + (1 if is_package else 0)]
                base = ".".join([*parent, base] if base else parent)
            for alias in node.names:
                yield f"{base}.{alias.name}|{base}"


def resolve(dotted, modules):
    """The module of ours that `dotted` names (the longest known prefix), or None.

    "a.b|a" (from a import b) is a.b when that is a module, else a.
    """
    dotted, _bar, base = dotted.partition("|")
    if base and dotted not in modules:
        dotted = base
    parts = dotted.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def import_graph():
    modules = project_modules()
    graph = {}
    for name, path in modules.items():
        targets = {resolve(dotted, modules) for dotted in imported_names(path, name)}
        graph[name] = sorted(target for target in targets if target and target != name)
    return graph


def cycles(graph):
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_checker_finds_a_loop_and_ignores_a_chain():
    assert cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c"]]
    assert cycles({"a": ["b"], "b": ["c"], "c": []}) == []


def test_the_checker_reads_imports_inside_functions(tmp_path):
    module = tmp_path / "late.py"
    module.write_text("def f():\n    from actions import services\n")
    modules = {"actions.services": module, "actions.late": module}
    names = [resolve(dotted, modules) for dotted in imported_names(module, "actions.late")]
    assert names == ["actions.services"]


def test_no_module_imports_itself_round_a_loop():
    graph = import_graph()
    assert "actions.services.submission" in graph  # the walk found our modules
    assert cycles(graph) == []


def test_news_and_actions_do_not_import_each_other():
    graph = import_graph()
    for source, other in (("news", "actions"), ("actions", "news")):
        crossing = [
            (name, target)
            for name, targets in graph.items()
            if name.split(".")[0] == source
            for target in targets
            if target.split(".")[0] == other
        ]
        assert crossing == [], f"{source} imports {other}"


def test_services_never_import_the_tasks():
    graph = import_graph()
    services = {
        name: targets for name, targets in graph.items() if name.startswith("actions.services")
    }
    assert services
    assert all("actions.tasks" not in targets for targets in services.values())


def test_every_module_is_small():
    long = {
        name: lines
        for name, path in project_modules().items()
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}, f"over {MAX_LINES} lines: {long}"
