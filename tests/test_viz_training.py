"""Figures of notebook 05: loss curves mark divergence, predictions and slices draw."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib.viz.training import (  # noqa: E402
    clip_curve,
    plot_loss_curves,
    plot_loss_slice,
    plot_predictions,
    split_history,
)


def teardown_function():
    plt.close("all")


def test_split_history_finds_the_first_non_finite_loss():
    assert split_history({"loss": [1.0, 0.5], "diverged": False})[1] is None
    losses, stop = split_history({"loss": [1.0, 2.0, float("inf")], "diverged": True})
    assert list(losses) == [1.0, 2.0] and stop == 2
    losses, stop = split_history([1.0, np.nan, 3.0])  # a plain list with a NaN
    assert list(losses) == [1.0] and stop == 1
    with pytest.raises(ValueError, match="loss"):
        split_history({"losses": [1.0]})


def test_clip_curve_stops_where_the_curve_leaves():
    steps, shown = clip_curve([1.0, 5.0, 50.0, 1e9], top=10.0)
    assert list(steps) == [1, 2, 3] and list(shown) == [1.0, 5.0, 10.0]
    steps, shown = clip_curve([1.0, 0.5], top=10.0)
    assert list(shown) == [1.0, 0.5]


def test_loss_curves_mark_divergence_in_legend_and_with_a_cross():
    fine = {"loss": list(np.geomspace(1, 0.01, 50)), "diverged": False}
    bad = {"loss": [1.0, 10.0, 1e5, 1e300, float("inf")], "diverged": True}
    fig = plot_loss_curves({"a": fine, "b": bad})
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[0].startswith("a: final")
    assert texts[1] == "b: diverged (loss inf at step 5)"
    crosses = [l for l in ax.lines if l.get_marker() == "X"]
    assert len(crosses) == 1
    assert ax.get_ylim()[1] == pytest.approx(10.0)  # 10 x the initial loss
    assert np.all(np.isfinite(ax.lines[1].get_ydata()))


def test_loss_curves_without_divergence_keep_autoscale():
    fig = plot_loss_curves({"a": [1.0, 0.5, 0.25]})
    assert fig.axes[0].get_ylim()[1] < 10.0
    assert not [l for l in fig.axes[0].lines if l.get_marker() == "X"]


def test_loss_curves_reject_bad_input():
    with pytest.raises(TypeError, match="histories"):
        plot_loss_curves([[1.0, 0.5]])


def test_predictions_three_series_and_length_check():
    fig = plot_predictions(np.zeros(5), np.ones(5), np.arange(5.0))
    assert len(fig.axes[0].lines) == 3
    with pytest.raises(ValueError, match="same length"):
        plot_predictions(np.zeros(5), np.ones(4), np.zeros(5))


def test_loss_slice_draws_the_curve_and_the_two_ends():
    a = np.linspace(0, 1, 5)
    fig = plot_loss_slice(a, [1.0, 2.0, 3.0, 2.0, 1.0])
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [1.0, 2.0, 3.0, 2.0, 1.0])
    assert len(ax.texts) == 2
    with pytest.raises(ValueError, match="equal length"):
        plot_loss_slice(a, [1.0, 2.0])
