"""Recurrent Jacobians and the vanishing / exploding gradient quantities.

dh_t/dh_{t-1} = diag(f'(z_t)) W_hh    (H, H), t = 1..T
dh_t/dh_k     = prod_{j=t}^{k+1} diag(f'(z_j)) W_hh   (later factors on the left)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike

from ._blas import one_blas_thread
from ._validate import as_float_array, check_finite, check_int, check_params, describe
from .activations import GAMMA, get_activation
from .params import sigma_max
from .rnn import Trace, check_trace


def _checked(params: Mapping, trace: Trace) -> dict:
    """params checked, and a trace of one sequence made with parameters of their sizes."""
    p = check_trace(trace, params)  # the values the trace was made with
    if trace.batched and trace.xs_b.shape[1] != 1:
        raise ValueError(
            "Jacobians are computed for one sequence: pass xs of shape (T, D), "
            f"got a batch of {trace.xs_b.shape[1]} sequences"
        )
    return p


def _step(value, name: str, low: int, high: int) -> int:
    return check_int(value, name, f"an integer time step in {low}..{high}")


def recurrent_jacobians(params: Mapping, trace: Trace) -> np.ndarray:
    """J[t-1] = dh_t/dh_{t-1} = diag(f'(z_t)) W_hh for t = 1..T; shape (T, H, H)."""
    p = _checked(params, trace)
    fp = trace.dfs().reshape(trace.T, -1)
    with np.errstate(all="ignore"):
        return fp[:, :, None] * p["W_hh"][None, :, :]


def jacobian_product(params: Mapping, trace: Trace, t: int, k: int) -> np.ndarray:
    """dh_t/dh_k = J_t J_{t-1} ... J_{k+1} (identity when t == k); shape (H, H)."""
    _checked(params, trace)
    T = trace.T
    t, k = _step(t, "t", 0, T), _step(k, "k", 0, T)
    if not 0 <= k <= t <= T:
        raise ValueError(f"need integers 0 <= k <= t <= T = {T}, got t = {t!r}, k = {k!r}")
    J = recurrent_jacobians(params, trace)
    P = np.eye(J.shape[1], dtype=J.dtype)
    with np.errstate(all="ignore"), one_blas_thread():
        for j in range(k + 1, t + 1):
            P = J[j - 1] @ P
    return P


def product_norms(J: ArrayLike, t: int | None = None) -> np.ndarray:
    """||J_t J_{t-1} ... J_{k+1}||_2 for k = 0..t (spectral norms); array of length t + 1.

    J (T, H, H) holds any cell's one-step Jacobians, J[j-1] = J_j = dh_j/dh_{j-1}, so
    entry k is ||dh_t/dh_k||_2; entry t is 1 (no factor: the identity), t defaults to T.
    Computed right to left, P_k = P_{k+1} J_{k+1}: t matrix products. A product that
    overflowed gives inf.
    """
    J = as_float_array(J, "J")
    if J.ndim != 3 or J.shape[1] != J.shape[2]:
        raise ValueError(f"J must be a stack of square Jacobians (T, H, H), got shape {J.shape}")
    T = J.shape[0]
    t = T if t is None else _step(t, "t", 0, T)
    if not 0 <= t <= T:
        raise ValueError(f"t must be an integer in 0..T = {T}, got {t}")
    norms = np.empty(t + 1)
    P = np.eye(J.shape[1])  # float64 products, also for float32 Jacobians
    norms[t] = 1.0
    # t small products and norms one after the other: one BLAS thread (see rnnlib._blas)
    with np.errstate(all="ignore"), one_blas_thread():
        for k in range(t - 1, -1, -1):
            P = P @ J[k]  # J[k] = dh_{k+1}/dh_k
            norms[k] = np.linalg.norm(P, 2) if np.all(np.isfinite(P)) else np.inf
    return norms


def jacobian_norms(params: Mapping, trace: Trace, t: int | None = None) -> np.ndarray:
    """||dh_t/dh_k||_2 for k = 0..t (spectral norms); array of length t + 1.

    The norms of the products of recurrent_jacobians, by product_norms.
    """
    _checked(params, trace)
    T = trace.T
    t = T if t is None else _step(t, "t", 1, T)
    if not 1 <= t <= T:
        raise ValueError(f"t must be an integer in 1..T = {T}, got {describe(t)}")
    return product_norms(recurrent_jacobians(params, trace), t)


def gradient_bound(params: Mapping, activation: str, distances: ArrayLike) -> np.ndarray:
    """Upper bound (gamma * sigma_max(W_hh))^(t-k) on ||dh_t/dh_k||_2.

    distances: the numbers of steps t - k >= 0 (an array or a number).
    gamma = max |f'| (1 for tanh, ReLU and linear, 1/4 for sigmoid); Pascanu,
    Mikolov & Bengio (2013), with the largest singular value of W_hh.
    """
    p = check_params(params)
    get_activation(activation)
    d = as_float_array(distances, "distances", np.float64)
    check_finite(d, "distances")
    if np.any(d < 0):
        raise ValueError(f"distances must be numbers of steps t - k >= 0, got {d[d < 0].flat[0]:g}")
    with np.errstate(over="ignore"):
        return (GAMMA[activation] * sigma_max(p["W_hh"])) ** d
