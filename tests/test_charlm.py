"""rnnlib.charlm: the training step of the character model (its loss, gradient, clipping
and carried state), the training loop, bits per character and the input-gradient map."""

import numpy as np
import pytest

import rnnlib
from rnnlib import charlm
from rnnlib import text as tx
from rnnlib.checks.charlm import RecordingSGD

V, H, B, k = 5, 4, 3, 6


@pytest.fixture
def params():
    p = rnnlib.init_params(V, H, V, seed=0, scheme="xavier")
    p["b_h"] = np.random.default_rng(1).normal(0, 0.3, H)
    return p


@pytest.fixture
def chunk():
    """(inputs (k, B) ids, targets (k, B), h0 (B, H))."""
    rng = np.random.default_rng(2)
    ids = rng.integers(0, V, (k + 1, B))
    return ids[:-1], ids[1:], rng.normal(0, 0.5, (B, H))


def per_character_loss(params, inputs, targets, h0):
    """-(1/(k B)) sum_t sum_b log p_t[target], written out directly with one-hot inputs."""
    trace = rnnlib.forward(params, tx.one_hot(inputs, V, np.float64), h0=h0)
    logp = rnnlib.log_softmax(trace.ys)
    return -np.take_along_axis(logp, targets[..., None], -1).mean()


def test_loss_and_gradient_are_per_character_and_match_finite_differences(params, chunk):
    xs, targets, h0 = chunk
    opt = RecordingSGD(1.0)
    p = rnnlib.copy_params(params)
    loss, h_k, grads = charlm.train_step(p, opt, xs, targets, h0)
    assert loss == pytest.approx(per_character_loss(params, xs, targets, h0), rel=1e-12)
    assert np.allclose(h_k, rnnlib.forward(params, tx.one_hot(xs, V, np.float64), h0=h0).hs[-1])
    assert opt.received[0]["W_hh"] is not grads["W_hh"]  # the optimizer's own copy
    for name in rnnlib.PARAM_NAMES:
        q = rnnlib.copy_params(params)
        num = rnnlib.numerical_gradient(lambda q=q: per_character_loss(q, xs, targets, h0), q[name])
        assert rnnlib.rel_error(grads[name], num) < 1e-7, name
        assert np.allclose(p[name], params[name] - grads[name])  # SGD with lr = 1, in place


def test_the_carried_state_is_a_constant(params, chunk):
    """BPTT stays inside the chunk: the gradient is the same as if h0 were an input."""
    xs, targets, h0 = chunk
    _, _, grads = charlm.train_step(rnnlib.copy_params(params), rnnlib.SGD(0.1), xs, targets, h0)
    trace = rnnlib.forward(params, tx.one_hot(xs, V, np.float64), h0=h0)
    _, dys = rnnlib.softmax_ce(trace.ys, targets)
    direct = rnnlib.bptt(params, trace, dys / k)
    assert all(np.allclose(grads[n], direct[n]) for n in rnnlib.PARAM_NAMES)
    loss_zero, _, _ = charlm.train_step(rnnlib.copy_params(params), rnnlib.SGD(0.1), xs, targets)
    assert loss_zero != pytest.approx(per_character_loss(params, xs, targets, h0))


def test_clipping_uses_one_global_norm(params, chunk):
    xs, targets, h0 = chunk
    _, _, raw = charlm.train_step(rnnlib.copy_params(params), rnnlib.SGD(0.1), xs, targets, h0)
    norm = rnnlib.global_norm(raw)
    tau = norm / 4
    _, _, clipped = charlm.train_step(
        rnnlib.copy_params(params), rnnlib.SGD(0.1), xs, targets, h0, clip_norm=tau
    )
    assert rnnlib.global_norm(clipped) == pytest.approx(tau)
    assert all(np.allclose(clipped[n], raw[n] / 4) for n in rnnlib.PARAM_NAMES)


