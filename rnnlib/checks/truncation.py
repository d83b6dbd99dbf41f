"""Checkers for notebook 08 (truncated BPTT).

check_reach:     the student's reach matrix of truncated BPTT with a pass every k1 steps
                 through k2 steps (which losses reach which steps). The verdict names the
                 first wrong entry as "the loss at step u does (not) reach step s" and
                 recognises the slips: a transposed matrix, a window off by one step, a
                 window measured from each loss instead of from its pass, k1 ignored, a
                 last (shorter) pass that reaches too far back, a filled upper triangle.
check_detached:  the student's truncated BPTT written by detaching the hidden state every
                 k1 steps, with cases where k1 does not divide T; the verdict names the wrong
                 gradient and recognises the slips: no cut at all, a reset state instead of
                 a carried one, the passes not summed, the last shorter chunk dropped, the
                 state carried from one step too early, the mean instead of the half-sum
                 loss.
"""

from __future__ import annotations

import numpy as np

from .._validate import PARAM_NAMES
from ..data import sine_next_step
from ..engine import bptt, forward
from ..losses import mse
from ..params import init_params
from ..rnn import truncation_blocks
from ..truncation import reach_from_blocks, reach_matrix
from ._steps import as_numbers
from .framework import CheckResult, check_student_fn, describe_difference, diagnose, run_student

#: (T, k1, k2): k1 divides T or not, k1 = k2 (detach) or k1 < k2, k2 >= T
REACH_CASES = [
    (8, 4, 4),
    (10, 2, 5),
    (7, 3, 3),
    (9, 1, 4),
    (11, 4, 6),
    (6, 6, 6),
    (5, 2, 9),
    (10, 4, 10),
]


def _blocks(T, k1, k2, stop):
    """The passes of truncation_blocks(T, (k1, k2)) with t_stop replaced by
    stop(t_end, t_loss, t_stop), clipped to 0..t_loss: the variants of the mistakes."""
    return [
        (t_end, t_loss, min(max(stop(t_end, t_loss, t_stop), 0), t_loss))
        for t_end, t_loss, t_stop in truncation_blocks(T, (k1, k2))
    ]


def _reach_mistakes(T, k1, k2):
    """(reach matrix a function with the mistake returns, hint) pairs."""
    R = reach_matrix(T, (k1, k2))

    def variant(stop):
        return reach_from_blocks(T, _blocks(T, k1, k2, stop))

    per_loss = np.zeros((T, T), dtype=int)
    for u in range(1, T + 1):
        per_loss[u - 1, max(u - k2, 0) : u] = 1
    upper = np.zeros((T, T), dtype=int)
    for t_end, t_loss, t_stop in truncation_blocks(T, (k1, k2)):
        upper[t_loss:t_end, t_stop:t_end] = 1
    mistakes = [
        (
            R.T,
            "Your matrix is transposed: row u - 1 is the loss at step u, column s - 1 the "
            "step s it sends gradient to (only s <= u can be reached)",
        ),
        (
            upper,
            "A loss cannot reach later steps: L_u does not depend on the steps s > u, so "
            "its row ends at column u - 1 even though its pass goes on to t_end",
        ),
    ]
    if k2 >= T:
        return [
            *mistakes,
            (
                variant(lambda t_end, t_loss, t_stop: t_loss - (k2 - k1)),
                "When k2 >= T nothing is truncated: every pass reaches back to step 1, "
                "as in full BPTT",
            ),
        ]
    window = "a pass goes through the steps t_stop < s <= t_end, "
    window += "t_stop = max(t_loss - (k2 - k1), 0)"
    return [
        *mistakes,
        (
            variant(lambda t_end, t_loss, t_stop: t_stop - 1),
            f"Off by one: your window reaches one step too far back; {window}",
        ),
        (
            variant(lambda t_end, t_loss, t_stop: t_stop + 1),
            f"Off by one: your window stops one step short; {window}",
        ),
        (
            variant(lambda t_end, t_loss, t_stop: t_end - k2),
            "The last pass, at T, carries fewer than k1 new losses; it goes back k2 - k1 "
            "steps before the first of them, t_stop = max(t_loss - (k2 - k1), 0), not k2 "
            "steps back from T (for k1 = k2 that would cross the last detach point)",
        ),
        (
            per_loss,
            "Each loss reached back k2 steps from its own step u: that is a pass at every "
            "step, BPTT(k2; 1). With a pass every k1 steps, the losses since the previous "
            "pass share one window, which starts k2 - k1 steps before the first of them",
        ),
        (
            variant(lambda t_end, t_loss, t_stop: t_loss),
            "Your passes stop where the previous pass ended, as if k2 = k1 (detach every k1 "
            "steps): a pass also goes through the k2 - k1 steps before its first loss",
        ),
    ]


