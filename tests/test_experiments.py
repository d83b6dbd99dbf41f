"""Tests for rnnlib.experiments: the adding-problem runs and the cost measurement."""

import time

import numpy as np
import pytest

import rnnlib
from rnnlib import experiments as ex


@pytest.mark.parametrize("model", ["tanh", "irnn", "gated"])
def test_run_adding_trains_and_measures(model):
    run = ex.run_adding(5, model, steps=30, n_hidden=6, batch=16, lr=1e-2, clip_norm=1.0, n_test=50)
    assert run["model"] == model and run["T"] == 5
    assert len(run["history"]["loss"]) == 30
    assert np.isfinite(run["test_mse"]) and run["test_mse"] > 0
    xs, targets = rnnlib.adding_problem(5, 50, seed=1)
    assert run["test_mse"] == pytest.approx(ex.adding_test_mse(run["params"], model, xs, targets))
    flow = ex.gradient_flow(run["params"], model, xs[:, 0])
    assert flow.shape == (6,) and flow[-1] == 1.0


def test_run_adding_learns_short_sequences():
    run = ex.run_adding(5, "tanh", n_test=200)
    assert run["test_mse"] < 0.3 * rnnlib.ADDING_BASELINE_MSE


def test_unknown_model_is_named():
    with pytest.raises(ValueError, match="model"):
        ex.run_adding(5, "lstm")


def test_adding_predict_is_the_last_output():
    run = ex.run_adding(4, "irnn", steps=2, n_hidden=3, batch=4, n_test=8)
    xs, targets = rnnlib.adding_problem(4, 8, seed=3)
    y = ex.adding_predict(run["params"], "irnn", xs)
    ys = rnnlib.forward(run["params"], xs, activation="relu").ys
    assert y.shape == (8, 1) and np.array_equal(y, ys[-1])
    assert ex.adding_test_mse(run["params"], "irnn", xs, targets) == pytest.approx(
        float(np.mean((ys[-1] - targets) ** 2))
    )
    with pytest.raises(ValueError, match="model must be one of"):
        ex.adding_predict(run["params"], "lstm", xs)


def test_measure_cost_reports_best_time_and_peak_memory():
    calls = []

    def work(seconds, n):
        calls.append(seconds)
        time.sleep(seconds)
        return np.ones(n)

    seconds, peak = ex.measure_cost(work, 0.01, n=100_000, repeat=2)
    assert len(calls) == 3  # two timed runs, one traced run
    assert seconds >= 0.01  # a lower bound only: sleep never returns early
    assert 100_000 * 8 <= peak < 10 * 100_000 * 8  # the array of ones dominates
