"""Checkers for notebook 04: the gradient of the shared W_hh as one matrix product, and
the gradient with respect to the inputs.

    dW_hh_from_deltas(dzs, hs) -> (H, H)       sum_{t=1}^T dz_t h_{t-1}^T
        dzs (T, H) with dzs[t-1] = delta_t = dL/dz_t; hs (T+1, H) with hs[t] = h_t

    input_gradients(params, hs, dys) -> dxs (T, D)     dxs[t-1] = dL/dx_t = W_xh^T delta_t
        tanh hidden units; hs (T+1, H) from the forward pass, dys (T, O) = dL/dy_t

A wrong answer is compared with what the taught mistakes would give (h_t where h_{t-1}
belongs, a transpose, a step left out; W_xh where its transpose belongs, the derivative
or the carry from step t+1 forgotten, the rows in backward order) and named in words.
When dL/dW_hh matches none of them, the checker feeds one time step at a time and names
the first step whose term is wrong.
"""

from __future__ import annotations

import numpy as np

from ..engine import bptt, forward
from ..losses import mse
from ..params import init_params
from ._steps import first_wrong_step
from .backward import (
    CARRY_IS_DH,
    CARRY_WITHOUT_DERIVATIVE,
    MISSING_CARRY,
    NO_DERIVATIVE,
    _carry_variant,
)
from .framework import (
    CheckResult,
    as_numbers,
    check_student_fn,
    describe_difference,
    mistakes_for,
    run_student,
)

H_T_INSTEAD_OF_H_PREV = (
    "You paired delta_t with h_t = hs[t]; at step t, W_hh multiplied h_{t-1}, so the term "
    "of step t is delta_t h_{t-1}^T and the states to use are hs[:-1] (h_0..h_{T-1})"
)
TRANSPOSED_SUM = (
    "Your result is the transpose of dL/dW_hh: entry (i, j) is sum_t delta_{t,i} "
    "h_{t-1,j}, row i for unit i of z_t, so the delta's index comes first"
)
FIRST_STEP_LEFT_OUT = "The term of step t = 1 is missing (delta_1 h_0^T)"
LAST_STEP_LEFT_OUT = "The term of the last step t = T is missing (delta_T h_{T-1}^T)"
W_XH_NOT_TRANSPOSED = (
    "You multiplied delta_t by W_xh; the input's gradient uses its transpose, "
    "dL/dx_t = W_xh^T delta_t: entry j of x_t feeds every z_{t,i} through (W_xh)_ij"
)
BACKWARD_ORDER = (
    "Your rows are in backward order: row t-1 must hold dL/dx_t. A loop from t = T down "
    "to 1 that appends builds them in reverse: fill dxs[t - 1] instead, or reverse at the end"
)


def _case(T, seed, D=3, H=4, O=2, many_to_one=False):
    """A small problem: (params, trace, dys, grads) for one sequence."""
    rng = np.random.default_rng(seed)
    params = init_params(D, H, O, seed=seed, scheme="xavier")
    params["b_h"] = rng.normal(0, 0.3, H)
    xs = rng.normal(size=(T, D))
    trace = forward(params, xs, h0=rng.normal(scale=0.5, size=H))
    _, dys = mse(trace.ys, rng.normal(size=(T, O)))
    if many_to_one:
        dys[:-1] = 0.0
    return params, trace, dys, bptt(params, trace, dys)


def _step_term_message(student_fn, dzs, hs, t, result):
    """Feed delta_t alone (zero elsewhere) and describe what the term of step t became."""
    one = np.zeros_like(dzs)
    one[t - 1] = dzs[t - 1]
    ok, got = run_student(result, 1, student_fn, one, hs.copy(), inputs={"dzs": one, "hs": hs})
    if not ok:
        return None
    right = np.outer(dzs[t - 1], hs[t - 1])
    if describe_difference("term", got, right) is None:
        return None
    g = as_numbers(got)
    if g is not None and g.shape == right.shape and np.allclose(g, 0.0):
        return f"Step t = {t} contributes nothing: is it missing from your sum?"
    return describe_difference(
        f"the term of step t = {t} (delta_t alone, zero elsewhere)",
        got,
        right,
        mistakes=[
            (np.outer(dzs[t - 1], hs[j]), f"It pairs delta_{t} with h_{j}") for j in range(len(hs))
        ],
    )


def _dW_hh_mistakes(dzs, hs):
    return mistakes_for(
        (lambda: dzs.T @ hs[1:], H_T_INSTEAD_OF_H_PREV),
        (lambda: hs[:-1].T @ dzs, TRANSPOSED_SUM),
        (lambda: dzs[1:].T @ hs[1:-1], FIRST_STEP_LEFT_OUT),
        (lambda: dzs[:-1].T @ hs[:-2], LAST_STEP_LEFT_OUT),
    )


