"""Checkers for notebook 01: one forward step, and the forward loop over a sequence.

Student functions use the column-vector notation of the course for one sequence:

    rnn_step(x, h_prev, params)  -> h      h = tanh(W_xh x + W_hh h_prev + b_h)
    rnn_forward(xs, h0, params)  -> (hs, ys)   hs (T+1, H) with hs[0] = h0, ys (T, O)

A wrong answer is compared with what the taught mistakes give (a transposed weight, the
tanh or the bias forgotten, the state not carried from step to step, y_t read from
h_{t-1}) and, when it reproduces one, the message says so in words.
"""

from __future__ import annotations

import numpy as np

from .. import engine, rnn
from ..params import init_params
from ._steps import first_wrong_step, run_student
from .framework import CheckResult, check_student_fn, describe_difference, mistakes_for

W_HH_TRANSPOSED = (
    "You used W_hh^T h_{t-1} (for a 1-D h_prev, h_prev @ W_hh is that); the recurrence is "
    "W_hh h_{t-1}: row i of W_hh holds what unit i of h_t takes from each unit of h_{t-1}"
)
W_XH_TRANSPOSED = (
    "You used W_xh^T x_t; the recurrence is W_xh x_t: W_xh is (H, D), one row per hidden unit"
)
NO_TANH = "You returned z_t, the pre-activation: h_t = tanh(z_t)"
NO_BIAS = "The bias b_h is missing from z_t = W_xh x_t + W_hh h_{t-1} + b_h"
NO_RECURRENCE = "The recurrent term W_hh h_{t-1} is missing: without it the step has no memory"
STATE_NOT_CARRIED = (
    "The state is not carried: step t must start from h_{t-1}, the state just computed "
    "(hs[t-1]), not from h_0"
)
Y_FROM_H_PREV = (
    "Off by one in time: y_t = W_hy h_t + b_y reads h_t = hs[t], the state after x_t; the "
    "outputs come from hs[1:], not hs[:-1]"
)


def _cases_step():
    """(x, h_prev, params) triples of different sizes, with non-zero biases. The first
    has D = H, so that a transposed W_xh gives a wrong value rather than a shape error."""
    rng = np.random.default_rng(1)
    cases = []
    for D, H, O in [(3, 3, 2), (2, 4, 1)]:
        p = init_params(D, H, O, seed=D + H, scheme="xavier")
        p["b_h"] = rng.normal(0, 0.5, H)
        p["b_y"] = rng.normal(0, 0.5, O)
        cases.append((rng.normal(size=D), rng.normal(0, 0.5, size=H), p))
    return cases


def _step_mistakes(x, h_prev, p):
    W_xh, W_hh, b_h = p["W_xh"], p["W_hh"], p["b_h"]
    return mistakes_for(
        (lambda: np.tanh(W_xh @ x + W_hh.T @ h_prev + b_h), W_HH_TRANSPOSED),
        (lambda: np.tanh(W_xh.T @ x + W_hh @ h_prev + b_h), W_XH_TRANSPOSED),
        (lambda: W_xh @ x + W_hh @ h_prev + b_h, NO_TANH),
        (lambda: np.tanh(W_xh @ x + W_hh @ h_prev), NO_BIAS),
        (lambda: np.tanh(W_xh @ x + b_h), NO_RECURRENCE),
    )


def check_step_forward(rnn_step, quiet=False) -> CheckResult:
    """Compare rnn_step(x, h_prev, params) -> h_t with rnnlib.step_forward (tanh).

    A wrong answer names the entry of h_t that differs (and by how much), and the taught
    mistake it reproduces, if any.
    """
    check_student_fn(rnn_step, "rnn_step")
    result = CheckResult("one forward step h_t", True)
    for n, (x, h_prev, p) in enumerate(_cases_step(), start=1):
        inputs = {"x": x, "h_prev": h_prev, **p}
        ok, got = run_student(result, n, rnn_step, x.copy(), h_prev.copy(), p, inputs=inputs)
        if not ok:
            break
        H = len(h_prev)
        msg = describe_difference(
            "h_t",
            got,
            rnn.step_forward(x, h_prev, p)[0],
            mistakes=_step_mistakes(x, h_prev, p),
            why=f"h_t has the shape of h_(t-1), (H,) = ({H},)",
        )
        if result.fail([f"case {n} (D = {len(x)}, H = {H}): {msg}"] if msg else []):
            break
    return result.report(quiet)


def check_forward_loop(rnn_forward, quiet=False) -> CheckResult:
    """Compare rnn_forward(xs, h0, params) -> (hs, ys) with rnnlib.forward (tanh).

    Reports the first time step t whose h_t is wrong (later steps inherit the
    error, so the first one is where to look), then the first wrong y_t.
    """
    check_student_fn(rnn_forward, "rnn_forward")
    result = CheckResult("forward loop (hs, ys)", True)
    rng = np.random.default_rng(2)
    for n, (_, h0, p) in enumerate(_cases_step(), start=1):
        T = 4 + n
        H, O = len(h0), p["W_hy"].shape[0]
        xs = rng.normal(size=(T, p["W_xh"].shape[1]))
        trace = engine.forward(p, xs, h0)
        inputs = {"xs": xs, "h0": h0, **p}
        ok, got = run_student(result, n, rnn_forward, xs.copy(), h0.copy(), p, inputs=inputs)
        if not ok:
            break
        if not isinstance(got, tuple) or len(got) != 2:
            msgs = [f"expected a tuple (hs, ys), got {type(got).__name__}"]
        else:
            hs, ys = got
            unrolled = np.array([h0] + [rnn.step_forward(x, h0, p)[0] for x in xs])
            from_prev = trace.hs[:-1] @ p["W_hy"].T + p["b_y"]
            outputs = [  # (label, got, expected, first step, known mistake, why this shape)
                (
                    "hs (h_t)",
                    hs,
                    trace.hs,
                    0,
                    (unrolled, STATE_NOT_CARRIED),
                    f"hs holds h_0, h_1, ..., h_T: T + 1 = {T + 1} rows of H = {H}, h_0 first",
                ),
                (
                    "ys (y_t)",
                    ys,
                    trace.ys,
                    1,
                    (from_prev, Y_FROM_H_PREV),
                    f"ys holds y_1, ..., y_T: T = {T} rows of O = {O} (no output for h_0)",
                ),
            ]
            msgs = []
            for label, g, e, first, mistake, why in outputs:  # h_t first: y_t is built on it
                msgs = [first_wrong_step(label, g, e, first, mistakes=[mistake], why=why)]
                if msgs[0] is not None:
                    break
        if result.fail(f"case {n} (T = {T}): {m}" for m in msgs if m):
            break
    return result.report(quiet)
