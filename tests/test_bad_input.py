"""Bad input gives a clear ValueError/TypeError naming the argument, what was expected
and what was given; legitimate numerical trouble (overflow) is not an error."""

import re

import numpy as np
import pytest

import rnnlib

D, H, O, T, B = 3, 4, 2, 5, 2


@pytest.fixture
def p():
    return rnnlib.init_params(D, H, O, seed=0, scheme="xavier")


@pytest.fixture
def xs():
    return np.random.default_rng(0).normal(size=(T, B, D))


@pytest.fixture
def trace(p, xs):
    return rnnlib.forward(p, xs)


def with_(p, **changes):
    q = dict(p)
    q.update(changes)
    return q


# --- xs -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "bad, match",
    [
        (np.zeros((T, B, D + 1)), r"xs must have feature size D = 3 .*got shape \(5, 2, 4\)"),
        (np.zeros((T, D - 1)), r"xs must have feature size D = 3 .*got shape \(5, 2\)"),
        (np.zeros(D), r"xs must be time-major with shape \(T, B, D\) or \(T, D\).*got rank 1"),
        (np.zeros((T, B, 1, D)), r"xs must be time-major .*got rank 4 \(shape \(5, 2, 1, 3\)\)"),
        (np.zeros((0, B, D)), r"xs is an empty sequence \(T = 0.*need T >= 1"),
        (np.zeros((0, D)), r"xs is an empty sequence \(T = 0"),
        (np.zeros((T, 0, D)), r"xs has an empty batch \(B = 0.*need B >= 1"),
        (5.0, r"xs must be time-major .*got rank 0"),
    ],
)
def test_bad_xs_shape(p, bad, match):
    with pytest.raises(ValueError, match=match):
        rnnlib.forward(p, bad)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_xs(p, xs, value):
    xs = xs.copy()
    xs[2, 1, 0] = value
    with pytest.raises(
        ValueError,
        match=r"xs must contain only finite numbers, but xs\[2, 1, 0\] = " + re.escape(str(value)),
    ):
        rnnlib.forward(p, xs)


@pytest.mark.parametrize("bad", [[["a", "b", "c"]] * T, "hello", [object()] * T])
def test_non_numeric_xs(p, bad):
    with pytest.raises(TypeError, match="xs must be a numeric array, got"):
        rnnlib.forward(p, bad)


def test_complex_xs(p, xs):
    with pytest.raises(TypeError, match="xs must be real, got complex"):
        rnnlib.forward(p, xs + 1j)


# --- activation -------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["softplus", "Tanh", ""])
def test_unknown_activation_lists_the_valid_ones(p, xs, bad):
    msg = r"activation must be one of 'tanh', 'relu', 'sigmoid', 'linear'; got " + repr(bad)
    with pytest.raises(ValueError, match=msg):
        rnnlib.forward(p, xs, activation=bad)
    with pytest.raises(ValueError, match="activation must be one of"):
        rnnlib.step_forward(xs[0], np.zeros((B, H)), p, bad)
    with pytest.raises(ValueError, match="activation must be one of"):
        rnnlib.gradient_bound(p, bad, [1, 2])


@pytest.mark.parametrize("bad", [None, 3, np.tanh])
def test_activation_not_a_string(p, xs, bad):
    with pytest.raises(TypeError, match=r"activation must be a string, one of 'tanh', 'relu'"):
        rnnlib.forward(p, xs, activation=bad)


# --- params --------------------------------------------------------------------------
def test_params_not_a_mapping(xs):
    with pytest.raises(
        TypeError,
        match=r"params must be a mapping with keys W_xh, W_hh, b_h, "
        r"W_hy, b_y; got list",
    ):
        rnnlib.forward([np.zeros((H, D))] * 5, xs)
    with pytest.raises(TypeError, match="params must be a mapping"):
        rnnlib.forward(None, xs)


