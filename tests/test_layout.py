"""The package's layout rules: a small core, the chapters' companions apart, no cycles.

The core is every module at the top of infogan_lite/; the companions are infogan_lite/book/.
The command line (__main__) is the one front door to both: it imports a companion only
inside the subcommand that needs it (report, bench), which the tests below check by running it.
"""
import ast
import re
import subprocess
import sys
from pathlib import Path

import infogan_lite

PKG = Path(infogan_lite.__file__).parent
CORE = sorted(p for p in PKG.glob("*.py") if p.name != "__main__.py")
CLI_COMMANDS_WITH_COMPANIONS = {"report": {"book.report"}, "bench": {"book.bench"}}
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


def test_the_cli_imports_a_companion_only_inside_the_commands_that_need_one():
    """__main__ may name a companion only in a function body reached by report or bench."""
    found = {m for m in imported_modules(PKG / "__main__.py") if m.startswith("book")}
    assert found <= set().union(*CLI_COMMANDS_WITH_COMPANIONS.values()), found
    top = ast.parse((PKG / "__main__.py").read_text()).body   # the module's own top level
    assert not [n for n in top if isinstance(n, ast.ImportFrom) and n.level], \
        "__main__ imports the package at its top: --version and help would load torch"


def _modules_after(argv: list[str], tmp_path) -> list[str]:
    """The infogan_lite modules loaded in a fresh process by importing the CLI and running it."""
    code = ("import sys\nfrom infogan_lite.__main__ import main\n"
            f"code = main({argv!r})\n"
            "print(sorted(m for m in sys.modules if m.startswith('infogan_lite')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=PKG.parent, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return eval(proc.stdout.strip().splitlines()[-1])


def test_training_from_the_cli_loads_no_companion_module(tmp_path):
    """`python -m infogan_lite train --steps 1 ...`: the core alone."""
    loaded = _modules_after(["train", "--dataset", "toy", "--arch-name", "tiny", "--steps", "1",
                             "--batch-size", "8", "--eval-every", "0", "--device", "cpu",
                             "--no-progress", "--out-dir", str(tmp_path / "run")], tmp_path)
    assert "infogan_lite.train" in loaded                   # it did train
    assert not [m for m in loaded if m.startswith("infogan_lite.book")], loaded


def test_the_boundary_check_sees_a_companion_when_one_is_loaded(tmp_path):
    """The check above is not vacuous: `bench --help` loads the benchmark's companion."""
    proc = subprocess.run([sys.executable, "-c", "import sys\nfrom infogan_lite.__main__ import main\n"
                           "try:\n    main(['bench', '--help'])\nexcept SystemExit:\n    pass\n"
                           "print('infogan_lite.book.bench' in sys.modules)"],
                          capture_output=True, text=True, cwd=PKG.parent, timeout=120)
    assert proc.stdout.strip().splitlines()[-1] == "True", proc.stderr[-2000:]


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
