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


def test_the_test_set_is_the_one_run_adding_measures_on():
    run = ex.run_adding(4, "tanh", steps=2, n_hidden=3, batch=4, n_test=30)
    xs, targets = ex.adding_test_set(4, 30)
    assert run["test_mse"] == ex.adding_test_mse(run["params"], "tanh", xs, targets)


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


def test_measure_cost_takes_turns_and_reports_processor_time_and_peak_memory():
    calls = []

    def work(label, seconds, n):
        calls.append(label)
        t0 = time.process_time()
        while time.process_time() - t0 < seconds:  # computes for that much processor time
            pass
        return np.ones(n)

    cost = ex.measure_cost(
        {"a": lambda: work("a", 0.01, 100_000), "b": lambda: work("b", 0.002, 10)}, repeat=2
    )
    assert calls == ["a", "b", "a", "b", "a", "b"]  # rounds of one call each, then traced
    assert cost["a"][0] >= 0.01 and cost["b"][0] >= 0.002
    assert cost["b"][0] < cost["a"][0]

    def idle():
        time.sleep(0.02)  # waiting is not computing: processor time stays near 0

    assert ex.measure_cost({"idle": idle}, repeat=1)["idle"][0] < 0.01
    assert 100_000 * 8 <= cost["a"][1] < 10 * 100_000 * 8  # the array of ones dominates
    assert cost["b"][1] < 100_000
    with pytest.raises(ValueError, match="repeat"):
        ex.measure_cost({"a": lambda: None}, repeat=0)


def test_checkpoints_are_the_parameters_of_a_shorter_run():
    run = ex.run_adding(5, "tanh", steps=6, n_hidden=4, batch=8, n_test=20, checkpoints=(2, 6))
    short = ex.run_adding(5, "tanh", steps=2, n_hidden=4, batch=8, n_test=20)
    assert sorted(run["checkpoints"]) == [2, 6]
    for k, v in short["params"].items():
        assert np.array_equal(run["checkpoints"][2][k], v)
        assert np.array_equal(run["checkpoints"][6][k], run["params"][k])
    gated_run = ex.run_adding(5, "gated", steps=3, n_hidden=4, batch=8, n_test=20, checkpoints=[1])
    assert list(gated_run["checkpoints"]) == [1]
    with pytest.raises(ValueError, match="checkpoints"):
        ex.run_adding(5, "tanh", steps=3, checkpoints=(4,))


def test_adding_coefficients_recover_a_known_linear_readout():
    xs, targets = rnnlib.adding_problem(12, 500, seed=0)
    first, second = rnnlib.adding_marked_values(xs)
    assert np.allclose(first + second, targets[:, 0])
    # a "model" whose prediction is 0.25 x_(t1,1) + 0.75 x_(t2,1) + 0.1, read off by a
    # linear network: h_T holds the two values, W_hy weighs them
    params = rnnlib.init_params(2, 2, 1, seed=0)
    expected = 0.25 * first + 0.75 * second + 0.1

    def predict(p, model, x):
        return expected[:, None]

    ex_predict, ex.adding_predict = ex.adding_predict, predict
    try:
        c = ex.adding_coefficients(params, "tanh", xs)
    finally:
        ex.adding_predict = ex_predict
    assert c["first"] == pytest.approx(0.25) and c["second"] == pytest.approx(0.75)
    assert c["intercept"] == pytest.approx(0.1) and c["r2"] == pytest.approx(1.0)


def test_adding_coefficients_of_a_trained_and_an_untrained_model():
    xs, _ = rnnlib.adding_problem(5, 400, seed=1)
    learned = ex.adding_coefficients(ex.run_adding(5, "tanh")["params"], "tanh", xs)
    assert abs(learned["first"] - 1) < 0.2 and abs(learned["second"] - 1) < 0.2
    untrained = rnnlib.init_params(2, 4, 1, seed=0, scale=0.0)  # predicts 0 everywhere
    c = ex.adding_coefficients(untrained, "tanh", xs)
    assert c == {"first": 0.0, "second": 0.0, "intercept": 0.0, "r2": 0.0}


def test_run_echo_measures_against_chance():
    run = ex.run_echo(2, 4, T=40, batch=4, epochs=1, n_hidden=4, T_test=50, n_test=8)
    assert len(run["history"]["loss"]) == 10  # one update per chunk of 4 steps
    xs, targets = rnnlib.delayed_echo(50, 8, 2, seed=1000)
    ys = rnnlib.forward(run["params"], xs).ys
    assert run["test_mse"] == pytest.approx(float(np.mean((ys[2:] - targets[2:]) ** 2)))
    assert run["chance"] == pytest.approx(float(np.var(targets[2:])))
    assert abs(run["chance"] - 0.25) < 0.01
