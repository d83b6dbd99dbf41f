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


# --- bad input -------------------------------------------------------------------------
def model(H=3):
    p = rnnlib.init_params(2, H, 1, seed=0)
    return p, {k: np.ones_like(v) for k, v in p.items()}


@pytest.mark.parametrize("name", sorted(rnnlib.OPTIMIZERS))
def test_a_misspelt_gradient_name_is_refused_and_nothing_moves(name):
    p, g = model()
    before = rnnlib.copy_params(p)
    g["Wxh"] = g.pop("W_xh")
    with pytest.raises(
        ValueError,
        match=r"grads has an entry 'Wxh' that is not a parameter \(did you mean 'W_xh'\?\)",
    ):
        rnnlib.make_optimizer(name, 0.1).step(p, g)
    for k in p:
        np.testing.assert_array_equal(p[k], before[k])


def test_gradients_of_the_wrong_shape_are_refused_before_any_update():
    p, g = model()
    before = rnnlib.copy_params(p)
    g["W_hh"] = np.ones(3)  # (H,) would broadcast into (H, H)
    with pytest.raises(
        ValueError, match=r"grads\['W_hh'\] must have the shape of params\['W_hh'\] \(3, 3\), "
    ):
        rnnlib.SGD(0.1).step(p, g)
    np.testing.assert_array_equal(p["W_xh"], before["W_xh"])  # W_xh comes first: not moved


def test_bad_gradient_and_parameter_values():
    p, g = model()
    g["b_h"] = np.array([0.0, np.nan, 0.0])
    with pytest.raises(ValueError, match=r"grads\['b_h'\] must contain only finite numbers"):
        rnnlib.Adam(0.1).step(p, g)
    g["b_h"] = "zeros"
    with pytest.raises(TypeError, match=r"grads\['b_h'\] must be a numeric array"):
        rnnlib.Adam(0.1).step(p, g)
    p, g = model()
    p["b_h"] = np.zeros(3, dtype=int)
    with pytest.raises(TypeError, match=r"params\['b_h'\] must be a floating-point numpy array"):
        rnnlib.SGD(0.1).step(p, g)
    p["b_h"] = [0.0, 0.0, 0.0]
    with pytest.raises(TypeError, match=r"params\['b_h'\] must be a floating-point numpy array"):
        rnnlib.SGD(0.1).step(p, g)
    with pytest.raises(TypeError, match=r"grads must be a mapping"):
        rnnlib.SGD(0.1).step(model()[0], [np.ones(3)])


def test_gradients_for_no_parameter_at_all_are_refused():
    p, _ = model()
    with pytest.raises(
        ValueError, match=r"grads has no gradient for any parameter \(it has 'h0'\)"
    ):
        rnnlib.Adam(0.1).step(p, {"h0": np.ones(3)})
    with pytest.raises(ValueError, match=r"grads has no gradient for any parameter \(it has no"):
        rnnlib.SGD(0.1).step(p, {})


def test_gradients_object_of_bptt_with_h0_and_dxs_is_accepted():
    p = rnnlib.init_params(2, 3, 1, seed=0, scheme="xavier")
    trace = rnnlib.forward(p, np.ones((4, 2)))
    grads = rnnlib.bptt(p, trace, np.ones((4, 1)))
    rnnlib.Adam(0.1).step(p, grads)  # h0 (and dxs) are not parameters: skipped


@pytest.mark.parametrize("name", sorted(rnnlib.OPTIMIZERS))
def test_an_optimizer_reused_on_a_model_of_another_size(name):
    opt = rnnlib.make_optimizer(name, 0.1)
    opt.step(*model(3))
    if name == "sgd":  # keeps no state: any size works
        opt.step(*model(4))
        return
    with pytest.raises(
        ValueError,
        match=r"keeps a running .* of shape \(3, 2\) for params\['W_xh'\] from earlier steps, "
        r"but params\['W_xh'\] has shape \(4, 2\): use a new optimiser",
    ):
        opt.step(*model(4))


