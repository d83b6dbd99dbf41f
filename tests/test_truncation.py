"""Truncated and randomized BPTT: exact identities and an unbiasedness test."""

import numpy as np
import pytest
from conftest import (
    ACTIVATION_NAMES,
    PARAMS,
    make_problem,
    rel_err,
    truncation_ends,
    window_start,
)
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnlib

KEYS = PARAMS + ("h0",)


def setup(T=9, B=2, D=2, H=3, O=2, activation="tanh", seed=0):
    p, xs, h0 = make_problem(T, B, D, H, O, activation, seed, min_abs_z=0.0)  # no FD here
    trace = rnnlib.forward(p, xs, h0, activation)
    tg = np.random.default_rng(seed).normal(size=trace.ys.shape)
    _, dys = rnnlib.mse(trace.ys, tg)
    return p, xs, h0, trace, dys


def test_truncation_blocks_lists_the_backward_passes():
    """Each pass backpropagates the losses since the previous pass through themselves and
    the k2 - k1 steps before them; k2 >= T truncates nothing."""
    assert rnnlib.truncation_blocks(10, None) == [(10, 0, 0)]
    assert rnnlib.truncation_blocks(10, 4) == [(4, 0, 0), (8, 4, 4), (10, 8, 8)]
    assert rnnlib.truncation_blocks(10, (3, 5)) == [(3, 0, 0), (6, 3, 1), (9, 6, 4), (10, 9, 7)]
    assert rnnlib.truncation_blocks(6, (3, 3)) == [(3, 0, 0), (6, 3, 3)]
    assert rnnlib.truncation_blocks(3, (5, 8)) == [(3, 0, 0)]
    assert rnnlib.truncation_blocks(7, (2, 7)) == [(2, 0, 0), (4, 2, 0), (6, 4, 0), (7, 6, 0)]
    assert rnnlib.truncation_blocks(7, (2, 6)) == [(2, 0, 0), (4, 2, 0), (6, 4, 0), (7, 6, 2)]


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("batch", [None, 2])
def test_k2_at_least_T_equals_full_bptt(activation, batch):
    T = 7
    p, xs, h0, trace, dys = setup(T=T, B=batch, activation=activation, seed=3)
    full = rnnlib.bptt(p, trace, dys)
    for k1 in range(1, T + 1):
        for k2 in (T, T + 1, 3 * T):
            if k2 < k1:
                continue
            g = rnnlib.bptt(p, trace, dys, truncate=(k1, k2))
            for k in KEYS:
                np.testing.assert_allclose(g[k], full[k], rtol=1e-12, atol=1e-14)
    for k in KEYS:  # truncate=k >= T is exactly full BPTT
        np.testing.assert_array_equal(rnnlib.bptt(p, trace, dys, truncate=T)[k], full[k])


def test_truncate_k_equals_pair_k_k():
    p, xs, h0, trace, dys = setup(T=10)
    for k in range(1, 12):
        a = rnnlib.bptt(p, trace, dys, truncate=k)
        b = rnnlib.bptt(p, trace, dys, truncate=(k, k))
        c = rnnlib.bptt(p, trace, dys, truncate=[k, k])
        for name in KEYS:
            np.testing.assert_array_equal(a[name], b[name])
            np.testing.assert_array_equal(a[name], c[name])
        np.testing.assert_array_equal(a.dhs, b.dhs)


