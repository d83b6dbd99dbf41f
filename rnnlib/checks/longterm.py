"""Checker for notebook 09 (long-term dependencies): one backward step of the gated cell.

The student writes ``gated_step_backward(dh, cache)`` for one sequence (column vectors,
1-D arrays): given dh = dL/dh_t and the cache of the step (x, h_prev, u, c, W_hh, W_hu),
return the dict

    da_c = dh * u_t * (1 - c_t^2)                 (into tanh's argument a_c)
    da_u = dh * (c_t - h_{t-1}) * u_t * (1 - u_t)  (into sigmoid's argument a_u)
    W_xh = da_c x_t^T, W_hh = da_c h_{t-1}^T, b_h = da_c
    W_xu = da_u x_t^T, W_hu = da_u h_{t-1}^T, b_u = da_u
    dh_prev = (1 - u_t) * dh + W_hh^T da_c + W_hu^T da_u

The verdict names the first wrong output in the order the derivation produces them and
recognises the slips this derivation invites: a missing factor (u_t, the tanh or the
sigmoid derivative), the gate's derivative with the wrong sign, the leak or the gate's
own path missing from dh_prev, W_hh instead of its transpose, the elementwise factor on
the wrong side of W_hh^T, and outer products taken the wrong way round.
"""

from __future__ import annotations

import numpy as np

from ..gated import gated_step_backward, gated_step_forward, init_gated_params
from .framework import CheckResult, check_student_fn, describe_difference, run_student

KEYS = ("da_c", "da_u", "W_xh", "W_hh", "b_h", "W_xu", "W_hu", "b_u", "dh_prev")
CASES = [(2, 3, 0), (3, 4, 1)]  # (D, H, seed): D != H, so a reversed outer product shows


def _case(D, H, seed):
    params = init_gated_params(D, H, 1, seed=seed, gate_bias=0.0)
    rng = np.random.default_rng(100 + seed)
    for name in ("b_h", "b_u"):
        params[name] = rng.normal(0.0, 0.5, H)
    x, h_prev, dh = rng.normal(size=D), rng.normal(0.0, 0.7, H), rng.normal(size=H)
    _, cache = gated_step_forward(x, h_prev, params)
    return dh, cache


def _mistakes(dh, cache):
    """{output: [(what a function with the mistake returns, hint)]} for this case."""
    x, h_prev, u, c = cache["x"], cache["h_prev"], cache["u"], cache["c"]
    W_hh, W_hu = cache["W_hh"], cache["W_hu"]
    da_c = dh * u * (1 - c**2)
    da_u = dh * (c - h_prev) * u * (1 - u)
    leak = dh * (1 - u)
    gate_path = "The gate's own path is missing: u_t = sigmoid(W_xu x_t + W_hu h_(t-1) + b_u) "
    gate_path += "depends on h_(t-1) too, so dh_prev needs W_hu^T da_u"
    return {
        "da_c": [
            (dh * (1 - c**2), "The factor u_t is missing: c_t enters h_t as u_t * c_t"),
            (dh * u, "The tanh derivative (1 - c_t^2) is missing: a_c passes through tanh"),
        ],
        "da_u": [
            (
                dh * (h_prev - c) * u * (1 - u),
                "Wrong sign: dh_t/du_t = c_t - h_(t-1) (from (1 - u_t) h_(t-1) + u_t c_t)",
            ),
            (
                dh * (c - h_prev),
                "The gate's own derivative u_t (1 - u_t) is missing: u_t = sigmoid(a_u)",
            ),
            (np.zeros_like(dh), gate_path),
        ],
        "W_xh": [(np.outer(x, da_c), "Outer product the wrong way round: dW_xh = da_c x_t^T")],
        "W_hh": [
            (np.outer(h_prev, da_c), "Outer product the wrong way round: dW_hh = da_c h_(t-1)^T")
        ],
        "W_xu": [(np.outer(x, da_u), "Outer product the wrong way round: dW_xu = da_u x_t^T")],
        "W_hu": [
            (np.outer(h_prev, da_u), "Outer product the wrong way round: dW_hu = da_u h_(t-1)^T")
        ],
        "dh_prev": [
            (
                W_hh.T @ da_c + W_hu.T @ da_u,
                "The leak term (1 - u_t) * dh is missing: h_t "
                "contains (1 - u_t) h_(t-1) directly, the additive path that keeps the gradient",
            ),
            (leak + W_hh.T @ da_c, gate_path),
            (
                leak + W_hh @ da_c + W_hu @ da_u,
                "W_hh and W_hu where their transposes belong: the gradient goes back through "
                "a_c = W_hh h_(t-1) + ... as W_hh^T da_c",
            ),
            (
                leak + (W_hh.T @ dh) * u * (1 - c**2) + (W_hu.T @ dh) * (c - h_prev) * u * (1 - u),
                "The elementwise factors are on the wrong side of the transposed matrices: "
                "they belong to the units of h_t, so multiply dh by them first (da_c, da_u), "
                "then apply W_hh^T and W_hu^T (the Jacobian is diag(...) W_hh, its transpose "
                "W_hh^T diag(...))",
            ),
        ],
    }


def _why(key, D, H):
    shapes = {"W_xh": (H, D), "W_xu": (H, D), "W_hh": (H, H), "W_hu": (H, H)}
    if key in shapes:
        return f"d{key} has the shape of {key}, {shapes[key]} (H = {H}, D = {D})"
    if key == "dh_prev":
        return f"dL/dh_(t-1) has the shape of h_(t-1), ({H},)"
    return f"{key} has one entry per hidden unit, ({H},)"


def check_gated_step_backward(student_fn, quiet=False) -> CheckResult:
    """student_fn(dh, cache) -> dict with the keys KEYS (see the module docstring)."""
    check_student_fn(student_fn, "student_fn")
    result = CheckResult("backward step of the gated cell", True)
    for n, (D, H, seed) in enumerate(CASES, start=1):
        dh, cache = _case(D, H, seed)
        given = {k: np.array(v, copy=True) for k, v in cache.items()}
        ok, got = run_student(result, n, student_fn, dh.copy(), given, inputs=dict(given, dh=dh))
        if not ok:
            break
        if not isinstance(got, dict):
            result.fail(
                [f"case {n}: expected a dict with keys {', '.join(KEYS)}, got {type(got).__name__}"]
            )
            break
        expected = gated_step_backward(dh, cache)
        mistakes = _mistakes(dh, cache)
        msgs = [
            describe_difference(
                k,
                got.get(k),
                expected[k],
                mistakes=mistakes.get(k, ()),
                why=_why(k, D, H),
            )
            for k in KEYS
        ]
        wrong = [m for m in msgs if m]
        if result.fail(wrong[:1] and [f"case {n} (D = {D}, H = {H}): {wrong[0]}"]):
            others = [k for k, m in zip(KEYS, msgs, strict=True) if m][1:]
            if others:
                result.messages.append("also wrong: " + ", ".join(others))
            break
    return result.report(quiet)
