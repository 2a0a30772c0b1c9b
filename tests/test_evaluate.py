import numpy as np
import pytest

from infogan_lite.book.confusion import confusion_by_label, merged_categories
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


def test_confusion_by_label_puts_a_relabelled_perfect_clustering_on_the_diagonal():
    labels = np.repeat(np.arange(10), 30)
    m = cluster_metrics((labels * 3 + 1) % 10, labels, k=10)
    table, order = confusion_by_label(m)
    assert np.array_equal(table, np.eye(10)) and order == [(l * 3 + 1) % 10 for l in range(10)]
    as_json = {**m, "mapping": {str(k): v for k, v in m["mapping"].items()}}   # report.json keys
    assert np.array_equal(confusion_by_label(as_json)[0], table)


def test_merged_categories_names_the_category_and_the_labels_it_holds():
    labels = np.repeat(np.arange(10), 100)
    pred = labels.copy()
    pred[labels == 9] = 4                              # category 4 holds all 4s and all 9s
    pred[(labels == 3) & (np.arange(1000) % 100 < 20)] = 5   # 20% of the 3s stray into category 5
    m = cluster_metrics(pred, labels, k=10)
    assert merged_categories(m, share=0.3) == {4: [4, 9]}
    assert merged_categories(m, share=0.1) == {4: [4, 9], 5: [3, 5]}


@pytest.fixture
def bn_model(tiny_arch):
    """A tiny model in training mode, its batch-norm statistics away from their start."""
    import torch
    from infogan_lite import InfoGAN, LatentSpec
    torch.manual_seed(0)
    model = InfoGAN(LatentSpec(8, (10,), 2), tiny_arch).train()
    with torch.no_grad():
        model.D(torch.rand(32, 1, 28, 28))
    return model


def test_reading_c1_uses_the_running_statistics_and_leaves_mode_and_statistics_alone(bn_model):
    """Every reading of c1 (logits, accuracy, label-free criteria) runs batch norm in eval mode,
    and hands the model back in the mode it came in, with its statistics untouched."""
    import torch
    from infogan_lite.evaluate import category_logits, evaluate_c1, label_free_c1
    images = torch.rand(40, 1, 28, 28, generator=torch.Generator().manual_seed(1))
    before = {k: v.clone() for k, v in bn_model.state_dict().items()}
    logits = category_logits(bn_model, images, batch=7)         # batches of 7: batch stats differ
    evaluate_c1(bn_model, images, torch.arange(40) % 10)
    label_free_c1(bn_model, images)
    assert bn_model.training and all(m.training for m in bn_model.modules())
    assert all(torch.equal(before[k], v) for k, v in bn_model.state_dict().items())
    with torch.no_grad():
        expected = bn_model.eval().infer(images)[0][0]
    torch.testing.assert_close(logits, expected)
