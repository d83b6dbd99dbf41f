"""Vanishing and exploding gradients, measured: how the gradient shrinks or grows with
the distance T - k (notebook 06).

With a loss on the last output only (column vectors):

    J_j = dh_j/dh_{j-1} = diag(f'(z_j)) W_hh
    dh_T/dh_k = J_T J_{T-1} ... J_{k+1}
    dL/dh_k = (dh_T/dh_k)^T dL/dh_T
    ||dh_T/dh_k||_2 <= (gamma sigma_max(W_hh))^(T-k)      (Pascanu et al. 2013)

The Jacobians and the bound themselves are in ``rnnlib.jacobians``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ._validate import as_float_array, check_int, check_real
from .engine import bptt, forward
from .jacobians import gradient_bound, jacobian_norms, product_norms
from .losses import mse


def decay_curves(
    params: Mapping[str, np.ndarray],
    xs: np.ndarray,
    activation: str = "tanh",
    target: float = 1.0,
) -> dict[str, Any]:
    """Measure the decay of the gradient of L = (y_T - target)^2 (MSE, mask="last")
    over the distance d = T - k, on inputs xs (T, D) or (T, B, D).

    Returns a dict of arrays of shape (T + 1,), indexed by d = 0..T:
      "distance"  d
      "jacobian"  ||dh_T/dh_k||_2                   (rnnlib.jacobian_norms)
      "gradient"  ||dL/dh_k|| / ||dL/dh_T||         (from bptt(...).dhs)
      "bound"     (gamma sigma_max(W_hh))^d          (rnnlib.gradient_bound)
    and "overflow_step": the first step t whose h_t / y_t or dL/dh_t is not a finite
    number in the parameters' dtype (None when everything is finite), "vanish_distance":
    the first distance at which dL/dh_k is exactly 0 (underflow), or None.
    Overflow is reported, never raised.
    """
    target = check_real(target, "target")
    with np.errstate(all="ignore"):
        trace = forward(params, xs, activation=activation)
        T = trace.T
        targets = np.full(trace.ys.shape[1:], target)
        _, dys = mse(trace.ys, targets, mask="last")
        grads = bptt(params, trace, dys)
        # ||dL/dh_k||, k = 0..T, summed in float64 (a float32 sum of squares overflows early)
        dh = np.linalg.norm(grads.dhs.reshape(T + 1, -1).astype(np.float64), axis=1)
        gradient = (dh / dh[T])[::-1]  # index d = T - k
        jacobian = jacobian_norms(params, trace)[::-1]
    bad = ~np.isfinite(gradient)
    overflow_step = trace.first_overflow_step
    if overflow_step is None and bad.any():
        overflow_step = int(T - np.argmax(bad))  # the latest k whose dL/dh_k overflowed
    zero = (gradient == 0) & ~bad
    return {
        "distance": np.arange(T + 1),
        "jacobian": jacobian,
        "gradient": gradient,
        "bound": gradient_bound(params, activation, np.arange(T + 1)),
        "overflow_step": overflow_step,
        "vanish_distance": int(np.argmax(zero)) if zero.any() else None,
    }


def power_norms(W: np.ndarray, K: int) -> np.ndarray:
    """||W^n||_2 for n = 0..K, shape (K + 1,); W square (H, H). For a linear RNN,
    dh_T/dh_k = W_hh^(T-k): entry n is its norm at the distance n = T - k."""
    W = as_float_array(W, "W")
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be a square matrix (H, H), got shape {W.shape}")
    K = check_int(K, "K", "a non-negative integer")
    if K < 0:
        raise ValueError(f"K must be a non-negative integer, got {K}")
    return product_norms(np.broadcast_to(W, (K, *W.shape)))[::-1]  # every J_j = W
