"""Checkers for notebook 10's exercises: the unigram entropy of a text, and one training
step of the character model.

``unigram_entropy(ids, V)``: H = -sum_i p_i log2 p_i over the characters that occur.

``train_step(params, optimizer, xs, targets, h0, tau)``:

    forward from the carried state h0            (xs (k, B, V) one-hot, h0 (B, H))
    L = softmax_ce(ys, targets) / k               (nats per character)
    dL/dy_t = (p_t - onehot(y*_t)) / (k B)
    BPTT inside the chunk                         (h0 is a constant)
    clip all gradients together to norm <= tau    (one global norm)
    optimizer.step(params, clipped)               (in place)
    return L, h_k (B, H), the clipped gradients

The checker gives the student an optimizer that records what it receives, so that it
can say which part is wrong: the loss, the carried state, the clipping (forgotten,
per parameter, by value, or after the update) or the update itself.
"""

from __future__ import annotations

import numpy as np

from .._validate import PARAM_NAMES
from ..charlm import train_step
from ..clip import clip_by_norm, clip_by_value, global_norm, gradient_vector
from ..engine import bptt, forward
from ..losses import softmax_ce
from ..optim import SGD
from ..params import init_params
from ..text import unigram_entropy
from ._steps import as_numbers
from .clipping import clip_each_parameter
from .framework import CheckResult, check_student_fn, describe_difference, diagnose, run_student

LR = 0.1
#: (seed, V, H, B, k, tau): the first threshold is never reached, the second always is
CASES = [(0, 5, 4, 3, 4, 100.0), (1, 6, 5, 2, 5, 0.05)]


class RecordingSGD(SGD):
    """SGD that keeps a copy of every gradient it is given (in ``received``)."""

    def __init__(self, lr):
        super().__init__(lr)
        self.received = []

    def step(self, params, grads):
        self.received.append({k: np.array(v, dtype=float) for k, v in grads.items()})
        return super().step(params, grads)


def _case(seed, V, H, B, k):
    """(params, xs (k, B, V) one-hot inputs, targets (k, B), h0 (B, H))."""
    rng = np.random.default_rng(seed)
    params = init_params(V, H, V, seed=seed, scheme="xavier")
    params["b_h"] = rng.normal(0, 0.3, H)
    ids = rng.integers(0, V, (k + 1, B))
    xs = np.eye(V)[ids[:-1]]
    return params, xs, ids[1:], rng.normal(0, 0.5, (B, H))


def _raw(params, xs, targets, h0, scale=1.0):
    """(loss per character, h_k, unclipped gradients) of the chunk; scale multiplies
    dL/dy_t (k: a loss summed over the steps)."""
    trace = forward(params, xs, h0=h0)
    loss, dys = softmax_ce(trace.ys, targets)
    k = trace.T
    grads = bptt(params, trace, dys * (scale / k))
    return loss / k, trace.hs[-1], {n: grads[n] for n in PARAM_NAMES}


def _expected(params, xs, targets, h0, tau):
    mine = {n: v.copy() for n, v in params.items()}
    optimizer = SGD(LR)
    ids = xs.argmax(axis=-1)  # rnnlib reads the ids of the one-hot inputs
    loss, h, grads = train_step(mine, optimizer, ids, targets, h0, tau)
    return loss, h, {n: grads[n] for n in PARAM_NAMES}, mine


def _grad_mistakes(params, xs, targets, h0, tau, k, B):
    """(unclipped gradients, [(flat gradients of a known mistake, hint), ...])."""
    _, _, raw = _raw(params, xs, targets, h0)
    clip = lambda g: clip_by_norm(g, tau)[0]  # noqa: E731
    return raw, [
        (
            gradient_vector(clip_each_parameter(raw, tau)),
            "you clipped each parameter's gradient by its own norm: clipping by norm uses ONE "
            "global norm over all five gradients and the same factor for all of them",
        ),
        (
            gradient_vector(clip_by_value(raw, tau)),
            "this is clipping by value (np.clip on every entry), which changes the direction; "
            "clipping by norm multiplies every gradient by tau / ||g||",
        ),
        (
            gradient_vector(clip(_raw(params, xs, targets, None)[2])),
            "these are the gradients of a chunk started from h = 0: start the forward pass "
            "from h0, the state carried from the previous chunk",
        ),
        (
            gradient_vector(clip(_raw(params, xs, targets, h0, scale=k)[2])),
            f"these are the gradients of the loss summed over the k = {k} steps: divide "
            "dL/dy_t by k as well, so that the loss and its gradient are per character",
        ),
        (
            gradient_vector(clip(_raw(params, xs, targets, h0, scale=1.0 / B)[2])),
            f"dL/dy_t was divided by B = {B} twice: softmax_ce already averages over the batch",
        ),
    ]