def check_reach(student_fn, quiet=False) -> CheckResult:
    """student_fn(T, k1, k2) -> (T, T) array, entry [u-1, s-1] = 1 when the loss at step u
    sends gradient to the parameter use at step s (see rnnlib.truncation_blocks)."""
    check_student_fn(student_fn, "student_fn")
    result = CheckResult("reach matrix of truncated BPTT", True)
    for T, k1, k2 in REACH_CASES:
        case = f"T={T}, k1={k1}, k2={k2}"
        ok, got = run_student(result, case, student_fn, T, k1, k2)
        if not ok:
            break
        expected = reach_matrix(T, (k1, k2))
        g = as_numbers(got)
        if g is None or g.shape != expected.shape:
            msg = describe_difference(
                "reach matrix",
                got,
                expected,
                why=f"one row per loss L_u and one column per step s, u, s = 1..{T}",
            )
            result.fail([f"{case}: {msg}"])
            break
        wrong = np.argwhere((g != 0) != (expected != 0))
        if len(wrong):
            u, s = wrong[0] + 1
            should = "reaches" if expected[u - 1, s - 1] else "does not reach"
            message = (
                f"{case}: the loss at step u = {u} {should} the parameter use at step s = {s}, "
                f"but your entry [{u - 1}, {s - 1}] is {g[u - 1, s - 1]:g} "
                f"({len(wrong)} of {T * T} entries wrong)"
            )
            hint = diagnose(g != 0, [(m != 0, h) for m, h in _reach_mistakes(T, k1, k2)])
            result.fail([message + (f". {hint}" if hint else "")])
            break
    return result.report(quiet)


def _case(seed, T, B, k1):
    params = init_params(1, 5, 1, seed=seed, scheme="xavier")
    xs, targets = sine_next_step(T, B, seed=seed)
    return params, xs, targets, k1


#: (seed, T, B, k1): k1 divides T in the first case only
DETACH_CASES = [(0, 12, 2, 4), (1, 11, 3, 3), (2, 10, 1, 4)]


def _chunked(
    params,
    xs,
    targets,
    k1,
    *,
    reset=False,
    last_only=False,
    drop_last=False,
    carry=-1,
    form="half_sum",
):
    """Sum over chunks of k1 steps of each chunk's BPTT gradients: the right computation,
    or one of the mistakes its keywords plant."""
    T = xs.shape[0]
    total = dict.fromkeys(PARAM_NAMES, 0.0)
    h = None
    starts = range(0, T - k1 + 1 if drop_last else T, k1)
    for s in starts:
        tr = forward(params, xs[s : s + k1], h0=None if reset else h)
        _, dys = mse(tr.ys, targets[s : s + k1], form=form)
        g = bptt(params, tr, dys)
        total = {n: (0.0 if last_only else total[n]) + g[n] for n in PARAM_NAMES}
        h = tr.hs[carry]
    return total


def _detach_mistakes(params, xs, targets, k1):
    """{parameter: [(its gradient under a mistake, hint)]}."""
    tr = forward(params, xs)
    _, dys = mse(tr.ys, targets, form="half_sum")
    variants = [
        (
            bptt(params, tr, dys),
            "These are the full-BPTT gradients: the gradient path was "
            "never cut (each chunk must run its own backward pass)",
        ),
        (
            _chunked(params, xs, targets, k1, reset=True),
            "These are the gradients of chunks that "
            "each start from h = 0: the state was reset, but detaching keeps its value h_t and "
            "cuts only the gradient path through it",
        ),
        (
            _chunked(params, xs, targets, k1, last_only=True),
            "These are the last chunk's "
            "gradients only: every chunk's backward pass adds its part, so the passes' gradients "
            "must be summed",
        ),
        (
            _chunked(params, xs, targets, k1, carry=-2),
            "The next chunk started from the state one "
            "step too early: a chunk's trace.hs[-1] is h_t at its last step (hs[0] is its h_0)",
        ),
        (
            _chunked(params, xs, targets, k1, form="mean"),
            "These are the gradients of the mean "
            'loss of each chunk: the exercise uses the half-sum form, mse(..., form="half_sum")',
        ),
    ]
    if xs.shape[0] % k1:
        variants.append(
            (
                _chunked(params, xs, targets, k1, drop_last=True),
                "The last, shorter chunk is missing: when k1 does not divide T, the final "
                "T mod k1 steps form a chunk of their own (range(0, T, k1) yields its start)",
            )
        )
    return {n: [(g[n], hint) for g, hint in variants] for n in PARAM_NAMES}


def check_detached(student_fn, quiet=False) -> CheckResult:
    """student_fn(params, xs, targets, k1) -> dict of the five gradients of the half-sum
    MSE under truncated BPTT with the hidden state detached every k1 steps."""
    check_student_fn(student_fn, "student_fn")
    result = CheckResult("truncated BPTT by detaching", True)
    for n, (seed, T, B, k1) in enumerate(DETACH_CASES, start=1):
        params, xs, targets, k1 = _case(seed, T, B, k1)
        ok, got = run_student(result, n, student_fn, params, xs, targets, k1)
        if not ok:
            break
        if not isinstance(got, dict):
            keys = list(PARAM_NAMES)
            result.fail([f"case {n}: expected a dict with keys {keys}, got {type(got).__name__}"])
            break
        tr = forward(params, xs)
        _, dys = mse(tr.ys, targets, form="half_sum")
        expected = bptt(params, tr, dys, truncate=k1)
        mistakes = _detach_mistakes(params, xs, targets, k1)
        msgs = [
            describe_difference(
                name,
                got.get(name),
                expected[name],
                mistakes=mistakes[name],
                why=f"the gradient of {name} has the shape of {name}, {expected[name].shape}",
            )
            for name in PARAM_NAMES
        ]
        msgs = [m for m in msgs if m]
        if result.fail(msgs[:1] and [f"case {n} (T={T}, k1={k1}): " + msgs[0]]):
            break
    return result.report(quiet)
