"""Activations: one logistic sigmoid for the whole package (the same numbers through its array
and its float path, accurate in both tails, dtypes kept); a plain number works like an array."""

import ast
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnlib
from rnnlib.activations import ACTIVATIONS, _sigmoid, sigmoid
from rnnlib.cliff import cliff_states
from rnnlib.gated import gated_forward, init_gated_params

ROOT = Path(rnnlib.__file__).parent


def exact(z: float) -> float:
    """sigma(z) written out, in the form that is accurate for this sign of z."""
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def test_the_package_defines_the_sigmoid_once():
    # gated, cliff, losses and the figures use rnnlib.activations' sigmoid
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name.strip("_") in {
                "sigmoid",
                "logistic",
                "expit",
            }:
                found.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert sorted(found) == ["activations.py:_sigmoid", "activations.py:sigmoid"]


@settings(max_examples=200)
@given(st.floats(-800, 800))
def test_float_path_returns_a_float_equal_to_the_array_path(z):
    s = sigmoid(z)
    assert type(s) is float
    a = sigmoid(np.array([z]))[0]
    assert s == pytest.approx(a, rel=4e-16, abs=0)
    assert s == pytest.approx(exact(z), rel=4e-16, abs=0)


@pytest.mark.parametrize("z", [-700.0, -100.0, -40.0, -1e-3, 0.0, 1e-3, 40.0, 700.0])
def test_both_tails_are_accurate_to_the_last_digits(z):
    # sigma(-700) ~ 1e-304: a form 0.5 (1 + tanh(z / 2)) gives 0 there
    assert sigmoid(z) == pytest.approx(exact(z), rel=4e-16, abs=0)
    assert sigmoid(np.array([z]))[0] == pytest.approx(exact(z), rel=4e-16, abs=0)


def test_limits_and_nan():
    z = np.array([-np.inf, -1e308, 0.0, 1e308, np.inf, np.nan])
    np.testing.assert_array_equal(sigmoid(z), [0.0, 0.0, 0.5, 1.0, 1.0, np.nan])
    assert [sigmoid(float(v)) for v in z[:5]] == [0.0, 0.0, 0.5, 1.0, 1.0]
    assert math.isnan(sigmoid(math.nan))


def test_dtypes_and_out():
    assert sigmoid(np.array([1.0, -2.0], dtype=np.float32)).dtype == np.float32
    assert sigmoid([1, -2]).dtype == np.float64
    z = np.array([[-3.0, 0.0, 3.0]])
    out = np.empty_like(z)
    f, _ = ACTIVATIONS["sigmoid"]
    assert f(z, out=out) is out and f is _sigmoid
    np.testing.assert_array_equal(out, sigmoid(z))
    with pytest.raises(TypeError, match="z must be a numeric array"):
        sigmoid("0.5")


def test_gate_and_cliff_use_the_same_numbers():
    p = init_gated_params(2, 3, 1, seed=4)
    xs = np.random.default_rng(4).normal(size=(5, 2))
    tr = gated_forward(p, xs)
    for t in range(1, 6):
        a_u = p["W_xu"] @ xs[t - 1] + p["W_hu"] @ tr.hs[t - 1, 0] + p["b_u"]
        np.testing.assert_allclose(tr.us[t - 1, 0], sigmoid(a_u), rtol=1e-14, atol=0)
    zs = cliff_states(5.0, -3.0, T=4)
    assert all(zs[t] == 5.0 * sigmoid(zs[t - 1]) - 3.0 for t in range(1, 5))


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear"])
def test_a_plain_number_works_like_a_one_element_array(activation):
    for z in (3.0, -0.5, 2):
        expected_f = rnnlib.activate(np.array([z], dtype=float), activation)[0]
        expected_df = rnnlib.activation_derivative(np.array([z], dtype=float), activation)[0]
        f, df = rnnlib.activate(z, activation), rnnlib.activation_derivative(z, activation)
        assert np.shape(f) == () and np.shape(df) == ()
        assert float(f) == expected_f and float(df) == expected_df
    assert float(rnnlib.activation_derivative(3.0, "tanh")) == pytest.approx(1 - np.tanh(3.0) ** 2)
