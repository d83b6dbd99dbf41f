"""Training loops: descent, clean divergence, clipping, and truncated BPTT with carried state."""

import warnings

import numpy as np
import pytest

import rnnlib


def sine_setup(seed=0):
    p = rnnlib.init_params(1, 8, 1, seed=seed, scheme="xavier")
    xs, tg = rnnlib.sine_next_step(20, 8, seed=seed)
    return p, xs, tg


def test_loss_decreases_on_a_tiny_task():
    p, xs, tg = sine_setup()
    before = rnnlib.copy_params(p)
    seen = []
    h = rnnlib.train(
        p,
        (xs, tg),
        "mse",
        rnnlib.Adam(0.02),
        80,
        callback=lambda step, loss, params: seen.append((step, loss)),
    )
    assert not h["diverged"] and len(h["loss"]) == len(h["grad_norm"]) == 80
    assert h["loss"][-1] < 0.2 * h["loss"][0]
    assert seen == list(enumerate(h["loss"]))
    assert not np.array_equal(p["W_hh"], before["W_hh"])  # params updated in place
    # the recorded loss is the loss of the parameters before each step
    assert h["loss"][0] == pytest.approx(rnnlib.mse(rnnlib.forward(before, xs).ys, tg)[0])


def test_train_accepts_a_data_function_mask_and_truncation():
    p = rnnlib.init_params(2, 8, 1, seed=1, scheme="xavier")
    h = rnnlib.train(
        p,
        lambda step: rnnlib.adding_problem(10, 16, seed=step),
        "mse",
        rnnlib.Adam(0.01),
        60,
        mask="last",
        truncate=(2, 5),
    )
    assert not h["diverged"] and np.mean(h["loss"][-10:]) < np.mean(h["loss"][:10])


def test_one_step_is_forward_bptt_update():
    p, xs, tg = sine_setup(3)
    q = rnnlib.copy_params(p)
    rnnlib.train(p, (xs, tg), "mse", rnnlib.SGD(0.1), 1, truncate=4, activation="relu")
    trace = rnnlib.forward(q, xs, activation="relu")
    g = rnnlib.bptt(q, trace, rnnlib.mse(trace.ys, tg)[1], truncate=4)
    for k in q:
        np.testing.assert_allclose(p[k], q[k] - 0.1 * g[k], rtol=1e-13, atol=1e-16)


def test_clip_norm_limits_each_sgd_step():
    p, xs, tg = sine_setup(2)
    for _ in range(3):
        before = rnnlib.copy_params(p)
        h = rnnlib.train(p, (xs, tg), "mse", rnnlib.SGD(1.0), 1, clip_norm=1e-3)
        step = np.sqrt(sum(np.sum((p[k] - before[k]) ** 2) for k in p))
        assert h["grad_norm"][0] > 1e-3  # the norm is recorded before clipping
        assert step == pytest.approx(1e-3, rel=1e-9)
    before = rnnlib.copy_params(p)
    rnnlib.train(p, (xs, tg), "mse", rnnlib.SGD(1.0), 1, clip_value=1e-4)
    assert max(np.max(np.abs(p[k] - before[k])) for k in p) <= 1e-4 + 1e-14  # + round-off


@pytest.mark.parametrize("activation", ["tanh", "relu", "linear"])
@pytest.mark.parametrize("lr", [1e4, 1e10, 1e100])
def test_huge_learning_rate_diverges_cleanly(activation, lr):
    """No exception and no RuntimeWarning (pytest turns warnings into errors)."""
    p = rnnlib.init_params(2, 8, 1, seed=1, scheme="xavier")
    xs, tg = rnnlib.adding_problem(10, 16, seed=0)
    h = rnnlib.train(p, (xs, tg), "mse", rnnlib.SGD(lr), 60, activation=activation, mask="last")
    assert h["diverged"] is True
    assert len(h["loss"]) < 60 and len(h["grad_norm"]) <= len(h["loss"])
    assert all(np.isfinite(v) for v in h["loss"][:-1])


def test_huge_learning_rate_diverges_cleanly_in_train_tbptt():
    p = rnnlib.init_params(1, 8, 1, seed=1, scheme="xavier")
    xs, tg = rnnlib.sine_next_step(40, 4, seed=0)
    h = rnnlib.train_tbptt(
        p, xs, tg, "mse", rnnlib.SGD(1e10), k1=5, k2=10, epochs=3, activation="relu"
    )
    assert h["diverged"] is True