@pytest.mark.parametrize("missing", ["W_xh", "W_hh", "b_h", "W_hy", "b_y"])
def test_missing_parameter(p, xs, missing):
    q = {k: v for k, v in p.items() if k != missing}
    with pytest.raises(
        ValueError,
        match=rf"params is missing {missing}; expected the keys "
        r"W_xh, W_hh, b_h, W_hy, b_y \(got ",
    ):
        rnnlib.forward(q, xs)


@pytest.mark.parametrize(
    "name, shape, match",
    [
        ("W_hh", (H, H + 1), r"params\['W_hh'\] must be square \(H, H\), got shape \(4, 5\)"),
        (
            "W_xh",
            (H + 1, D),
            r"params\['W_xh'\] must have shape \(H, D\) with H = 4 rows "
            r"\(from W_hh\), got shape \(5, 3\)",
        ),
        ("b_h", (H + 2,), r"params\['b_h'\] must have shape \(H,\) = \(4,\), got \(6,\)"),
        ("b_h", (H, 1), r"params\['b_h'\] must have shape \(H,\), got shape \(4, 1\)"),
        (
            "W_hy",
            (O, H - 1),
            r"params\['W_hy'\] must have shape \(O, H\) with H = 4 columns, "
            r"got shape \(2, 3\)",
        ),
        ("b_y", (O + 1,), r"params\['b_y'\] must have shape \(O,\) = \(2,\), got \(3,\)"),
        ("W_hh", (H,), r"params\['W_hh'\] must have shape \(H, H\), got shape \(4,\)"),
    ],
)
def test_misshapen_parameter(p, xs, name, shape, match):
    with pytest.raises(ValueError, match=match):
        rnnlib.forward(with_(p, **{name: np.zeros(shape)}), xs)


@pytest.mark.parametrize("name", ["W_xh", "W_hh", "b_h", "W_hy", "b_y"])
@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_non_finite_parameter(p, xs, name, value):
    bad = p[name].copy()
    bad.flat[0] = value
    with pytest.raises(ValueError, match=rf"params\['{name}'\] must contain only finite numbers"):
        rnnlib.forward(with_(p, **{name: bad}), xs)


def test_non_numeric_parameter(p, xs):
    with pytest.raises(TypeError, match=r"params\['b_h'\] must be a numeric array, got str"):
        rnnlib.forward(with_(p, b_h="zeros"), xs)


# --- h0 --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "shape, batched, match",
    [
        ((B, H + 1), True, r"h0 must have shape \(2, 4\) \(H = 4\), got shape \(2, 5\)"),
        ((B + 1, H), True, r"h0 must have shape \(2, 4\) \(H = 4\), got shape \(3, 4\)"),
        ((H + 1,), False, r"h0 must have shape \(4,\) \(H = 4\), got shape \(5,\)"),
        ((1, H), False, r"h0 must have shape \(4,\) \(H = 4\), got shape \(1, 4\)"),
    ],
)
def test_h0_of_the_wrong_shape(p, xs, shape, batched, match):
    x = xs if batched else xs[:, 0]
    with pytest.raises(ValueError, match=match):
        rnnlib.forward(p, x, h0=np.zeros(shape))


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_non_finite_h0(p, xs, value):
    h0 = np.zeros((B, H))
    h0[1, 2] = value
    with pytest.raises(ValueError, match=r"h0 must contain only finite numbers, but h0\[1, 2\]"):
        rnnlib.forward(p, xs, h0=h0)


# --- dys / trace -------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(T, B, O + 1), (T - 1, B, O), (T, O), (T, B)])
def test_dys_not_matching_ys(p, trace, shape):
    with pytest.raises(
        ValueError,
        match=r"dys must be dL/dy_t with the shape of trace.ys "
        r"\(5, 2, 2\), got shape " + re.escape(str(shape)),
    ):
        rnnlib.bptt(p, trace, np.zeros(shape))


def test_non_finite_dys(p, trace):
    dys = np.zeros(trace.ys.shape)
    dys[1, 0, 1] = np.nan
    with pytest.raises(
        ValueError, match=r"dys must contain only finite numbers, but dys\[1, 0, 1\]"
    ):
        rnnlib.bptt(p, trace, dys)


