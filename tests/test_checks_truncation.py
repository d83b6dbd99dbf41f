"""Tests for rnnlib.checks.truncation: the checkers accept the reference and name planted bugs."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnnlib  # noqa: E402
from rnnlib.checks.truncation import check_detached, check_reach  # noqa: E402
from rnnlib.truncation import reach_matrix  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


# --- checkers -------------------------------------------------------------------------
def _reach_ok(T, k1, k2):
    return reach_matrix(T, (k1, k2))


def test_check_reach_accepts_the_reference(capsys):
    assert check_reach(_reach_ok).passed
    assert "correct" in capsys.readouterr().out


def test_check_reach_names_the_wrong_entry(capsys):
    def off_by_one(T, k1, k2):  # the window reaches one step too far back
        R = reach_matrix(T, (k1, k2))
        for u in range(1, T + 1):
            t_end = min(-(-u // k1) * k1, T)
            if t_end - k2 >= 1:
                R[u - 1, t_end - k2 - 1] = 1
        return R

    res = check_reach(off_by_one)
    out = capsys.readouterr().out
    assert not res.passed
    assert (
        "T=8, k1=4, k2=4: the loss at step u = 5 does not reach the parameter use at step s = 4"
        in res.messages[0]
    )
    assert all(len(line) <= 88 for line in out.splitlines()) and ("at step s =\n    4" in out)


def test_check_reach_unfinished_and_wrong_shape(capsys):
    def todo(T, k1, k2):
        raise NotImplementedError

    assert not check_reach(todo).passed
    assert "not implemented yet" in capsys.readouterr().out
    assert not check_reach(lambda T, k1, k2: np.zeros((T, T + 1))).passed
    assert "expected a (8, 8) array" in capsys.readouterr().out


def _detached_ok(params, xs, targets, k, reset=False, cut=True):
    total = dict.fromkeys(rnnlib.PARAM_NAMES, 0.0)
    if not cut:
        trace = rnnlib.forward(params, xs)
        _, dys = rnnlib.mse(trace.ys, targets, form="half_sum")
        return dict(rnnlib.bptt(params, trace, dys))
    h = None
    for s in range(0, xs.shape[0], k):
        tr = rnnlib.forward(params, xs[s : s + k], h0=None if reset else h)
        _, dys = rnnlib.mse(tr.ys, targets[s : s + k], form="half_sum")
        g = rnnlib.bptt(params, tr, dys)
        total = {n: total[n] + g[n] for n in total}
        h = tr.hs[-1]
    return total


def test_check_detached_accepts_the_reference(capsys):
    assert check_detached(_detached_ok).passed
    assert "correct" in capsys.readouterr().out


def test_check_detached_recognises_a_reset(capsys):
    res = check_detached(lambda p, x, t, k: _detached_ok(p, x, t, k, reset=True))
    out = capsys.readouterr().out
    assert not res.passed
    assert "W_xh differs" in out or "W_hh differs" in out
    assert "the state was reset" in out


def test_check_detached_recognises_no_cut(capsys):
    res = check_detached(lambda p, x, t, k: _detached_ok(p, x, t, k, cut=False))
    out = capsys.readouterr().out
    assert not res.passed and "never cut" in out


def test_check_detached_names_a_single_wrong_gradient(capsys):
    def wrong_b_y(p, x, t, k):
        g = _detached_ok(p, x, t, k)
        g["b_y"] = 2 * g["b_y"]
        return g

    res = check_detached(wrong_b_y)
    out = capsys.readouterr().out
    assert not res.passed and "b_y differs" in out and "W_hh" not in out
