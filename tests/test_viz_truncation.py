"""Tests for rnnlib.viz.truncation: reach matrices, windowed BPTT, errors, figures."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnnlib  # noqa: E402
from rnnlib.viz import truncation as vt  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _setup(T=12, B=1, seed=0):
    params = rnnlib.init_params(1, 6, 1, seed=seed, scheme="xavier")
    xs, targets = rnnlib.sine_next_step(T, B, seed=seed)
    return params, xs, targets


@pytest.mark.parametrize("truncate", [None, 1, 3, 4, (2, 5), (1, 12), (3, 20)])
def test_reach_matrix_matches_measured_bptt(truncate):
    params, xs, _ = _setup()
    R = vt.reach_matrix(12, truncate)
    assert np.array_equal(vt.measured_reach(params, xs[:, 0], truncate), R)
    assert np.all(np.triu(R, 1) == 0)  # no loss reaches a later step


def test_reach_full_is_lower_triangle_and_literal_reading_loses_losses():
    assert np.array_equal(vt.reach_matrix(5), np.tril(np.ones((5, 5), dtype=int)))
    R = vt.reach_from_blocks(20, vt.literal_blocks(20, k1=10, k2=2))
    assert np.mean(R.sum(axis=1) == 0) == pytest.approx(0.8)


@pytest.mark.parametrize("k1, k2", [(4, 4), (3, 7), (5, 30), (1, 2)])
def test_windowed_gradient_equals_truncated_bptt(k1, k2):
    params, xs, targets = _setup(T=17, B=2)
    trace = rnnlib.forward(params, xs)
    _, dys = rnnlib.mse(trace.ys, targets, form="half_sum")
    ref = rnnlib.bptt(params, trace, dys, truncate=(k1, k2))
    got = vt.windowed_gradient(params, xs, targets, k1, k2)
    for k in vt.PARAMS:
        assert rnnlib.rel_error(got[k], ref[k]) < 1e-12


def test_truncation_errors_zero_at_T_and_positive_before():
    params, xs, targets = _setup(T=10)
    trace = rnnlib.forward(params, xs)
    _, dys = rnnlib.mse(trace.ys, targets)
    errs = vt.truncation_errors(params, trace, dys, [1, 5, 10, 12])
    assert errs[0] > errs[1] > 0 and errs[2] < 1e-14 and errs[3] < 1e-14
    errs1 = vt.truncation_errors(params, trace, dys, [3, 10], k1=1)
    assert errs1[0] > 0 and errs1[1] < 1e-12


def test_randomized_mean_error_shrinks():
    params, xs, targets = _setup(T=10)
    trace = rnnlib.forward(params, xs)
    _, dys = rnnlib.mse(trace.ys, targets)
    e = vt.randomized_mean_errors(params, trace, dys, [1, 64], n_draws=128, p_continue=0.8)
    assert e[1] < e[0] / 3


def test_measure_reports_time_and_peak():
    seconds, peak = vt.measure(np.ones, (1000, 100), repeat=1)
    assert seconds >= 0 and peak >= 1000 * 100 * 8


def test_figures_have_expected_artists():
    fig = vt.plot_backward_passes(12, [None, 4, (3, 6)])
    assert len(fig.axes) == 3
    assert len(fig.axes[1].patches) == 3  # three passes of BPTT(4; 4)
    fig = vt.plot_reach(8, [None, 2])
    assert len(fig.axes) == 2 and all(len(ax.images) == 1 for ax in fig.axes)
    assert np.array_equal(fig.axes[1].images[0].get_array(), vt.reach_matrix(8, 2))
    fig = vt.plot_errors([1, 2, 3], {"a": np.array([0.5, 0.1, 0.0])}, 3)
    assert len(fig.axes[0].get_lines()) >= 2
    fig = vt.plot_cost([1, 2], {"a": [1, 2], "b": [1, 1]}, {"a": [1, 2], "b": [1, 1]})
    assert len(fig.axes) == 2 and len(fig.axes[1].get_lines()) == 2
    fig = vt.plot_randomized([1, 4], np.array([0.2, 0.1]), 0.15, "fixed")
    assert len(fig.axes[0].get_lines()) == 3