def test_trace_not_a_trace_or_other_sizes(p, trace):
    with pytest.raises(TypeError, match="trace must be the Trace returned by forward"):
        rnnlib.bptt(p, {"hs": trace.hs}, np.zeros(trace.ys.shape))
    q = rnnlib.init_params(D, H + 1, O)
    with pytest.raises(
        ValueError,
        match=r"trace \(D=3, H=4, O=2\) was made with parameters of "
        r"other sizes than params \(D=3, H=5, O=2\)",
    ):
        rnnlib.bptt(q, trace, np.zeros(trace.ys.shape))


# --- truncation ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "bad, exc, match",
    [
        (0, ValueError, r"truncate must be a positive integer \(>= 1\), got 0"),
        (-1, ValueError, r"truncate must be a positive integer \(>= 1\), got -1"),
        (2.5, TypeError, r"truncate must be a positive integer, got float 2.5"),
        (True, TypeError, r"truncate must be a positive integer, got bool True"),
        ("3", TypeError, r"truncate must be a positive integer, got str '3'"),
        ((0, 2), ValueError, r"truncate k1 must be a positive integer \(>= 1\), got 0"),
        ((2, -1), ValueError, r"truncate k2 must be a positive integer \(>= 1\), got -1"),
        ((2.0, 3), TypeError, r"truncate k1 must be a positive integer, got float 2.0"),
        ((2, "3"), TypeError, r"truncate k2 must be a positive integer, got str '3'"),
        ((True, 3), TypeError, r"truncate k1 must be a positive integer, got bool"),
        ((3, 2), ValueError, r"truncate=\(k1, k2\) needs k2 >= k1 .*got k1 = 3, k2 = 2"),
        (
            (1, 2, 3),
            ValueError,
            r"truncate must be None, an int k, or a pair \(k1, k2\); "
            r"got \(1, 2, 3\)",
        ),
    ],
)
def test_bad_truncation(p, trace, bad, exc, match):
    with pytest.raises(exc, match=match):
        rnnlib.bptt(p, trace, np.zeros(trace.ys.shape), truncate=bad)
    with pytest.raises(exc, match=match):
        rnnlib.truncation_blocks(10, bad)


def test_numpy_integer_truncation_is_fine(p, trace):
    dys = np.ones(trace.ys.shape)
    a = rnnlib.bptt(p, trace, dys, truncate=np.int64(2))
    b = rnnlib.bptt(p, trace, dys, truncate=2)
    np.testing.assert_array_equal(a["W_hh"], b["W_hh"])


# --- losses ------------------------------------------------------------------------------
def test_loss_target_shape_mismatch():
    ys = np.zeros((T, B, O))
    with pytest.raises(
        ValueError,
        match=r"targets must have shape \(5, 2, 2\), "
        r"got shape \(5, 2, 3\)",
    ):
        rnnlib.mse(ys, np.zeros((T, B, O + 1)))
    with pytest.raises(
        ValueError,
        match=r"must have shape \(5, 2, 2\) or \(2, 2\) with "
        r"mask='last', got shape \(3, 2\)",
    ):
        rnnlib.sigmoid_bce(ys, np.zeros((3, 2)), mask="last")
    with pytest.raises(
        ValueError,
        match=r"targets must have shape \(5, 2\) \(class indices\) "
        r"or \(5, 2, 2\) \(class probabilities\), got shape \(5, 3\)",
    ):
        rnnlib.softmax_ce(ys, np.zeros((T, 3), dtype=int))
    with pytest.raises(
        ValueError,
        match=r"ys must have shape \(T, B, O\) or \(T, O\), "
        r"got shape \(5,\)",
    ):
        rnnlib.mse(np.zeros(T), np.zeros(T))


