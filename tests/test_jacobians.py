"""Recurrent Jacobians dh_t/dh_k, their norms and the (gamma sigma_max)^(t-k) bound."""

import numpy as np
import pytest
from conftest import ACTIVATION_NAMES, DF, fd_grad, make_problem, ref_run, rel_err
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnlib


def single(activation, T=6, H=4, seed=0, min_abs_z=0.0):
    p, xs, h0 = make_problem(T, None, 2, H, 2, activation, seed, min_abs_z=min_abs_z)
    return p, xs, h0, rnnlib.forward(p, xs, h0, activation)


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_recurrent_jacobians_are_diag_fprime_times_W_hh(activation):
    p, xs, h0, trace = single(activation)
    J = rnnlib.recurrent_jacobians(p, trace)
    assert J.shape == (trace.T, 4, 4)
    for t in range(1, trace.T + 1):
        expected = np.diag(DF[activation](trace.zs[t - 1])) @ p["W_hh"]
        np.testing.assert_allclose(J[t - 1], expected, rtol=1e-12, atol=1e-15)
    # a batch of one sequence is accepted too
    Jb = rnnlib.recurrent_jacobians(p, rnnlib.forward(p, xs[:, None], h0[None], activation))
    np.testing.assert_allclose(Jb, J, rtol=1e-13)


def brute_product(p, trace, activation, t, k):
    """dh_t/dh_k by multiplying explicit diag(f'(z_j)) W_hh matrices, j = k+1..t."""
    P = np.eye(p["W_hh"].shape[0])
    for j in range(k + 1, t + 1):
        P = np.diag(DF[activation](trace.zs[j - 1])) @ p["W_hh"] @ P
    return P


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_jacobian_product_brute_force_and_finite_differences(activation):
    T, H = 6, 4
    p, xs, h0, trace = single(activation, T, H, seed=1, min_abs_z=0.1)
    for t in range(T + 1):
        for k in range(t + 1):
            P = rnnlib.jacobian_product(p, trace, t, k)
            np.testing.assert_allclose(
                P, brute_product(p, trace, activation, t, k), rtol=1e-11, atol=1e-14
            )
    # finite differences: perturb h_k, re-run the recurrence to step t
    for t, k in [(6, 0), (6, 3), (4, 2), (5, 4), (3, 3)]:
        h_k = trace.hs[k][None].copy()
        fd = np.empty((H, H))
        for i in range(H):
            fd[i] = fd_grad(
                lambda i=i, h_k=h_k, k=k, t=t: ref_run(p, xs[:, None], h_k, activation, k, t)[0][
                    -1, 0, i
                ],
                h_k,
            )[0]
        P = rnnlib.jacobian_product(p, trace, t, k)
        if np.linalg.norm(P) > 1e-4:
            assert rel_err(P, fd) < 1e-7, (t, k)
        else:
            assert np.max(np.abs(P - fd)) < 1e-11


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_jacobian_norms_are_spectral_norms_of_the_products(activation):
    p, xs, h0, trace = single(activation, T=7, seed=2)
    for t in (None, 7, 4, 1):
        norms = rnnlib.jacobian_norms(p, trace, t)
        tt = 7 if t is None else t
        assert norms.shape == (tt + 1,)
        expected = [
            np.linalg.norm(brute_product(p, trace, activation, tt, k), 2) for k in range(tt + 1)
        ]
        np.testing.assert_allclose(norms, expected, rtol=1e-10, atol=1e-300)
        assert norms[tt] == 1.0


@settings(max_examples=40)
@given(
    activation=st.sampled_from(ACTIVATION_NAMES),
    radius=st.floats(0.3, 3.0),
    H=st.integers(1, 6),
    T=st.integers(1, 12),
    seed=st.integers(0, 500),
)
def test_gradient_bound_bounds_the_measured_norms(activation, radius, H, T, seed):
    p, xs, h0 = make_problem(T, None, 2, H, 2, activation, seed, min_abs_z=0.0)
    p["W_hh"] = p["W_hh"] * radius / max(rnnlib.sigma_max(p["W_hh"]), 1e-12)
    trace = rnnlib.forward(p, xs, h0, activation)
    norms = rnnlib.jacobian_norms(p, trace)
    bound = rnnlib.gradient_bound(p, activation, T - np.arange(T + 1))
    gamma = {"tanh": 1.0, "relu": 1.0, "linear": 1.0, "sigmoid": 0.25}[activation]
    np.testing.assert_allclose(
        bound, (gamma * rnnlib.sigma_max(p["W_hh"])) ** (T - np.arange(T + 1))
    )
    assert np.all(norms <= bound * (1 + 1e-9) + 1e-300)


def test_linear_orthogonal_keeps_norm_one_and_bound_is_tight():
    """Linear activation with an orthogonal W_hh: every ||dh_t/dh_k|| is exactly 1."""
    p = rnnlib.init_params(2, 5, 1, scheme="orthogonal", seed=3)
    trace = rnnlib.forward(p, np.random.default_rng(0).normal(size=(8, 2)), activation="linear")
    np.testing.assert_allclose(rnnlib.jacobian_norms(p, trace), 1.0, rtol=1e-12)
    np.testing.assert_allclose(rnnlib.gradient_bound(p, "linear", np.arange(9)), 1.0, rtol=1e-12)


def test_gamma_values():
    assert rnnlib.GAMMA == {"tanh": 1.0, "relu": 1.0, "sigmoid": 0.25, "linear": 1.0}
    z = np.linspace(-8, 8, 4001)
    for name, gamma in rnnlib.GAMMA.items():
        assert np.max(np.abs(rnnlib.activation_derivative(z, name))) == pytest.approx(
            gamma, rel=1e-6
        )


