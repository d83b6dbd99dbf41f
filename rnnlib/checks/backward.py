"""Checkers for notebook 03: one backward step, and the whole backward loop of BPTT.

Student functions (tanh hidden layer, column-vector notation, one sequence):

    rnn_step_backward(dh, cache) -> dict dz, W_xh, W_hh, b_h, dh_prev
        cache = dict(x=x_t, h_prev=h_{t-1}, h=h_t, W_xh=..., W_hh=...)
        dz_t = dh_t * (1 - h_t^2); dW_xh = dz_t x_t^T; dW_hh = dz_t h_{t-1}^T;
        db_h = dz_t; dh_prev = W_hh^T dz_t

    rnn_backward(params, xs, hs, dys) -> dict W_xh, W_hh, b_h, W_hy, b_y, dhs
        hs (T+1, H) from the forward pass, dys (T, O) = dL/dy_t,
        dhs (T+1, H) with dhs[t] = dL/dh_t (dhs[0] = dL/dh_0)

A wrong answer is compared with what the mistakes notebook 03 warns about would give
(W_hh where its transpose belongs, the derivative forgotten or applied after the outer
product, the carry from step t+1 missing or taken before the derivative, h_t where
h_{t-1} belongs) and, when it reproduces one, the message says so in words.
"""

from __future__ import annotations

import numpy as np

from ..engine import bptt, forward
from ..params import init_params
from ..rnn import step_backward, step_forward
from ._steps import first_wrong_step, run_student
from .framework import CheckResult, check_student_fn, describe_difference, mistakes_for

STEP_KEYS = ("dz", "W_xh", "W_hh", "b_h", "dh_prev")
GRAD_KEYS = ("W_hy", "b_y", "W_xh", "W_hh", "b_h")

# -- what each taught mistake means, in words ---------------------------------------
NO_DERIVATIVE = (
    "You used dL/dh_t itself: delta_t = dL/dz_t multiplies it elementwise by the "
    "derivative of tanh at this step, 1 - h_t^2, before anything else is built from it"
)
DERIVATIVE_OF_H_PREV = (
    "You took the derivative at h_{t-1}; h_t = tanh(z_t), so the derivative belongs to "
    "this step: 1 - h_t^2 with h_t = cache['h']"
)
AFTER_OUTER_PRODUCT = (
    "You applied (1 - h_t^2) after the outer product, where it scales the columns; it "
    "belongs to delta_t = dL/dh_t * (1 - h_t^2), before the outer product, so that entry "
    "i of h_t scales row i (see ERRATA.md, entry 4)"
)
TRANSPOSED_TERM = (
    "Your term is the transpose of the right one: delta_t h_{t-1}^T (and delta_t x_t^T) has "
    "one row per hidden unit of z_t, np.outer(dz, ...)"
)
H_INSTEAD_OF_H_PREV = (
    "You used h_t; at step t, W_hh multiplies h_{t-1} (cache['h_prev']), so its term is "
    "delta_t h_{t-1}^T"
)
NOT_TRANSPOSED = (
    "You multiplied delta_t by W_hh; the gradient sent back uses its transpose, W_hh^T "
    "delta_t: unit j of h_{t-1} feeds every z_{t,i} through (W_hh)_ij, so it collects "
    "sum_i (W_hh)_ij delta_{t,i}, column j of W_hh"
)
MISSING_CARRY = (
    "The carry from step t+1 is missing from dL/dh_t: h_t has two children, y_t and h_{t+1}, so "
    "dL/dh_t = W_hy^T dL/dy_t + W_hh^T delta_{t+1}"
)
CARRY_IS_DH = (
    "You carried dL/dh_{t+1} itself to step t; what step t+1 sends back is "
    "W_hh^T delta_{t+1} (see ERRATA.md, entry 9)"
)
CARRY_WITHOUT_DERIVATIVE = (
    "The carry skipped the derivative of step t+1: send back W_hh^T delta_{t+1}, with "
    "delta_{t+1} = dL/dh_{t+1} * (1 - h_{t+1}^2)"
)
CARRY_NOT_TRANSPOSED = (
    "The carry uses W_hh where its transpose belongs: step t+1 sends back W_hh^T delta_{t+1}"
)
LOOP_STOPS_EARLY = (
    "Nothing was computed for t = 1: your loop stops before t = 1 (range(T, 0, -1) visits "
    "t = T, ..., 1)"
)
W_HY_OFF_BY_ONE = (
    "Off by one in time: y_t = W_hy h_t + b_y reads h_t = hs[t], so the term of step t is "
    "dL/dy_t h_t^T"
)
W_HH_OFF_BY_ONE = (
    "Off by one in time: at step t, W_hh multiplied h_{t-1} = hs[t-1], so the term of step "
    "t is delta_t h_{t-1}^T"
)


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


