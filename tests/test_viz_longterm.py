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
