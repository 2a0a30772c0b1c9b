"""Write the introduction's picture, book/_static/cover-traversal.png, from the committed MNIST
weights (infogan_lite.book.cover). Rerun whenever infogan_lite/pretrained/mnist* change:

    .venv/bin/python tools/cover.py
"""
from pathlib import Path

from infogan_lite import load_pretrained
from infogan_lite.book.cover import cover_image
from infogan_lite.pretrained import PRETRAINED_DIR

OUT = Path(__file__).resolve().parents[1] / "book" / "_static" / "cover-traversal.png"

if __name__ == "__main__":
    import json
    manifest = json.loads((PRETRAINED_DIR / "mnist.json").read_text())
    cover_image(load_pretrained("mnist"), manifest["metrics"]).save(OUT, optimize=True)
    print(f"wrote {OUT}")