def _same(a, b) -> bool:
    return np.shape(a) == np.shape(b) and bool(np.allclose(a, b, rtol=1e-6, atol=1e-9))


def _grads_message(label, got, expected):
    """None when got (a dict of the five gradients) matches expected, else the first
    wrong gradient named."""
    if not isinstance(got, dict) or any(n not in got for n in PARAM_NAMES):
        have = sorted(got) if isinstance(got, dict) else type(got).__name__
        return f"{label}: expected a dict with the five gradients {list(PARAM_NAMES)}, got {have}"
    for name in PARAM_NAMES:
        msg = describe_difference(f"{label}, d{name}", got[name], expected[name])
        if msg:
            return msg
    return None


def _forward_messages(got, loss, h_k, params, xs, targets, h0, k):
    """What is wrong with the loss and the returned state (the forward pass)."""
    from_zero = _raw(params, xs, targets, None)
    zero_hint = "this is the {} of a chunk started from h = 0: start the forward pass from h0"
    return [
        describe_difference(
            "loss",
            got[0],
            loss,
            mistakes=[
                (loss * k, f"this is the loss summed over the k = {k} steps: divide by k"),
                (from_zero[0], zero_hint.format("loss")),
                (loss / np.log(2), "this is in bits: the loss is in nats (natural log)"),
            ],
        ),
        describe_difference(
            "h_k (the state to carry)",
            got[1],
            h_k,
            why="h_k is the last hidden state of the chunk, one row per stream: (B, H)",
            mistakes=[
                (
                    h0,
                    "you returned h0: return the LAST hidden state h_k (trace.hs[-1]); the "
                    "next chunk starts from it, that is how the state is carried",
                ),
                (from_zero[1], zero_hint.format("last state")),
            ],
        ),
    ]


def _update_message(got, optimizer, expected, params, xs, targets, h0, tau, k, B):
    """What is wrong with the gradients the optimizer received (None if nothing)."""
    calls = len(optimizer.received)
    if calls == 0:
        return "optimizer.step was never called: the parameters were not updated"
    if calls > 1:
        return f"optimizer.step was called {calls} times; one update per chunk"
    received = optimizer.received[0]
    if any(n not in received for n in PARAM_NAMES):
        return (
            f"the optimizer received gradients for {sorted(received)} only; give it all "
            f"five: {list(PARAM_NAMES)}"
        )
    if _same(gradient_vector(received), gradient_vector(expected)):
        return None
    raw, mistakes = _grad_mistakes(params, xs, targets, h0, tau, k, B)
    if _same(gradient_vector(received), gradient_vector(raw)):
        returned = got[2]
        if isinstance(returned, dict) and all(
            n in returned and _same(returned[n], expected[n]) for n in PARAM_NAMES
        ):
            return (
                "the optimizer received the unclipped gradient: you called optimizer.step "
                "before clipping; clip first, then give the clipped gradients to the optimizer"
            )
        return (
            "the optimizer received the unclipped gradient: its global norm is "
            f"{global_norm(raw):.3g} > tau = {tau:g}; multiply every gradient by "
            "tau / ||g|| before the update"
        )
    hint = diagnose(gradient_vector(received), mistakes)
    if hint:
        return "the gradients given to the optimizer are wrong: " + hint
    return _grads_message("the gradients given to the optimizer", received, expected)


