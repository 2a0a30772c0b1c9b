"""The runtime table is generated, and true to the runs the book shows.

tools/runtimes.py reads each notebook's stored execution timestamps (first cell's start to
last cell's end) into book/runtimes.json and writes book/runtimes_table.md from it; the
reproducibility page includes that table. These tests fail when a notebook has no row, a
row's time is not its notebook's stored run, or the table is not the one the file makes.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scripts import tool

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def runtimes():
    return tool("runtimes")


def _cell(start: str, end: str) -> dict:
    return {"cell_type": "code", "source": "", "outputs": [], "execution_count": 1,
            "metadata": {"execution": {"iopub.execute_input": start, "shell.execute_reply": end}}}


def _notebook(path: Path, cells: list[dict]) -> None:
    path.write_text(json.dumps({"cells": [{"cell_type": "markdown", "source": "# x", "metadata": {}}, *cells],
                                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


def test_the_table_the_file_and_the_notebooks_agree(runtimes):
    assert runtimes.problems() == [], "run: python3 tools/runtimes.py --update"


def test_the_page_includes_the_generated_table():
    page = (ROOT / "book" / "reproducibility.md").read_text()
    section = page.split("(sec-runtimes)=", 1)[1].split("### Training runs", 1)[0]
    assert "```{include} runtimes_table.md\n```" in section
    assert "| 6. {doc}`The library" not in section, "the chapters' rows come from the include only"


def test_a_run_lasts_from_the_first_cells_start_to_the_last_cells_end(runtimes, tmp_path):
    path = tmp_path / "x.ipynb"
    _notebook(path, [_cell("2026-12-02T10:00:00.5Z", "2026-12-02T10:00:02Z"),
                     _cell("2026-12-02T10:00:02Z", "2026-12-02T10:06:19.2Z")])
    assert runtimes.measure(path) == {"seconds": 378.7, "started": "2026-12-02T10:00:00.5Z", "cells": 2}
    _notebook(path, [_cell("2026-12-02T10:00:00Z", "2026-12-02T10:00:01Z"),
                     {"cell_type": "code", "source": "", "outputs": [], "metadata": {}, "execution_count": None}])
    assert runtimes.measure(path) is None, "a notebook without every timestamp is not measured"


def test_times_read_as_the_page_writes_them(runtimes):
    assert runtimes.duration(5.6) == "6 s"
    assert runtimes.duration(26.1, "loaded") == "26 s (loaded)"
    assert runtimes.duration(378.7, "training") == "6.3 min (379 s; training)"
    assert runtimes.duration(90.2) == "1.5 min (90 s)"
    assert runtimes.duration(None).startswith("not measured")


def _copy(tmp_path: Path) -> Path:
    (tmp_path / "book").mkdir()
    for name in ("runtimes.json", "runtimes_table.md"):
        shutil.copy(ROOT / "book" / name, tmp_path / "book" / name)
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    return tmp_path


def test_a_stale_time_a_new_notebook_and_an_edited_table_are_caught(runtimes, tmp_path):
    root = _copy(tmp_path)
    data = json.loads((root / "book" / "runtimes.json").read_text())
    data["notebooks"]["06_library"]["measured"]["seconds"] = 108.0   # the old, wrong row
    (root / "book" / "runtimes.json").write_text(json.dumps(data))
    assert any("06_library" in p for p in runtimes.problems(root))
    runtimes.update(root)
    assert runtimes.problems(root) == []
    _notebook(root / "notebooks" / "11_new.ipynb", [_cell("2026-12-02T10:00:00Z", "2026-12-02T10:00:09Z")])
    assert any("11_new" in p and "no entry" in p for p in runtimes.problems(root))
    runtimes.update(root)
    assert "| 9 s |" in (root / "book" / "runtimes_table.md").read_text()
    table = root / "book" / "runtimes_table.md"
    table.write_text(table.read_text().replace("9 s", "8 s"))
    assert any("runtimes_table.md" in p for p in runtimes.problems(root))
