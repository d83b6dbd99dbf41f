"""Checker for notebook 06's exercise: the product of Jacobians dh_t/dh_k.

The student writes ``jacobian_product(W_hh, dfs, t, k)`` with dfs[j-1] = f'(z_j)
(shape (T, H)) and returns dh_t/dh_k = J_t J_{t-1} ... J_{k+1}, J_j = diag(f'(z_j)) W_hh
(the identity when t == k). The checker names the wrong factor or step: a missing
diag(f'), the diagonal on the wrong side, transposed factors, reversed order, an
index shifted by one step, a factor too many or too few.
"""

from __future__ import annotations

import numpy as np

from ..engine import forward
from ..jacobians import jacobian_product
from ..params import init_params
from .framework import CheckResult, describe_difference


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
    """Wrong answers a student may give, with an explanation each."""
    H = W.shape[0]
    J = lambda j: dfs[j - 1][:, None] * W  # noqa: E731  diag(f'(z_j)) W_hh
    return {
        "each factor is W_hh alone: the factor diag(f'(z_j)) is missing "
        "(the notes' Activation'(z_j) W_hh means diag(f'(z_j)) W_hh)": _product(
            lambda j: W, H, t, k
        ),
        "each factor is W_hh diag(f'(z_j)) (columns scaled); it must be diag(f'(z_j)) W_hh "
        "(row i scaled by f'(z_j)_i), e.g. dfs[j-1][:, None] * W_hh": _product(
            lambda j: W * dfs[j - 1][None, :], H, t, k
        ),
        "you multiplied the transposes W_hh^T diag(f'(z_j)): that is what the backward pass "
        "applies to a gradient, but dh_t/dh_k itself is J_t ... J_{k+1}": _product(
            lambda j: J(j).T, H, t, k, order=-1
        ),
        "the factors are in reverse order: the latest step J_t must be on the left, "
        "P = J_j @ P for j = k+1, ..., t": _product(J, H, t, k, order=-1),
        "off by one: the factor of step j must use f'(z_j) = dfs[j-1], you used dfs[j-2] "
        "(the step before)": _product(lambda j: dfs[j - 2][:, None] * W, H, t, k),
        "off by one: the factor of step j must use f'(z_j) = dfs[j-1], you used dfs[j]": _product(
            lambda j: dfs[j][:, None] * W if j < T else None, H, t, k
        ),
        "one factor too many: the product runs over j = k+1..t (t - k factors), "
        "you included step k": _product(J, H, t, k, first=0) if k >= 1 else None,
        "one factor too few: the product runs over j = k+1..t (t - k factors), "
        "you stopped before step t": _product(J, H, t, k, last=-1) if t - k >= 1 else None,
    }


def _call(fn, *args):
    try:
        return fn(*args), None
    except NotImplementedError:
        return None, "not implemented yet: replace the `raise NotImplementedError`"
    except Exception as exc:  # report, never crash the notebook
        return None, f"raised {type(exc).__name__}: {exc}"


def check_jacobian_product(student_fn, quiet=False) -> CheckResult:
    """Check ``student_fn(W_hh, dfs, t, k)`` against rnnlib.jacobian_product."""
    params, trace = _problem()
    W, dfs, T = params["W_hh"], trace.dfs(), trace.T
    result = CheckResult("jacobian_product", True)
    # single factors first (t = j, k = j - 1), then longer products, then t == k
    cases = [(j, j - 1) for j in range(1, T + 1)] + [(T, 0), (5, 2), (4, 1), (3, 3)]
    for t, k in cases:
        expected = jacobian_product(params, trace, t, k)
        got, error = _call(student_fn, W.copy(), dfs.copy(), t, k)
        if error:
            result.passed = False
            result.messages.append(
                error if error.startswith("not implemented") else f"t = {t}, k = {k}: {error}"
            )
            break
        diff = describe_difference(f"dh_{t}/dh_{k}", got, expected)
        if diff is None:
            continue
        result.passed = False
        what = "the single factor J_{t} = dh_{t}/dh_{k}" if t == k + 1 else f"dh_{t}/dh_{k}"
        if t == k:
            what = f"dh_{t}/dh_{k} (no factor at all: it must be the identity)"
        result.messages.append(f"{what} (t = {t}, k = {k}) is wrong")
        g = np.asarray(got, dtype=float) if np.shape(got) == expected.shape else None
        explained = False
        if g is not None:
            for text, wrong in _mistakes(W, dfs, T, t, k).items():
                if wrong is not None and np.allclose(g, wrong, rtol=1e-6, atol=1e-9):
                    result.messages.append(text)
                    explained = True
                    break
        if not explained:
            result.messages.append(diff)
        break
    return result.report(quiet)
