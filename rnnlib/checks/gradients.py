"""Checkers for notebook 04: the per-weight gradients of the shared weights.

    dL/dW_hh = sum_{t=1}^T dz_t h_{t-1}^T        dL/dW_xh = sum_{t=1}^T dz_t x_t^T

The student's function gets the dz_t's (T, H) and the states hs (T+1, H) (hs[t] = h_t,
hs[0] = h_0) or the inputs xs (T, D) (xs[t-1] = x_t) and returns the summed gradient.
When the sum is wrong, the checker feeds one time step at a time (dz zero elsewhere)
and names the first step whose contribution is wrong, and what it matches instead.
"""

from __future__ import annotations

import numpy as np

from ..losses import mse
from ..params import init_params
from ..rnn import bptt, forward
from .framework import CheckResult, describe_difference


def _case(T, seed):
    """A small many-to-many problem: returns (dzs (T, H), hs (T+1, H), xs (T, D))."""
    rng = np.random.default_rng(seed)
    params = init_params(3, 4, 2, seed=seed, scheme="xavier")
    xs = rng.normal(size=(T, 3))
    h0 = rng.normal(scale=0.5, size=4)
    trace = forward(params, xs, h0=h0)
    _, dys = mse(trace.ys, rng.normal(size=(T, 2)))
    grads = bptt(params, trace, dys)
    return grads.dzs, trace.hs, trace.xs


def _call(fn, args, result):
    """Run the student's function; record why it failed; return (ok, value)."""
    try:
        return True, fn(*args)
    except NotImplementedError:
        result.messages.append("not implemented yet: replace the `raise NotImplementedError`")
    except Exception as exc:  # report, never crash the notebook
        result.messages.append(f"raised {type(exc).__name__}: {exc}")
    return False, None


def _diagnose_step(got, dz, vecs, t, symbol, index_of):
    """Explain a wrong contribution of step t: which other outer product it equals."""
    g = np.asarray(got, dtype=float)
    if np.allclose(g, 0.0):
        return f"step t = {t} contributes nothing: is it missing from your loop?"
    for j in range(len(vecs)):
        cand = np.outer(dz, vecs[j])
        if j != index_of(t) and g.shape == cand.shape and np.allclose(g, cand):
            used = j if symbol == "h" else j + 1
            right = t - 1 if symbol == "h" else t
            where = "hs[t-1] holds h_{t-1}" if symbol == "h" else "xs[t-1] holds x_t"
            return (
                f"at step t = {t} you used {symbol}_{used}; the contribution of step t is "
                f"dz_t {symbol}_{right}^T ({where})"
            )
    right = np.outer(dz, vecs[index_of(t)])
    if g.shape == right.T.shape and np.allclose(g, right.T):
        return (
            f"step t = {t}: your term is transposed; use np.outer(dz_t, ...) (shape {right.shape})"
        )
    return describe_difference(f"the contribution of step t = {t}", g, right)


def _check_sum(name, label, student_fn, symbol, pick, index_of, quiet):
    result = CheckResult(name, True)
    for T, seed in ((5, 1), (3, 2)):
        dzs, hs, xs = _case(T, seed)
        vecs = hs if symbol == "h" else xs
        expected = sum(np.outer(dzs[t - 1], vecs[index_of(t)]) for t in range(1, T + 1))
        ok, got = _call(student_fn, (dzs, pick(hs, xs)), result)
        if not ok:
            break
        msg = describe_difference(f"{label} (T = {T})", got, expected)
        if msg is None:
            continue
        result.messages.append(msg)
        # find the first time step whose contribution is wrong
        for t in range(1, T + 1):
            one = np.zeros_like(dzs)
            one[t - 1] = dzs[t - 1]
            ok, got_t = _call(student_fn, (one, pick(hs, xs)), result)
            if not ok:
                break
            if describe_difference("step", got_t, np.outer(dzs[t - 1], vecs[index_of(t)])):
                result.messages.append(_diagnose_step(got_t, dzs[t - 1], vecs, t, symbol, index_of))
                break
        break
    result.passed = not result.messages
    return result.report(quiet)


def check_dW_hh(student_fn, quiet=False) -> CheckResult:
    """Check student_fn(dzs (T, H), hs (T+1, H)) == sum_t dz_t h_{t-1}^T."""
    return _check_sum(
        "dL/dW_hh = sum_t dz_t h_{t-1}^T",
        "dL/dW_hh",
        student_fn,
        "h",
        lambda hs, xs: hs,
        lambda t: t - 1,
        quiet,
    )


def check_dW_xh(student_fn, quiet=False) -> CheckResult:
    """Check student_fn(dzs (T, H), xs (T, D)) == sum_t dz_t x_t^T."""
    return _check_sum(
        "dL/dW_xh = sum_t dz_t x_t^T",
        "dL/dW_xh",
        student_fn,
        "x",
        lambda hs, xs: xs,
        lambda t: t - 1,
        quiet,
    )
