"""The semi-supervised comparison's arithmetic, on hand-made reports."""
from infogan_lite.book.semi_supervised import by_labels, semi_row
from infogan_lite.book.traits import best_rho


def _report(seed, lpc, matched, plain, slant=(0.95, 0.1), width=(0.2, 0.7), every=500):
    evals = [{"step": every * (i + 1), "train_seconds": 100.0 * (i + 1), "accuracy": a,
              "plain_accuracy": p} for i, (a, p) in enumerate(zip(matched, plain))]
    codes = {"c2": {"slant": {"mean": -slant[0]}, "width": {"mean": width[0]}},
             "c3": {"slant": {"mean": slant[1]}, "width": {"mean": -width[1]}}}
    return {"config": {"seed": seed, "labels_per_class": lpc, "eval_every": every},
            "step": every * len(evals), "train_seconds": 100.0 * len(evals),
            "evals": evals, "codes": codes}


def test_a_row_reads_final_accuracies_times_to_threshold_and_code_roles():
    row = semi_row(_report(21, 10, [0.9, 0.96, 0.97], [0.5, 0.94, 0.97]))
    assert (row["accuracy"], row["plain_accuracy"]) == (0.97, 0.97)
    assert (row["steps_to"], row["seconds_to"]) == (1000, 200.0)       # matched first
    assert (row["plain_steps_to"], row["plain_seconds_to"]) == (1500, 300.0)
    assert (row["rho_slant"], row["rho_width"]) == (0.95, 0.7)          # |rho|, best code
    never = semi_row(_report(22, 1, [0.9, 0.93], [0.2, 0.3]))
    assert never["steps_to"] is None and never["plain_steps_to"] is None


def test_runs_group_by_labels_per_class_with_seeds_in_order():
    reports = [_report(23, 10, [0.9], [0.9]), _report(21, 1, [0.9], [0.9]),
               _report(21, 10, [0.9], [0.9]), _report(11, 0, [0.9], [0.1])]
    groups = by_labels(reports)
    assert list(groups) == [0, 1, 10]
    assert [r["seed"] for r in groups[10]] == [21, 23]


def test_a_report_without_continuous_codes_controls_no_trait():
    assert best_rho({"codes": {}}, "slant") == 0.0
    assert best_rho({}, "width") == 0.0
