"""The reproducibility page's "Run all" times, read from the notebooks' stored runs.

Each code cell of a notebook executed by Jupyter keeps, in its metadata, when it started
(`execution` -> `iopub.execute_input`) and when it finished (`shell.execute_reply`). A
chapter's Run-all time is the span from its first cell's start to its last cell's end (the
kernel's start-up is not in it): the time of the very run whose outputs the book shows.

    python3 tools/runtimes.py            # does book/runtimes.json match the notebooks, and the
                                         # table book/runtimes_table.md match the JSON?
    python3 tools/runtimes.py --update   # re-read the notebooks, rewrite both files

book/runtimes.json keeps, for each notebook, the measurement (written here) beside the row's
words (`chapter`, `note`, `gpu`: written by hand, kept by --update); a notebook without
stored timestamps gets `"measured": null` and a row that says so. Standard library only.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEASUREMENTS = ROOT / "book" / "runtimes.json"
TABLE = ROOT / "book" / "runtimes_table.md"
HEADER = ("| chapter | 2-core x86 CPU (measured: the stored run) | Colab GPU (estimated) |\n"
          "|---|---|---|\n")


def _time(stamp: str) -> datetime:
    """An ISO 8601 UTC timestamp as Jupyter writes it ('2026-12-02T15:52:44.370841Z'); the
    fraction padded to microseconds, which Python 3.10's fromisoformat needs."""
    whole, _, fraction = stamp.rstrip("Z").partition(".")
    return datetime.fromisoformat(f"{whole}.{fraction[:6]:0<6}+00:00")


def measure(notebook: Path) -> dict | None:
    """{seconds, started, cells} of the notebook's stored run, or None without timestamps."""
    cells = [c for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"]
             if c["cell_type"] == "code"]
    stamps = [c.get("metadata", {}).get("execution", {}) for c in cells]
    if not cells or not all("iopub.execute_input" in s and "shell.execute_reply" in s for s in stamps):
        return None
    start, end = _time(stamps[0]["iopub.execute_input"]), _time(stamps[-1]["shell.execute_reply"])
    return {"seconds": round((end - start).total_seconds(), 1),
            "started": stamps[0]["iopub.execute_input"], "cells": len(cells)}


def duration(seconds: float | None, note: str = "") -> str:
    """'8 s', '26 s (note)', '1.6 min (97 s; note)', or what is missing."""
    if seconds is None:
        return "not measured (no stored timestamps)" + (f" ({note})" if note else "")
    if seconds < 60:
        return f"{seconds:.0f} s" + (f" ({note})" if note else "")
    return f"{seconds / 60:.1f} min ({seconds:.0f} s" + (f"; {note})" if note else ")")


def row(entry: dict) -> str:
    measured = entry.get("measured")
    cpu = duration(measured and measured["seconds"], entry.get("note", ""))
    return f"| {entry['chapter']} | {cpu} | {entry['gpu']} |\n"


def table(entries: dict) -> str:
    return HEADER + "".join(row(entry) for entry in entries.values())


def notebooks(root: Path = ROOT) -> list[Path]:
    return sorted((root / "notebooks").glob("*.ipynb"))


def problems(root: Path = ROOT) -> list[str]:
    """What disagrees: a notebook without a row, a row without a notebook, a stale
    measurement, a table that is not the one the JSON makes."""
    entries = json.loads((root / "book" / MEASUREMENTS.name).read_text())["notebooks"]
    found = []
    stems = [nb.stem for nb in notebooks(root)]
    found += [f"notebooks/{s}.ipynb has no entry in book/runtimes.json" for s in stems if s not in entries]
    found += [f"book/runtimes.json names {s}, which is not in notebooks/" for s in entries if s not in stems]
    for nb in notebooks(root):
        if nb.stem in entries and entries[nb.stem].get("measured") != measure(nb):
            found.append(f"book/runtimes.json's {nb.stem} is not its stored run {measure(nb)}")
    if (root / "book" / TABLE.name).read_text() != table(entries):
        found.append("book/runtimes_table.md is not the table book/runtimes.json makes")
    return found


def update(root: Path = ROOT) -> None:
    path = root / "book" / MEASUREMENTS.name
    data = json.loads(path.read_text())
    old = data["notebooks"]
    new = {}
    for nb in notebooks(root):
        entry = old.get(nb.stem, {"chapter": f"{{doc}}`{nb.stem} <../notebooks/{nb.stem}>`",
                                  "note": "", "gpu": "not estimated"})
        new[nb.stem] = {**entry, "measured": measure(nb)}
    data["notebooks"] = new
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    (root / "book" / TABLE.name).write_text(table(new))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="re-read the notebooks, rewrite both files")
    args = parser.parse_args(argv)
    if args.update:
        update()
    found = problems()
    for problem in found:
        print(problem, file=sys.stderr)
    if not found:
        print(f"book/runtimes.json and book/runtimes_table.md match the {len(notebooks())} notebooks' stored runs")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
