"""Every gradient of bptt against central finite differences (float64, rel. error < 1e-7).

The finite differences run the plain-numpy reference recurrence of conftest.py, not
rnnlib.forward, so a wrong forward pass cannot hide a wrong backward pass.
"""

import numpy as np
import pytest
from conftest import (
    ACTIVATION_NAMES,
    LOSS_KINDS,
    PARAMS,
    assert_grad_close,
    fd_grad,
    fd_truncated_gradient,
    make_loss,
    make_problem,
    ref_run,
    rel_err,
)
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnlib

TOL = 1e-7


def analytic(p, xs, h0, activation, loss_fn, truncate=None):
    trace = rnnlib.forward(p, xs, h0, activation)
    _, dys = loss_fn(trace.ys)
    return rnnlib.bptt(p, trace, dys, truncate=truncate)


def assert_close(grads, ref, context):
    for name in PARAMS + ("h0",):
        assert_grad_close(grads[name], ref[name], f"{context}: {name}", TOL)
    assert_grad_close(grads.dxs, ref["xs"], f"{context}: dxs", TOL)


# --- the full grid: activation x structure x batch x loss, full BPTT ------------------
@pytest.mark.parametrize("loss_kind", LOSS_KINDS)
@pytest.mark.parametrize("batch", [None, 3], ids=["single", "batch"])
@pytest.mark.parametrize("last_only", [False, True], ids=["many2many", "many2one"])
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_full_bptt_matches_finite_differences(activation, last_only, batch, loss_kind):
    T, D, H, O = 5, 3, 4, 3
    p, xs, h0 = make_problem(T, batch, D, H, O, activation, seed=11)
    loss_fn = make_loss(loss_kind, (T, O) if batch is None else (T, batch, O), last_only, 3)
    grads = analytic(p, xs, h0, activation, loss_fn)
    ref = fd_truncated_gradient(p, xs, h0, activation, loss_fn, T, T)  # one block = full
    assert_close(grads, ref, f"{activation} {loss_kind}")
    # the reference is not trivially small: every gradient carries signal
    for name in PARAMS:
        if not (last_only and name == "b_y" and loss_kind == "softmax_ce_prob"):
            assert np.linalg.norm(ref[name]) > 1e-4, name


# --- truncated BPTT(k2; k1) against its direct definition -----------------------------
@pytest.mark.parametrize(
    "truncate", [1, 2, 3, (1, 3), (2, 3), (2, 5), (3, 4), (4, 4), (2, 20)], ids=str
)
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_truncated_bptt_matches_direct_definition(activation, truncate):
    T, B, D, H, O = 7, 2, 2, 3, 2
    p, xs, h0 = make_problem(T, B, D, H, O, activation, seed=5)
    loss_fn = make_loss("mse_mean", (T, B, O), False, 1)
    k1, k2 = (truncate, truncate) if isinstance(truncate, int) else truncate
    ref = fd_truncated_gradient(p, xs, h0, activation, loss_fn, k1, k2)
    grads = analytic(p, xs, h0, activation, loss_fn, truncate=truncate)
    assert_close(grads, ref, f"{activation} truncate={truncate}")
    if isinstance(truncate, int):
        assert_close(analytic(p, xs, h0, activation, loss_fn, (k1, k1)), ref, "pair form")


def test_truncation_really_changes_the_gradient():
    """Sanity of the reference: truncated and full gradients differ (the test can fail)."""
    T = 7
    p, xs, h0 = make_problem(T, 2, 2, 3, 2, "tanh", seed=5)
    loss_fn = make_loss("mse_mean", (T, 2, 2), False, 1)
    full = fd_truncated_gradient(p, xs, h0, "tanh", loss_fn, T, T)
    trunc = fd_truncated_gradient(p, xs, h0, "tanh", loss_fn, 2, 3)
    assert rel_err(full["W_hh"], trunc["W_hh"]) > 1e-3
    wrong = analytic(p, xs, h0, "tanh", loss_fn, truncate=None)
    assert rel_err(wrong["W_hh"], trunc["W_hh"]) > 1e-3


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_truncated_many_to_one_softmax_single_sequence(activation):
    T, D, H, O = 6, 2, 3, 3
    p, xs, h0 = make_problem(T, None, D, H, O, activation, seed=8)
    loss_fn = make_loss("softmax_ce_index", (T, O), True, 4)
    for truncate in [(2, 3), 4, (1, 6)]:
        k1, k2 = (truncate, truncate) if isinstance(truncate, int) else truncate
        ref = fd_truncated_gradient(p, xs, h0, activation, loss_fn, k1, k2)
        assert_close(analytic(p, xs, h0, activation, loss_fn, truncate), ref, str(truncate))


