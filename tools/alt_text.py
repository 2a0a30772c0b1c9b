"""Which figures of the notebooks have no alt text, and how to give them one.

A figure that a notebook cell draws reaches the site as an `<img>`; a reader who cannot see
it hears its alt text. myst-nb takes that text from the cell's metadata (myst-nb 1.x,
`render_image_options`, cell key `image`), or a caption from `figure`:

    {"mystnb": {"image": {"alt": "L_I rises to H(c) within 500 steps"}}}
    {"mystnb": {"figure": {"caption": "...", "name": "fig-..."}}}

The text describes what the figure shows, in one sentence, for a reader who cannot see it;
it lives in the cell's metadata, so re-executing the notebook keeps it.

    python3 tools/alt_text.py                 # list every figure without alt text; fail if any
    python3 tools/alt_text.py --apply alt.json
        # alt.json: {"07_mnist.ipynb": {"<cell id>": "one sentence", ...}, ...}

Only the cells' metadata changes; the notebook keeps its JSON layout (indent 1, Unicode as
it is). Standard library only.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMAGE_MIMES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")


def read_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def write_notebook(path: Path, notebook: dict) -> None:
    """Write as Jupyter does (indent 1, Unicode unescaped), so git diffs stay line-sized."""
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def n_figures(cell: dict) -> int:
    """How many image outputs a code cell stores."""
    return sum(any(m in out.get("data", {}) for m in IMAGE_MIMES) for out in cell.get("outputs", []))


def described(cell: dict) -> bool:
    """True when myst-nb renders the cell's figures with alt text or a caption."""
    options = cell.get("metadata", {}).get("mystnb", {})
    return bool(str(options.get("image", {}).get("alt", "")).strip()
                or str(options.get("figure", {}).get("caption", "")).strip())


def undescribed(path: Path) -> list[str]:
    """One line per cell of `path` whose figures have neither alt text nor a caption."""
    lines = []
    for index, cell in enumerate(read_notebook(path)["cells"]):
        if cell["cell_type"] == "code" and n_figures(cell) and not described(cell):
            first = "".join(cell["source"]).strip().splitlines()[:1] or [""]
            lines.append(f"{path.name}: cell {index} (id {cell.get('id', '?')}), "
                         f"{n_figures(cell)} figure(s): {first[0][:70]}")
    return lines


def apply(texts: dict[str, dict[str, str]], folder: Path = ROOT / "notebooks") -> list[str]:
    """Set mystnb.image.alt of each named cell; the notebooks changed. Unknown names fail."""
    changed = []
    for name, by_id in texts.items():
        path = folder / name
        if not path.exists():
            sys.exit(f"{path} does not exist: name a notebook of {folder}")
        notebook = read_notebook(path)
        cells = {cell.get("id"): cell for cell in notebook["cells"]}
        for cell_id, alt in by_id.items():
            if cell_id not in cells or not n_figures(cells[cell_id]):
                sys.exit(f"{name} has no cell {cell_id!r} with a figure: "
                         f"run python3 tools/alt_text.py to list the cells that need a text")
            metadata = cells[cell_id].setdefault("metadata", {})
            metadata.setdefault("mystnb", {}).setdefault("image", {})["alt"] = alt
        write_notebook(path, notebook)
        changed.append(name)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--apply", type=Path, metavar="JSON",
                        help="{notebook: {cell id: alt text}} to write into the cells' metadata")
    args = parser.parse_args(argv)
    if args.apply:
        print("\n".join(apply(json.loads(args.apply.read_text(encoding="utf-8")))))
    missing = [line for nb in sorted((ROOT / "notebooks").glob("*.ipynb")) for line in undescribed(nb)]
    print("\n".join(missing) or "every figure has alt text or a caption")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
