import numpy as np
import pytest

from infogan_lite.evaluate import cluster_metrics


def test_a_permuted_perfect_clustering_scores_one():
    labels = np.repeat(np.arange(10), 30)
    pred = (labels * 3 + 1) % 10                       # categories are a relabelling
    m = cluster_metrics(pred, labels, k=10)
    assert m["accuracy"] == 1.0 and m["nmi"] == pytest.approx(1.0) and m["ari"] == pytest.approx(1.0)
    assert m["mapping"] == {int((l * 3 + 1) % 10): int(l) for l in range(10)}
    assert m["usage"] == [0.1] * 10


def test_merged_categories_cost_exactly_the_merged_class():
    labels = np.repeat(np.arange(10), 100)
    pred = labels.copy()
    pred[labels == 9] = 4                              # 4 and 9 merged, category 9 unused
    m = cluster_metrics(pred, labels, k=10)
    assert m["accuracy"] == pytest.approx(0.9)
    assert m["usage"][9] == 0 and m["usage"][4] == pytest.approx(0.2)


def test_a_constant_prediction_is_at_chance():
    labels = np.repeat(np.arange(10), 100)
    m = cluster_metrics(np.zeros(1000, dtype=int), labels, k=10)
    assert m["accuracy"] == pytest.approx(0.1) and m["nmi"] == pytest.approx(0.0, abs=1e-9)