def test_truncation_inside_the_chunk(params, chunk):
    xs, targets, h0 = chunk
    _, _, grads = charlm.train_step(
        rnnlib.copy_params(params), rnnlib.SGD(0.1), xs, targets, h0, truncate=2
    )
    trace = rnnlib.forward(params, tx.one_hot(xs, V, np.float64), h0=h0)
    _, dys = rnnlib.softmax_ce(trace.ys, targets)
    assert np.allclose(grads["W_hh"], rnnlib.bptt(params, trace, dys / k, truncate=2)["W_hh"])


def test_float32_stays_float32():
    p = rnnlib.init_params(V, H, V, seed=0, scheme="xavier", dtype=np.float32)
    ids = np.random.default_rng(0).integers(0, V, (k + 1, B))
    loss, h_k, grads = charlm.train_step(p, rnnlib.Adam(0.01), ids[:-1], ids[1:], clip_norm=1.0)
    assert h_k.dtype == np.float32
    assert all(p[n].dtype == np.float32 for n in rnnlib.PARAM_NAMES)


# --- the loop --------------------------------------------------------------------------
@pytest.fixture
def corpus():
    ids = np.tile(np.array([0, 1, 2, 3, 4, 1, 2]), 40)  # a text that repeats every 7
    return tx.batches(ids, 4, 5)  # 13 chunks of 5 steps, 4 streams


@pytest.mark.parametrize(
    "inputs, error, match",
    [
        (np.zeros((k, B, V)), TypeError, r"character ids, an integer array of shape \(k1, B\)"),
        (np.zeros((k, B, V)), TypeError, "not one-hot vectors"),
        (np.zeros(k, int), ValueError, r"inputs must be .* \(k1, B\) .*, got shape \(6,\)"),
        (np.full((k, B), V), ValueError, "class indices 0 <= i < D = 5"),
    ],
)
def test_train_step_reads_character_ids(params, chunk, inputs, error, match):
    _, targets, h0 = chunk
    with pytest.raises(error, match=match):
        charlm.train_step(params, rnnlib.SGD(0.1), inputs, targets, h0)


def test_train_carries_the_state_and_restarts_each_pass(params, corpus):
    inputs, targets = corpus
    starts = []
    original = charlm.train_step

    def spy(params, optimizer, inputs, targets, h0=None, clip_norm=None, truncate=None):
        starts.append(h0)
        out = original(params, optimizer, inputs, targets, h0, clip_norm, truncate)
        starts.append(out[1])
        return out

    charlm.train_step = spy
    try:
        history = charlm.train(rnnlib.copy_params(params), inputs, targets, rnnlib.SGD(0.1), 15)
    finally:
        charlm.train_step = original
    n_chunks = inputs.shape[0]
    h_in, h_out = starts[0::2], starts[1::2]
    assert h_in[0] is None and h_in[n_chunks] is None  # each pass starts from h_0 = 0
    assert all(h_in[s] is h_out[s - 1] for s in range(1, 15) if s != n_chunks)
    assert history["steps"] == 15 and len(history["loss"]) == 15


def test_train_records_when_clipping_was_active(params, corpus):
    inputs, targets = corpus
    runs = {
        tau: charlm.train(
            rnnlib.copy_params(params), inputs, targets, rnnlib.SGD(0.1), 5, clip_norm=tau
        )
        for tau in (1e-4, 1e4)
    }
    assert runs[1e-4]["clipped"] == [True] * 5 and runs[1e4]["clipped"] == [False] * 5
    no_clip = charlm.train(params, inputs, targets, rnnlib.SGD(0.1), 5, clip_norm=None)
    assert no_clip["clipped"] == []


def test_train_learns_a_repeating_text(params, corpus):
    inputs, targets = corpus
    calls = []
    history = charlm.train(
        params, inputs, targets, rnnlib.Adam(0.05), 60, callback=lambda s, p: calls.append(s)
    )
    assert calls == list(range(1, 61))
    assert np.mean(history["loss"][-5:]) < 0.3 * np.mean(history["loss"][:5])


def test_train_stops_after_its_time_budget(params, corpus):
    inputs, targets = corpus
    history = charlm.train(params, inputs, targets, rnnlib.SGD(0.1), seconds=0.05)
    assert history["steps"] >= 1 and history["seconds"] < 5


