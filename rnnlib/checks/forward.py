"""Checkers for notebook 01: one forward step, and the forward loop over a sequence.

Student functions use the column-vector notation of the course for one sequence:

    rnn_step(x, h_prev, params)  -> h      h = tanh(W_xh x + W_hh h_prev + b_h)
    rnn_forward(xs, h0, params)  -> (hs, ys)   hs (T+1, H) with hs[0] = h0, ys (T, O)
"""

from __future__ import annotations

import numpy as np

from .. import rnn
from ..params import init_params
from ._steps import first_wrong_step, run_student
from .framework import CheckResult, describe_difference


def _cases_step():
    """(x, h_prev, params) triples of different sizes, with non-zero biases."""
    rng = np.random.default_rng(1)
    cases = []
    for D, H, O in [(3, 4, 2), (2, 3, 1)]:
        p = init_params(D, H, O, seed=D + H, scheme="xavier")
        p["b_h"] = rng.normal(0, 0.5, H)
        p["b_y"] = rng.normal(0, 0.5, O)
        cases.append((rng.normal(size=D), rng.normal(0, 0.5, size=H), p))
    return cases


def check_step_forward(rnn_step, quiet=False) -> CheckResult:
    """Compare rnn_step(x, h_prev, params) -> h_t with rnnlib.step_forward (tanh).

    A wrong answer names the entry of h_t that differs (and by how much).
    """
    result = CheckResult("one forward step h_t", True)
    for n, (x, h_prev, p) in enumerate(_cases_step(), start=1):
        ok, got = run_student(result, n, rnn_step, x.copy(), h_prev.copy(), p)
        if not ok:
            break
        msg = describe_difference("h_t", got, rnn.step_forward(x, h_prev, p)[0])
        if msg is not None:
            result.passed = False
            result.messages.append(f"case {n} (D = {len(x)}, H = {len(h_prev)}): {msg}")
            break
    return result.report(quiet)


def check_forward_loop(rnn_forward, quiet=False) -> CheckResult:
    """Compare rnn_forward(xs, h0, params) -> (hs, ys) with rnnlib.forward (tanh).

    Reports the first time step t whose h_t is wrong (later steps inherit the
    error, so the first one is where to look), then the first wrong y_t.
    """
    result = CheckResult("forward loop (hs, ys)", True)
    rng = np.random.default_rng(2)
    for n, (_, h0, p) in enumerate(_cases_step(), start=1):
        T = 4 + n
        xs = rng.normal(size=(T, p["W_xh"].shape[1]))
        trace = rnn.forward(p, xs, h0)
        ok, got = run_student(result, n, rnn_forward, xs.copy(), h0.copy(), p)
        if not ok:
            break
        if not isinstance(got, tuple) or len(got) != 2:
            msgs = [f"expected a tuple (hs, ys), got {type(got).__name__}"]
        else:
            hs, ys = got
            msgs = [first_wrong_step("hs (h_t)", hs, trace.hs, 0)]
            if msgs[0] is None:
                msgs = [first_wrong_step("ys (y_t)", ys, trace.ys, 1)]
        if result.fail(f"case {n} (T = {T}): {m}" for m in msgs if m):
            break
    return result.report(quiet)
