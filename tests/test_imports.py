"""kgan's import structure, read from the source: no cycles between kgan's packages, and no private
names imported from another package."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def modules() -> dict[str, Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(path: Path, known: dict) -> list[tuple[str, str]]:
    """``(module imported, name)`` for every kgan import in the file, at any depth (lazy imports
    inside functions are dependencies too)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out += [(a.name, "") for a in node.names if a.name.split(".")[0] in ("kgan", "kgan_cli")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and node.module.split(".")[0] in ("kgan", "kgan_cli"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                out.append((full, "") if full in known else (node.module, alias.name))
    return out


def owner(module: str) -> str:
    """The package a module belongs to: ``kgan.models.gan_model`` -> ``kgan.models``; top-level
    modules (``kgan.runs``) are their own; ``kgan`` itself is the package that imports them all."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "kgan" and len(parts) > 1 else parts[0]


def package_graph() -> dict[str, set[str]]:
    known = modules()
    graph: dict[str, set[str]] = {}
    for module, path in known.items():
        for target, _ in imports(path, known):
            a, b = owner(module), owner(target)
            if a != b:
                graph.setdefault(a, set()).add(b)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(node, path):
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt] if nxt in path else [node, nxt]
            if nxt not in state:
                found = visit(nxt, path + [nxt])
                if found:
                    return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_the_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}}) is None


def test_no_import_cycles_between_kgans_packages():
    graph = package_graph()
    assert "kgan.models" in graph and "kgan.losses" in graph["kgan.models"]  # the graph is real
    assert find_cycle(graph) is None


def test_no_private_names_imported_from_another_package():
    known = modules()
    crossing = [
        f"{module} imports {name} from {target}"
        for module, path in known.items()
        for target, name in imports(path, known)
        if owner(target) != owner(module) and (_private(name) or any(_private(p) for p in target.split(".")))
    ]
    assert not crossing