def manual_tbptt(params, xs, tg, lr, k1, k2, epochs=1):
    """Truncated BPTT written out: keep every h_t computed so far; for each chunk end t
    (k1, 2 k1, ..., T) with previous end prev, run the window (w, t] from the stored h_w,
    w = prev - (k2 - k1) (the new steps and the k2 - k1 before them; 0 when k2 >= T),
    loss on the new steps only, full BPTT through the window, one SGD step."""
    p = rnnlib.copy_params(params)
    T = xs.shape[0]
    losses = []
    for _ in range(epochs):
        hs = {0: np.zeros(xs.shape[1:-1] + (p["W_hh"].shape[0],))}
        ends = list(range(k1, T, k1)) + [T]
        prev = 0
        for t in ends:
            w = 0 if k2 >= T else max(prev - (k2 - k1), 0)
            trace = rnnlib.forward(p, xs[w:t], h0=hs[w])
            mask = (np.arange(w, t) >= prev).astype(float)
            loss, dys = rnnlib.mse(trace.ys, tg[w:t], mask=mask)
            g = rnnlib.bptt(p, trace, dys)
            for j in range(w + 1, t + 1):
                hs[j] = trace.hs[j - w]
            for k in p:
                p[k] = p[k] - lr * g[k]
            losses.append(loss)
            prev = t
    return p, losses


@pytest.mark.parametrize("k1, k2", [(5, 5), (4, 4), (3, 7), (4, 7), (6, 20), (5, 18)])
def test_train_tbptt_carries_the_hidden_state(k1, k2):
    p, xs, tg = sine_setup(4)
    xs, tg = xs[:18], tg[:18]
    q = rnnlib.copy_params(p)
    h = rnnlib.train_tbptt(p, xs, tg, "mse", rnnlib.SGD(0.05), k1=k1, k2=k2, epochs=2)
    ref, losses = manual_tbptt(q, xs, tg, 0.05, k1, k2, epochs=2)
    np.testing.assert_allclose(h["loss"], losses, rtol=1e-12)
    for k in p:
        np.testing.assert_allclose(p[k], ref[k], rtol=1e-12, atol=1e-15)


def test_train_tbptt_chains_forward_passes_when_k2_equals_k1():
    """With k2 = k1 = k dividing T, each chunk starts from the last state of the previous
    chunk, computed with the parameters of that time; not from zeros."""
    p, xs, tg = sine_setup(5)
    k, T = 4, 16
    xs, tg = xs[:T], tg[:T]
    q = rnnlib.copy_params(p)
    rnnlib.train_tbptt(p, xs, tg, "mse", rnnlib.SGD(0.1), k1=k, epochs=1)
    h = np.zeros((xs.shape[1], 8))
    zero_start = rnnlib.copy_params(q)
    for s in range(0, T, k):
        for params, h0 in ((q, h), (zero_start, None)):
            trace = rnnlib.forward(params, xs[s : s + k], h0=h0)
            g = rnnlib.bptt(params, trace, rnnlib.mse(trace.ys, tg[s : s + k])[1])
            if params is q:
                h = trace.hs[-1]
            for name in params:
                params[name] -= 0.1 * g[name]
    for name in p:
        np.testing.assert_allclose(p[name], q[name], rtol=1e-12, atol=1e-15)
    assert not np.allclose(p["W_hh"], zero_start["W_hh"], rtol=1e-6)  # carrying matters


def test_single_sequence_training_and_float_conversion():
    p = {
        k: np.round(v * 10).astype(int)
        for k, v in rnnlib.init_params(1, 3, 1, scheme="xavier", seed=0).items()
    }
    xs, tg = rnnlib.sine_next_step(10, 1, seed=0)
    h = rnnlib.train(p, (xs[:, 0], tg[:, 0]), "mse", rnnlib.SGD(0.01), 3)
    assert all(v.dtype == np.float64 for v in p.values()) and len(h["loss"]) == 3


@pytest.mark.parametrize(
    "bad, exc, match",
    [
        (lambda xs: xs + 1j, TypeError, r"xs must be real, got complex"),
        (lambda xs: xs.astype(object), TypeError, r"xs must be a numeric array, got"),
        (lambda xs: xs.astype(str), TypeError, r"xs must be a numeric array, got"),
        (lambda xs: xs[..., :0], ValueError, r"xs must have feature size D = 1"),
        (lambda xs: np.where(xs > 0.5, np.nan, xs), ValueError, r"xs must contain only finite"),
    ],
)
def test_train_tbptt_checks_its_inputs_like_forward(bad, exc, match):
    """No ComplexWarning, no silent cast of strings or objects: the errors of forward."""
    p, xs, tg = sine_setup(6)
    before = rnnlib.copy_params(p)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(exc, match=match):
            rnnlib.train_tbptt(p, bad(xs), tg, "mse", rnnlib.SGD(0.1), k1=5)
    for k in p:
        np.testing.assert_array_equal(p[k], before[k])


def test_train_tbptt_keeps_float32_and_converts_integer_parameters():
    p, xs, tg = sine_setup(7)
    p32 = {k: v.astype(np.float32) for k, v in p.items()}
    h = rnnlib.train_tbptt(p32, xs, tg, "mse", rnnlib.SGD(0.05), k1=5, epochs=2)
    assert not h["diverged"] and all(v.dtype == np.float32 for v in p32.values())
    q = {k: np.round(v * 10).astype(int) for k, v in p.items()}
    rnnlib.train_tbptt(q, xs, tg, "mse", rnnlib.SGD(0.001), k1=5)
    assert all(v.dtype == np.float64 for v in q.values())