def test_class_indices_out_of_range_or_not_integers():
    ys = np.zeros((T, B, 3))
    labels = np.zeros((T, B), dtype=int)
    labels[2, 1] = 3
    with pytest.raises(
        ValueError,
        match=r"class indices must lie in 0..2 \(O = 3 classes\), "
        r"got values from 0 to 3",
    ):
        rnnlib.softmax_ce(ys, labels)
    labels[2, 1] = -1
    with pytest.raises(ValueError, match=r"class indices must lie in 0..2 .*from -1 to 0"):
        rnnlib.softmax_ce(ys, labels)
    with pytest.raises(TypeError, match=r"class-index targets must be integers, got dtype float64"):
        rnnlib.softmax_ce(ys, np.zeros((T, B)))


def test_bad_mask_and_form():
    ys = np.zeros((T, B, O))
    with pytest.raises(ValueError, match=r"mask must be one of 'last'; got 'first'"):
        rnnlib.mse(ys, ys, mask="first")
    with pytest.raises(
        ValueError,
        match=r"mask must be None, 'last', or weights of shape "
        r"\(T,\) = \(5,\) or \(T, B\) = \(5, 2\); got an array of shape \(4,\)",
    ):
        rnnlib.mse(ys, ys, mask=np.ones(4))
    with pytest.raises(ValueError, match=r"form must be one of 'mean', 'half_sum'; got 'sum'"):
        rnnlib.mse(ys, ys, form="sum")
    bad = np.zeros((T, B, O))
    bad[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match=r"targets must contain only finite numbers"):
        rnnlib.mse(ys, bad)


# --- optimisers and clipping -----------------------------------------------------------------
NOT_POSITIVE = [(0, ValueError), (-0.1, ValueError), (np.nan, ValueError), (np.inf, ValueError)]
NOT_A_NUMBER = [("0.1", TypeError), (True, TypeError), (None, TypeError)]


@pytest.mark.parametrize("name", sorted(rnnlib.OPTIMIZERS))
@pytest.mark.parametrize("lr, exc", NOT_POSITIVE + NOT_A_NUMBER)
def test_bad_learning_rate(name, lr, exc):
    with pytest.raises(exc, match=r"lr must be a positive finite number, got "):
        rnnlib.make_optimizer(name, lr)


def test_unknown_optimizer_lists_the_names():
    with pytest.raises(
        ValueError,
        match=r"name must be one of 'sgd', 'momentum', 'adagrad', "
        r"'rmsprop', 'adam'; got 'adamw'",
    ):
        rnnlib.make_optimizer("adamw", 0.1)


@pytest.mark.parametrize("bad, exc", NOT_POSITIVE + NOT_A_NUMBER)
def test_bad_clipping_threshold(bad, exc):
    g = {"W_hh": np.ones((2, 2))}
    with pytest.raises(exc, match=r"threshold must be a positive finite number, got "):
        rnnlib.clip_by_norm(g, bad)
    with pytest.raises(exc, match=r"limit must be a positive finite number, got "):
        rnnlib.clip_by_value(g, bad)


def test_clip_unknown_keys():
    with pytest.raises(ValueError, match=r"grads has no entries \['W_xh'\]; it has \['W_hh'\]"):
        rnnlib.clip_by_norm({"W_hh": np.ones(2)}, 1.0, keys=["W_xh"])


