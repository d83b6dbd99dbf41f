"""Tests for rnnlib.gated: forward, exact BPTT (finite differences), Jacobians, training."""

import numpy as np
import pytest

import rnnlib
from rnnlib import gated


def _problem(T=6, B=2, H=3, seed=1):
    p = gated.init_gated_params(2, H, 1, seed=seed, gate_bias=-0.5)
    rng = np.random.default_rng(seed + 10)
    for k in p:  # non-trivial biases too
        p[k] = p[k] + 0.3 * rng.normal(size=p[k].shape)
    xs, targets = rnnlib.adding_problem(T, B, seed=seed)
    h0 = 0.5 * rng.normal(size=(B, H))
    return p, xs, targets, h0


def test_forward_shapes_and_update_rule():
    p, xs, _, h0 = _problem()
    tr = gated.gated_forward(p, xs, h0)
    assert tr.hs.shape == (7, 2, 3) and tr.us.shape == (6, 2, 3) and tr.ys.shape == (6, 2, 1)
    assert np.allclose(tr.hs[0], h0)
    u, c = tr.us[2], tr.cs[2]
    assert np.allclose(tr.hs[3], (1 - u) * tr.hs[2] + u * c)
    assert np.all((tr.us > 0) & (tr.us < 1))
    single = gated.gated_forward(p, xs[:, 0])  # (T, D) is accepted
    assert single.hs.shape == (7, 1, 3)


def test_gate_shut_keeps_the_state():
    p, xs, _, h0 = _problem()
    p["b_u"][:] = -50.0  # u_t ~ 0
    tr = gated.gated_forward(p, xs, h0)
    assert np.allclose(tr.hs[-1], h0, atol=1e-12)


@pytest.mark.parametrize("seed", [1, 2])
def test_backward_matches_finite_differences(seed):
    p, xs, targets, h0 = _problem(seed=seed)
    hh = h0.copy()

    def loss():
        return rnnlib.mse(gated.gated_forward(p, xs, hh).ys, targets, "last")[0]

    tr = gated.gated_forward(p, xs, hh)
    _, dys = rnnlib.mse(tr.ys, targets, "last")
    g = gated.gated_backward(p, tr, dys)
    for k in gated.GATED_NAMES:
        assert rnnlib.rel_error(g[k], rnnlib.numerical_gradient(loss, p[k])) < 1e-7, k
    assert rnnlib.rel_error(g["h0"], rnnlib.numerical_gradient(loss, hh)) < 1e-7


def test_jacobians_match_finite_differences():
    p, xs, _, h0 = _problem(B=1)
    x = xs[:, 0]
    tr = gated.gated_forward(p, x, h0[0])
    J = gated.gated_jacobians(p, tr)
    assert J.shape == (6, 3, 3)
    for t in (1, 4):

        def h_t(h_prev, t=t):
            return gated.gated_forward(p, x[t - 1 : t], h_prev).hs[1, 0]

        eps = 1e-6
        num = np.stack(
            [
                (h_t(tr.hs[t - 1, 0] + eps * e) - h_t(tr.hs[t - 1, 0] - eps * e)) / (2 * eps)
                for e in np.eye(3)
            ],
            axis=1,
        )
        assert rnnlib.rel_error(J[t - 1], num) < 1e-8


def test_product_norms_agree_with_the_vanilla_jacobian_norms():
    params = rnnlib.init_params(2, 4, 1, seed=0, scheme="xavier")
    xs, _ = rnnlib.adding_problem(8, 1, seed=0)
    tr = rnnlib.forward(params, xs[:, 0])
    J = rnnlib.recurrent_jacobians(params, tr)
    assert np.allclose(gated.product_norms(J), rnnlib.jacobian_norms(params, tr))
    p, xs, _, h0 = _problem(B=1)
    n = gated.gated_jacobian_norms(p, gated.gated_forward(p, xs[:, 0]))
    assert n.shape == (7,) and n[-1] == 1.0


