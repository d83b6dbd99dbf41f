"""Tests for rnnlib.truncation: reach matrices, windowed BPTT, errors of truncated gradients."""

import numpy as np
import pytest

import rnnlib
from rnnlib import truncation as tr


def _setup(T=12, B=1, seed=0):
    params = rnnlib.init_params(1, 6, 1, seed=seed, scheme="xavier")
    xs, targets = rnnlib.sine_next_step(T, B, seed=seed)
    return params, xs, targets


@pytest.mark.parametrize("truncate", [None, 1, 3, 4, (2, 5), (1, 12), (3, 20)])
def test_reach_matrix_matches_measured_bptt(truncate):
    params, xs, _ = _setup()
    R = tr.reach_matrix(12, truncate)
    assert np.array_equal(tr.measured_reach(params, xs[:, 0], truncate), R)
    assert np.all(np.triu(R, 1) == 0)  # no loss reaches a later step


def test_reach_full_is_lower_triangle_and_literal_reading_loses_losses():
    assert np.array_equal(tr.reach_matrix(5), np.tril(np.ones((5, 5), dtype=int)))
    R = tr.reach_from_blocks(20, tr.literal_blocks(20, k1=10, k2=2))
    assert np.mean(R.sum(axis=1) == 0) == pytest.approx(0.8)


@pytest.mark.parametrize("k1, k2", [(4, 4), (3, 7), (5, 30), (1, 2)])
def test_windowed_gradient_equals_truncated_bptt(k1, k2):
    params, xs, targets = _setup(T=17, B=2)
    trace = rnnlib.forward(params, xs)
    _, dys = rnnlib.mse(trace.ys, targets, form="half_sum")
    ref = rnnlib.bptt(params, trace, dys, truncate=(k1, k2))
    got = tr.windowed_gradient(params, xs, targets, k1, k2)
    for k in rnnlib.PARAM_NAMES:
        assert rnnlib.rel_error(got[k], ref[k]) < 1e-12


def test_truncation_errors_zero_at_T_and_positive_before():
    params, xs, targets = _setup(T=10)
    trace = rnnlib.forward(params, xs)
    _, dys = rnnlib.mse(trace.ys, targets)
    errs = tr.truncation_errors(params, trace, dys, [1, 5, 10, 12])
    assert errs[0] > errs[1] > 0 and errs[2] < 1e-14 and errs[3] < 1e-14
    errs1 = tr.truncation_errors(params, trace, dys, [3, 10], k1=1)
    assert errs1[0] > 0 and errs1[1] < 1e-12


def test_randomized_mean_error_shrinks():
    params, xs, targets = _setup(T=10)
    trace = rnnlib.forward(params, xs)
    _, dys = rnnlib.mse(trace.ys, targets)
    e = tr.randomized_mean_errors(params, trace, dys, [1, 64], n_draws=128, p_continue=0.8)
    assert e[1] < e[0] / 3


def test_literal_blocks_are_the_passes_of_truncation_blocks_cut_at_k2():
    for T, k1, k2 in [(20, 10, 2), (10, 3, 5), (7, 3, 3), (9, 4, 1)]:
        passes = rnnlib.truncation_blocks(T, k1)
        literal = tr.literal_blocks(T, k1, k2)
        assert [b[:2] for b in literal] == [b[:2] for b in passes]
        assert [b[2] for b in literal] == [max(t_end - k2, 0) for t_end, _, _ in passes]
    with pytest.raises(TypeError, match="k2"):
        tr.literal_blocks(10, 2, 1.5)


def test_reach_from_blocks_of_one_pass():
    R = tr.reach_from_blocks(4, [(4, 2, 1)])  # losses 3, 4 through steps 2..4
    assert np.array_equal(R, [[0, 0, 0, 0], [0, 0, 0, 0], [0, 1, 1, 0], [0, 1, 1, 1]])
