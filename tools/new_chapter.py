"""Start a chapter: notebooks/NN_slug.ipynb with the cells every chapter has.

    .venv/bin/python tools/new_chapter.py 11_my_topic "My topic"

The skeleton passes the tests' rules as it is (tests/test_colab.py, test_backmatter.py,
test_pdf.py): a title with a label, what the reader will learn and the runtime; the
guarded Colab install cell (from _config.yml's repository); smoke mode; an exercise with a
hidden solution. Then add the chapter to _toc.yml and its exercises to book/exercises.md,
as CONTRIBUTING.md ("Adding a chapter") says; the script prints both lines. Needs nbformat
(in .venv).
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from colab_pin import config_ref  # noqa: E402  (tools/ is not a package)

COLAB_CELL = """\
# In Colab, install the book's library (Colab's own torch is kept); elsewhere it is already installed.
import sys
if "google.colab" in sys.modules:
    %pip install -q "infogan_lite @ git+{url}@{ref}\""""


def skeleton(stem: str, title: str, url: str, ref: str) -> nbformat.NotebookNode:
    slug = stem.split("_", 1)[1].replace("_", "-")
    number = stem.split("_", 1)[0]
    cells = [
        new_markdown_cell(
            f"(chapter-{slug})=\n# {title}\n\n"
            "One paragraph: the question this chapter answers, and where the paper raises it\n"
            "{cite}`chen2016infogan`.\n\n"
            "**You will learn** ...\n\n"
            "**Runtime:** about N seconds on a 2-core CPU (measured); about N seconds on a GPU\n"
            "(estimated)."),
        new_code_cell(COLAB_CELL.format(url=url, ref=ref)),
        new_code_cell(
            "import matplotlib.pyplot as plt\n"
            "import numpy as np\n\n"
            "from infogan_lite.book.notebook import SMOKE\n\n"
            "rng = np.random.default_rng(2016)\n"
            "N = 1_000 if SMOKE else 100_000   # sample size (smaller in the tests' smoke mode)"),
        new_markdown_cell(
            f"(sec-{slug}-first)=\n## A first section\n\n"
            "Say what the next cell computes, with the equation it checks. Library code lives in\n"
            "the package (a module of `infogan_lite/book/` whose docstring names this chapter) and\n"
            "is shown here with `literalinclude`, never copied."),
        new_code_cell(
            "x = rng.normal(size=N)\n"
            "se = x.std() / np.sqrt(N)\n"
            "print(f\"mean {x.mean():.4f} +- {se:.4f}\")\n"
            "assert abs(x.mean()) < 4 * se      # every claim the text makes is checked\n\n"
            "fig, ax = plt.subplots(figsize=(4.5, 2.8))\n"
            "ax.hist(x, bins=50)\n"
            "ax.set(xlabel=\"x\", ylabel=\"count\", title=\"Draws from N(0, 1)\")\n"
            "plt.show()"),
        new_markdown_cell(
            "## Exercises\n\n"
            f"```{{exercise}} Numerical: the standard error\n:label: ex-{slug}-standard-error\n\n"
            "How many draws make the standard error of the mean of $N(0, 1)$ draws 0.001?\n```"),
        new_markdown_cell(
            f"```{{solution-start}} ex-{slug}-standard-error\n:class: dropdown\n```\n\n"
            "The standard error is $1 / \\sqrt{n}$, so $n = 10^6$:"),
        new_code_cell(
            "n = round(1 / 0.001 ** 2)\n"
            "print(n)\n"
            "assert n == 1_000_000"),
        new_markdown_cell("```{solution-end}\n```"),
    ]
    for i, cell in enumerate(cells, start=1):
        cell["id"] = f"{number}-{i:02d}"
    nb = new_notebook(cells=cells)
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                   "language_info": {"name": "python"}}
    return nb


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stem", help="NN_slug, e.g. 11_my_topic")
    parser.add_argument("title", help="the chapter's title")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"\d\d_[a-z0-9_]+", args.stem):
        parser.error("the name is two digits, an underscore and a lower-case slug: 11_my_topic")
    path = ROOT / "notebooks" / f"{args.stem}.ipynb"
    if path.exists():
        sys.exit(f"{path.relative_to(ROOT)} exists already")
    url, ref = config_ref()
    nb = skeleton(args.stem, args.title, url, ref)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    slug = args.stem.split("_", 1)[1].replace("_", "-")
    print(f"wrote {path.relative_to(ROOT)}. Now:\n"
          f"  _toc.yml, under its part:   - file: notebooks/{args.stem}\n"
          f"  book/exercises.md:          ## Chapter N: {{doc}}`{args.title} <../notebooks/{args.stem}>`\n"
          f"                              - {{ref}}`Numerical: the standard error <ex-{slug}-standard-error>`\n"
          f"  then store its outputs:     .venv/bin/jupyter execute --inplace {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
