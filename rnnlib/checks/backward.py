"""Checkers for notebook 03: one backward step, and the whole backward loop of BPTT.

Student functions (tanh hidden layer, column-vector notation, one sequence):

    rnn_step_backward(dh, cache) -> dict dz, W_xh, W_hh, b_h, dh_prev
        cache = dict(x=x_t, h_prev=h_{t-1}, h=h_t, W_xh=..., W_hh=...)
        dz_t = dh_t * (1 - h_t^2); dW_xh = dz_t x_t^T; dW_hh = dz_t h_{t-1}^T;
        db_h = dz_t; dh_prev = W_hh^T dz_t

    rnn_backward(params, xs, hs, dys) -> dict W_xh, W_hh, b_h, W_hy, b_y, dhs
        hs (T+1, H) from the forward pass, dys (T, O) = dL/dy_t,
        dhs (T+1, H) with dhs[t] = dL/dh_t (dhs[0] = dL/dh_0)
"""

from __future__ import annotations

import numpy as np

from ..params import init_params
from ..rnn import bptt, forward, step_backward, step_forward
from ._steps import first_wrong_step, run_student
from .framework import CheckResult, describe_difference

STEP_KEYS = ("dz", "W_xh", "W_hh", "b_h", "dh_prev")
GRAD_KEYS = ("W_hy", "b_y", "W_xh", "W_hh", "b_h")


def _params(D, H, O, seed):
    rng = np.random.default_rng(seed)
    p = init_params(D, H, O, seed=seed, scheme="xavier")
    p["b_h"] = rng.normal(0, 0.3, H)
    p["b_y"] = rng.normal(0, 0.3, O)
    return p


def make_cache(x, h_prev, params):
    """The cache of one tanh step as the exercise uses it (a dict, see the module doc)."""
    h, _ = step_forward(x, h_prev, params)
    return {
        "x": np.array(x, float),
        "h_prev": np.array(h_prev, float),
        "h": h,
        "W_xh": params["W_xh"],
        "W_hh": params["W_hh"],
    }


def _explain(result, n, msgs):
    return result.fail(f"case {n}: {m}" for m in msgs if m)


def check_step_backward(rnn_step_backward, quiet=False) -> CheckResult:
    """Compare rnn_step_backward(dh, cache) with rnnlib.step_backward.

    Names every gradient that is wrong, its worst entry and by how much.
    """
    result = CheckResult("one backward step", True)
    rng = np.random.default_rng(4)
    for n, (D, H, O) in enumerate([(3, 4, 2), (2, 3, 1)], start=1):
        p = _params(D, H, O, seed=10 + n)
        x, h_prev, dh = rng.normal(size=D), rng.normal(0, 0.5, H), rng.normal(size=H)
        h, rcache = step_forward(x, h_prev, p)
        ref = step_backward(dh, rcache)
        expected = {
            "dz": dh * (1 - h**2),
            "W_xh": ref["W_xh"],
            "W_hh": ref["W_hh"],
            "b_h": ref["b_h"],
            "dh_prev": ref["dh_prev"],
        }
        cache = make_cache(x, h_prev, p)
        ok, got = run_student(result, n, rnn_step_backward, dh.copy(), cache)
        if not ok:
            break
        if not isinstance(got, dict):
            _explain(
                result,
                n,
                [f"expected a dict with keys {', '.join(STEP_KEYS)}, got {type(got).__name__}"],
            )
            break
        msgs = [describe_difference(k, got.get(k), expected[k]) for k in STEP_KEYS]
        if _explain(result, n, msgs):
            break
    return result.report(quiet)


def check_backward_loop(rnn_backward, quiet=False) -> CheckResult:
    """Compare rnn_backward(params, xs, hs, dys) with rnnlib.bptt.

    First checks dL/dh_t step by step in the order BPTT computes them (t = T down to
    0) and names the first wrong step; then each parameter gradient by name.
    """
    result = CheckResult("backward loop (BPTT)", True)
    rng = np.random.default_rng(5)
    for n, (D, H, O, T) in enumerate([(3, 4, 2, 5), (2, 3, 1, 6)], start=1):
        p = _params(D, H, O, seed=20 + n)
        xs = rng.normal(size=(T, D))
        trace = forward(p, xs, rng.normal(0, 0.5, H))
        dys = rng.normal(size=(T, O))
        if n == 2:
            dys[:-1] = 0.0  # many-to-one: a loss at the last step only
        g = bptt(p, trace, dys)
        ok, got = run_student(result, n, rnn_backward, p, xs.copy(), trace.hs.copy(), dys.copy())
        if not ok:
            break
        if not isinstance(got, dict):
            _explain(
                result,
                n,
                [
                    f"expected a dict with keys dhs, {', '.join(GRAD_KEYS)}, "
                    f"got {type(got).__name__}"
                ],
            )
            break
        expected_dhs = np.concatenate([g["h0"][None], g.dhs[1:]])
        msgs = [first_wrong_step("dhs (dL/dh_t)", got.get("dhs"), expected_dhs, 0, backward=True)]
        if msgs[0] is None:
            msgs = [describe_difference(f"d{k}", got.get(k), g[k]) for k in GRAD_KEYS]
        if _explain(result, n, msgs):
            break
    return result.report(quiet)
