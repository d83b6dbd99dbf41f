"""Finite-difference gradient checking.

Central differences: dL/dtheta_i ~ (L(theta + eps e_i) - L(theta - eps e_i)) / (2 eps),
error O(eps^2). Relative error between an analytic gradient g and a numerical one n:

    rel_error(g, n) = ||g - n|| / (||g|| + ||n||)    (0 when both are zero)

A correct float64 implementation gives about 1e-10; anything above 1e-7 is a bug.
"""

from __future__ import annotations

import numpy as np

from ._validate import PARAM_NAMES, check_params
from .rnn import bptt, forward


def rel_error(a, b) -> float:
    """||a - b|| / (||a|| + ||b||), 0.0 when both are exactly zero."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"rel_error needs arrays of equal shape, got {a.shape} and {b.shape}")
    den = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if den == 0 else float(np.linalg.norm(a - b) / den)


def numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of the scalar function f() with respect to the
    array x, which f reads; x is perturbed in place and restored."""
    g = np.zeros_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        fp = f()
        x[i] = old - eps
        fm = f()
        x[i] = old
        g[i] = (fp - fm) / (2 * eps)
    return g


class GradCheck(dict):
    """{name: relative error}; ``table()`` renders it, ``worst`` is the largest."""

    tol = 1e-7

    @property
    def worst(self) -> float:
        return max(self.values())

    @property
    def passed(self) -> bool:
        return self.worst < self.tol

    def table(self) -> str:
        rows = [f"{'gradient':<8}{'relative error':>16}  ok"]
        rows += [
            f"{name:<8}{err:>16.2e}  {'yes' if err < self.tol else 'NO'}"
            for name, err in self.items()
        ]
        return "\n".join(rows)


def grad_check(params, xs, loss_fn, h0=None, activation="tanh", eps=1e-6) -> GradCheck:
    """Compare ``bptt`` with central differences for every parameter and h0.

    loss_fn(ys) -> (loss, dL/dys). Returns GradCheck {name: rel_error}.
    """
    p = {k: np.array(v, dtype=np.float64) for k, v in check_params(params).items()}
    trace = forward(p, xs, h0, activation)
    h0 = np.array(trace.hs[0], dtype=np.float64)
    _, dys = loss_fn(trace.ys)
    grads = bptt(p, trace, dys)

    def loss():
        return loss_fn(forward(p, xs, h0, activation).ys)[0]

    result = GradCheck()
    for name in PARAM_NAMES:
        result[name] = rel_error(grads[name], numerical_gradient(loss, p[name], eps))
    result["h0"] = rel_error(grads["h0"], numerical_gradient(loss, h0, eps))
    return result