def _judge(got, mine, optimizer, case, expected, tau):
    """The messages of the first wrong part, in the order of the computation."""
    params, xs, targets, h0 = case
    loss, h_k, grads, params_after = expected
    k, B = xs.shape[:2]
    msgs = _forward_messages(got, loss, h_k, params, xs, targets, h0, k)
    if any(msgs):
        return msgs
    msg = _update_message(got, optimizer, grads, params, xs, targets, h0, tau, k, B)
    if msg:
        return [msg]
    if not _same(gradient_vector(mine), gradient_vector(params_after)):
        return [
            "the optimizer received the right gradients, but the parameters you were given "
            "did not change as expected: update them in place with "
            "optimizer.step(params, grads), not a copy of params"
        ]
    return [_grads_message("the gradients you returned (the clipped ones)", got[2], grads)]


def check_train_step(student_fn, quiet=False) -> CheckResult:
    """Check ``student_fn(params, optimizer, xs, targets, h0, tau) -> (loss, h_k, grads)``
    against ``rnnlib.charlm.train_step``; the verdict names the wrong part in words, in
    the order of the computation: forward and loss, carried state, clipping, update."""
    check_student_fn(student_fn, "student_fn")
    result = CheckResult("training step (forward, loss, BPTT, clip, update)", True)
    for n, (seed, V, H, B, k, tau) in enumerate(CASES, start=1):
        params, xs, targets, h0 = case = _case(seed, V, H, B, k)
        expected = _expected(params, xs, targets, h0, tau)
        mine = {name: v.copy() for name, v in params.items()}
        optimizer = RecordingSGD(LR)
        head = f"case {n} (k = {k}, B = {B}, tau = {tau:g}): "
        ok, got = run_student(
            result,
            n,
            student_fn,
            mine,
            optimizer,
            xs.copy(),
            targets.copy(),
            h0.copy(),
            tau,
            inputs={"xs": xs, "targets": targets, "h0": h0, **params},
        )
        if not ok:
            break
        if not isinstance(got, tuple) or len(got) != 3:
            result.fail([head + f"return a tuple (loss, h_k, grads), got {type(got).__name__}"])
            break
        if result.fail(head + m for m in _judge(got, mine, optimizer, case, expected, tau) if m):
            break
    return result.report(quiet)


# ---------------------------------------------------------------------------
# the unigram entropy
# ---------------------------------------------------------------------------
#: (ids, V): uniform, skewed with an id that never occurs, and a random text
ENTROPY_CASES = [
    (np.array([0, 1, 2, 3]), 4),
    (np.array([0, 0, 0, 1, 2, 0]), 4),
    (np.random.default_rng(0).integers(0, 5, 200), 7),
]


def check_unigram_entropy(student_fn, quiet=False) -> CheckResult:
    """Check ``student_fn(ids, V) -> H`` (bits per character) against
    ``rnnlib.text.unigram_entropy``; names the usual slips (nats, sign, 0 log 0,
    counts or the uniform distribution instead of frequencies)."""
    check_student_fn(student_fn, "student_fn")
    result = CheckResult("unigram entropy", True)
    for n, (ids, V) in enumerate(ENTROPY_CASES, start=1):
        ok, got = run_student(result, n, student_fn, ids.copy(), V)
        if not ok:
            break
        expected = unigram_entropy(ids, V)
        counts = np.bincount(ids, minlength=V)
        seen = counts[counts > 0]
        value = as_numbers(got)
        if value is not None and value.ndim == 0 and np.isnan(value):
            result.fail(
                [
                    f"case {n}: got NaN. Some of the V = {V} characters never occur: their "
                    "term p log p is 0 log 0, which numpy computes as NaN; leave them out "
                    "(p = p[p > 0]), since p log p -> 0 as p -> 0"
                ]
            )
            break
        msg = describe_difference(
            "H",
            got,
            expected,
            mistakes=[
                (expected * np.log(2), "this is in nats: use log base 2 for bits"),
                (-expected, "the sign is wrong: H = -sum p log2 p is positive"),
                (
                    float(-(seen * np.log2(seen)).sum()),
                    "you used the counts: divide them by the number of characters to get "
                    "the frequencies p_i",
                ),
                (
                    np.log2(V),
                    f"this is log2 V = log2 {V}, the entropy of the uniform distribution: "
                    "weight each character by its frequency",
                ),
            ],
        )
        if result.fail([f"case {n} (V = {V}): {msg}"] if msg else []):
            break
    return result.report(quiet)