def check_dW_hh(student_fn, quiet=False) -> CheckResult:
    """Check student_fn(dzs (T, H), hs (T+1, H)) == sum_t dz_t h_{t-1}^T.

    Names a known mistake when the answer reproduces one; otherwise the first time step
    whose term is wrong (found by feeding one delta_t at a time).
    """
    check_student_fn(student_fn, "student_fn")
    result = CheckResult("dL/dW_hh = sum_t delta_t h_{t-1}^T", True)
    for n, (T, seed) in enumerate(((5, 1), (3, 2)), start=1):
        _, trace, _, g = _case(T, seed)
        dzs, hs = g.dzs, trace.hs
        H = hs.shape[1]
        expected = dzs.T @ hs[:-1]
        inputs = {"dzs": dzs, "hs": hs}
        ok, got = run_student(result, n, student_fn, dzs.copy(), hs.copy(), inputs=inputs)
        if not ok:
            break
        mistakes = _dW_hh_mistakes(dzs, hs)
        why = f"dL/dW_hh has the shape of W_hh, (H, H) = ({H}, {H})"
        msg = describe_difference(f"dL/dW_hh (T = {T})", got, expected, mistakes=mistakes, why=why)
        if msg is None:
            continue
        result.fail([msg])
        if (
            not any(hint in msg for _, hint in mistakes)
            and getattr(as_numbers(got), "shape", None) == expected.shape
        ):
            for t in range(1, T + 1):  # the first step whose term is wrong
                step_msg = _step_term_message(student_fn, dzs, hs, t, result)
                if step_msg:
                    result.fail([step_msg])
                    break
        break
    return result.report(quiet)


def _input_gradient_mistakes(p, hs, dys, g):
    W_xh, W_hh = p["W_xh"], p["W_hh"]

    def from_carry(carry):  # dL/dx_t of a loop whose carry from step t+1 is carry(dh, dz)
        def compute():
            dhs = _carry_variant(p, hs, dys, carry)
            return (dhs[1:] * (1 - hs[1:] ** 2)) @ W_xh

        return compute

    return mistakes_for(
        (lambda: g.dzs @ W_xh.T, W_XH_NOT_TRANSPOSED),
        (lambda: g.dhs[1:] @ W_xh, NO_DERIVATIVE),
        (from_carry(lambda dh, dz: 0 * dz), MISSING_CARRY),
        (from_carry(lambda dh, dz: dh), CARRY_IS_DH),
        (from_carry(lambda dh, dz: W_hh.T @ dh), CARRY_WITHOUT_DERIVATIVE),
        (lambda: g.dxs[::-1], BACKWARD_ORDER),
    )


def check_input_gradients(student_fn, quiet=False) -> CheckResult:
    """Check student_fn(params, hs, dys) -> dxs (T, D), dxs[t-1] = dL/dx_t = W_xh^T delta_t.

    Names the first wrong step in the order BPTT computes them (t = T down to 1) and the
    taught mistake the answer reproduces, if any.
    """
    check_student_fn(student_fn, "student_fn")
    result = CheckResult("dL/dx_t = W_xh^T delta_t", True)
    # case 1 has D = H, so that W_xh used untransposed gives a wrong value (named below)
    # rather than a shape error; case 2 is many-to-one
    for n, (T, D, H, many_to_one) in enumerate([(5, 3, 3, False), (6, 2, 4, True)], start=1):
        p, trace, dys, g = _case(T, 30 + n, D=D, H=H, many_to_one=many_to_one)
        hs = trace.hs
        expected = g.dxs  # dxs[t-1] = dL/dx_t, from rnnlib.bptt
        inputs = {"hs": hs, "dys": dys, **p}
        ok, got = run_student(result, n, student_fn, p, hs.copy(), dys.copy(), inputs=inputs)
        if not ok:
            break
        why = (
            f"dxs has the shape of xs, (T, D) = ({T}, {D}): one gradient per input x_t, "
            "with x_t's D entries"
        )
        msg = first_wrong_step(
            "dxs (dL/dx_t)",
            got,
            expected,
            1,
            backward=True,
            mistakes=_input_gradient_mistakes(p, hs, dys, g),
            why=why,
        )
        losses = "many-to-one" if many_to_one else "a loss at every step"
        if result.fail([f"case {n} ({losses}, T = {T}): {msg}"] if msg else []):
            break
    return result.report(quiet)
