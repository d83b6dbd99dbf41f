"""Figures of notebook 04 draw what they claim."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib.viz.gradients import plot_contribution_norms  # noqa: E402


def teardown_function():
    plt.close("all")


def test_contribution_norms_one_line_per_loss():
    norms = {"a": np.arange(1.0, 6.0), "b": np.ones(5)}
    fig = plot_contribution_norms(norms, param="W_xh")
    ax = fig.axes[0]
    assert len(ax.lines) == 2
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), np.arange(1, 6))
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), norms["a"])
    assert ax.get_yscale() == "log"
    assert "W_{xh}" in ax.get_title()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]


def test_contribution_norms_rejects_bad_input():
    with pytest.raises(TypeError, match="norms"):
        plot_contribution_norms([1, 2, 3])
    with pytest.raises(ValueError, match="1-D"):
        plot_contribution_norms({"a": np.ones((2, 2))})


def test_step_errors_one_line_per_initial_state():
    from rnnlib.viz.gradients import plot_step_errors

    fig = plot_step_errors({"h_0 = 0": [1.0, 0.1, 0.01], "learned": [1e-6, 1e-7, 1e-8]})
    ax = fig.axes[0]
    assert len(ax.lines) == 2 and ax.get_yscale() == "log"
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [1e-6, 1e-7, 1e-8])
    with pytest.raises(TypeError, match="errors"):
        plot_step_errors([1.0, 2.0])


def test_step_size_sweep_log_log_with_the_tolerance():
    from rnnlib.viz.gradients import plot_step_size_sweep

    deltas = 10.0 ** np.arange(-8, 0)
    fig = plot_step_size_sweep(deltas, {"a": deltas**2, "b": np.full(8, 0.1)}, tol=1e-7)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert len(ax.lines) == 3  # two curves and the tolerance
    assert ax.lines[2].get_ydata()[0] == 1e-7
    with pytest.raises(ValueError, match="one value per step"):
        plot_step_size_sweep(deltas, {"a": [1.0]})
    with pytest.raises(ValueError, match="positive"):
        plot_step_size_sweep([0.0, 1.0], {"a": [1.0, 2.0]})
