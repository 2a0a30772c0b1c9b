"""Pages everyone can read: every figure has alt text, and no page carries dead widgets.

A reader who cannot see a figure hears its alt text: each notebook cell that draws one names
it in its metadata (tools/alt_text.py lists those that do not), and the built site must show
it on every `<img>`. A finished tqdm bar is stored as a widget, which makes its page load the
3.6 MB widget script to draw it: tools/strip_progress_bars.py removes them after a run.
The browser's side (phone width, search) is in tests/test_browser_pages.py.
"""
import copy
import json
import os
from pathlib import Path

import pytest

from scripts import tool

ROOT = Path(__file__).resolve().parents[1]
SITE = Path(os.environ.get("INFOGAN_LITE_SITE", ROOT / "_build" / "html"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# Notebooks whose figures have no alt text yet. Strict: once they have it, the test fails
# until the name leaves this set, so the set can only shrink.
NO_ALT_TEXT_YET: set[str] = set()


def _tool(name: str):
    return tool(name)


alt_text, strip_progress_bars = _tool("alt_text"), _tool("strip_progress_bars")


def _pending(stem: str, param):
    """`param` marked as an expected failure while `stem` is in NO_ALT_TEXT_YET."""
    marks = [pytest.mark.xfail(strict=True, reason=f"{stem}'s figures have no alt text yet")] \
        if stem in NO_ALT_TEXT_YET else []
    return pytest.param(param, marks=marks, id=stem)


# --- alt text --------------------------------------------------------------------------------

@pytest.mark.parametrize("notebook", [_pending(nb.stem, nb) for nb in NOTEBOOKS])
def test_every_figure_of_a_notebook_has_alt_text(notebook):
    missing = alt_text.undescribed(notebook)
    assert not missing, ("figures without alt text (write one sentence each, "
                         "python3 tools/alt_text.py --apply):\n" + "\n".join(missing))


def _cell(outputs, metadata=None):
    return {"cell_type": "code", "id": "c", "source": ["plt.show()"], "metadata": metadata or {},
            "outputs": outputs}


PNG = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBOR", "text/plain": ["<Figure>"]}}


def test_a_figure_counts_as_described_by_alt_text_or_a_caption_only():
    assert alt_text.described(_cell([PNG], {"mystnb": {"image": {"alt": "a rising curve"}}}))
    assert alt_text.described(_cell([PNG], {"mystnb": {"figure": {"caption": "L_I", "name": "f"}}}))
    assert not alt_text.described(_cell([PNG], {"mystnb": {"image": {"alt": "  "}}}))
    assert not alt_text.described(_cell([PNG], {"mystnb": {"image": {"width": "80%"}}}))
    assert alt_text.n_figures(_cell([PNG, PNG, {"output_type": "stream", "text": "x"}])) == 2


def test_apply_writes_the_alt_text_that_myst_nb_reads_and_lists_what_is_left(tmp_path):
    notebook = {"cells": [_cell([PNG]), dict(_cell([PNG]), id="d")], "metadata": {},
                "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "n.ipynb").write_text(json.dumps(notebook))
    assert len(alt_text.undescribed(tmp_path / "n.ipynb")) == 2
    alt_text.apply({"n.ipynb": {"d": "a grid of digits"}}, folder=tmp_path)
    cells = json.loads((tmp_path / "n.ipynb").read_text())["cells"]
    assert cells[1]["metadata"]["mystnb"]["image"]["alt"] == "a grid of digits"
    assert [line.split(" (id ")[1][:1] for line in alt_text.undescribed(tmp_path / "n.ipynb")] == ["c"]
    with pytest.raises(SystemExit, match="no cell 'x' with a figure"):
        alt_text.apply({"n.ipynb": {"x": "?"}}, folder=tmp_path)


def _site_pages():
    pages = sorted(p for p in SITE.rglob("*.html") if "_static" not in p.parts
                   and not p.name.startswith("_")) if SITE.is_dir() else []
    return [_pending(p.stem, p) for p in pages] or [
        pytest.param(None, marks=pytest.mark.skip(reason=f"no site at {SITE} (python3 dev.py book)"))]


def unreadable_images(html: str) -> list[str]:
    """The `<img>`s of a page with neither alt text nor a figure caption. Sphinx writes the
    file's path as the alt of an image given none, which tells a listener nothing."""
    bs4 = pytest.importorskip("bs4")
    bad = []
    for img in bs4.BeautifulSoup(html, "html.parser").find_all("img"):
        alt, src = (img.get("alt") or "").strip(), img.get("src") or ""
        figure = img.find_parent("figure")
        caption = figure.find("figcaption") if figure else None
        if (not alt or (src and alt.endswith(Path(src).name))) and not (
                caption and caption.get_text(strip=True)):
            bad.append(src[:80])
    return bad


@pytest.mark.parametrize("page", _site_pages())
def test_every_image_of_the_built_site_has_alt_text_or_a_caption(page):
    assert not unreadable_images(page.read_text(encoding="utf-8")), unreadable_images(
        page.read_text(encoding="utf-8"))


def test_a_path_for_alt_text_counts_as_none_and_a_caption_counts():
    src = "../_images/ab12.png"
    assert unreadable_images(f'<img alt="{src}" src="{src}"><img src="x.png"><img alt="" src="y.png">') \
        == [src, "x.png", "y.png"]
    assert unreadable_images(f'<img alt="a rising curve" src="{src}">') == []
    assert unreadable_images(f'<figure><img alt="{src}" src="{src}"><figcaption><p>The '
                             'networks</p></figcaption></figure>') == []


# --- no finished progress bars ---------------------------------------------------------------

@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_no_notebook_stores_a_finished_progress_bar(notebook):
    assert strip_progress_bars.stored_bars(notebook) == 0, (
        f"{notebook.name} stores tqdm bars, and its page would load the widget script to "
        f"draw them: run python3 tools/strip_progress_bars.py {notebook.relative_to(ROOT)}")


def _model(name: str, **state) -> dict:
    return {"model_module": "@jupyter-widgets/controls", "model_name": name, "state": state}


def _view(model_id: str) -> dict:
    return {"output_type": "display_data", "metadata": {}, "data": {
        "application/vnd.jupyter.widget-view+json": {"model_id": model_id, "version_major": 2},
        "text/plain": ["..."]}}


def _widget_notebook(with_slider: bool) -> dict:
    """A tqdm bar (an HBox of HTML, FloatProgress, HTML, with layouts) beside, optionally, a
    slider whose layout the bar's box also names."""
    state = {"bar": _model("HBoxModel", children=["IPY_MODEL_h1", "IPY_MODEL_p", "IPY_MODEL_h2"],
                           layout="IPY_MODEL_bl"),
             "h1": _model("HTMLModel", layout="IPY_MODEL_l1"), "p": _model("FloatProgressModel"),
             "h2": _model("HTMLModel", style="IPY_MODEL_s2"), "bl": _model("LayoutModel"),
             "l1": _model("LayoutModel"), "s2": _model("HTMLStyleModel")}
    outputs = [_view("bar"), PNG]
    if with_slider:
        state |= {"slider": _model("FloatSliderModel", layout="IPY_MODEL_l1"),
                  "box": _model("VBoxModel", children=["IPY_MODEL_slider"])}
        outputs.append(_view("box"))
    return {"cells": [_cell(outputs)], "nbformat": 4, "nbformat_minor": 5, "metadata": {
        "widgets": {strip_progress_bars.STATE: {"state": state, "version_major": 2}}}}


def test_strip_removes_the_bar_and_its_parts_and_keeps_a_slider_and_what_it_uses():
    notebook = _widget_notebook(with_slider=True)
    assert strip_progress_bars.strip(notebook) == 1
    state = notebook["metadata"]["widgets"][strip_progress_bars.STATE]["state"]
    assert set(state) == {"slider", "box", "l1"}          # l1 is also the slider's layout
    outputs = notebook["cells"][0]["outputs"]
    assert [o["data"].get(strip_progress_bars.VIEW, {}).get("model_id") for o in outputs] \
        == [None, "box"]                                  # the figure and the slider stay
    again = copy.deepcopy(notebook)
    assert strip_progress_bars.strip(again) == 0 and again == notebook


def test_strip_drops_the_widget_metadata_when_only_bars_were_stored(tmp_path):
    path = tmp_path / "bar.ipynb"
    path.write_text(json.dumps(_widget_notebook(with_slider=False)))
    assert strip_progress_bars.main([str(path), "--check"]) == 1
    assert strip_progress_bars.main([str(path)]) == 0
    notebook = json.loads(path.read_text())
    assert "widgets" not in notebook["metadata"] and len(notebook["cells"][0]["outputs"]) == 1
    assert strip_progress_bars.main([str(path), "--check"]) == 0