def chunked_gradient(p, xs, trace, dys, k, activation):
    """Detaching interpretation: independent chunks of k steps (the last one shorter when
    k does not divide T), each started from the carried hidden state (a constant), full
    BPTT inside each chunk; gradients summed, input gradients stacked."""
    T = trace.T
    total = {name: np.zeros_like(p[name]) for name in PARAMS}
    total["xs"] = np.zeros_like(trace.xs)
    for start in range(0, T, k):
        stop = min(start + k, T)
        chunk = rnnlib.forward(p, xs[start:stop], trace.hs[start], activation)
        np.testing.assert_allclose(chunk.hs, trace.hs[start : stop + 1], rtol=1e-13)
        g = rnnlib.bptt(p, chunk, dys[start:stop])
        for name in PARAMS:
            total[name] += g[name]
        total["xs"][start:stop] = g.dxs
        if start == 0:
            total["h0"] = g["h0"]
    return total


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("batch", [None, 3])
@pytest.mark.parametrize("T", [12, 11])
def test_truncate_k_is_full_bptt_on_detached_chunks(activation, batch, T):
    """truncate=k: the hidden state is detached every k steps, whether or not k divides T
    (for T = 11 the last chunk is shorter and starts at the last detach point)."""
    p, xs, h0, trace, dys = setup(T=T, B=batch, activation=activation, seed=6)
    full = rnnlib.bptt(p, trace, dys)
    for k in range(1, T + 2):
        g = rnnlib.bptt(p, trace, dys, truncate=k)
        ref = chunked_gradient(p, xs, trace, dys, k, activation)
        for name in KEYS:
            np.testing.assert_allclose(g[name], ref[name], rtol=1e-11, atol=1e-13)
        np.testing.assert_allclose(g.dxs, ref["xs"], rtol=1e-11, atol=1e-13)
        if k < T:  # detaching matters: truncated != full
            assert rel_err(g["W_hh"], full["W_hh"]) > 1e-6


def test_final_short_pass_starts_at_the_last_detach_point():
    """When k does not divide T, the last pass (at t = T) backpropagates the losses of its
    new steps through themselves only: truncate=k detaches at t = k, 2k, ..."""
    T, k = 11, 3
    assert rnnlib.truncation_blocks(T, k)[-1] == (11, 9, 9)
    p, xs, h0, trace, dys = setup(T=T, activation="tanh", seed=6)
    g = rnnlib.bptt(p, trace, dys, truncate=k)
    chunks = chunked_gradient(p, xs, trace, dys, k, "tanh")
    for name in KEYS:
        np.testing.assert_allclose(g[name], chunks[name], rtol=1e-11, atol=1e-13)
    # ... which differs from a last pass through the last k steps (10, 11, and 9 before them)
    old = windowed_gradient(p, xs, trace, dys, k, k, "tanh", start=lambda t_prev, t: t - k)
    assert rel_err(g["W_hh"], old["W_hh"]) > 1e-6


def windowed_gradient(p, xs, trace, dys, k1, k2, activation, start=None):
    """Truncated BPTT as a sum of full BPTT passes on windows (w, t] started from the
    carried state h_w, with a loss only on the new steps (t_prev, t]; w from conftest's
    window_start (the definition) unless ``start(t_prev, t)`` is given."""
    T = trace.T
    total = {name: np.zeros_like(p[name]) for name in PARAMS}
    total["h0"] = np.zeros_like(trace.hs[0])
    total["xs"] = np.zeros_like(trace.xs)
    t_prev = 0
    for t in truncation_ends(T, k1):
        w = window_start(t_prev, k1, k2, T) if start is None else max(start(t_prev, t), 0)
        win = rnnlib.forward(p, xs[w:t], trace.hs[w], activation)
        d = np.array(dys[w:t], copy=True)
        d[: t_prev - w] = 0.0
        g = rnnlib.bptt(p, win, d)
        for name in PARAMS:
            total[name] += g[name]
        total["xs"][w:t] += g.dxs
        if w == 0:
            total["h0"] += g["h0"]
        t_prev = t
    return total


