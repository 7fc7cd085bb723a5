"""The dependency rule of DESIGN §2, checked on the source: floors, bottom to top, are
portal < prevention < requests_app < ratsportal. A module imports only its own floor or lower
ones, wherever the import stands (a function-level import counts too), and no two modules
import each other, directly or round a longer cycle."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOORS = {"portal": 0, "prevention": 1, "requests_app": 2, "ratsportal": 3}


def _modules() -> dict[str, Path]:
    found = {}
    for package in FLOORS:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue  # historical states: they name whatever existed when written
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imports(module: str, path: Path, known: set[str]) -> set[str]:
    """The project modules `module` imports (a `from package import name` of a submodule
    counts as that submodule)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in names if name in known and name != module}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {module: _imports(module, path, known) for module, path in modules.items()}


def test_no_module_imports_a_floor_above_its_own():
    upward = [
        f"{module} imports {target}"
        for module, targets in _graph().items()
        for target in targets
        if FLOORS[target.split(".")[0]] > FLOORS[module.split(".")[0]]
    ]
    assert not upward, "Imports against DESIGN §2:\n" + "\n".join(sorted(upward))


def test_no_import_cycles():
    graph = _graph()
    cycles, state = [], {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph[module]):
            # a package's __init__ importing its own submodules is not a cycle of design
            if target.startswith(module + ".") or module.startswith(target + "."):
                continue
            if state.get(target) == "open":
                cycles.append(" -> ".join([*trail[trail.index(target) :], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, "Import cycles:\n" + "\n".join(cycles)


def test_the_check_sees_an_upward_import(tmp_path):
    """The checker itself: an import from portal into an app is found."""
    path = tmp_path / "models.py"
    path.write_text("def f():\n    from requests_app.models import Motion\n")
    assert _imports("portal.models", path, {"requests_app.models"}) == {"requests_app.models"}


def test_no_module_passes_600_lines():
    """CONVENTIONS: a module past about 600 lines is split by topic."""
    long = [
        f"{module}: {lines} lines"
        for module, path in _modules().items()
        if (lines := len(path.read_text().splitlines())) > 600
    ]
    assert not long, "Split by topic:\n" + "\n".join(long)
