"""Tests for rnnlib.viz.truncation: the figures of notebook 08."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib.truncation import reach_matrix  # noqa: E402
from rnnlib.viz import truncation as vt  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_figures_have_expected_artists():
    fig = vt.plot_backward_passes(12, [None, 4, (3, 6)])
    assert len(fig.axes) == 3
    assert len(fig.axes[1].patches) == 3  # three passes of BPTT(4; 4)
    fig = vt.plot_reach(8, [None, 2])
    assert len(fig.axes) == 2 and all(len(ax.images) == 1 for ax in fig.axes)
    assert np.array_equal(fig.axes[1].images[0].get_array(), reach_matrix(8, 2))
    fig = vt.plot_errors([1, 2, 3], {"a": np.array([0.5, 0.1, 0.0])}, 3)
    assert len(fig.axes[0].get_lines()) >= 2
    two = {"a": [1, 2], "b": [1, 1]}
    fig = vt.plot_cost([1, 2], two, two, two)
    assert len(fig.axes) == 3 and all(len(ax.get_lines()) == 2 for ax in fig.axes)
    fig = vt.plot_window_sweep([2, 4, 6, 8], [0.9, 1.1, 0.05, 0.04], 5)
    assert len(fig.axes[0].patches) == 4
    assert [p.get_height() for p in fig.axes[0].patches] == [0.9, 1.1, 0.05, 0.04]
    fig = vt.plot_randomized([1, 4], np.array([0.2, 0.1]), 0.15, "fixed")
    assert len(fig.axes[0].get_lines()) == 3