def test_training_lowers_the_loss():
    p = gated.init_gated_params(2, 8, 1, seed=0)
    data = rnnlib.adding_problem(5, 32, seed=0)
    h = gated.train_gated(p, data, rnnlib.Adam(0.01), 60, clip_norm=1.0)
    assert len(h["loss"]) == 60 and h["loss"][-1] < 0.5 * h["loss"][0]


def test_bad_input_is_named():
    p, xs, targets, _ = _problem()
    with pytest.raises(ValueError, match="W_hu"):
        gated.gated_forward({k: v for k, v in p.items() if k != "W_hu"}, xs)
    bad = dict(p, W_hu=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="W_hu"):
        gated.gated_forward(bad, xs)
    with pytest.raises(ValueError, match="h0"):
        gated.gated_forward(p, xs, h0=np.zeros(5))
    with pytest.raises(TypeError, match="trace"):
        gated.gated_backward(p, "not a trace", np.zeros((6, 2, 1)))
    with pytest.raises(ValueError, match="gate_bias"):
        gated.init_gated_params(2, 3, 1, gate_bias=float("nan"))
    with pytest.raises(TypeError, match="optimizer"):
        gated.train_gated(p, (xs, targets), "adam", 1)


@pytest.mark.parametrize("batched", [False, True])
def test_step_pair_matches_the_sequence_code_and_finite_differences(batched):
    p, xs, _, h0 = _problem(T=2, B=2, seed=3)
    x, h_prev = (xs[0], h0) if batched else (xs[0, 0], h0[0])
    h, cache = gated.gated_step_forward(x, h_prev, p)
    tr = gated.gated_forward(p, xs[:1] if batched else xs[:1, 0], h_prev)
    assert np.allclose(h, tr.hs[1] if batched else tr.hs[1, 0])
    w = np.random.default_rng(0).normal(size=h.shape)  # L = sum(w * h_t): dL/dh_t = w
    g = gated.gated_step_backward(w, cache)
    hp = np.array(h_prev, dtype=float)

    def loss():
        return float(np.sum(w * gated.gated_step_forward(x, hp, p)[0]))

    for k in ("W_xh", "W_hh", "b_h", "W_xu", "W_hu", "b_u"):
        assert rnnlib.rel_error(g[k], rnnlib.numerical_gradient(loss, p[k])) < 1e-7, k
    assert rnnlib.rel_error(g["dh_prev"], rnnlib.numerical_gradient(loss, hp)) < 1e-7
    assert g["da_c"].shape == g["da_u"].shape == h.shape


def test_step_backward_bad_input_is_named():
    p, xs, _, h0 = _problem(T=2, B=1)
    _, cache = gated.gated_step_forward(xs[0, 0], h0[0], p)
    with pytest.raises(ValueError, match="dh"):
        gated.gated_step_backward(np.zeros(5), cache)
    with pytest.raises(TypeError, match="cache"):
        gated.gated_step_backward(np.zeros(3), ("not", "a", "cache"))
    with pytest.raises(ValueError, match="x must"):
        gated.gated_step_forward(np.zeros(3), h0[0], p)
    with pytest.raises(ValueError, match="h_prev must"):
        gated.gated_step_forward(xs[0, 0], np.zeros(4), p)


def test_init_gated_params_checks_gate_bias_and_seed_like_init_params():
    p = gated.init_gated_params(2, 3, 1, gate_bias=np.float32(-1.0))
    np.testing.assert_array_equal(p["b_u"], -1.0)
    with pytest.raises(TypeError, match="gate_bias must be a finite number, got str '-2'"):
        gated.init_gated_params(2, 3, 1, gate_bias="-2")
    with pytest.raises(ValueError, match="seed must be an integer >= 0, got -1"):
        gated.init_gated_params(2, 3, 1, seed=-1)
    with pytest.raises(TypeError, match="seed must be an integer >= 0"):
        gated.init_gated_params(2, 3, 1, seed=0.5)
