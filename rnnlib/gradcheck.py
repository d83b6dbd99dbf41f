"""Finite-difference gradient checking.

Central differences: dL/dtheta_i ~ (L(theta + delta e_i) - L(theta - delta e_i)) / (2 delta),
error O(delta^2). Relative error between an analytic gradient g and a numerical one n:

    rel_error(g, n) = ||g - n|| / (||g|| + ||n||)    (0 when both are zero)

A correct float64 implementation gives about 1e-10; anything above 1e-7 is a bug.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import ArrayLike

from ._validate import PARAM_NAMES, as_float_array, check_params, check_real, describe
from .engine import bptt, forward


def rel_error(a: ArrayLike, b: ArrayLike) -> float:
    """||a - b|| / (||a|| + ||b||), 0.0 when both are exactly zero (NaN if either is)."""
    a = as_float_array(a, "a", np.float64)
    b = as_float_array(b, "b", np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error needs arrays of equal shape, got {a.shape} and {b.shape}")
    with np.errstate(over="ignore", invalid="ignore"):
        den = np.linalg.norm(a) + np.linalg.norm(b)
        return 0.0 if den == 0 else float(np.linalg.norm(a - b) / den)


def _scalar(value: object, what: str) -> float:
    """A function's value as a float, or a clear error."""
    if isinstance(value, (bool, np.bool_)) or np.ndim(value) != 0:
        raise TypeError(f"{what} must return a number (the loss), got {describe(value)}")
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must return a number (the loss), got {describe(value)}") from exc


def numerical_gradient(f: Callable[[], float], x: np.ndarray, delta: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar function f() with respect to the
    array x, which f reads: dL/dx_i ~ (f(x + delta e_i) - f(x - delta e_i)) / (2 delta).

    x must be a writable float64 array (it is perturbed in place and restored; in a
    lower precision the perturbation delta would be lost to rounding).
    """
    if not callable(f):
        raise TypeError(
            f"f must be a function of no arguments returning the loss, got {describe(f)}"
        )
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(
            "x must be the float64 numpy array that f reads (it is perturbed in place), "
            f"got {describe(x)}"
        )
    if not x.flags.writeable:
        raise ValueError("x is read-only; it must be perturbed in place")
    delta = check_real(delta, "delta", low=0, low_open=True)
    g = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        if old + delta == old:
            raise ValueError(
                f"delta = {delta:g} is lost to rounding at x[{', '.join(map(str, i))}] = {old:g}; "
                "use a larger delta"
            )
        try:
            x[i] = old + delta
            fp = _scalar(f(), "f")
            x[i] = old - delta
            fm = _scalar(f(), "f")
        finally:
            x[i] = old
        g[i] = (fp - fm) / (2 * delta)
    return g


class GradCheck(dict):
    """{name: relative error}; ``table()`` renders it, ``worst`` is the largest."""

    tol = 1e-7

    @property
    def worst(self) -> float:
        """The largest relative error (NaN if any is NaN)."""
        if not self:
            raise ValueError("this GradCheck is empty: no gradient was compared")
        values = np.array(list(self.values()), dtype=float)
        return float(np.nan) if np.isnan(values).any() else float(values.max())

    @property
    def passed(self) -> bool:
        return bool(self.worst < self.tol)

    def table(self) -> str:
        rows = [f"{'gradient':<8}{'relative error':>16}  ok"]
        rows += [
            f"{name:<8}{err:>16.2e}  {'yes' if err < self.tol else 'NO'}"
            for name, err in self.items()
        ]
        return "\n".join(rows)


def grad_check(
    params: Mapping,
    xs: ArrayLike,
    loss_fn: Callable,
    h0: ArrayLike | None = None,
    activation: str = "tanh",
    delta: float = 1e-6,
) -> GradCheck:
    """Compare ``bptt`` with central differences for every parameter and h0.

    loss_fn(ys) -> (loss, dL/dys), e.g. ``lambda ys: rnnlib.mse(ys, targets)``.
    Everything runs in float64. Returns GradCheck {name: rel_error}.
    """
    if not callable(loss_fn):
        raise TypeError(
            "loss_fn must be a function ys -> (loss, dL/dys), e.g. "
            f"lambda ys: rnnlib.mse(ys, targets); got {describe(loss_fn)}"
        )
    delta = check_real(delta, "delta", low=0, low_open=True)
    p = {k: np.array(v, dtype=np.float64) for k, v in check_params(params).items()}
    trace = forward(p, xs, h0, activation)
    h0 = np.array(trace.hs[0], dtype=np.float64)
    out = loss_fn(trace.ys)
    if not (isinstance(out, tuple) and len(out) == 2):
        raise TypeError(f"loss_fn must return a pair (loss, dL/dys), got {describe(out)}")
    _scalar(out[0], "loss_fn")
    grads = bptt(p, trace, out[1])

    def loss():
        return _scalar(loss_fn(forward(p, xs, h0, activation).ys)[0], "loss_fn")

    result = GradCheck()
    for name in PARAM_NAMES:
        result[name] = rel_error(grads[name], numerical_gradient(loss, p[name], delta))
    result["h0"] = rel_error(grads["h0"], numerical_gradient(loss, h0, delta))
    return result
