"""Checker for notebook 06's exercise: the product of Jacobians dh_t/dh_k.

The student writes ``jacobian_product(W_hh, dfs, t, k)`` with dfs[j-1] = f'(z_j)
(shape (T, H)) and returns dh_t/dh_k = J_t J_{t-1} ... J_{k+1}, J_j = diag(f'(z_j)) W_hh
(the identity when t == k). The single factors are checked first (t = k + 1), then
longer products, then t == k. A wrong answer that matches a known mistake is named in
words: the derivative diag(f') missing, diag(f') on the wrong side (W_hh diag(f')),
transposed factors, reversed order, an index shifted by one step, a factor too many or
too few.
"""

from __future__ import annotations

import numpy as np

from ..engine import forward
from ..jacobians import jacobian_product
from ..params import init_params
from .framework import CheckResult, check_student_fn, describe_difference, run_student


def _problem(seed=3, T=6, H=3, D=2):
    """A small tanh RNN with different f'(z_t) at every step."""
    params = init_params(D, H, 1, seed=seed, scheme="xavier", radius=0.9)
    params["b_h"] = np.random.default_rng(seed).normal(0, 0.5, H)
    xs = np.random.default_rng(seed + 1).normal(size=(T, D))
    return params, forward(params, xs)


def _product(factor, H, t, k, order=1, first=1, last=0):
    """prod over j = k+first .. t+last of factor(j), later factors on the left (order=1)
    or on the right (order=-1); None if a factor does not exist."""
    P = np.eye(H)
    for j in range(k + first, t + last + 1):
        F = factor(j)
        if F is None:
            return None
        P = F @ P if order == 1 else P @ F
    return P


def _mistakes(W, dfs, T, t, k):
    """(value, hint) of the wrong answers a student may give for dh_t/dh_k."""
    H = W.shape[0]
    J = lambda j: dfs[j - 1][:, None] * W  # noqa: E731  diag(f'(z_j)) W_hh
    known = [
        (
            _product(lambda j: W, H, t, k),
            "The activation derivative is missing: each factor is W_hh alone (the Jacobian "
            "of a linear RNN). h_j = f(z_j), so the chain rule adds f'(z_j): "
            "J_j = diag(f'(z_j)) W_hh",
        ),
        (
            _product(lambda j: W * dfs[j - 1][None, :], H, t, k),
            "The factor diag(f') is on the wrong side: you computed W_hh diag(f'(z_j)), "
            "which scales the columns of W_hh; the Jacobian is diag(f'(z_j)) W_hh, which "
            "scales row i by f'(z_{j,i}), because h_{j,i} = f(z_{j,i}) depends on its own "
            "z_{j,i} only (in numpy: dfs[j-1][:, None] * W_hh, not W_hh * dfs[j-1])",
        ),
        (
            _product(lambda j: J(j).T, H, t, k, order=-1),
            "You multiplied the transposes W_hh^T diag(f'(z_j)): that is what the backward "
            "pass applies to a gradient, but dh_t/dh_k itself is J_t ... J_{k+1}",
        ),
        (
            _product(J, H, t, k, order=-1),
            "The factors are in reverse order: the latest step J_t must be on the left, "
            "P = J_j @ P for j = k+1, ..., t",
        ),
        (
            _product(lambda j: dfs[j - 2][:, None] * W, H, t, k),
            "Off by one: the factor of step j must use f'(z_j) = dfs[j-1], you used dfs[j-2] "
            "(the step before)",
        ),
        (
            _product(lambda j: dfs[j][:, None] * W if j < T else None, H, t, k),
            "Off by one: the factor of step j must use f'(z_j) = dfs[j-1], you used dfs[j]",
        ),
        (
            _product(J, H, t, k, first=0) if k >= 1 else None,
            "One factor too many: the product runs over j = k+1..t (t - k factors), "
            "you included step k",
        ),
        (
            _product(J, H, t, k, last=-1) if t - k >= 1 else None,
            "One factor too few: the product runs over j = k+1..t (t - k factors), "
            "you stopped before step t",
        ),
    ]
    return [(value, hint) for value, hint in known if value is not None]


def check_jacobian_product(student_fn, quiet=False) -> CheckResult:
    """Check ``student_fn(W_hh, dfs, t, k)`` against rnnlib.jacobian_product."""
    check_student_fn(student_fn, "student_fn")
    params, trace = _problem()
    W, dfs, T = params["W_hh"], trace.dfs(), trace.T
    H = W.shape[0]
    result = CheckResult("jacobian_product", True)
    # single factors first (t = j, k = j - 1), then longer products, then t == k
    cases = [(j, j - 1) for j in range(1, T + 1)] + [(T, 0), (5, 2), (4, 1), (3, 3)]
    for n, (t, k) in enumerate(cases, start=1):
        expected = jacobian_product(params, trace, t, k)
        ok, got = run_student(
            result, n, student_fn, W.copy(), dfs.copy(), t, k, inputs={"W_hh": W, "dfs": dfs}
        )
        if not ok:
            if result.messages and not result.messages[-1].startswith("not implemented"):
                result.messages[-1] = f"t = {t}, k = {k}: " + result.messages[-1]
            break
        if t == k + 1:
            what = f"the single factor J_{t} = dh_{t}/dh_{k}"
        elif t == k:
            what = f"dh_{t}/dh_{k} (no factor at all: it must be the identity)"
        else:
            what = f"dh_{t}/dh_{k}"
        diff = describe_difference(
            f"{what} (t = {t}, k = {k})",
            got,
            expected,
            mistakes=_mistakes(W, dfs, T, t, k),
            why=f"dh_t/dh_k maps a change of h_k (H = {H}) to a change of h_t (H = {H})",
        )
        if diff is not None:
            result.fail([diff])
            break
    return result.report(quiet)
