"""The learning-rate explorer: the slider re-selects a run and the figure follows."""

import numpy as np
import pytest

import rnnlib
from rnnlib.widgets.training import LearningRateExplorer


@pytest.fixture(scope="module")
def explorer():
    xs, targets = rnnlib.sine_next_step(T=12, n=4, seed=0)
    return LearningRateExplorer(xs, targets, n_hidden=4, steps=40, lr=0.1, step=0.5)


def test_control_is_a_log_slider_called_learning_rate(explorer):
    slider = explorer.controls["lr"]
    assert type(slider).__name__ == "FloatLogSlider"
    assert slider.description == "learning rate"
    assert len(explorer.rates) == 9  # 10^-3 .. 10^1 in steps of 10^0.5


def test_set_changes_curve_status_and_image(explorer):
    explorer.set(lr=0.01)
    slow = explorer.line.get_ydata().copy()
    image = explorer.image.value
    explorer.set(lr=1.0)
    assert not np.array_equal(slow, explorer.line.get_ydata())
    assert explorer.image.value != image
    assert explorer.status.get_text().startswith("learning rate 1")


def test_run_matches_rnnlib_train(explorer):
    params = rnnlib.copy_params(explorer.params0)
    history = rnnlib.train(params, explorer.data, "mse", rnnlib.SGD(explorer.nearest(0.1)), 40)
    np.testing.assert_allclose(explorer.run(0.1)["loss"], history["loss"])


def test_divergence_is_marked(explorer):
    explorer.set(lr=10.0)
    assert "diverg" in explorer.status.get_text()
    assert len(explorer.cross.get_xdata()) == 1
    explorer.set(lr=0.01)
    assert len(explorer.cross.get_xdata()) == 0


def test_nearest_snaps_to_the_grid(explorer):
    assert explorer.nearest(0.12) == pytest.approx(0.1)
    assert explorer.nearest(0.25) == pytest.approx(10**-0.5)


def test_a_move_never_trains(explorer, monkeypatch):
    # every slider position was trained when the explorer was built, so a move only
    # redraws (its latency is measured by benchmarks/bench_widgets.py)
    def no_training(lr):
        raise AssertionError(f"a move trained again at lr = {lr}")

    monkeypatch.setattr(explorer, "_train", no_training)
    for lr in explorer.rates:
        explorer.set(lr=lr)
        assert explorer.history is explorer.run(lr)


def test_bad_arguments():
    xs, targets = rnnlib.sine_next_step(T=5, n=2, seed=0)
    with pytest.raises(ValueError, match="xs"):
        LearningRateExplorer(xs[:, 0], targets)
    with pytest.raises(ValueError, match="lr"):
        LearningRateExplorer(xs, targets, lr=100.0)


def test_a_run_that_diverges_says_where_it_left_the_plot_and_where_it_became_infinite():
    xs, targets = rnnlib.sine_next_step(T=20, n=8, seed=0)
    e = LearningRateExplorer(xs, targets, steps=100, lr=10.0)
    left = int(e.cross.get_xdata()[0])  # the cross: where the curve leaves the plot
    text = e.status.get_text()
    assert f"above the plot from step {left}, infinite at step" in text, text