def _step_mistakes(dh, c):
    """{output: (value, hint) pairs}: what one step with each taught mistake returns."""
    x, h_prev, h, W_hh = c["x"], c["h_prev"], c["h"], c["W_hh"]
    fp = 1 - h**2  # f'(z_t) for tanh
    dz = dh * fp
    return {
        "dz": mistakes_for(
            (lambda: dh, NO_DERIVATIVE), (lambda: dh * (1 - h_prev**2), DERIVATIVE_OF_H_PREV)
        ),
        "W_xh": mistakes_for(
            (lambda: np.outer(dh, x) * fp, AFTER_OUTER_PRODUCT),  # fits only when D = H
            (lambda: np.outer(dh, x), NO_DERIVATIVE),
            (lambda: np.outer(x, dz), TRANSPOSED_TERM),
        ),
        "W_hh": mistakes_for(
            (lambda: np.outer(dh, h_prev) * fp, AFTER_OUTER_PRODUCT),
            (lambda: np.outer(dh, h_prev), NO_DERIVATIVE),
            (lambda: np.outer(h_prev, dz), TRANSPOSED_TERM),
            (lambda: np.outer(dz, h), H_INSTEAD_OF_H_PREV),
        ),
        "b_h": mistakes_for((lambda: dh, NO_DERIVATIVE)),
        "dh_prev": mistakes_for(
            (lambda: W_hh @ dz, NOT_TRANSPOSED),
            (lambda: W_hh.T @ dh, NO_DERIVATIVE),
            (
                lambda: W_hh @ dh,
                NOT_TRANSPOSED + "; and " + NO_DERIVATIVE[0].lower() + NO_DERIVATIVE[1:],
            ),
        ),
    }


def _step_shapes(D, H):
    """Why each output of a step has its shape."""
    return {
        "dz": f"delta_t = dL/dz_t has the shape of z_t, (H,) = ({H},)",
        "W_xh": f"this step's term of dL/dW_xh has the shape of W_xh, (H, D) = ({H}, {D})",
        "W_hh": f"this step's term of dL/dW_hh has the shape of W_hh, (H, H) = ({H}, {H})",
        "b_h": f"this step's term of dL/db_h has the shape of b_h, (H,) = ({H},)",
        "dh_prev": f"dL/dh_(t-1) has the shape of h_(t-1), (H,) = ({H},)",
    }


def check_step_backward(rnn_step_backward, quiet=False) -> CheckResult:
    """Compare rnn_step_backward(dh, cache) with rnnlib.step_backward.

    Names every gradient that is wrong, its worst entry and by how much, and the taught
    mistake it reproduces, if any. When delta_t (dz) is wrong, it is reported alone:
    every other output is built from it.
    """
    check_student_fn(rnn_step_backward, "rnn_step_backward")
    result = CheckResult("one backward step", True)
    rng = np.random.default_rng(4)
    # case 1 has D = H, so that a transposed W_xh term or a factor applied after the
    # outer product gives a wrong value (named below) rather than a shape error
    for n, (D, H, O) in enumerate([(3, 3, 2), (2, 4, 1)], start=1):
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
        ok, got = run_student(result, n, rnn_step_backward, dh.copy(), cache, inputs=cache)
        if not ok:
            break
        if not isinstance(got, dict):
            _explain(
                result,
                n,
                [f"expected a dict with keys {', '.join(STEP_KEYS)}, got {type(got).__name__}"],
            )
            break
        mistakes, why = _step_mistakes(dh, cache), _step_shapes(D, H)
        msgs = {
            k: describe_difference(k, got.get(k), expected[k], mistakes=mistakes[k], why=why[k])
            for k in STEP_KEYS
        }
        if msgs["dz"] is not None:  # every other output is built from delta_t
            missing = [k for k in STEP_KEYS[1:] if got.get(k) is None]
            others = [k for k in STEP_KEYS[1:] if msgs[k] is not None and k not in missing]
            if others:
                msgs["dz"] += (
                    f" ({', '.join(others)} {'is' if len(others) == 1 else 'are'} wrong "
                    "too: built from delta_t, so fix dz first)"
                )
            msgs = {k: msgs[k] for k in ("dz", *missing)}
        if _explain(result, n, msgs.values()):
            break
    return result.report(quiet)


def _carry_variant(p, hs, dys, carry):
    """dhs (T+1, H) of a backward loop whose carry from step t+1 is computed as
    ``carry(dh, dz)`` (the right one is W_hh^T dz): the taught mistakes' dL/dh_t."""
    T = len(dys)
    dhs = np.zeros_like(hs)
    sent = np.zeros(hs.shape[1])
    for t in range(T, 0, -1):
        dhs[t] = p["W_hy"].T @ dys[t - 1] + sent
        sent = carry(dhs[t], dhs[t] * (1 - hs[t] ** 2))
    dhs[0] = sent
    return dhs


