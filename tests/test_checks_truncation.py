"""Tests for rnnlib.checks.truncation: the checkers accept correct answers and name each
planted mistake in words."""

import numpy as np
import pytest

import rnnlib
from rnnlib.checks.truncation import DETACH_CASES, REACH_CASES, check_detached, check_reach
from rnnlib.truncation import reach_matrix


# --- check_reach ------------------------------------------------------------------------
def reach_answer(T, k1, k2, bug=None):
    """A student's reach(T, k1, k2), written from the rule, with one planted ``bug``."""
    R = np.zeros((T, T), dtype=int)
    for u in range(1, T + 1):
        t_loss = (u - 1) // k1 * k1  # end of the previous pass
        t_end = min(t_loss + k1, T)
        t_stop = 0 if k2 >= T else max(t_loss - (k2 - k1), 0)
        if bug == "too_far":
            t_stop = max(t_stop - 1, 0)
        if bug == "too_short":
            t_stop = min(t_stop + 1, t_loss)
        if bug == "from_t_end":  # the old reading: every pass goes back k2 steps from t_end
            t_stop = max(t_end - k2, 0)
        if bug == "per_loss":
            t_stop = max(u - k2, 0)
        if bug == "ignore_k2":
            t_stop = t_loss
        if bug == "no_full_when_k2_ge_T":
            t_stop = max(t_loss - (k2 - k1), 0)
        R[u - 1, t_stop : t_end if bug == "upper" else u] = 1
    return R.T if bug == "transposed" else R


def test_reach_answer_is_the_library_reach_matrix():
    for T, k1, k2 in REACH_CASES:
        assert np.array_equal(reach_answer(T, k1, k2), reach_matrix(T, (k1, k2)))


def test_check_reach_accepts_a_correct_answer(capsys):
    assert check_reach(reach_answer).passed
    assert "correct" in capsys.readouterr().out


def test_the_cases_include_k1_not_dividing_T_and_k2_at_least_T():
    assert any(T % k1 for T, k1, _ in REACH_CASES)
    assert any(k2 >= T and T % k1 for T, k1, k2 in REACH_CASES)
    assert any(k1 < k2 < T and T % k1 for T, k1, k2 in REACH_CASES)


@pytest.mark.parametrize(
    ("bug", "words"),
    [
        ("transposed", "transposed"),
        ("upper", "cannot reach later steps"),
        ("too_far", "one step too far back"),
        ("too_short", "stops one step short"),
        ("from_t_end", "The last pass, at T"),
        ("per_loss", "BPTT(k2; 1)"),
        ("ignore_k2", "as if k2 = k1"),
        ("no_full_when_k2_ge_T", "When k2 >= T nothing is truncated"),
    ],
)
def test_check_reach_names_each_planted_mistake(bug, words, capsys):
    res = check_reach(lambda T, k1, k2: reach_answer(T, k1, k2, bug))
    out = capsys.readouterr().out
    assert not res.passed and len(res.messages) == 1
    assert "the loss at step u =" in res.messages[0] and words in res.messages[0]
    assert all(len(line) <= 88 for line in out.splitlines())


def test_check_reach_names_the_wrong_entry(capsys):
    res = check_reach(lambda T, k1, k2: reach_answer(T, k1, k2, "too_far"))
    assert (
        "T=8, k1=4, k2=4: the loss at step u = 5 does not reach the parameter use at step s = 4"
        in res.messages[0]
    )


def test_check_reach_unfinished_and_wrong_shape(capsys):
    def todo(T, k1, k2):
        raise NotImplementedError

    assert not check_reach(todo).passed
    assert "not implemented yet" in capsys.readouterr().out
    res = check_reach(lambda T, k1, k2: np.zeros((T, T + 1)))
    assert not res.passed
    assert "shape (8, 9), expected (8, 8): one row per loss" in res.messages[0]


# --- check_detached ---------------------------------------------------------------------
def detached_answer(params, xs, targets, k1, bug=None):
    """A student's detached_gradients, correct unless ``bug`` plants one mistake."""
    if bug == "no_cut":
        trace = rnnlib.forward(params, xs)
        _, dys = rnnlib.mse(trace.ys, targets, form="half_sum")
        return dict(rnnlib.bptt(params, trace, dys))
    T = xs.shape[0]
    total = dict.fromkeys(rnnlib.PARAM_NAMES, 0.0)
    h = None
    for s in range(0, T - k1 + 1 if bug == "drop_last" else T, k1):
        chunk = rnnlib.forward(params, xs[s : s + k1], h0=None if bug == "reset" else h)
        form = "mean" if bug == "mean" else "half_sum"
        _, dys = rnnlib.mse(chunk.ys, targets[s : s + k1], form=form)
        g = rnnlib.bptt(params, chunk, dys)
        if bug == "not_summed":
            total = dict(g)
        else:
            total = {n: total[n] + g[n] for n in total}
        h = chunk.hs[-2 if bug == "carry_early" else -1]
    return total


def test_check_detached_accepts_a_correct_answer(capsys):
    assert check_detached(detached_answer).passed
    assert "correct" in capsys.readouterr().out


def test_detach_cases_include_k_not_dividing_T():
    assert any(T % k1 for _, T, _, k1 in DETACH_CASES)


@pytest.mark.parametrize(
    ("bug", "case", "words"),
    [
        ("no_cut", 1, "never cut"),
        ("reset", 1, "the state was reset"),
        ("not_summed", 1, "must be summed"),
        ("carry_early", 1, "one step too early"),
        ("mean", 1, 'form="half_sum"'),
        ("drop_last", 2, "The last, shorter chunk is missing"),
    ],
)
def test_check_detached_names_each_planted_mistake(bug, case, words, capsys):
    res = check_detached(lambda p, x, t, k1: detached_answer(p, x, t, k1, bug))
    out = capsys.readouterr().out
    assert not res.passed and len(res.messages) == 1
    assert res.messages[0].startswith(f"case {case} ")
    assert "differs" in res.messages[0] and words in res.messages[0], res.messages[0]
    assert all(len(line) <= 88 for line in out.splitlines())


def test_check_detached_names_a_single_wrong_gradient(capsys):
    def wrong_b_y(p, x, t, k1):
        g = detached_answer(p, x, t, k1)
        g["b_y"] = 2 * g["b_y"]
        return g

    res = check_detached(wrong_b_y)
    out = capsys.readouterr().out
    assert not res.passed and "b_y differs" in out and "W_hh" not in out


def test_check_detached_wrong_shape_and_type(capsys):
    def transposed(p, x, t, k1):
        g = detached_answer(p, x, t, k1)
        g["W_xh"] = g["W_xh"].T
        return g

    res = check_detached(transposed)
    assert "W_xh: shape (1, 5), expected (5, 1): the gradient of W_xh" in res.messages[0]
    assert "expected a dict" in check_detached(lambda *a: None, quiet=True).messages[0]