@settings(max_examples=80)
@given(
    T=st.integers(1, 12),
    B=st.sampled_from([None, 1, 3]),
    activation=st.sampled_from(ACTIVATION_NAMES),
    k1=st.integers(1, 8),
    extra=st.integers(0, 8),
    seed=st.integers(0, 1000),
)
def test_property_truncated_equals_sum_of_windows(T, B, activation, k1, extra, seed):
    k2 = k1 + extra
    p, xs, h0, trace, dys = setup(T=T, B=B, D=2, H=3, O=2, activation=activation, seed=seed)
    g = rnnlib.bptt(p, trace, dys, truncate=(k1, k2))
    ref = windowed_gradient(p, xs, trace, dys, k1, k2, activation)
    for name in KEYS:
        np.testing.assert_allclose(g[name], ref[name], rtol=1e-10, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(g.dxs, ref["xs"], rtol=1e-10, atol=1e-12)
    if k1 == k2:
        a = rnnlib.bptt(p, trace, dys, truncate=k1)
        for name in KEYS:
            np.testing.assert_array_equal(a[name], g[name])


# --- randomized truncation -------------------------------------------------------------
def test_randomized_with_p_one_is_exactly_full_bptt():
    p, xs, h0, trace, dys = setup(T=8)
    full = rnnlib.bptt(p, trace, dys)
    for seed in range(3):
        g = rnnlib.bptt_randomized(p, trace, dys, p_continue=1.0, seed=seed)
        for name in KEYS:
            np.testing.assert_array_equal(g[name], full[name])
        np.testing.assert_array_equal(g.dhs, full.dhs)
        np.testing.assert_array_equal(g.dxs, full.dxs)


def test_randomized_is_reproducible_and_random():
    p, xs, h0, trace, dys = setup(T=8)
    a = rnnlib.bptt_randomized(p, trace, dys, 0.5, seed=1)
    b = rnnlib.bptt_randomized(p, trace, dys, 0.5, seed=1)
    np.testing.assert_array_equal(a["W_hh"], b["W_hh"])
    draws = [rnnlib.bptt_randomized(p, trace, dys, 0.5, seed=s)["W_hh"] for s in range(10)]
    assert len({d.tobytes() for d in draws}) > 1


def test_randomized_truncation_is_unbiased():
    """Mean over many seeds -> full gradient (within a few standard errors).

    The same statistic for plain truncation (a biased estimator) stays far away,
    so the test has the power to fail.
    """
    T = 6
    p, xs, h0, trace, dys = setup(T=T, B=2, activation="tanh", seed=2)
    full = rnnlib.bptt(p, trace, dys)
    n = 3000
    samples = {name: [] for name in KEYS}
    for seed in range(n):
        g = rnnlib.bptt_randomized(p, trace, dys, p_continue=0.7, seed=seed)
        for name in KEYS:
            samples[name].append(g[name])
    for name in KEYS:
        s = np.array(samples[name])
        mean, se = s.mean(axis=0), s.std(axis=0) / np.sqrt(n) + 1e-12
        z = np.abs(mean - full[name]) / se
        assert np.max(z) < 5.0, (name, np.max(z))
        assert rel_err(mean, full[name]) < 0.05, name
    # power: the truncated gradient is many standard errors away
    biased = rnnlib.bptt(p, trace, dys, truncate=1)
    s = np.array(samples["W_hh"])
    se = s.std(axis=0) / np.sqrt(n) + 1e-12
    assert np.max(np.abs(biased["W_hh"] - full["W_hh"]) / se) > 10


def test_randomized_accepts_numpy_probabilities():
    p, xs, h0, trace, dys = setup(T=5)
    a = rnnlib.bptt_randomized(p, trace, dys, np.float32(0.5), seed=3)
    b = rnnlib.bptt_randomized(p, trace, dys, 0.5, seed=3)
    np.testing.assert_array_equal(a["W_hh"], b["W_hh"])


@pytest.mark.parametrize(
    "bad, error",
    [
        (0, ValueError),
        (-0.5, ValueError),
        (1.5, ValueError),
        (np.nan, ValueError),
        ("0.5", TypeError),  # not a number at all: a TypeError, as everywhere in rnnlib
        (True, TypeError),
        (None, TypeError),
        (np.True_, TypeError),
    ],
)
def test_randomized_rejects_bad_probability(bad, error):
    p, xs, h0, trace, dys = setup(T=3)
    with pytest.raises(error, match=r"p_continue must be a number in \(0, 1\]"):
        rnnlib.bptt_randomized(p, trace, dys, p_continue=bad, seed=0)