@pytest.mark.parametrize(
    "make, exc, match",
    [
        (lambda: rnnlib.Adam(0.1, beta1=1), ValueError, r"beta1 must be a number in \[0, 1\)"),
        (lambda: rnnlib.Adam(0.1, beta1=-0.1), ValueError, r"beta1 must be a number in \[0, 1\)"),
        (lambda: rnnlib.Adam(0.1, beta2=1.5), ValueError, r"beta2 must be a number in \[0, 1\)"),
        (lambda: rnnlib.Adam(0.1, eps=0), ValueError, r"eps must be a positive finite number"),
        (lambda: rnnlib.Adam(0.1, eps=np.nan), ValueError, r"eps must be a positive finite"),
        (lambda: rnnlib.Adagrad(0.1, eps=-1e-8), ValueError, r"eps must be a positive finite"),
        (lambda: rnnlib.Adagrad(0.1, eps="1e-8"), TypeError, r"eps must be a positive finite"),
        (lambda: rnnlib.Momentum(0.1, beta=1.5), ValueError, r"beta must be a number in \[0, 1\)"),
        (lambda: rnnlib.Momentum(0.1, beta=1), ValueError, r"beta must be a number in \[0, 1\)"),
        (lambda: rnnlib.RMSprop(0.1, beta=1), ValueError, r"beta must be a number in \[0, 1\)"),
        (lambda: rnnlib.RMSprop(0.1, eps=0.0), ValueError, r"eps must be a positive finite"),
        (lambda: rnnlib.RMSprop(0.1, beta=None), TypeError, r"beta must be a number in \[0, 1\)"),
        (
            lambda: rnnlib.make_optimizer("rmsprop", 0.1, rho=0.9),
            TypeError,
            r"make_optimizer\('rmsprop', ...\) got the unknown argument 'rho'; "
            r"RMSprop takes lr, beta, eps",
        ),
    ],
)
def test_hyperparameters_are_validated(make, exc, match):
    with pytest.raises(exc, match=match):
        make()


def test_hyperparameters_set_later_are_validated_too():
    opt = rnnlib.Adam(0.1)
    opt.lr = 0.05  # a schedule may change the rate
    assert opt.lr == 0.05
    with pytest.raises(ValueError, match=r"lr must be a positive finite number, got float -0.1"):
        opt.lr = -0.1
    with pytest.raises(ValueError, match=r"beta2 must be a number in \[0, 1\)"):
        opt.beta2 = 1.0
    assert opt.lr == 0.05 and opt.beta2 == 0.999


def test_decay_zero_is_allowed():
    """beta = 0: momentum is plain SGD, RMSprop divides by |g| (+ eps)."""
    p, g = model()
    q = rnnlib.copy_params(p)
    rnnlib.Momentum(0.1, beta=0).step(p, g)
    rnnlib.SGD(0.1).step(q, g)
    for k in p:
        np.testing.assert_array_equal(p[k], q[k])


def test_float32_parameters_keep_float32_state():
    p = rnnlib.init_params(2, 3, 1, dtype=np.float32)
    g = {k: np.ones_like(v) for k, v in p.items()}
    opt = rnnlib.Adam(0.1)
    opt.step(p, g)
    assert all(buf.dtype == np.float32 for buf in opt.state.values())
    assert all(v.dtype == np.float32 for v in p.values())


def test_adagrad_epsilon_outside_the_root_unlike_min_char_rnn():
    """rnnlib: g / (sqrt(G) + eps). min-char-rnn: g / sqrt(G + 1e-8). The same for large
    gradients; for a first gradient of 1e-6 min-char-rnn's step is about 100 times smaller."""
    for g, ratio, rel in [(1.0, 1.0, 1e-7), (1e-6, 0.01, 0.02)]:
        p = {"w": np.zeros(1)}
        rnnlib.Adagrad(1.0).step(p, {"w": np.array([g])})
        assert p["w"][0] == pytest.approx(-g / (abs(g) + 1e-8), rel=1e-14)
        min_char = -g / np.sqrt(g * g + 1e-8)
        assert min_char / p["w"][0] == pytest.approx(ratio, rel=rel)
