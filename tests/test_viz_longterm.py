"""Tests for rnnlib.viz.longterm: the figures of notebook 09."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnnlib  # noqa: E402
from rnnlib.viz import longterm as lt  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_figures_have_expected_artists():
    xs, targets = rnnlib.adding_problem(10, 1, seed=0)
    fig = lt.plot_adding_example(xs[:, 0], targets[0, 0])
    assert len(fig.axes[0].patches) == 12  # 10 values + the 2 marked bars
    run = {"history": {"loss": list(np.linspace(0.3, 0.1, 50))}}
    fig = lt.plot_learning_curves({"a": run, "b": run}, title="t")
    lines = fig.axes[0].get_lines()
    assert len(lines) == 3 and lines[0].get_xdata()[-1] == 50
    fig = lt.plot_test_mse({"a": 0.01, "b": 0.1, "c": 0.2}, title="t")
    assert len(fig.axes[0].patches) == 3
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["a", "b", "c"]
    fig = lt.plot_gradient_flow({"a": np.array([1e-5, 1e-2, 1.0]), "b": np.ones(3)})
    assert len(fig.axes[0].get_lines()) == 2
    assert fig.axes[0].get_yscale() == "log"
    fig = lt.plot_coefficients([100, 200], [0.0, 0.9], [0.1, 1.0], [1.0, 0.1], T=20)
    assert len(fig.axes[0].get_lines()) == 4 and "T = 20" in fig.axes[0].get_title()
    fig = lt.plot_coefficients([100, 200], [0.0, 0.9], [0.1, 1.0], [1.0, 0.1], T=20, budget=150)
    assert len(fig.axes[0].get_lines()) == 5


def test_test_mse_bars_with_several_runs_show_median_and_each_run():
    baseline = 0.2
    fig = lt.plot_test_mse({"one": 0.1, "three": [0.02, 0.1, 0.08]}, baseline=baseline)
    ax = fig.axes[0]
    widths = [bar.get_width() for bar in ax.patches]
    assert np.allclose(widths, [0.5, 0.4])  # the single run, then the median of three
    (dots,) = [line for line in ax.get_lines() if line.get_marker() == "o"]  # one per run
    assert np.allclose(sorted(dots.get_xdata()), [0.1, 0.4, 0.5])
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["0.50", "median 0.40 (0.10 to 0.50)"]
