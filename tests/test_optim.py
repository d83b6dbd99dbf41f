"""Optimisers: the update formulas, descent on a quadratic, per-parameter state."""

import numpy as np
import pytest

import rnnlib

A = np.array([1.0, 4.0, 0.25])  # f(theta) = 1/2 sum A theta^2, gradient A theta


def quadratic(theta):
    return 0.5 * float(np.sum(A * theta**2)), A * theta


@pytest.mark.parametrize(
    "name, lr",
    [("sgd", 0.1), ("momentum", 0.05), ("adagrad", 0.5), ("rmsprop", 0.05), ("adam", 0.1)],
)
def test_each_optimizer_decreases_a_quadratic(name, lr):
    opt = rnnlib.make_optimizer(name, lr)
    assert isinstance(opt, rnnlib.OPTIMIZERS[name]) and opt.lr == lr
    params = {"w": np.array([1.0, -2.0, 3.0])}
    f0, _ = quadratic(params["w"])
    values = []
    for _ in range(200):
        f, g = quadratic(params["w"])
        values.append(f)
        opt.step(params, {"w": g})
    assert quadratic(params["w"])[0] < 0.05 * f0
    assert values[1] < values[0]  # the very first step already goes downhill


def reference_updates(name, g_seq, lr):
    """The documented update rules, written out for a scalar parameter."""
    theta, v, s, m, u = 0.0, 0.0, 0.0, 0.0, 0.0
    out = []
    for t, g in enumerate(g_seq, start=1):
        if name == "sgd":
            theta -= lr * g
        elif name == "momentum":
            v = 0.9 * v + g
            theta -= lr * v
        elif name == "adagrad":
            s += g * g
            theta -= lr * g / (np.sqrt(s) + 1e-8)
        elif name == "rmsprop":
            s = 0.9 * s + 0.1 * g * g
            theta -= lr * g / (np.sqrt(s) + 1e-8)
        elif name == "adam":
            m = 0.9 * m + 0.1 * g
            u = 0.999 * u + 0.001 * g * g
            theta -= lr * (m / (1 - 0.9**t)) / (np.sqrt(u / (1 - 0.999**t)) + 1e-8)
        out.append(theta)
    return out


@pytest.mark.parametrize("name", sorted(rnnlib.OPTIMIZERS))
def test_update_rules(name):
    g_seq = [0.5, -1.5, 2.0, 0.1, -0.3]
    opt = rnnlib.make_optimizer(name, 0.01)
    params = {"w": np.zeros(1)}
    got = []
    for g in g_seq:
        opt.step(params, {"w": np.array([g])})
        got.append(params["w"][0])
    np.testing.assert_allclose(got, reference_updates(name, g_seq, 0.01), rtol=1e-12, atol=1e-15)


def test_adam_first_step_is_lr_times_sign():
    g = {"W_hh": np.array([[3e-3, -250.0], [1.0, -1e-2]]), "b_h": np.array([7.0, -0.5])}
    params = {k: np.zeros_like(v) for k, v in g.items()}
    rnnlib.Adam(0.01).step(params, g)
    for k in g:
        np.testing.assert_allclose(params[k], -0.01 * np.sign(g[k]), rtol=1e-5)


def test_state_is_per_parameter():
    """Two parameters updated by one optimiser move exactly as with one optimiser each."""
    rng = np.random.default_rng(0)
    grads = [{"a": rng.normal(size=3), "b": 100 * rng.normal(size=(2, 2))} for _ in range(5)]
    for name in rnnlib.OPTIMIZERS:
        joint = rnnlib.make_optimizer(name, 0.01)
        sep = {k: rnnlib.make_optimizer(name, 0.01) for k in ("a", "b")}
        pj = {"a": np.zeros(3), "b": np.zeros((2, 2))}
        ps = {k: v.copy() for k, v in pj.items()}
        for g in grads:
            joint.step(pj, g)
            for k in ("a", "b"):
                sep[k].step({k: ps[k]}, {k: g[k]})
        for k in ("a", "b"):
            np.testing.assert_array_equal(pj[k], ps[k])
    # parameters without a gradient are left alone (and get no state)
    opt = rnnlib.Adam(0.1)
    p = {"a": np.ones(2), "b": np.ones(2)}
    opt.step(p, {"a": np.ones(2)})
    np.testing.assert_array_equal(p["b"], 1.0)
    assert all(key[1] == "a" for key in opt.state)


def test_step_updates_in_place_and_keeps_dtype():
    p = rnnlib.init_params(2, 3, 1, dtype=np.float32)
    arrays = dict(p)
    g = {k: np.ones_like(v, dtype=np.float64) for k, v in p.items()}
    out = rnnlib.SGD(0.5).step(p, g)
    assert out is p
    for k in p:
        assert p[k] is arrays[k] and p[k].dtype == np.float32
    np.testing.assert_allclose(p["b_h"], -0.5)


def test_repr_and_registry():
    assert repr(rnnlib.Adam(0.001)) == "Adam(lr=0.001)"
    assert set(rnnlib.OPTIMIZERS) == {"sgd", "momentum", "adagrad", "rmsprop", "adam"}
    assert rnnlib.make_optimizer("momentum", 0.1, beta=0.5).beta == 0.5