def fd_randomized_gradient(params, xs, h0, activation, loss_fn, xi, eps=1e-3):
    """Randomized truncation from its definition, with finite differences.

    The gradient that flows from step t back to h_{t-1} is scaled by xi_t. A surrogate
    with the same values has exactly these derivatives: step t reads its previous state
    as c_{t-1} + xi_t (h_{t-1} - c_{t-1}), where c_{t-1} is the (constant) value of
    h_{t-1} in the unperturbed run. Returns the central differences of the surrogate's
    loss w.r.t. the parameters, the inputs ("xs") and h0.
    """
    single = np.ndim(xs) == 2
    xs3 = np.array(xs[:, None] if single else xs, dtype=float)
    h0_2 = np.array(np.atleast_2d(h0), dtype=float)
    p = {k: np.array(v, dtype=float) for k, v in params.items()}
    c, _, _ = ref_run(p, xs3, h0_2, activation)  # the constants c_t = h_t
    f = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "linear": lambda z: z}
    f["sigmoid"] = lambda z: 1 / (1 + np.exp(-z))

    def loss():
        h, ys = h0_2, []
        for t in range(1, xs3.shape[0] + 1):
            h_read = c[t - 1] + xi[t - 1] * (h - c[t - 1])
            h = f[activation](xs3[t - 1] @ p["W_xh"].T + h_read @ p["W_hh"].T + p["b_h"])
            ys.append(h @ p["W_hy"].T + p["b_y"])
        ys = np.array(ys)
        return loss_fn(ys[:, 0] if single else ys)[0]

    grads = {k: fd_grad(loss, p[k], eps) for k in PARAMS}
    grads["xs"] = fd_grad(loss, xs3, eps)[:, 0] if single else fd_grad(loss, xs3, eps)
    grads["h0"] = fd_grad(loss, h0_2, eps)[0] if single else fd_grad(loss, h0_2, eps)
    return grads


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("batch", [None, 2], ids=["single", "batch"])
def test_randomized_bptt_matches_its_definition(activation, batch):
    T, D, H, O, p_continue = 7, 2, 3, 2, 0.5
    p, xs, h0 = make_problem(T, batch, D, H, O, activation, seed=9)
    loss_fn = make_loss("mse_mean", (T, O) if batch is None else (T, batch, O), False, 5)
    trace = rnnlib.forward(p, xs, h0, activation)
    _, dys = loss_fn(trace.ys)
    for seed in (0, 1, 2):
        grads = rnnlib.bptt_randomized(p, trace, dys, p_continue, seed=seed)
        # the draw bptt_randomized makes: xi_t = 1/p with probability p, else 0
        rng = np.random.default_rng(seed)
        xi = np.where(rng.random(T) < p_continue, 1 / p_continue, 0.0)
        assert 0 < np.count_nonzero(xi) < T  # some links cut, some scaled
        ref = fd_randomized_gradient(p, xs, h0, activation, loss_fn, xi)
        assert_close(grads, ref, f"{activation} seed={seed}")


# --- property-based: random shapes, activations, truncations, losses --------------------
@st.composite
def problems(draw):
    T = draw(st.integers(1, 5))
    B = draw(st.sampled_from([None, 1, 2]))
    D = draw(st.integers(1, 3))
    H = draw(st.integers(1, 3))
    O = draw(st.integers(2, 3))
    activation = draw(st.sampled_from(ACTIVATION_NAMES))
    loss_kind = draw(st.sampled_from(LOSS_KINDS))
    last_only = draw(st.booleans())
    kind = draw(st.sampled_from(["full", "k", "pair"]))
    if kind == "full":
        truncate = None
    elif kind == "k":
        truncate = draw(st.integers(1, 6))
    else:
        k1 = draw(st.integers(1, 5))
        truncate = (k1, draw(st.integers(k1, 7)))
    seed = draw(st.integers(0, 10_000))
    return T, B, D, H, O, activation, loss_kind, last_only, truncate, seed


@settings(max_examples=150)
@given(problems())
def test_property_bptt_equals_definition(problem):
    T, B, D, H, O, activation, loss_kind, last_only, truncate, seed = problem
    p, xs, h0 = make_problem(T, B, D, H, O, activation, seed)
    ys_shape = (T, O) if B is None else (T, B, O)
    loss_fn = make_loss(loss_kind, ys_shape, last_only, seed)
    if truncate is None:
        k1 = k2 = T
    else:
        k1, k2 = (truncate, truncate) if isinstance(truncate, int) else truncate
    ref = fd_truncated_gradient(p, xs, h0, activation, loss_fn, k1, k2)
    grads = analytic(p, xs, h0, activation, loss_fn, truncate)
    assert set(grads) == set(PARAMS) | {"h0"}
    for name in PARAMS + ("h0",):
        assert grads[name].shape == ref[name].shape, name
        assert grads[name].dtype == np.float64
        assert_grad_close(grads[name], ref[name], name, TOL)
    assert grads.dxs.shape == np.shape(xs) and grads.dxs.dtype == np.float64
    assert_grad_close(grads.dxs, ref["xs"], "dxs", TOL)


