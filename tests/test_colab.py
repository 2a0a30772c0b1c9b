"""Every notebook runs in Colab: its first cell installs this package, and only there.

The first code cell of each notebook (including any added later: notebooks/*.ipynb) must
  * install inside an ``if "google.colab" in sys.modules:`` guard, and nowhere else;
  * install this package from the repository and branch the site is built from
    (``repository.url`` and ``repository.branch`` in _config.yml), so a reader in Colab
    runs the code the page shows;
  * keep Colab's own torch: torch is not named, nothing is upgraded or reinstalled, and
    the package asks only for a lower bound on torch that Colab's torch already meets,
    so pip's default "only-if-needed" strategy leaves it alone.
Every import in every code cell comes from the package, the standard library, or a
package that Colab preinstalls, so the one install above is all a reader needs.
"""
from __future__ import annotations

import ast
import shlex
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from IPython.core.inputtransformer2 import TransformerManager
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PACKAGE = "infogan_lite"

# Top-level modules a fresh Colab runtime imports without any install. Keep this list to
# packages Colab has shipped for years; a notebook needing anything else must get it from
# the package's dependencies (pyproject.toml), never from a second pip line.
COLAB_PREINSTALLED = {
    "torch", "torchvision", "numpy", "scipy", "matplotlib", "ipywidgets", "IPython",
    "tqdm", "sklearn", "pandas", "PIL",
    "google",  # google.colab itself
}
# Colab's runtime has carried torch 2.5 or newer since late 2024; a lower bound above this
# could make pip replace Colab's CUDA build of torch.
COLAB_TORCH_FLOOR = Version("2.5")
# pip options that would replace packages Colab already has.
REINSTALLING_OPTIONS = {"-U", "--upgrade", "--force-reinstall", "-I", "--ignore-installed",
                        "--upgrade-strategy"}


def _code_cells(nb_path: Path) -> list[str]:
    cells = nbformat.read(nb_path, as_version=4).cells
    return [c.source for c in cells if c.cell_type == "code"]


def _python(source: str) -> ast.Module:
    """The cell as plain Python: IPython turns `%pip ...` into run_line_magic('pip', ...)."""
    return ast.parse(TransformerManager().transform_cell(source))


def _pip_calls(tree: ast.AST) -> list[ast.Call]:
    """Every %pip / !pip call in the cell, as the run_line_magic/system call IPython makes."""
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            args = [a.value for a in node.args if isinstance(a, ast.Constant)]
            is_magic = node.func.attr == "run_line_magic" and args[:1] == ["pip"]
            is_shell = node.func.attr == "system" and any("pip" in str(a) for a in args)
            if is_magic or is_shell:
                calls.append(node)
    return calls


def _is_colab_guard(node: ast.AST) -> bool:
    """True for `if "google.colab" in sys.modules:`."""
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    test = node.test
    return (isinstance(test.left, ast.Constant) and test.left.value == "google.colab"
            and len(test.ops) == 1 and isinstance(test.ops[0], ast.In)
            and ast.unparse(test.comparators[0]) == "sys.modules")


def _pip_args(call: ast.Call) -> list[str]:
    line = call.args[-1].value
    words = shlex.split(line)
    return words[words.index("install") + 1:] if "install" in words else words


@pytest.fixture(scope="module")
def repository() -> tuple[str, str]:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]
    return repo["url"].rstrip("/"), repo["branch"]


