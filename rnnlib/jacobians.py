"""Recurrent Jacobians and the vanishing / exploding gradient quantities.

dh_t/dh_{t-1} = diag(f'(z_t)) W_hh    (H, H), t = 1..T
dh_t/dh_k     = prod_{j=t}^{k+1} diag(f'(z_j)) W_hh   (later factors on the left)
"""

from __future__ import annotations

import numpy as np

from ._validate import check_params, describe
from .activations import GAMMA, get_activation
from .params import sigma_max


def _single(trace):
    if trace.batched and trace.xs_b.shape[1] != 1:
        raise ValueError(
            "Jacobians are computed for one sequence: pass xs of shape (T, D), "
            f"got a batch of {trace.xs_b.shape[1]} sequences"
        )


def recurrent_jacobians(params, trace):
    """J[t-1] = dh_t/dh_{t-1} = diag(f'(z_t)) W_hh for t = 1..T; shape (T, H, H)."""
    p = check_params(params)
    _single(trace)
    fp = trace.dfs().reshape(trace.T, -1)
    with np.errstate(all="ignore"):
        return fp[:, :, None] * p["W_hh"][None, :, :]


def jacobian_product(params, trace, t, k):
    """dh_t/dh_k = J_t J_{t-1} ... J_{k+1} (identity when t == k); shape (H, H)."""
    T = trace.T
    if not (isinstance(t, (int, np.integer)) and isinstance(k, (int, np.integer))) or not (
        0 <= k <= t <= T
    ):
        raise ValueError(f"need integers 0 <= k <= t <= T = {T}, got t = {t!r}, k = {k!r}")
    J = recurrent_jacobians(params, trace)
    P = np.eye(J.shape[1])
    with np.errstate(all="ignore"):
        for j in range(k + 1, t + 1):
            P = J[j - 1] @ P
    return P


def jacobian_norms(params, trace, t=None):
    """||dh_t/dh_k||_2 for k = 0..t (spectral norms); array of length t + 1.

    Computed right to left: P_k = P_{k+1} J_{k+1}, so the cost is t matrix products.
    """
    T = trace.T
    t = T if t is None else t
    if not isinstance(t, (int, np.integer)) or not 1 <= t <= T:
        raise ValueError(f"t must be an integer in 1..T = {T}, got {describe(t)}")
    J = recurrent_jacobians(params, trace)
    norms = np.empty(t + 1)
    P = np.eye(J.shape[1])
    norms[t] = 1.0
    with np.errstate(all="ignore"):
        for k in range(t - 1, -1, -1):
            P = P @ J[k]  # J[k] = dh_{k+1}/dh_k
            n = np.linalg.norm(P, 2) if np.all(np.isfinite(P)) else np.inf
            norms[k] = n
    return norms


def gradient_bound(params, activation, distances):
    """Upper bound (gamma * sigma_max(W_hh))^(t-k) on ||dh_t/dh_k||_2.

    gamma = max |f'| (1 for tanh, ReLU and linear, 1/4 for sigmoid); Pascanu,
    Mikolov & Bengio (2013), with the largest singular value of W_hh.
    """
    p = check_params(params)
    get_activation(activation)
    d = np.asarray(distances, dtype=float)
    with np.errstate(over="ignore"):
        return (GAMMA[activation] * sigma_max(p["W_hh"])) ** d
