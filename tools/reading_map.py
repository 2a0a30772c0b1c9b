"""The introduction's reading times, from the chapters' own words: rewrite the table between
the markers in book/intro.md (tests/test_intro.py fails when it is stale).

    .venv/bin/python tools/reading_map.py
"""
from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INTRO = ROOT / "book" / "intro.md"
START, END = "<!-- reading-map: start -->", "<!-- reading-map: end -->"
WORDS_PER_MINUTE = 150


def chapters() -> list[str]:
    """The notebooks in the order of _toc.yml."""
    return re.findall(r"file: (notebooks/\S+)", (ROOT / "_toc.yml").read_text())


def reading_minutes(notebook: Path) -> tuple[str, int]:
    """The chapter's title and its prose's reading time, rounded up to 5 minutes."""
    cells = json.loads(notebook.read_text())["cells"]
    prose = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    title = re.search(r"^# (.+)$", prose, re.M).group(1).strip()
    words = len(re.findall(r"[A-Za-z]+", prose))
    return title, 5 * -(-words // (5 * WORDS_PER_MINUTE))


def table() -> str:
    rows = []
    for stem in chapters():
        title, minutes = reading_minutes(ROOT / f"{stem}.ipynb")
        name = Path(stem).name.split("_")[0].lstrip("0") or "0"   # "07b_every_seed": 7b
        rows.append(f"| {name}. {{doc}}`{title} <../{stem}>` | {minutes} min |")
    return "\n".join(["| chapter | reading time |", "|---|---|", *rows])


def rewrite(text: str) -> str:
    before, rest = text.split(START)
    _, after = rest.split(END)
    return f"{before}{START}\n{table()}\n{END}{after}"


if __name__ == "__main__":
    INTRO.write_text(rewrite(INTRO.read_text()))
    print(table())
