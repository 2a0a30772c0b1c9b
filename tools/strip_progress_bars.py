"""Drop the saved widgets of finished progress bars from the notebooks.

A notebook run in Jupyter stores each tqdm bar as a widget: a view output in its cell and
its models (an HBox of HTML, FloatProgress, HTML, with layouts and styles) in the notebook's
metadata "widgets". myst-nb then gives the page the 3.6 MB widget script to draw a bar that
has finished. This removes the bars' view outputs and models, keeps every other widget
(sliders, explorers), and drops the "widgets" metadata when nothing is left. Run it after
re-executing a notebook; tests/test_readable_pages.py fails while a bar is stored.

    python3 tools/strip_progress_bars.py            # every notebook
    python3 tools/strip_progress_bars.py notebooks/03_gans.ipynb
    python3 tools/strip_progress_bars.py --check    # list the bars; fail if there are any

Standard library only.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATE = "application/vnd.jupyter.widget-state+json"
VIEW = "application/vnd.jupyter.widget-view+json"
REF = "IPY_MODEL_"


def _refs(value) -> list[str]:
    """Model ids a widget's state points at ("IPY_MODEL_<id>"), at any depth."""
    if isinstance(value, str):
        return [value[len(REF):]] if value.startswith(REF) else []
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [ref for item in items for ref in _refs(item)]


def _tree(models: dict, root: str) -> set[str]:
    """`root` and every model it points at, directly or not."""
    seen, todo = set(), [root]
    while todo:
        model = todo.pop()
        if model in models and model not in seen:
            seen.add(model)
            todo += _refs(models[model].get("state", {}))
    return seen


def progress_bars(models: dict) -> set[str]:
    """Ids of the boxes that hold a FloatProgress: tqdm.notebook's bar (HTML, bar, HTML)."""
    return {mid for mid, model in models.items() if model.get("model_name") == "HBoxModel"
            and any(models.get(child, {}).get("model_name") == "FloatProgressModel"
                    for child in _refs(model.get("state", {}).get("children", [])))}


def strip(notebook: dict) -> int:
    """Remove the progress bars' views and models from `notebook` (in place); how many bars."""
    widgets = notebook.get("metadata", {}).get("widgets", {})
    models = widgets.get(STATE, {}).get("state", {})
    bars = progress_bars(models)
    for cell in notebook["cells"]:
        if "outputs" in cell:
            cell["outputs"] = [out for out in cell["outputs"]
                               if out.get("data", {}).get(VIEW, {}).get("model_id") not in bars]
    pointed_at = set(_refs([model.get("state", {}) for model in models.values()]))
    doomed = set().union(*(_tree(models, bar) for bar in bars))
    kept = set().union(*(_tree(models, mid) for mid in models if mid not in bars | pointed_at))
    for mid in doomed - kept:       # a model that another widget also uses stays
        del models[mid]
    if widgets and not models:
        del notebook["metadata"]["widgets"]
    return len(bars)


def stored_bars(path: Path) -> int:
    """How many progress bars the notebook at `path` stores."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return len(progress_bars(notebook.get("metadata", {}).get("widgets", {})
                             .get(STATE, {}).get("state", {})))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        default=sorted((ROOT / "notebooks").glob("*.ipynb")))
    parser.add_argument("--check", action="store_true", help="change nothing; fail if a bar is stored")
    args = parser.parse_args(argv)
    found = 0
    for path in args.notebooks:
        if args.check:
            n = stored_bars(path)
        else:
            notebook = json.loads(path.read_text(encoding="utf-8"))
            if n := strip(notebook):     # indent 1, Unicode as it is: Jupyter's own layout
                path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n",
                                encoding="utf-8")
        if n:
            print(f"{path.name}: {n} progress bar(s){' stored' if args.check else ' removed'}")
        found += n
    if args.check and found:
        print("run python3 tools/strip_progress_bars.py to remove them")
    return 1 if args.check and found else 0


if __name__ == "__main__":
    sys.exit(main())