def _loop_mistakes(p, xs, hs, dys, g):
    """{output: (value, hint) pairs} of the taught mistakes of a whole backward loop."""
    W_hh, T = p["W_hh"], len(xs)
    dzs, dh = g.dzs, g.dhs[1:]  # delta_t and dL/dh_t, row t-1 for step t

    def carried(carry):
        return lambda: _carry_variant(p, hs, dys, carry)

    def stops_before_step_1():  # the loop runs t = T..2: dL/dh_1 stays 0
        dhs = np.concatenate([g["h0"][None], dh])
        dhs[1], dhs[0] = 0.0, W_hh.T @ dzs[1]
        return dhs

    def factor_after_outer_product():  # the detailed notes' formula, read elementwise
        return sum(np.outer(dh[i], hs[i]) * (1 - hs[i + 1] ** 2) for i in range(T))

    return {
        "dhs": mistakes_for(
            (carried(lambda dh, dz: 0 * dz), MISSING_CARRY),
            (carried(lambda dh, dz: dh), CARRY_IS_DH),
            (carried(lambda dh, dz: W_hh.T @ dh), CARRY_WITHOUT_DERIVATIVE),
            (carried(lambda dh, dz: W_hh @ dz), CARRY_NOT_TRANSPOSED),
            (stops_before_step_1, LOOP_STOPS_EARLY),
        ),
        "W_hh": mistakes_for(
            (lambda: dzs.T @ hs[1:], W_HH_OFF_BY_ONE),
            (factor_after_outer_product, AFTER_OUTER_PRODUCT),
            (lambda: dh.T @ hs[:-1], NO_DERIVATIVE),
            (lambda: hs[:-1].T @ dzs, TRANSPOSED_TERM),
        ),
        "W_xh": mistakes_for(
            (lambda: dh.T @ xs, NO_DERIVATIVE),
            (lambda: xs.T @ dzs, TRANSPOSED_TERM),
        ),
        "b_h": mistakes_for((lambda: dh.sum(axis=0), NO_DERIVATIVE)),
        "W_hy": mistakes_for((lambda: dys.T @ hs[:-1], W_HY_OFF_BY_ONE)),
        "b_y": [],
    }


def check_backward_loop(rnn_backward, quiet=False) -> CheckResult:
    """Compare rnn_backward(params, xs, hs, dys) with rnnlib.bptt.

    First checks dL/dh_t step by step in the order BPTT computes them (t = T down to
    0) and names the first wrong step; then each parameter gradient by name. Either
    message names the taught mistake the answer reproduces, if any.
    """
    check_student_fn(rnn_backward, "rnn_backward")
    result = CheckResult("backward loop (BPTT)", True)
    rng = np.random.default_rng(5)
    for n, (D, H, O, T) in enumerate([(3, 3, 2, 5), (2, 4, 1, 6)], start=1):
        p = _params(D, H, O, seed=20 + n)
        xs = rng.normal(size=(T, D))
        trace = forward(p, xs, rng.normal(0, 0.5, H))
        dys = rng.normal(size=(T, O))
        if n == 2:
            dys[:-1] = 0.0  # many-to-one: a loss at the last step only
        g = bptt(p, trace, dys)
        hs = trace.hs
        inputs = {"xs": xs, "hs": hs, "dys": dys, **p}
        ok, got = run_student(
            result, n, rnn_backward, p, xs.copy(), hs.copy(), dys.copy(), inputs=inputs
        )
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
        mistakes = _loop_mistakes(p, xs, hs, dys, g)
        expected_dhs = np.concatenate([g["h0"][None], g.dhs[1:]])
        why_dhs = (
            f"dhs[t] = dL/dh_t for t = 0..T: T + 1 rows of H, ({T + 1}, {H}) here, dhs[0] = dL/dh_0"
        )
        msgs = [
            first_wrong_step(
                "dhs (dL/dh_t)",
                got.get("dhs"),
                expected_dhs,
                0,
                backward=True,
                mistakes=mistakes["dhs"],
                why=why_dhs,
            )
        ]
        if msgs[0] is None:
            msgs = [
                describe_difference(
                    f"d{k}",
                    got.get(k),
                    g[k],
                    mistakes=mistakes[k],
                    why=f"d{k} has the shape of {k}, {g[k].shape}",
                )
                for k in GRAD_KEYS
            ]
        if _explain(result, n, msgs):
            break
    return result.report(quiet)