def test_vanishing_and_exploding_regimes():
    """tanh with small sigma_max: norms shrink geometrically; linear with rho > 1: they grow."""
    p = rnnlib.init_params(1, 4, 1, scheme="orthogonal", seed=0)
    xs = np.zeros((20, 1))
    p_small = dict(p, W_hh=0.5 * p["W_hh"])
    n = rnnlib.jacobian_norms(p_small, rnnlib.forward(p_small, xs, np.full(4, 0.1)))
    assert n[0] < 0.5**20 * 1.0001 and np.all(np.diff(n) > 0)
    p_big = dict(p, W_hh=1.5 * p["W_hh"])
    n = rnnlib.jacobian_norms(p_big, rnnlib.forward(p_big, xs, activation="linear"))
    np.testing.assert_allclose(n, 1.5 ** (20 - np.arange(21)), rtol=1e-10)


def test_bad_arguments_are_named():
    p, xs, h0, trace = single("tanh", T=4)
    with pytest.raises(TypeError, match=r"trace must be the Trace returned by forward"):
        rnnlib.recurrent_jacobians(p, {"zs": trace.zs})
    q = rnnlib.init_params(2, 5, 2)
    for call in (
        lambda: rnnlib.recurrent_jacobians(q, trace),
        lambda: rnnlib.jacobian_product(q, trace, 2, 1),
        lambda: rnnlib.jacobian_norms(q, trace),
    ):
        with pytest.raises(ValueError, match=r"was made with parameters of other sizes"):
            call()
    with pytest.raises(TypeError, match=r"t must be an integer time step in 0..4, got bool True"):
        rnnlib.jacobian_product(p, trace, True, 0)
    with pytest.raises(TypeError, match=r"k must be an integer time step in 0..4, got float 1.0"):
        rnnlib.jacobian_product(p, trace, 3, 1.0)
    with pytest.raises(TypeError, match=r"t must be an integer time step in 1..4, got str '2'"):
        rnnlib.jacobian_norms(p, trace, "2")
    with pytest.raises(ValueError, match=r"distances must be numbers of steps t - k >= 0, got -1"):
        rnnlib.gradient_bound(p, "tanh", [2, -1])
    with pytest.raises(ValueError, match=r"distances must contain only finite numbers"):
        rnnlib.gradient_bound(p, "tanh", np.nan)
    with pytest.raises(TypeError, match=r"distances must be a numeric array"):
        rnnlib.gradient_bound(p, "tanh", "5")
    assert rnnlib.gradient_bound(p, "tanh", 0) == 1.0  # a single distance is fine
    assert rnnlib.jacobian_norms(p, trace, np.int64(2)).shape == (3,)


@settings(max_examples=40)
@given(T=st.integers(0, 8), H=st.integers(1, 4), t=st.integers(0, 8), seed=st.integers(0, 99))
def test_product_norms_are_the_norms_of_every_product_ending_at_t(T, H, t, seed):
    J = np.random.default_rng(seed).normal(size=(T, H, H))
    t = min(t, T)
    expected = [
        np.linalg.norm(np.linalg.multi_dot([np.eye(H), *J[k:t][::-1], np.eye(H)]), 2)
        for k in range(t + 1)
    ]  # J_t ... J_{k+1}, J[j-1] = J_j
    norms = rnnlib.product_norms(J, t)
    np.testing.assert_allclose(norms, expected, rtol=1e-12)
    assert norms.shape == (t + 1,) and norms[t] == 1.0


def test_one_product_loop_serves_the_vanilla_and_gated_cells_and_powers_of_W():
    from rnnlib.gated import gated_forward, gated_jacobian_norms, gated_jacobians, init_gated_params
    from rnnlib.vanishing import power_norms

    p, xs, h0, trace = single("tanh", T=7)
    J = rnnlib.recurrent_jacobians(p, trace)
    np.testing.assert_array_equal(rnnlib.jacobian_norms(p, trace, 5), rnnlib.product_norms(J, 5))
    g = init_gated_params(2, 3, 1, seed=1)
    gt = gated_forward(g, xs)
    np.testing.assert_array_equal(
        gated_jacobian_norms(g, gt), rnnlib.product_norms(gated_jacobians(g, gt))
    )
    W = np.array([[0.9, 4.0], [0.0, 0.9]])
    expected = [np.linalg.norm(np.linalg.matrix_power(W, k), 2) for k in range(31)]
    np.testing.assert_allclose(power_norms(W, 30), expected, rtol=1e-12)


def test_product_norms_overflow_to_inf_without_warnings(recwarn):
    J = np.full((40, 2, 2), 1e10)
    norms = rnnlib.product_norms(J)
    assert norms[-1] == 1.0 and norms[-2] == pytest.approx(2e10)
    assert np.isinf(norms[0]) and np.all(np.diff(norms[np.isfinite(norms)]) < 0)
    assert len(recwarn) == 0
    # float32 Jacobians: the products are float64, as the norms
    J32 = np.full((5, 2, 2), 1e10, dtype=np.float32)
    assert np.all(np.isfinite(rnnlib.product_norms(J32)))


@pytest.mark.parametrize("K", [1.5, True, np.True_, "3", None])
def test_power_norms_refuses_a_K_that_is_no_integer(K):
    from rnnlib.vanishing import power_norms

    with pytest.raises(TypeError, match=r"K must be a non-negative integer, got"):
        power_norms(np.eye(2), K)
    assert power_norms(np.eye(2), np.int64(2)).tolist() == [1.0, 1.0, 1.0]
