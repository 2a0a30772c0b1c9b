"""The first page: its reading times come from the chapters' words, and its claims about
what is reproduced match the shipped records."""
import json
from pathlib import Path

from scripts import tool

ROOT = Path(__file__).resolve().parents[1]
INTRO = (ROOT / "book" / "intro.md").read_text()
README = (ROOT / "README.md").read_text()


def _reading_map():
    return tool("reading_map")


def test_the_reading_map_is_current():
    reading_map = _reading_map()
    assert reading_map.rewrite(INTRO) == INTRO, "reading times are stale: run tools/reading_map.py"
    assert len(reading_map.chapters()) == INTRO.count("{doc}`", INTRO.index(reading_map.START))


def test_the_reproduced_error_rate_is_the_pooled_count_of_every_run_of_the_recipe():
    from infogan_lite.book.pooled import claim, headline, pooled_rows, recipe_runs

    rows = pooled_rows(recipe_runs(ROOT / "infogan_lite" / "results" / "mnist"))
    accuracies = [r["test"] for r in rows]
    assert len(rows) >= 24 and sum(a >= 0.95 for a in accuracies) >= 4
    text = claim(headline(rows))
    assert text in INTRO.replace("\n", " "), f"the introduction should say: {text}"
    assert text in README.replace("\n", " "), f"the README should say: {text}"
    assert "of five seeds" not in INTRO + README and "coin flip" not in INTRO + README


def test_the_cover_and_the_diagram_are_on_the_first_page():
    assert "_static/cover-traversal.png" in INTRO
    assert "{numref}`fig-infogan-diagram`" in INTRO
