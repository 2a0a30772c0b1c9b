"""Choosing a run by a label-free criterion: known answers on made-up records."""
import math

import pytest

from infogan_lite.book.selection import (at_step, best_finished_policy, kept_accuracy,
                                         rank_correlation, restart_policy, rho_needed,
                                         validation_choice)


def _record(early, final, key="label_free_stability"):
    """`final` on the validation split; the test split says the opposite, so that a function
    that read it would fail these tests."""
    return {"evals": [{"step": 1500, key: early, "accuracy": 0.5, "val_accuracy": 0.5},
                      {"step": 5000, key: 0.0, "accuracy": 1 - final, "val_accuracy": final}]}


FINALS = [0.96, 0.75, 0.97, 0.86, 0.95, 0.80, 0.70, 0.90]


def test_a_criterion_that_orders_the_runs_like_their_final_accuracy_has_rho_one():
    records = [_record(a, a) for a in FINALS]
    rho, p = rank_correlation(records, "label_free_stability", 1500)
    assert rho == pytest.approx(1.0)
    assert p == pytest.approx(2 / math.factorial(8))     # exact: the two extreme orders


def test_a_reversed_criterion_has_rho_minus_one():
    records = [_record(-a, a) for a in FINALS]
    assert rank_correlation(records, "label_free_stability", 1500)[0] == pytest.approx(-1.0)


def test_the_one_sided_p_value_counts_only_pairings_that_correlate_as_positively():
    up = [_record(a, a) for a in FINALS]
    down = [_record(-a, a) for a in FINALS]
    key = "label_free_stability"
    assert rank_correlation(up, key, 1500, "greater")[1] == pytest.approx(1 / math.factorial(8))
    assert rank_correlation(down, key, 1500, "greater")[1] == pytest.approx(1.0)
    # one swap of the two runs in the middle: a handful of orderings do at least as well
    shuffled = [_record(a if a not in (0.86, 0.90) else 1.76 - a, a) for a in FINALS]
    rho, two = rank_correlation(shuffled, key, 1500)
    one = rank_correlation(shuffled, key, 1500, "greater")[1]
    assert 0 < rho < 1 and one == pytest.approx(two / 2)        # the null is symmetric
    with pytest.raises(ValueError, match="alternative"):
        rank_correlation(up, key, 1500, "less")


def test_more_than_nine_runs_fall_back_to_scipy_with_the_same_alternative():
    finals = [0.5 + 0.04 * i for i in range(11)]
    records = [_record(a, a) for a in finals]
    rho, p = rank_correlation(records, "label_free_stability", 1500, "greater")
    assert rho == pytest.approx(1.0) and p < 1e-6
    assert rank_correlation([_record(-a, a) for a in finals], "label_free_stability", 1500,
                            "greater")[1] == pytest.approx(1.0)


def test_a_perfect_criterion_succeeds_whenever_one_of_the_k_runs_is_good():
    records = [_record(a, a) for a in FINALS]
    n, bad = len(FINALS), sum(a < 0.95 for a in FINALS)           # 3 good runs of 8
    for k in (1, 2, 3):
        expected = 1 - math.comb(bad, k) / math.comb(n, k)
        assert restart_policy(records, "label_free_stability", 1500, k) == pytest.approx(expected)
    assert restart_policy(records, "label_free_stability", 1500, 1) == pytest.approx(3 / 8)


def test_a_reversed_criterion_never_does_better_than_one_run():
    records = [_record(-a, a) for a in FINALS]
    single = restart_policy(records, "label_free_stability", 1500, 1)
    assert restart_policy(records, "label_free_stability", 1500, 3) < single


def test_a_missing_evaluation_names_the_steps_there_are():
    with pytest.raises(KeyError, match=r"no evaluation at step 1000; this run has \[1500, 5000\]"):
        at_step(_record(0.5, 0.9), "label_free_stability", 1000)
    with pytest.raises(ValueError, match="k must lie in 1..2"):
        restart_policy([_record(0.5, 0.9)] * 2, "label_free_stability", 1500, 3)


def test_keeping_the_best_finished_run_by_validation():
    """Validation equal to the test accuracy: succeeds whenever one of the k runs is good;
    validation that ranks the runs in reverse: only when all k are."""
    n, good = len(FINALS), sum(a >= 0.95 for a in FINALS)
    for sign, expected in ((1, lambda k: 1 - math.comb(n - good, k) / math.comb(n, k)),
                           (-1, lambda k: math.comb(good, k) / math.comb(n, k))):
        records = [{**_record(0.5, a), "validation": {"accuracy": sign * a}} for a in FINALS]
        for k in (1, 2, 3):
            assert best_finished_policy(records, k) == pytest.approx(expected(k))
    with pytest.raises(ValueError, match="k must lie in 1..8"):
        best_finished_policy(records, 9)


def test_the_validation_rule_keeps_the_run_best_on_validation_not_on_test():
    runs = {"seed1": {"validation": {"accuracy": 0.90}, "c1": {"accuracy": 0.97}},
            "seed2": {"validation": {"accuracy": 0.95}, "c1": {"accuracy": 0.93}}}
    assert validation_choice(runs) == "seed2"


def test_the_kept_accuracy_averages_the_run_each_subset_keeps():
    records = [_record(0.0, a) for a in (0.9, 0.7, 0.8)]
    assert kept_accuracy(records, [3, 1, 2], 1) == pytest.approx(0.8)          # every run once
    assert kept_accuracy(records, [3, 1, 2], 2) == pytest.approx((0.9 + 0.9 + 0.8) / 3)
    assert kept_accuracy(records, [1, 3, 2], 2) == pytest.approx((0.7 + 0.8 + 0.7) / 3)
    assert kept_accuracy(records, [3, 1, 2], 3) == pytest.approx(0.9)
    with pytest.raises(ValueError, match="one score per run"):
        kept_accuracy(records, [1, 2], 2)


def test_rho_needed_is_the_edge_of_the_one_sided_exact_test():
    for n in (5, 8):
        edge = rho_needed(n)
        finals = [0.5 + 0.01 * i for i in range(n)]
        for swaps in range(n):                  # from the perfect order, ever more disordered
            early = list(range(n))
            for i in range(swaps):
                early[i], early[i + 1] = early[i + 1], early[i]
            rho, p = rank_correlation([_record(e, a) for e, a in zip(early, finals)],
                                      "label_free_stability", 1500, "greater")
            assert (p < 0.05) == (rho >= edge - 1e-9)
    assert rho_needed(8) == pytest.approx(0.642857, abs=1e-6)       # 1 - 6 * 30 / (8 * 63)
    with pytest.raises(ValueError, match="3 to 9 runs"):
        rho_needed(12)