# --- init, jacobians, training, tasks -----------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(n_in=0, n_hidden=3, n_out=1), ValueError, r"n_in must be a positive integer"),
        (
            dict(n_in=2, n_hidden=2.0, n_out=1),
            TypeError,
            r"n_hidden must be a positive integer, "
            r"got float 2.0",
        ),
        (
            dict(n_in=2, n_hidden=3, n_out=1, scheme="he"),
            ValueError,
            r"scheme must be one of 'small', 'xavier', 'orthogonal', 'identity'; got 'he'",
        ),
        (
            dict(n_in=2, n_hidden=3, n_out=1, scale=-1.0),
            ValueError,
            r"scale must be a finite number >= 0, got float -1.0",
        ),
        (
            dict(n_in=2, n_hidden=3, n_out=1, radius=1.0, singular=1.0),
            ValueError,
            r"give at most one of radius and singular",
        ),
    ],
)
def test_bad_init_params(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        rnnlib.init_params(**kwargs)


@pytest.mark.parametrize("dtype", [int, np.int32, complex, str, bool, "float", object])
def test_init_params_needs_a_floating_dtype(dtype):
    if dtype == "float":  # numpy's name for float64 is fine
        assert rnnlib.init_params(2, 3, 1, dtype=dtype)["W_hh"].dtype == np.float64
        return
    with pytest.raises(TypeError, match=r"dtype must be a floating-point dtype such as np.float64"):
        rnnlib.init_params(2, 3, 1, dtype=dtype)


def test_init_params_floating_dtypes():
    for dtype in (np.float32, np.float64, "float32"):
        p = rnnlib.init_params(2, 3, 1, dtype=dtype)
        assert all(v.dtype == np.dtype(dtype) for v in p.values())
    with pytest.raises(TypeError, match=r"dtype must be a floating-point dtype .*got str 'f99'"):
        rnnlib.init_params(2, 3, 1, dtype="f99")


@pytest.mark.parametrize("what", ["radius", "singular"])
def test_init_params_a_radius_that_all_zero_weights_cannot_reach(what):
    with pytest.raises(
        ValueError,
        match=rf"{what}=0.9 cannot be reached: W_hh drawn with scheme='small' and scale=0 has",
    ):
        rnnlib.init_params(2, 3, 1, scale=0, **{what: 0.9})
    # radius 0 is reachable: W_hh = 0
    np.testing.assert_array_equal(rnnlib.init_params(2, 3, 1, scale=0, **{what: 0})["W_hh"], 0)
    # other schemes do not use scale for W_hh
    W = rnnlib.init_params(2, 3, 1, scale=0, scheme="orthogonal", **{what: 0.9})["W_hh"]
    measure = rnnlib.spectral_radius if what == "radius" else rnnlib.sigma_max
    assert measure(W) == pytest.approx(0.9, rel=1e-12)


@pytest.mark.parametrize(
    "seed, exc, match",
    [
        (-1, ValueError, r"seed must be an integer >= 0, got -1"),
        (
            1.5,
            TypeError,
            r"seed must be an integer >= 0 \(it makes the draw reproducible\), "
            r"got float 1.5",
        ),
        ("0", TypeError, r"seed must be an integer >= 0 .*got str '0'"),
        (None, TypeError, r"seed must be an integer >= 0 .*got NoneType None"),
        (True, TypeError, r"seed must be an integer >= 0 .*got bool True"),
    ],
)
def test_bad_seed(seed, exc, match):
    for call in (
        lambda: rnnlib.init_params(2, 3, 1, seed=seed),
        lambda: rnnlib.adding_problem(4, 2, seed=seed),
        lambda: rnnlib.sine_next_step(4, 2, seed=seed),
        lambda: rnnlib.delayed_echo(4, 2, 1, seed=seed),
    ):
        with pytest.raises(exc, match=match):
            call()
    assert rnnlib.init_params(2, 3, 1, seed=np.int64(3))["W_hh"].shape == (3, 3)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(scale="0.1"), TypeError, r"scale must be a finite number >= 0, got str '0.1'"),
        (dict(scale=np.nan), ValueError, r"scale must be a finite number >= 0, got float nan"),
        (dict(radius=-0.5), ValueError, r"radius must be a finite number >= 0, got float -0.5"),
        (dict(singular=np.inf), ValueError, r"singular must be a finite number >= 0"),
    ],
)
def test_bad_init_scales(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        rnnlib.init_params(2, 3, 1, **kwargs)


@pytest.mark.parametrize("fn", [rnnlib.spectral_radius, rnnlib.sigma_max])
def test_matrix_measures_refuse_what_is_not_a_matrix(fn):
    with pytest.raises(ValueError, match=r"W must be a non-empty .*matrix .*got shape \(3,\)"):
        fn(np.ones(3))
    with pytest.raises(ValueError, match=r"W must contain only finite numbers, but W\[0, 1\]"):
        fn(np.array([[1.0, np.nan], [0.0, 1.0]]))
    with pytest.raises(TypeError, match=r"W must be a numeric array"):
        fn([["a", "b"], ["c", "d"]])
    with pytest.raises(ValueError, match=r"got shape \(0, 0\)"):
        fn(np.zeros((0, 0)))
    with pytest.raises(ValueError, match=r"W must be a non-empty square matrix \(\(H, H\)\), "):
        rnnlib.spectral_radius(np.ones((2, 3)))
    assert rnnlib.sigma_max(np.array([[3.0, 0, 0], [0, 4.0, 0]])) == pytest.approx(4.0)


def test_copy_params_checks_the_mapping_but_copies_a_diverged_model():
    p = rnnlib.init_params(2, 3, 1)
    p["W_hh"][0, 0] = np.nan  # a diverged model can still be copied (and inspected)
    q = rnnlib.copy_params(p)
    assert np.isnan(q["W_hh"][0, 0]) and q["W_hh"] is not p["W_hh"]
    with pytest.raises(ValueError, match=r"params is missing W_hh"):
        rnnlib.copy_params({k: v for k, v in p.items() if k != "W_hh"})
    with pytest.raises(TypeError, match=r"params must be a mapping"):
        rnnlib.copy_params([1, 2])


def test_bad_jacobian_arguments(p):
    trace = rnnlib.forward(p, np.zeros((4, D)))
    with pytest.raises(ValueError, match=r"need integers 0 <= k <= t <= T = 4, got t = 2, k = 3"):
        rnnlib.jacobian_product(p, trace, 2, 3)
    with pytest.raises(ValueError, match=r"t must be an integer in 1..T = 4, got int 5"):
        rnnlib.jacobian_norms(p, trace, 5)
    batch = rnnlib.forward(p, np.zeros((4, 2, D)))
    with pytest.raises(
        ValueError,
        match=r"Jacobians are computed for one sequence: pass xs of "
        r"shape \(T, D\), got a batch of 2 sequences",
    ):
        rnnlib.recurrent_jacobians(p, batch)


def test_bad_training_arguments(p, xs):
    data = (xs, np.zeros((T, B, O)))
    with pytest.raises(
        TypeError,
        match=r"optimizer must be an rnnlib optimizer such as "
        r"rnnlib.SGD\(0.1\), got str 'sgd'",
    ):
        rnnlib.train(p, data, "mse", "sgd", 3)
    with pytest.raises(
        ValueError,
        match=r"loss must be a callable or one of mse, sigmoid_bce, "
        r"sigmoid_mse, softmax_ce; got 'l2'",
    ):
        rnnlib.train(p, data, "l2", rnnlib.SGD(0.1), 3)
    with pytest.raises(ValueError, match=r"steps must be a positive integer \(>= 1\), got 0"):
        rnnlib.train(p, data, "mse", rnnlib.SGD(0.1), 0)
    with pytest.raises(TypeError, match=r"data must be \(xs, targets\) or a function of the step"):
        rnnlib.train(p, [xs], "mse", rnnlib.SGD(0.1), 3)
    with pytest.raises(ValueError, match=r"truncate must be a positive integer"):
        rnnlib.train(p, data, "mse", rnnlib.SGD(0.1), 3, truncate=0)
    with pytest.raises(ValueError, match=r"targets must have T = 5 steps like xs, got shape"):
        rnnlib.train_tbptt(p, xs, np.zeros((T + 1, B, O)), "mse", rnnlib.SGD(0.1), k1=2)
    with pytest.raises(ValueError, match=r"truncate=\(k1, k2\) needs k2 >= k1"):
        rnnlib.train_tbptt(p, xs, np.zeros((T, B, O)), "mse", rnnlib.SGD(0.1), k1=3, k2=2)


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (
            lambda: rnnlib.adding_problem(1, 4),
            ValueError,
            r"the adding problem needs T >= 2, got T = 1",
        ),
        (lambda: rnnlib.adding_problem(10, 0), ValueError, r"n must be a positive integer"),
        (lambda: rnnlib.sine_next_step(-3, 2), ValueError, r"T must be a positive integer"),
        (lambda: rnnlib.delayed_echo(10, 2, 0), ValueError, r"delay must be a positive integer"),
        (
            lambda: rnnlib.delayed_echo(10, 2, 1.5),
            TypeError,
            r"delay must be a positive integer, "
            r"got float 1.5",
        ),
    ],
)
def test_bad_task_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# --- gradient checking ---------------------------------------------------------------------
def test_grad_check_needs_a_loss_function_and_a_positive_step(p, xs):
    x1 = xs[:, 0]
    with pytest.raises(
        TypeError,
        match=r"loss_fn must be a function ys -> \(loss, dL/dys\), e.g. lambda ys: "
        r"rnnlib.mse\(ys, targets\); got str 'mse'",
    ):
        rnnlib.grad_check(p, x1, "mse")
    loss_fn = lambda ys: rnnlib.mse(ys, np.zeros_like(ys))  # noqa: E731
    for delta, exc in [
        (0, ValueError),
        (-1e-6, ValueError),
        (np.nan, ValueError),
        ("1", TypeError),
    ]:
        with pytest.raises(exc, match=r"delta must be a positive finite number"):
            rnnlib.grad_check(p, x1, loss_fn, delta=delta)
    with pytest.raises(TypeError, match=r"loss_fn must return a pair \(loss, dL/dys\), got float"):
        rnnlib.grad_check(p, x1, lambda ys: 1.0)
    with pytest.raises(TypeError, match=r"loss_fn must return a number \(the loss\), got an array"):
        rnnlib.grad_check(p, x1, lambda ys: (ys, ys))


