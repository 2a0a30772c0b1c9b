"""Write the book's network diagram, book/_static/infogan-diagram.svg, from
infogan_lite.book.diagram (chapters 4 and 6 show it). Rerun after changing the module:

    .venv/bin/python tools/diagram.py
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from infogan_lite.book.diagram import wiring_diagram  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "book" / "_static" / "infogan-diagram.svg"

if __name__ == "__main__":
    plt.rcParams["svg.hashsalt"] = "infogan-diagram"   # the same file for the same picture
    wiring_diagram().savefig(OUT, format="svg", metadata={"Date": None})
    print(f"wrote {OUT.relative_to(Path.cwd()) if OUT.is_relative_to(Path.cwd()) else OUT}")
