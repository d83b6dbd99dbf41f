"""Forward pass, single steps, contributions, dtypes and overflow."""

import numpy as np
import pytest
from conftest import ACTIVATION_NAMES, DF, PARAMS, as3, make_problem, ref_run, rel_err
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnlib


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("batch", [None, 1, 4])
def test_forward_matches_the_equations(activation, batch):
    T, D, H, O = 6, 3, 5, 2
    p, xs, h0 = make_problem(T, batch, D, H, O, activation, seed=1, min_abs_z=0.0)
    trace = rnnlib.forward(p, xs, h0, activation)
    hs, zs, ys = ref_run(p, as3(xs), np.atleast_2d(h0), activation)
    view = (lambda a: a[:, 0]) if batch is None else (lambda a: a)
    np.testing.assert_allclose(trace.hs, view(hs), rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(trace.zs, view(zs), rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(trace.ys, view(ys), rtol=1e-13, atol=1e-14)
    np.testing.assert_array_equal(trace.hs[0], h0)
    np.testing.assert_array_equal(trace.xs, xs)
    assert trace.T == T
    lead = (T,) if batch is None else (T, batch)
    assert trace.hs.shape == (T + 1,) + lead[1:] + (H,)
    assert trace.zs.shape == lead + (H,) and trace.ys.shape == lead + (O,)
    assert not trace.overflow and trace.first_overflow_step is None
    np.testing.assert_allclose(trace.dfs(), DF[activation](trace.zs), rtol=1e-12, atol=1e-14)


def test_default_h0_is_zero_and_vector_h0_is_shared_by_the_batch():
    p, xs, h0 = make_problem(4, 3, 2, 3, 2, "tanh", seed=2, min_abs_z=0.0)
    np.testing.assert_array_equal(rnnlib.forward(p, xs).hs[0], np.zeros((3, 3)))
    shared = rnnlib.forward(p, xs, h0[0])
    explicit = rnnlib.forward(p, xs, np.tile(h0[0], (3, 1)))
    np.testing.assert_array_equal(shared.hs, explicit.hs)


def test_single_sequence_equals_each_row_of_a_batch():
    p, xs, h0 = make_problem(5, 3, 2, 4, 2, "tanh", seed=3, min_abs_z=0.0)
    batch = rnnlib.forward(p, xs, h0)
    tg = np.random.default_rng(0).normal(size=batch.ys.shape)
    _, dys = rnnlib.mse(batch.ys, tg, form="half_sum")
    gb = rnnlib.bptt(p, batch, dys * 3)  # undo the batch average
    total = dict.fromkeys(PARAMS, 0.0)
    for b in range(3):
        one = rnnlib.forward(p, xs[:, b], h0[b])
        np.testing.assert_allclose(one.hs, batch.hs[:, b], rtol=1e-13)
        _, d1 = rnnlib.mse(one.ys, tg[:, b], form="half_sum")
        g1 = rnnlib.bptt(p, one, d1)
        np.testing.assert_allclose(g1["h0"], gb["h0"][b], rtol=1e-12, atol=1e-15)
        for k in PARAMS:
            total[k] = total[k] + g1[k]
    for k in PARAMS:
        np.testing.assert_allclose(gb[k], total[k], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_step_forward_and_step_backward_chain_to_forward_and_bptt(activation):
    T, B, D, H, O = 5, 2, 3, 4, 2
    p, xs, h0 = make_problem(T, B, D, H, O, activation, seed=4, min_abs_z=0.0)
    trace = rnnlib.forward(p, xs, h0, activation)
    h, caches = h0, []
    for t in range(T):
        h, cache = rnnlib.step_forward(xs[t], h, p, activation)
        np.testing.assert_allclose(h, trace.hs[t + 1], rtol=1e-13, atol=1e-15)
        caches.append(cache)
    tg = np.random.default_rng(1).normal(size=trace.ys.shape)
    _, dys = rnnlib.mse(trace.ys, tg)
    g = rnnlib.bptt(p, trace, dys)
    acc = {k: np.zeros_like(p[k]) for k in ("W_xh", "W_hh", "b_h")}
    carry = np.zeros((B, H))
    for t in range(T, 0, -1):
        dh = dys[t - 1] @ p["W_hy"] + carry  # W_hy^T dy_t + W_hh^T dz_{t+1}
        np.testing.assert_allclose(dh, g.dhs[t], rtol=1e-12, atol=1e-15)
        out = rnnlib.step_backward(dh, caches[t - 1])
        for k in acc:
            acc[k] += out[k]
        carry = out["dh_prev"]
        assert out["dx"].shape == (B, D)
    np.testing.assert_allclose(carry, g["h0"], rtol=1e-12, atol=1e-15)
    for k in acc:
        np.testing.assert_allclose(acc[k], g[k], rtol=1e-12, atol=1e-15)


def test_step_backward_single_vector_shapes_and_input_gradient():
    p, xs, h0 = make_problem(1, None, 3, 4, 2, "tanh", seed=5)
    h, cache = rnnlib.step_forward(xs[0], h0, p)
    assert h.shape == (4,)
    dh = np.arange(4.0)
    out = rnnlib.step_backward(dh, cache)
    dz = dh * (1 - h**2)
    np.testing.assert_allclose(out["dx"], p["W_xh"].T @ dz, rtol=1e-13)
    np.testing.assert_allclose(out["dh_prev"], p["W_hh"].T @ dz, rtol=1e-13)
    np.testing.assert_allclose(out["W_hh"], np.outer(dz, h0), rtol=1e-13)
    np.testing.assert_allclose(out["W_xh"], np.outer(dz, xs[0]), rtol=1e-13)
    with pytest.raises(ValueError, match=r"dh must have the shape of h_t \(4,\)"):
        rnnlib.step_backward(np.ones(3), cache)


@pytest.mark.parametrize("batch", [None, 3])
def test_contributions_sum_over_time_to_the_gradients(batch):
    T, D, H, O = 6, 2, 3, 2
    p, xs, h0 = make_problem(T, batch, D, H, O, "tanh", seed=6, min_abs_z=0.0)
    trace = rnnlib.forward(p, xs, h0)
    tg = np.random.default_rng(2).normal(size=trace.ys.shape)
    _, dys = rnnlib.mse(trace.ys, tg)
    for truncate in (None, 2, (2, 4)):
        g = rnnlib.bptt(p, trace, dys, truncate=truncate)
        c = rnnlib.contributions(trace, g)
        shapes = {
            "W_xh": (T, H, D),
            "W_hh": (T, H, H),
            "b_h": (T, H),
            "W_hy": (T, O, H),
            "b_y": (T, O),
        }
        for k in PARAMS:
            assert c[k].shape == shapes[k]
            np.testing.assert_allclose(c[k].sum(axis=0), g[k], rtol=1e-12, atol=1e-15)
    # "W_hh at time t" is dz_t h_{t-1}^T (batch rows summed)
    dz = as3(g.dzs)
    hprev = as3(trace.hs)[:-1]
    for t in range(1, T + 1):
        expected = sum(np.outer(dz[t - 1, b], hprev[t - 1, b]) for b in range(dz.shape[1]))
        np.testing.assert_allclose(c["W_hh"][t - 1], expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_integer_one_hot_inputs_work_like_floats(activation):
    T, B, V, H = 6, 2, 4, 3
    rng = np.random.default_rng(0)
    idx = rng.integers(0, V, (T, B))
    onehot_int = np.eye(V, dtype=np.int64)[idx]
    p, _, _ = make_problem(T, B, V, H, V, activation, seed=7, min_abs_z=0.0)
    ti = rnnlib.forward(p, onehot_int, activation=activation)
    tf = rnnlib.forward(p, onehot_int.astype(float), activation=activation)
    assert ti.hs.dtype == np.float64
    np.testing.assert_array_equal(ti.hs, tf.hs)
    _, dys = rnnlib.softmax_ce(ti.ys, idx)
    gi, gf = rnnlib.bptt(p, ti, dys), rnnlib.bptt(p, tf, dys)
    for k in PARAMS + ("h0",):
        np.testing.assert_array_equal(gi[k], gf[k])
    # booleans too, and integer parameters are cast
    tb = rnnlib.forward(p, onehot_int.astype(bool), activation=activation)
    np.testing.assert_array_equal(tb.hs, tf.hs)
    q = {k: np.round(v * 3).astype(int) for k, v in p.items()}
    tq = rnnlib.forward(q, onehot_int, activation=activation)
    tq_f = rnnlib.forward(
        {k: v.astype(float) for k, v in q.items()}, onehot_int, activation=activation
    )
    np.testing.assert_array_equal(tq.hs, tq_f.hs)


def test_float32_params_give_float32_traces():
    p = rnnlib.init_params(2, 3, 2, seed=0, scheme="xavier", dtype=np.float32)
    xs = np.random.default_rng(0).normal(size=(5, 2, 2))  # float64 inputs are cast
    trace = rnnlib.forward(p, xs)
    assert trace.hs.dtype == trace.ys.dtype == trace.zs.dtype == np.float32
    _, dys = rnnlib.mse(trace.ys, np.zeros(trace.ys.shape))
    g = rnnlib.bptt(p, trace, dys)
    assert all(g[k].dtype == np.float32 for k in PARAMS + ("h0",))


def test_relu_overflow_is_reported_not_raised():
    """ReLU with W_hh = 10 I: h_t grows tenfold per step and leaves float64 near t = 308."""
    T, H = 400, 3
    p = rnnlib.init_params(1, H, 1, seed=0, scheme="identity")
    p["W_hh"] = 10.0 * np.eye(H)
    p["W_xh"] = np.ones((H, 1))
    p["W_hy"] = np.ones((1, H))
    xs = np.ones((T, 1))
    trace = rnnlib.forward(p, xs, activation="relu")  # no exception, no RuntimeWarning
    assert trace.overflow
    finite = np.isfinite(trace.hs[1:]).all(axis=1) & np.isfinite(trace.ys).all(axis=1)
    first = int(np.argmin(finite)) + 1
    assert trace.first_overflow_step == first
    assert 300 < first < 320  # 10^t / 9 passes 1.8e308 at t = 309
    assert np.all(np.isfinite(trace.hs[:first])) and np.all(np.isfinite(trace.ys[: first - 1]))
    assert not (np.isfinite(trace.hs[first]).all() and np.isfinite(trace.ys[first - 1]).all())
    trace.dfs()  # no warning either
    g = rnnlib.bptt(p, trace, np.ones_like(trace.ys))
    assert not g.finite
    g2 = rnnlib.bptt(p, trace, np.ones_like(trace.ys), truncate=5)
    assert isinstance(g2.finite, bool)
    # the same network for 100 steps is fine
    short = rnnlib.forward(p, xs[:100], activation="relu")
    assert not short.overflow and short.first_overflow_step is None
    assert rnnlib.bptt(p, short, np.ones_like(short.ys)).finite


def test_gradients_attributes():
    p, xs, h0 = make_problem(4, 2, 2, 3, 2, "tanh", seed=8, min_abs_z=0.0)
    trace = rnnlib.forward(p, xs, h0)
    dys = np.random.default_rng(0).normal(size=trace.ys.shape)
    g = rnnlib.bptt(p, trace, dys)
    assert isinstance(g, rnnlib.Gradients) and g.finite
    assert g.dhs.shape == trace.hs.shape and g.dzs.shape == trace.zs.shape
    np.testing.assert_array_equal(g.dys, dys)
    np.testing.assert_allclose(g.dzs, g.dhs[1:] * trace.dfs(), rtol=1e-14)
    # bptt does not modify its inputs
    before = {k: v.copy() for k, v in p.items()}
    rnnlib.bptt(p, trace, dys, truncate=(1, 2))
    for k in PARAMS:
        np.testing.assert_array_equal(p[k], before[k])


def test_init_params_shapes_schemes_and_rescaling():
    for scheme in rnnlib.SCHEMES:
        p = rnnlib.init_params(3, 5, 2, seed=1, scheme=scheme)
        assert {k: v.shape for k, v in p.items()} == {
            "W_xh": (5, 3),
            "W_hh": (5, 5),
            "b_h": (5,),
            "W_hy": (2, 5),
            "b_y": (2,),
        }
        np.testing.assert_array_equal(p["b_h"], 0)
    assert rnnlib.spectral_radius(rnnlib.init_params(3, 6, 2, radius=1.3)["W_hh"]) == (
        pytest.approx(1.3)
    )
    assert rnnlib.sigma_max(rnnlib.init_params(3, 6, 2, singular=0.7)["W_hh"]) == (
        pytest.approx(0.7)
    )
    q = rnnlib.init_params(3, 6, 2, scheme="orthogonal")["W_hh"]
    np.testing.assert_allclose(q.T @ q, np.eye(6), atol=1e-12)
    np.testing.assert_array_equal(rnnlib.init_params(2, 4, 1, scheme="identity")["W_hh"], np.eye(4))
    a, b = rnnlib.init_params(2, 3, 1, seed=5), rnnlib.init_params(2, 3, 1, seed=5)
    assert all(np.array_equal(a[k], b[k]) for k in PARAMS)
    c = rnnlib.copy_params(a)
    c["W_hh"][0, 0] += 1
    assert a["W_hh"][0, 0] != c["W_hh"][0, 0]
    assert rel_err(a["W_hh"], c["W_hh"]) > 0


def test_activation_derivatives_on_a_grid_including_zero():
    z = np.array([-3.0, -1e-12, 0.0, 1e-12, 2.0])
    for name in ACTIVATION_NAMES:
        np.testing.assert_allclose(
            rnnlib.activation_derivative(z, name), DF[name](z), rtol=1e-12, atol=1e-15
        )
    assert rnnlib.activation_derivative(0.0, "relu") == 0.0  # the subgradient convention at 0
    np.testing.assert_allclose(rnnlib.activate(z, "sigmoid"), 1 / (1 + np.exp(-z)), rtol=1e-15)


# --- the fast engine against the specification -------------------------------------------
ALL_GRADS = PARAMS + ("h0",)


def assert_same_gradients(got, ref, rtol=1e-10, atol=1e-12):
    for name in ALL_GRADS:
        np.testing.assert_allclose(got[name], ref[name], rtol=rtol, atol=atol, err_msg=name)
    for name in ("dhs", "dzs", "dxs", "dys"):
        a, b = getattr(got, name), getattr(ref, name)
        assert a.shape == b.shape, name
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=name)


@st.composite
def engine_problems(draw):
    T = draw(st.integers(1, 9))
    B = draw(st.sampled_from([None, 1, 3]))
    D, H, O = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(1, 3))
    activation = draw(st.sampled_from(ACTIVATION_NAMES))
    kind = draw(st.sampled_from(["full", "k", "pair"]))
    if kind == "full":
        truncate = None
    elif kind == "k":
        truncate = draw(st.integers(1, 11))
    else:
        k1 = draw(st.integers(1, 7))
        truncate = (k1, k1 + draw(st.integers(0, 7)))
    one_hot = draw(st.booleans())
    return T, B, D, H, O, activation, truncate, one_hot, draw(st.integers(0, 10_000))


@settings(max_examples=150)
@given(engine_problems())
def test_property_bptt_equals_bptt_reference(problem):
    """Shapes, activations, truncations (k dividing T or not, overlapping windows, k2 >= T),
    batch and single sequence, dense and one-hot inputs: the engine computes what the
    step-by-step specification computes."""
    T, B, D, H, O, activation, truncate, one_hot, seed = problem
    p, xs, h0 = make_problem(T, B, D, H, O, activation, seed, min_abs_z=0.0)
    if one_hot:
        idx = np.random.default_rng(seed).integers(0, D, (T,) if B is None else (T, B))
        trace = rnnlib.forward(p, idx, h0, activation, one_hot=True)
    else:
        trace = rnnlib.forward(p, xs, h0, activation)
    dys = np.random.default_rng(seed + 1).normal(size=trace.ys.shape)
    got = rnnlib.bptt(p, trace, dys, truncate=truncate)
    ref = rnnlib.bptt_reference(p, trace, dys, truncate=truncate)
    assert set(got) == set(ref) == set(ALL_GRADS)
    assert_same_gradients(got, ref)
    assert got.dxs.shape == trace.xs.shape


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_bptt_reference_equals_bptt_in_float32(activation):
    p, xs, h0 = make_problem(7, 3, 2, 4, 2, activation, seed=12, min_abs_z=0.0)
    p32 = {k: v.astype(np.float32) for k, v in p.items()}
    trace = rnnlib.forward(p32, xs, h0, activation)
    dys = np.random.default_rng(0).normal(size=trace.ys.shape)
    for truncate in (None, 3, (2, 5)):
        got = rnnlib.bptt(p32, trace, dys, truncate=truncate)
        ref = rnnlib.bptt_reference(p32, trace, dys, truncate=truncate)
        assert all(got[k].dtype == np.float32 for k in ALL_GRADS)
        assert_same_gradients(got, ref, rtol=1e-4, atol=1e-6)


def test_bptt_reference_is_short_and_plain():
    """The specification stays readable: at most 60 lines, no out= buffers."""
    import inspect

    source = inspect.getsource(rnnlib.bptt_reference)
    assert len(source.splitlines()) <= 60
    assert "out=" not in source


# --- one-hot inputs as class indices -------------------------------------------------------
@pytest.mark.parametrize("batch", [None, 3])
def test_one_hot_indices_equal_one_hot_vectors(batch):
    T, V, H = 6, 5, 4
    p, _, h0 = make_problem(T, batch, V, H, V, "tanh", seed=13, min_abs_z=0.0)
    idx = np.random.default_rng(1).integers(0, V, (T,) if batch is None else (T, batch))
    dense = np.eye(V)[idx]
    a = rnnlib.forward(p, idx, h0, one_hot=True)
    b = rnnlib.forward(p, dense, h0)
    for name in ("xs", "zs", "hs", "ys"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    dys = np.random.default_rng(2).normal(size=a.ys.shape)
    for truncate in (None, 4):
        assert_same_gradients(
            rnnlib.bptt(p, a, dys, truncate=truncate),
            rnnlib.bptt(p, b, dys, truncate=truncate),
            rtol=1e-14,
            atol=0,
        )


@pytest.mark.parametrize(
    "bad, exc, match",
    [
        (np.zeros((4, 2)), TypeError, r"with one_hot=True, xs must hold class indices .*float64"),
        (np.zeros((4, 2), dtype=bool), TypeError, r"xs must hold class indices .*bool"),
        ([["a"]], TypeError, r"xs must hold class indices"),
        (np.array([[0, 5]]), ValueError, r"class indices 0 <= i < D = 5 .*got 5"),
        (np.array([0, -1]), ValueError, r"class indices 0 <= i < D = 5 .*got -1"),
        (np.zeros((4, 2, 5), dtype=int), ValueError, r"shape \(T, B\) or \(T,\).*rank 3"),
        (np.zeros((0, 2), dtype=int), ValueError, r"xs is an empty sequence"),
        (np.zeros((3, 0), dtype=int), ValueError, r"xs has an empty batch"),
    ],
)
def test_one_hot_indices_are_checked(bad, exc, match):
    p = rnnlib.init_params(5, 3, 2, seed=0)
    with pytest.raises(exc, match=match):
        rnnlib.forward(p, bad, one_hot=True)


# --- a trace owns what it needs, and belongs to one set of parameter values ---------------
def test_trace_keeps_its_own_inputs_and_initial_state():
    p, xs, h0 = make_problem(5, 2, 3, 4, 2, "tanh", seed=14, min_abs_z=0.0)
    xs, h0 = xs.copy(), h0.copy()
    dys = np.random.default_rng(0).normal(size=(5, 2, 2))
    expected = rnnlib.bptt(p, rnnlib.forward(p, xs, h0), dys)
    trace = rnnlib.forward(p, xs, h0)
    xs += 10.0  # the caller reuses its buffers after forward
    h0 += 10.0
    got = rnnlib.bptt(p, trace, dys)
    assert_same_gradients(got, expected, rtol=0, atol=0)
    single = rnnlib.forward(p, xs[:, 0])  # a view of a single sequence is copied too
    before = single.xs.copy()
    xs[:, 0] = 0.0
    np.testing.assert_array_equal(single.xs, before)


@pytest.mark.parametrize("fn", ["bptt", "bptt_reference", "bptt_randomized"])
def test_a_trace_made_with_other_parameter_values_is_refused(fn):
    p, xs, h0 = make_problem(5, 2, 3, 4, 2, "tanh", seed=15, min_abs_z=0.0)
    backward = getattr(rnnlib, fn)
    trace = rnnlib.forward(p, xs, h0)
    dys = np.random.default_rng(0).normal(size=trace.ys.shape)
    backward(rnnlib.copy_params(p), trace, dys)  # equal values in other arrays are fine
    p["W_hh"] += 0.01  # an in-place update between forward and bptt
    with pytest.raises(ValueError, match=r"the trace was made with other parameter values: "):
        backward(p, trace, dys)
    q = rnnlib.copy_params(p)
    trace = rnnlib.forward(q, xs, h0)
    rnnlib.SGD(0.1).step(q, rnnlib.bptt(q, trace, dys))  # an optimizer step
    with pytest.raises(ValueError, match=r"params\['W_xh'\] \(W_xh, W_hh, b_h, W_hy, b_y in all"):
        backward(q, trace, dys)


def test_input_gradients_do_not_follow_later_parameter_updates():
    p, xs, h0 = make_problem(5, 2, 3, 4, 2, "tanh", seed=16, min_abs_z=0.0)
    trace = rnnlib.forward(p, xs, h0)
    g = rnnlib.bptt(p, trace, np.ones(trace.ys.shape))
    expected = g.dzs @ p["W_xh"]  # dL/dx_t = W_xh^T delta_t, with the values forward used
    rnnlib.SGD(0.5).step(p, g)
    np.testing.assert_allclose(g.dxs, expected, rtol=1e-14)


@pytest.mark.parametrize("where", ["xs", "h0", "dys"])
def test_a_finite_value_too_large_for_float32_is_named_as_such(where):
    p = rnnlib.init_params(2, 3, 1, seed=0, dtype=np.float32)
    xs, h0 = np.zeros((4, 2)), np.zeros(3)
    big = {"xs": xs, "h0": h0}.get(where)
    if big is not None:
        big[1 if where == "xs" else 2] = 1e300
        with pytest.raises(ValueError, match=rf"{where}\[.*\] = 1e\+300 does not fit the "):
            rnnlib.forward(p, xs, h0)
        return
    trace = rnnlib.forward(p, xs, h0)
    dys = np.zeros((4, 1))
    dys[3, 0] = -1e300
    with pytest.raises(ValueError, match=r"dys\[3, 0\] = -1e\+300 does not fit the parameters' "):
        rnnlib.bptt(p, trace, dys)


def test_the_engine_restores_the_blas_thread_count():
    """forward and bptt run their small products on one BLAS thread and then give numpy
    back the thread count it had."""
    from rnnlib import _blas

    p, xs, h0 = make_problem(4, 2, 2, 3, 2, "tanh", seed=17, min_abs_z=0.0)
    if _blas._THREADS is None:  # numpy without its bundled OpenBLAS: nothing to switch
        with _blas.one_blas_thread(1):
            rnnlib.forward(p, xs)
        return
    get, set_ = _blas._THREADS
    before = get()
    try:
        set_(2)
        with _blas.one_blas_thread(1):
            assert get() == 1
        assert get() == 2
        with _blas.one_blas_thread(_blas.SMALL_PRODUCT):  # large products keep the threads
            assert get() == 2
        trace = rnnlib.forward(p, xs, h0)
        rnnlib.bptt(p, trace, np.ones(trace.ys.shape))
        assert get() == 2
    finally:
        set_(before)
