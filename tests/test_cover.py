"""The introduction's picture is what the committed MNIST weights draw today, rows in digit
order; rerun tools/cover.py when the weights change."""
import json
from pathlib import Path

import numpy as np
from PIL import Image

from infogan_lite import load_pretrained
from infogan_lite.book.cover import C2_VALUES, cover_image
from infogan_lite.book.confusion import confusion_by_label
from infogan_lite.evaluate import cluster_metrics
from infogan_lite.pretrained import PRETRAINED_DIR

STORED = Path(__file__).resolve().parents[1] / "book" / "_static" / "cover-traversal.png"


def test_the_stored_cover_is_what_the_committed_model_draws():
    metrics = json.loads((PRETRAINED_DIR / "mnist.json").read_text())["metrics"]
    drawn = np.asarray(cover_image(load_pretrained("mnist"), metrics), dtype=float)
    stored = np.asarray(Image.open(STORED), dtype=float)
    assert stored.shape == drawn.shape == (10 * 28 * 2, len(C2_VALUES) * 28 * 2), \
        "the picture's layout changed: rerun tools/cover.py"
    assert np.abs(stored - drawn).mean() < 1.0, "book/_static/cover-traversal.png is stale: rerun tools/cover.py"


def test_rows_follow_the_digit_each_category_is_paired_with():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 500)
    permutation = rng.permutation(10)                 # category k draws digit permutation[k]
    categories = np.argsort(permutation)[labels]      # the category that draws each label
    metrics = cluster_metrics(categories, labels)
    without_mapping = {k: v for k, v in metrics.items() if k != "mapping"}  # older manifests
    for m in (metrics, without_mapping):
        table, order = confusion_by_label(m)
        assert [int(permutation[k]) for k in order] == list(range(10))
        assert np.allclose(np.diag(table), 1.0)
