"""Checkers for notebook 08 (truncated BPTT).

check_reach:     the student's reach matrix of BPTT(k2; k1) (which losses reach which steps).
check_detached:  the student's truncated BPTT written by detaching the hidden state every
                 k steps; the verdict names the wrong gradient and recognises the two
                 classic mistakes (no cut at all, or a reset state instead of a carried one).
"""

from __future__ import annotations

import numpy as np

from .._validate import PARAM_NAMES
from ..data import sine_next_step
from ..gradcheck import rel_error
from ..losses import mse
from ..params import init_params
from ..rnn import bptt, forward
from ..truncation import reach_matrix
from .framework import CheckResult, describe_difference, run_student

REACH_CASES = [(8, 4, 4), (10, 2, 5), (7, 3, 3), (9, 1, 4), (6, 6, 6), (5, 2, 9)]


def check_reach(student_fn, quiet=False) -> CheckResult:
    """student_fn(T, k1, k2) -> (T, T) array, entry [u-1, s-1] = 1 when the loss at step u
    sends gradient to the parameter use at step s under BPTT(k2; k1)."""
    result = CheckResult("reach matrix of BPTT(k2; k1)", True)
    for T, k1, k2 in REACH_CASES:
        ok, got = run_student(result, f"T={T}, k1={k1}, k2={k2}", student_fn, T, k1, k2)
        if not ok:
            break
        expected = reach_matrix(T, (k1, k2))
        try:
            g = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            g = None
        if g is None or g.shape != expected.shape:
            shape = None if g is None else g.shape
            result.fail([f"T={T}, k1={k1}, k2={k2}: expected a ({T}, {T}) array, got {shape}"])
            break
        wrong = np.argwhere((g != 0) != (expected != 0))
        if len(wrong):
            u, s = wrong[0] + 1
            should = "reaches" if expected[u - 1, s - 1] else "does not reach"
            result.fail(
                [
                    f"T={T}, k1={k1}, k2={k2}: the loss at step u = {u} {should} the parameter "
                    f"use at step s = {s}, but your entry [{u - 1}, {s - 1}] is "
                    f"{g[u - 1, s - 1]:g} "
                    f"({len(wrong)} of {T * T} entries wrong)"
                ]
            )
            break
    return result.report(quiet)


def _case(seed, T, B, k):
    params = init_params(1, 5, 1, seed=seed, scheme="xavier")
    xs, targets = sine_next_step(T, B, seed=seed)
    return params, xs, targets, k


DETACH_CASES = [(0, 12, 2, 4), (1, 12, 3, 3), (2, 10, 1, 5)]  # T a multiple of k


def _gradients(params, xs, targets, truncate=None, reset=False, k=None):
    if reset:  # the wrong variant: every chunk starts from h = 0
        total = dict.fromkeys(PARAM_NAMES, 0.0)
        for s in range(0, xs.shape[0], k):
            tr = forward(params, xs[s : s + k])
            _, dys = mse(tr.ys, targets[s : s + k], form="half_sum")
            g = bptt(params, tr, dys)
            total = {n: total[n] + g[n] for n in PARAM_NAMES}
        return total
    tr = forward(params, xs)
    _, dys = mse(tr.ys, targets, form="half_sum")
    return bptt(params, tr, dys, truncate=truncate)


def check_detached(student_fn, quiet=False) -> CheckResult:
    """student_fn(params, xs, targets, k) -> dict of the five gradients of the half-sum
    MSE under truncated BPTT with the hidden state detached every k steps."""
    result = CheckResult("truncated BPTT by detaching", True)
    for n, (seed, T, B, k) in enumerate(DETACH_CASES, start=1):
        params, xs, targets, k = _case(seed, T, B, k)
        ok, got = run_student(result, n, student_fn, params, xs, targets, k)
        if not ok:
            break
        if not isinstance(got, dict):
            keys = list(PARAM_NAMES)
            result.fail([f"case {n}: expected a dict with keys {keys}, got {type(got).__name__}"])
            break
        expected = _gradients(params, xs, targets, truncate=k)
        msgs = [describe_difference(name, got.get(name), expected[name]) for name in PARAM_NAMES]
        msgs = [m for m in msgs if m]
        if result.fail(msgs[:1] and [f"case {n} (T={T}, k={k}): " + msgs[0]]):
            hints = {
                "these are the full-BPTT gradients: the gradient path was never cut": _gradients(
                    params, xs, targets
                ),
                "these are the gradients of chunks that each start from h = 0: the state was "
                "reset, but detaching keeps its value and cuts only the gradient": _gradients(
                    params, xs, targets, reset=True, k=k
                ),
            }
            for hint, other in hints.items():
                if all(
                    name in got
                    and np.shape(got[name]) == np.shape(other[name])
                    and rel_error(got[name], other[name]) < 1e-9
                    for name in PARAM_NAMES
                ):
                    result.messages.append(hint)
            break
    return result.report(quiet)