@pytest.mark.parametrize(
    "change, error, match",
    [
        (dict(steps=None), ValueError, "give steps .* or seconds"),
        (dict(steps=0), ValueError, "steps must be a positive integer"),
        (dict(seconds=-1.0), ValueError, "seconds must be a positive finite number"),
        (dict(optimizer="adam"), TypeError, "optimizer must be an rnnlib optimizer"),
        (dict(inputs="x"), TypeError, "inputs must be integer character ids"),
        (dict(inputs=np.zeros((4, 5), int)), ValueError, r"shape \(n_chunks, k1, B\)"),
        (dict(targets=np.full((13, 5, 4), V)), ValueError, r"targets must lie in 0..4"),
        (dict(targets=np.zeros((13, 5, 3), int)), ValueError, "must have the same shape"),
    ],
)
def test_train_bad_input(params, corpus, change, error, match):
    inputs, targets = corpus
    kwargs = dict(inputs=inputs, targets=targets, optimizer=rnnlib.SGD(0.1), steps=3)
    kwargs.update(change)
    with pytest.raises(error, match=match):
        charlm.train(params, **kwargs)


# --- evaluation and dissection ---------------------------------------------------------
def test_bits_per_character(params):
    ids = np.random.default_rng(0).integers(0, V, 101)
    L = 100 // 4
    inputs, targets = ids[: 4 * L].reshape(4, L).T, ids[1 : 4 * L + 1].reshape(4, L).T
    nats = per_character_loss(params, inputs, targets, None)
    assert charlm.bits_per_character(params, ids, B=4) == pytest.approx(nats / np.log(2))
    uniform = rnnlib.init_params(V, H, V, seed=0, scale=0.0)
    assert charlm.bits_per_character(uniform, ids, B=4) == pytest.approx(np.log2(V))
    with pytest.raises(
        ValueError, match=r"B = 4 streams need a text of at least B \+ 1 = 5 characters"
    ):
        charlm.bits_per_character(params, ids[:4], B=4)
    first = per_character_loss(params, inputs[:10], targets[:10], None)  # 10 of each stream
    assert charlm.bits_per_character(params, ids, B=4, max_steps=10) == pytest.approx(
        first / np.log(2)
    )
    assert charlm.bits_per_character(params, ids, B=4, k=7) == pytest.approx(nats / np.log(2))


def test_input_gradient_norms_match_one_backward_pass_per_loss(params):
    ids = np.random.default_rng(3).integers(0, V, 9)
    M = charlm.input_gradient_norms(params, ids)
    T = len(ids) - 1
    assert M.shape == (T, T) and np.all(np.triu(M, 1) == 0)
    xs = tx.one_hot(ids[:-1], V, np.float64)
    trace = rnnlib.forward(params, xs)
    for t in range(1, T + 1):
        logp_grad = rnnlib.softmax(trace.ys[t - 1]) - np.eye(V)[ids[t]]  # dL_t/dy_t
        dys = np.zeros_like(trace.ys)
        dys[t - 1] = logp_grad
        dzs = rnnlib.bptt(params, trace, dys).dzs
        assert np.allclose(M[t - 1, :t], np.linalg.norm(dzs[:t] @ params["W_xh"], axis=1))
    assert np.all(np.diag(M) > 0)


def test_input_gradient_of_one_entry_against_finite_differences(params):
    """dL_t/dx_s (all V entries of the one-hot input) numerically, for t = 6, s = 3."""
    ids = np.random.default_rng(4).integers(0, V, 7)
    t, s = 6, 3
    xs = tx.one_hot(ids[:-1], V, np.float64)

    def loss_t():
        trace = rnnlib.forward(params, xs)
        return -rnnlib.log_softmax(trace.ys[t - 1])[ids[t]]

    num = rnnlib.numerical_gradient(loss_t, xs)[s - 1]
    M = charlm.input_gradient_norms(params, ids)
    assert M[t - 1, s - 1] == pytest.approx(np.linalg.norm(num), rel=1e-6)
