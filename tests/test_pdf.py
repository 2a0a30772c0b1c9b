"""The PDF edition (python3 dev.py pdf) can show every stored notebook output.

LaTeX cannot show HTML or a live widget: myst-nb's LaTeX builder picks, for each output,
the first representation in its LaTeX priority list (a PNG, LaTeX, plain text, ...). An
output that has none of them is dropped with a warning, and the strict PDF build fails.
So every output must carry a fallback the PDF can print, the way a widget stores its
text/plain line and a figure its PNG. This runs in the tests without TeX; the PDF build
itself is not part of them (it needs TeX and takes minutes).
"""
from pathlib import Path

import nbformat
import pytest
from myst_nb.core.render import get_mime_priority

from infogan_lite.book.notebook import GLUE_PREFIX

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_every_stored_output_has_a_form_latex_can_show(nb):
    printable = set(get_mime_priority("latex", []))
    assert "image/png" in printable and "text/html" not in printable
    lost = []
    for i, cell in enumerate(nbformat.read(nb, as_version=4).cells):
        for output in cell.get("outputs", []):
            kinds = set(output.get("data", {}))
            if kinds and all(k.startswith(GLUE_PREFIX) for k in kinds):
                continue   # a glued value: myst-nb pastes it into the prose, never shows the output
            if kinds and not kinds & printable:
                lost.append((i, sorted(kinds)))
    assert not lost, (f"{nb.name}: outputs of cells {lost} have no PNG or text fallback, so the PDF "
                      "cannot show them; store an image (or a text/plain line) beside the HTML")
