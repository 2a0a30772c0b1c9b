"""The first page: its reading times come from the chapters' words, and its claims about
what is reproduced match the shipped records."""
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INTRO = (ROOT / "book" / "intro.md").read_text()
README = (ROOT / "README.md").read_text()
NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _reading_map():
    spec = importlib.util.spec_from_file_location("reading_map", ROOT / "tools" / "reading_map.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_reading_map_is_current():
    reading_map = _reading_map()
    assert reading_map.rewrite(INTRO) == INTRO, "reading times are stale: run tools/reading_map.py"
    assert len(reading_map.chapters()) == INTRO.count("{doc}`", INTRO.index(reading_map.START))


def test_the_reproduced_error_rate_is_stated_as_the_records_show():
    runs = sorted((ROOT / "infogan_lite" / "results" / "mnist" / "main").glob("seed*/report.json"))
    accuracies = [json.loads(r.read_text())["c1"]["accuracy"] for r in runs]
    passed = sum(a >= 0.95 for a in accuracies)
    claim = f"5 % error on {NUMBERS[passed]} of {NUMBERS[len(runs)]} seeds"
    assert claim in INTRO.replace("\n", " "), f"the introduction should say: {claim}"
    assert claim in README.replace("\n", " "), f"the README should say: {claim}"


def test_the_cover_and_the_diagram_are_on_the_first_page():
    assert "_static/cover-traversal.png" in INTRO
    assert "{numref}`fig-infogan-diagram`" in INTRO