def test_numerical_gradient_arguments():
    x = np.array([1.0, 2.0])
    f = lambda: float(np.sum(x**2))  # noqa: E731
    np.testing.assert_allclose(rnnlib.numerical_gradient(f, x), 2 * x, rtol=1e-8)
    with pytest.raises(TypeError, match=r"x must be the float64 numpy array that f reads"):
        rnnlib.numerical_gradient(f, np.array([1, 2]))  # an integer x cannot take x + delta
    with pytest.raises(TypeError, match=r"x must be the float64 numpy array .*got list"):
        rnnlib.numerical_gradient(f, [1.0, 2.0])
    with pytest.raises(TypeError, match=r"x must be the float64 numpy array .*dtype float32"):
        rnnlib.numerical_gradient(f, x.astype(np.float32))
    with pytest.raises(ValueError, match=r"delta must be a positive finite number, got int 0"):
        rnnlib.numerical_gradient(f, x, delta=0)
    with pytest.raises(TypeError, match=r"f must be a function of no arguments"):
        rnnlib.numerical_gradient("f", x)
    with pytest.raises(TypeError, match=r"f must return a number \(the loss\), got an array"):
        rnnlib.numerical_gradient(lambda: x * 2, x)
    big = np.array([1e20])
    with pytest.raises(ValueError, match=r"delta = 1e-06 is lost to rounding at x\[0\] = 1e\+20"):
        rnnlib.numerical_gradient(lambda: float(big[0]), big)
    np.testing.assert_array_equal(big, [1e20])  # restored


def test_gradcheck_result_with_nan_is_never_a_pass():
    gc = rnnlib.GradCheck(W_xh=1e-10, W_hh=np.nan)
    assert np.isnan(gc.worst) and not gc.passed
    gc = rnnlib.GradCheck(W_hh=np.nan, W_xh=1e-10)  # max() would depend on the order
    assert np.isnan(gc.worst) and not gc.passed
    with pytest.raises(ValueError, match=r"this GradCheck is empty"):
        _ = rnnlib.GradCheck().worst
    with pytest.raises(TypeError, match=r"a must be a numeric array"):
        rnnlib.rel_error("x", np.ones(1))