def test_there_are_notebooks_to_check():
    assert NOTEBOOKS, "no notebooks/*.ipynb found"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_the_first_code_cell_installs_only_in_colab(nb):
    cells = _code_cells(nb)
    assert cells, f"{nb.name} has no code cell"
    first = _python(cells[0])
    guards = [node for node in ast.walk(first) if _is_colab_guard(node)]
    assert len(guards) == 1, f'{nb.name}: the first code cell needs one `if "google.colab" in sys.modules:`'
    inside = _pip_calls(ast.Module(body=guards[0].body, type_ignores=[]))
    assert len(inside) == 1, f"{nb.name}: the Colab guard must hold exactly one pip install"
    assert len(_pip_calls(first)) == 1, f"{nb.name}: a pip install sits outside the Colab guard"
    imports_sys = any(isinstance(n, ast.Import) and any(a.name == "sys" for a in n.names)
                      for n in first.body)
    assert imports_sys, f"{nb.name}: the guard reads sys.modules, so the cell must import sys"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_no_other_cell_installs_anything(nb):
    later = [i for i, src in enumerate(_code_cells(nb)[1:], start=2) if _pip_calls(_python(src))]
    assert not later, f"{nb.name}: code cells {later} call pip; only the first cell may install"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_colab_installs_this_package_from_the_published_branch(nb, repository):
    url, branch = repository
    (call,) = _pip_calls(_python(_code_cells(nb)[0]))
    args = _pip_args(call)
    targets = [a for a in args if not a.startswith("-")]
    assert len(targets) == 1, f"{nb.name}: pip should install one thing, the package, not {targets}"
    req = Requirement(targets[0])
    assert req.name == PACKAGE, f"{nb.name}: installs {req.name}, not {PACKAGE}"
    assert req.url == f"git+{url}@{branch}", (
        f"{nb.name}: installs from {req.url}, but the site is built from {url} at branch "
        f"{branch} (_config.yml); use git+{url}@{branch}")


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_colab_install_keeps_colabs_torch(nb):
    (call,) = _pip_calls(_python(_code_cells(nb)[0]))
    args = _pip_args(call)
    named = [a for a in args if not a.startswith("-") and Requirement(a).name.startswith("torch")]
    assert not named, f"{nb.name}: the Colab cell names {named}; Colab's own build must be kept"
    flags = {a.split("=")[0] for a in args if a.startswith("-")}
    assert not flags & REINSTALLING_OPTIONS, \
        f"{nb.name}: {sorted(flags & REINSTALLING_OPTIONS)} would replace Colab's packages"


def test_package_asks_only_for_a_torch_that_colab_already_has():
    """pip keeps an installed torch that meets the requirement, so the bound must be a low floor."""
    tomllib = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = {Requirement(r).name: Requirement(r) for r in project["dependencies"]}
    torch = reqs["torch"].specifier
    assert all(s.operator == ">=" for s in torch), \
        f"torch{torch}: only a lower bound keeps Colab's torch (no pin, no upper bound)"
    assert all(Version(s.version) <= COLAB_TORCH_FLOOR for s in torch), \
        f"torch{torch} asks for more than Colab's torch {COLAB_TORCH_FLOOR}; pip would replace it"
    assert all(s.operator == ">=" for s in reqs["torchvision"].specifier), \
        "torchvision must match Colab's torch: a lower bound only"


def _imported_modules(source: str) -> set[str]:
    modules = set()
    for node in ast.walk(_python(source)):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    return modules


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_every_import_is_available_in_colab_after_the_install(nb):
    allowed = {PACKAGE} | set(sys.stdlib_module_names) | COLAB_PREINSTALLED
    imported = set().union(*(_imported_modules(src) for src in _code_cells(nb)))
    foreign = sorted(imported - allowed)
    assert not foreign, (f"{nb.name} imports {foreign}, which neither Colab nor {PACKAGE} provides: "
                         "move that code into the package, or add the package to its dependencies")


def test_the_import_check_sees_magics_and_nested_imports():
    """The checks above parse IPython syntax; a cell with magics must not hide its imports."""
    cell = "%matplotlib inline\nif True:\n    from seaborn import heatmap\nimport os, torch.nn as nn"
    assert _imported_modules(cell) == {"seaborn", "os", "torch"}
    guarded = 'import sys\nif "google.colab" in sys.modules:\n    %pip install -q foo\n!pip install bar'
    tree = _python(guarded)
    assert len(_pip_calls(tree)) == 2 and sum(map(_is_colab_guard, ast.walk(tree))) == 1
