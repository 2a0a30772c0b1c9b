"""The recipe comparison's arithmetic and its adoption rule, on hand-made reports."""
import pytest

from infogan_lite.book.recipe import paired_differences, recipe_row, verdict


def _report(seed, accuracies, batch=128, every=500):
    """`accuracies` on the validation split; the test split's are the opposite, so that a
    rule that read them would fail these tests."""
    evals = [{"step": every * (i + 1), "train_seconds": 60.0 * (i + 1), "accuracy": 1 - a,
              "val_accuracy": a} for i, a in enumerate(accuracies)]
    return {"config": {"seed": seed, "batch_size": batch}, "evals": evals,
            "step": evals[-1]["step"], "train_seconds": evals[-1]["train_seconds"]}


def test_runs_are_compared_by_images_read_not_by_steps():
    big = recipe_row(_report(1, [0.5] * 6 + [0.96] + [0.97] * 3))             # step 3,500 x 128
    small = recipe_row(_report(2, [0.5] * 13 + [0.96] + [0.9] * 6, batch=64))  # step 7,000 x 64
    assert big["images_to"] == small["images_to"] == 448_000
    assert big["seconds_to"] == 420.0
    assert big["final_accuracy"] == 0.97                 # step 5,000 of 128
    assert small["final_accuracy"] == 0.9                # step 10,000 of 64


def test_the_final_accuracy_is_read_at_the_budget_not_at_the_last_evaluation():
    longer = _report(3, [0.5] * 10 + [0.99, 0.99])       # runs on past 640,000 images
    row = recipe_row(longer)
    assert row["final_accuracy"] == 0.5 and row["images_to"] is None
    with pytest.raises(ValueError, match="no whole number of batches"):
        recipe_row(_report(4, [0.5] * 10, batch=96))


REFERENCE = [recipe_row(_report(s, [0.5] * 9 + [a])) for s, a in enumerate([0.9, 0.8, 0.85])]


def _rows(finals, reach):
    return [recipe_row(_report(s, [0.96 if r else 0.5] + [0.5] * 8 + [f]))
            for s, (f, r) in enumerate(zip(finals, reach))]


def test_a_change_is_adopted_only_when_faster_on_two_seeds_and_better_on_average():
    assert verdict(_rows([0.9, 0.9, 0.9], [1, 1, 0]), REFERENCE)["decision"] == "adopted"
    faster_not_better = verdict(_rows([0.9, 0.8, 0.85], [1, 1, 1]), REFERENCE)
    assert faster_not_better["faster"] and not faster_not_better["better"]
    assert faster_not_better["decision"] == "not adopted"          # equal means do not count
    better_not_faster = verdict(_rows([0.94, 0.94, 0.94], [1, 0, 0]), REFERENCE)
    assert better_not_faster["reached"] == 1 and better_not_faster["better"]
    assert better_not_faster["decision"] == "not adopted"


def test_fewer_runs_than_seeds_decide_only_a_certain_rejection():
    result = verdict(_rows([0.99, 0.99], [1, 1]), REFERENCE)
    assert result["decision"] == "undecided (2 of 3 runs)"
    assert result["reference_mean"] == pytest.approx(0.85)
    assert verdict(_rows([0.9, 0.9], [1, 0]), REFERENCE)["decision"] == "undecided (2 of 3 runs)"
    assert verdict(_rows([0.9, 0.9], [0, 0]), REFERENCE)["decision"].startswith("not adopted")


def test_a_change_is_paired_with_the_unchanged_run_of_its_own_seed():
    change = [recipe_row(_report(s, [0.5] * 9 + [a])) for s, a in ((31, 0.96), (32, 0.80), (33, 0.9))]
    unchanged = [recipe_row(_report(s, [0.5] * 9 + [a])) for s, a in ((32, 0.85), (31, 0.70))]
    diffs = paired_differences(change, unchanged)
    assert diffs == {31: pytest.approx(0.26), 32: pytest.approx(-0.05)}    # seed 33 has no pair