# --- dL/dh_t and dL/dz_t stored on the Gradients ----------------------------------------
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_dhs_and_dzs_are_derivatives_wrt_the_states(activation):
    """dhs[t] = dL/dh_t: perturb h_t, re-run the rest of the sequence, difference the loss."""
    T, B, D, H, O = 5, 2, 2, 3, 2
    p, xs, h0 = make_problem(T, B, D, H, O, activation, seed=2)
    loss_fn = make_loss("mse_half_sum", (T, B, O), False, 2)
    grads = analytic(p, xs, h0, activation, loss_fn)
    hs, zs, ys = ref_run(p, xs, h0, activation)
    f = {
        "tanh": np.tanh,
        "relu": lambda z: np.maximum(z, 0),
        "linear": lambda z: z,
        "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    }[activation]
    for t in range(1, T + 1):
        h_t = hs[t].copy()

        def loss_from_h(t=t, h_t=h_t):
            _, _, ys_after = ref_run(p, xs, h_t, activation, t, T)
            y_t = h_t @ p["W_hy"].T + p["b_y"]
            return loss_fn(np.concatenate([ys[: t - 1], y_t[None], ys_after]))[0]

        assert rel_err(grads.dhs[t], fd_grad(loss_from_h, h_t)) < TOL, t
        z_t = zs[t - 1].copy()

        def loss_from_z(t=t, z_t=z_t):
            h = f(z_t)
            _, _, ys_after = ref_run(p, xs, h, activation, t, T)
            y_t = h @ p["W_hy"].T + p["b_y"]
            return loss_fn(np.concatenate([ys[: t - 1], y_t[None], ys_after]))[0]

        assert rel_err(grads.dzs[t - 1], fd_grad(loss_from_z, z_t)) < TOL, t
    np.testing.assert_array_equal(grads.dhs[0], grads["h0"])


# --- rnnlib.grad_check and friends --------------------------------------------------------
def test_grad_check_passes_and_reports_every_gradient():
    p, xs, h0 = make_problem(4, 2, 2, 3, 2, "tanh", seed=1)
    tg = np.random.default_rng(0).normal(size=(4, 2, 2))
    gc = rnnlib.grad_check(p, xs, lambda ys: rnnlib.mse(ys, tg), h0=h0, activation="tanh")
    assert set(gc) == set(PARAMS) | {"h0"}
    assert gc.passed and gc.worst < 1e-7
    table = gc.table()
    for name in PARAMS + ("h0",):
        assert name in table
    assert "NO" not in table


def test_grad_check_detects_a_wrong_loss_gradient():
    p, xs, h0 = make_problem(4, 2, 2, 3, 2, "tanh", seed=1)
    tg = np.random.default_rng(0).normal(size=(4, 2, 2))

    def wrong(ys):  # the notes' slip: gradient of the 1/2-sum form used with the mean form
        loss, _ = rnnlib.mse(ys, tg, form="mean")
        return loss, ys - tg

    gc = rnnlib.grad_check(p, xs, wrong, h0=h0)
    assert not gc.passed
    assert "NO" in gc.table()


def test_numerical_gradient_restores_its_argument_and_is_accurate():
    x = np.array([0.3, -1.2, 2.0])
    before = x.copy()
    g = rnnlib.numerical_gradient(lambda: float(np.sum(np.sin(x) * x)), x)
    np.testing.assert_array_equal(x, before)
    np.testing.assert_allclose(g, np.sin(x) + x * np.cos(x), rtol=1e-8)


def test_rel_error():
    a = np.array([1.0, 2.0])
    assert rnnlib.rel_error(a, a) == 0.0
    assert rnnlib.rel_error(np.zeros(2), np.zeros(2)) == 0.0
    assert rnnlib.rel_error(a, -a) == pytest.approx(1.0)
    assert rnnlib.rel_error(a, 1.1 * a) == pytest.approx(0.1 / 2.1)
    with pytest.raises(ValueError, match="equal shape"):
        rnnlib.rel_error(a, np.ones(3))


# --- float32 -------------------------------------------------------------------------------
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_float32_agrees_with_float64(activation):
    T, B, D, H, O = 6, 3, 2, 4, 2
    p64, xs, h0 = make_problem(T, B, D, H, O, activation, seed=4)
    p32 = {k: v.astype(np.float32) for k, v in p64.items()}
    tg = np.random.default_rng(1).normal(size=(T, B, O))
    out = {}
    for name, p in (("64", p64), ("32", p32)):
        trace = rnnlib.forward(p, xs.astype(p["W_hh"].dtype), h0, activation)
        _, dys = rnnlib.mse(trace.ys, tg)
        out[name] = (trace, rnnlib.bptt(p, trace, dys), rnnlib.bptt(p, trace, dys, truncate=2))
    t32, g32, tr32 = out["32"]
    t64, g64, tr64 = out["64"]
    for a in (t32.hs, t32.zs, t32.ys):
        assert a.dtype == np.float32
    for g in (g32, tr32):
        for name in PARAMS + ("h0",):
            assert g[name].dtype == np.float32, name
        assert g.dhs.dtype == np.float32 and g.dzs.dtype == np.float32
    assert rel_err(t32.hs, t64.hs) < 1e-5
    for name in PARAMS + ("h0",):
        assert rel_err(g32[name], g64[name]) < 1e-4, name
        assert rel_err(tr32[name], tr64[name]) < 1e-4, name
    # init_params honours dtype too
    q = rnnlib.init_params(2, 3, 1, dtype=np.float32)
    assert all(v.dtype == np.float32 for v in q.values())
