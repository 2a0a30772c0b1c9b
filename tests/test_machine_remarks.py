"""Chapters speak to the reader, not about the machine the book was built on: runtimes and
machine details live in the reproducibility page's runtime table, by machine class."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REMARKS = re.compile(r"this machine|the machine that built|the book's machine|busy with|"
                     r"confession|other trainings?\b|our CPU|machine was|overloaded|"
                     r"x86_64 CPU|while the machine", re.I)
PAGES = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
    p for p in (ROOT / "book").glob("*.md") if p.name != "reproducibility.md")


def _prose(page: Path) -> str:
    if page.suffix == ".md":
        return page.read_text()
    cells = json.loads(page.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_the_page_says_nothing_about_the_build_machine(page):
    found = [m.group(0) for m in REMARKS.finditer(_prose(page))]
    assert not found, f"{page.name} speaks of the build machine ({found}): move it to book/reproducibility.md"


def test_the_runtime_table_has_a_row_for_every_chapter():
    text = (ROOT / "book" / "reproducibility.md").read_text()
    section = text[text.index("(sec-runtimes)="):]
    section = section[:section.index("\n## ", section.index("## ") + 3)]
    chapters = re.findall(r"file: notebooks/(\S+)", (ROOT / "_toc.yml").read_text())
    missing = [c for c in chapters if f"<../notebooks/{c}>`" not in section]
    assert not missing, f"the runtime table (book/reproducibility.md) has no row for {missing}"
