"""The package's layout rules: a small core, the chapters' companions apart, no cycles.

The core is every module at the top of infogan_lite/; the companions are infogan_lite/book/.
The command line (__main__) is the one front door to both: it imports a companion only
inside the subcommand that needs it (report, bench).
"""
import ast
import re
from pathlib import Path

import infogan_lite

PKG = Path(infogan_lite.__file__).parent
CORE = sorted(p for p in PKG.glob("*.py") if p.name != "__main__.py")
COMPANIONS = sorted((PKG / "book").glob("*.py"))


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, anywhere in the file (lazy imports included), as a dotted
    name inside infogan_lite ('book.report', 'train'); outside imports are left out."""
    inside_book = path.parent.name == "book"
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if (node.module or "").startswith("infogan_lite"):
                    found.add(node.module.removeprefix("infogan_lite").lstrip("."))
                continue
            base = ["book"] if inside_book else []
            base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
            parts = base + (node.module.split(".") if node.module else [])
            names = [a.name for a in node.names] if not node.module else [""]
            for name in names:
                found.add(".".join([*parts, name]).strip("."))
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("infogan_lite").lstrip(".") for a in node.names
                      if a.name.startswith("infogan_lite")}
    return found


def test_the_core_never_imports_the_chapters_companions():
    offenders = {p.name: sorted(m for m in imported_modules(p) if m == "book" or m.startswith("book."))
                 for p in CORE}
    assert not {k: v for k, v in offenders.items() if v}, offenders


def test_every_companion_names_the_chapter_it_serves():
    for path in COMPANIONS:
        if path.name == "__init__.py":
            continue
        doc = ast.get_docstring(ast.parse(path.read_text())) or ""
        first = doc.split("\n\n")[0]
        assert re.search(r"\b(chapters?( \d+)?|ch\. \d+|appendix [A-Z])\b", first, re.I), path.name


def test_the_core_modules_import_each_other_without_a_cycle():
    graph = {p.stem: {m for m in imported_modules(p) if "." not in m and m != "book"} for p in CORE}
    graph.pop("__init__")
    seen, done = set(), set()

    def visit(node, path):
        assert node not in path, f"import cycle: {' -> '.join([*path, node])}"
        if node in done:
            return
        for nxt in sorted(graph.get(node, ())):
            visit(nxt, [*path, node])
        done.add(node)

    for module in sorted(graph):
        visit(module, [])


def test_the_layout_rule_sees_a_violation_when_there_is_one(tmp_path):
    """The checker above is not vacuous: a core module with a lazy companion import is found."""
    fake = tmp_path / "train.py"
    fake.write_text("def f():\n    from .book.report import report_run\n    from . import losses\n")
    assert imported_modules(fake) == {"book.report", "losses"}
    companion = tmp_path / "book" / "x.py"
    companion.parent.mkdir()
    companion.write_text("from ..train import train_step\nfrom .report import load_reports\n")
    assert imported_modules(companion) == {"train", "book.report"}
