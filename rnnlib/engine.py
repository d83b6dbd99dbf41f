"""The fast engine: forward pass and BPTT over whole sequences and batches.

It computes what ``rnnlib.rnn.bptt_reference`` specifies (the tests compare the two on
random shapes, activations and truncations), organised for speed:

* the input and output projections of all T steps are one matrix product each
  (W_xh x_t + b_h, W_hy h_t + b_y and W_hy^T dy_t for every t at once); one-hot inputs
  given as class indices are a row gather instead of a product;
* the loops over t do only what must be sequential: one (B, H) by (H, H) product and a
  few elementwise operations per step, written into preallocated rows;
* the weight gradients are one product each over the stacked steps
  (dW_hh = sum_t delta_t h_{t-1}^T is dzs^T hs[:-1] with the T*B rows side by side);
* the input gradients dL/dx_t are computed only when ``Gradients.dxs`` is read;
* the arrays of one call come from one allocation, and the small products run on one
  BLAS thread (``rnnlib._blas``): on a busy machine both matter more than the arithmetic.

Arrays are time-major and batched, xs (T, B, D), hs (T+1, B, H), ys (T, B, O); each row
of a batch is one sequence, so the code computes the row form of the course's equations
(z_t^T = x_t^T W_xh^T + h_{t-1}^T W_hh^T + b_h^T). A single sequence (T, D) runs as a
batch of one and every result drops the batch axis again. The notation table, and where
each step t lives in each array, is at the top of ``rnnlib/rnn.py``.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from ._blas import one_blas_thread
from ._validate import as_float_array, check_finite, check_params, check_real, check_seed, describe
from .activations import get_activation
from .rnn import (
    Block,
    Gradients,
    Params,
    Trace,
    Truncation,
    check_dys,
    check_trace,
    truncation_blocks,
)


# ---------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------
def check_xs(xs: ArrayLike, D: int, dtype: DTypeLike) -> tuple[np.ndarray, bool]:
    """Validate xs; return (xs as (T, B, D) float array, batched flag)."""
    arr = as_float_array(xs, "xs", dtype)
    if arr.ndim not in (2, 3):
        raise ValueError(
            "xs must be time-major with shape (T, B, D) or (T, D) for one sequence, "
            f"got rank {arr.ndim} (shape {arr.shape})"
        )
    _check_not_empty(arr.shape, batched=arr.ndim == 3)
    if arr.shape[-1] != D:
        raise ValueError(
            f"xs must have feature size D = {D} (columns of W_xh) in its last axis, "
            f"got shape {arr.shape}"
        )
    check_finite(arr, "xs")
    batched = arr.ndim == 3
    return (arr if batched else arr[:, None, :]), batched


def _check_not_empty(shape, batched):
    if shape[0] == 0:
        raise ValueError(f"xs is an empty sequence (T = 0, shape {shape}); need T >= 1")
    if batched and shape[1] == 0:
        raise ValueError(f"xs has an empty batch (B = 0, shape {shape}); need B >= 1")


def check_indices(xs: ArrayLike, D: int) -> tuple[np.ndarray, bool]:
    """Validate class indices for one-hot inputs: integers in [0, D), shape (T, B) or
    (T,); return (indices as (T, B) int array, batched flag)."""
    arr = np.asarray(xs)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(
            "with one_hot=True, xs must hold class indices (an integer array of shape "
            f"(T, B) or (T,)), got {describe(xs)}"
        )
    if arr.ndim not in (1, 2):
        raise ValueError(
            "with one_hot=True, xs must hold class indices of shape (T, B) or (T,) for one "
            f"sequence, got rank {arr.ndim} (shape {arr.shape})"
        )
    _check_not_empty(arr.shape, batched=arr.ndim == 2)
    if arr.min() < 0 or arr.max() >= D:
        bad = arr[(arr < 0) | (arr >= D)].flat[0]
        raise ValueError(
            f"with one_hot=True, xs must hold class indices 0 <= i < D = {D} (columns of "
            f"W_xh), got {bad}"
        )
    batched = arr.ndim == 2
    return np.array(arr if batched else arr[:, None], dtype=np.intp), batched


def _check_h0(h0, B, H, batched, dtype):
    if h0 is None:
        return 0.0
    arr = as_float_array(h0, "h0", dtype)
    expected = (B, H) if batched else (H,)
    if arr.shape != expected and not (batched and arr.shape == (H,)):
        raise ValueError(f"h0 must have shape {expected} (H = {H}), got shape {arr.shape}")
    check_finite(arr, "h0")
    return arr


# ---------------------------------------------------------------------------
# forward
# ---------------------------------------------------------------------------
def forward(
    params: Params,
    xs: ArrayLike,
    h0: ArrayLike | None = None,
    activation: str = "tanh",
    *,
    one_hot: bool = False,
) -> Trace:
    """Run the RNN over a sequence: z_t = W_xh x_t + W_hh h_{t-1} + b_h, h_t = f(z_t),
    y_t = W_hy h_t + b_y for t = 1..T.

    xs (T, B, D) or (T, D); with ``one_hot=True``, xs holds class indices instead,
    (T, B) or (T,) integers in [0, D): x_t is the one-hot vector e_i, so W_xh x_t is
    column i of W_xh (a row gather rather than a product). h0 (B, H) or (H,), zeros
    when None. Returns a Trace with .hs (T+1, [B,] H) (hs[0] = h0), .zs and .ys
    (T, [B,] O); the trace keeps its own copies of xs and of the parameters. Overflow
    (e.g. ReLU with a large W_hh) does not raise: ``trace.overflow`` reports it.
    """
    p = {k: np.array(v) for k, v in check_params(params).items()}  # the trace's own copy
    f, _ = get_activation(activation)
    dtype = p["W_hh"].dtype
    (H, D), O = p["W_xh"].shape, p["W_hy"].shape[0]
    if one_hot:
        x_index, batched = check_indices(xs, D)
        T, B = x_index.shape
        zs, hs, ys = _empty(dtype, (T, B, H), (T + 1, B, H), (T, B, O))
        xs3 = None
    else:
        x_index = None
        xs_checked, batched = check_xs(xs, D, dtype)
        T, B, _ = xs_checked.shape
        zs, hs, ys, xs3 = _empty(dtype, (T, B, H), (T + 1, B, H), (T, B, O), (T, B, D))
        xs3[...] = xs_checked  # the trace owns its inputs: later changes to xs do not leak in
    hs[0] = _check_h0(h0, B, H, batched, dtype)
    W_hh_T = np.ascontiguousarray(p["W_hh"].T)  # row form: h_{t-1}^T W_hh^T
    recurrent = np.empty((B, H), dtype=dtype)
    with np.errstate(all="ignore"), one_blas_thread(B * H * H):
        # W_xh x_t + b_h for every t at once: a row gather for one-hot inputs, else a product
        if one_hot:
            W_xh_T_b_h = p["W_xh"].T + p["b_h"]  # row i: W_xh e_i + b_h
            np.take(W_xh_T_b_h, x_index.reshape(T * B), axis=0, out=zs.reshape(T * B, H))
        else:
            np.dot(xs3.reshape(T * B, D), p["W_xh"].T, out=zs.reshape(T * B, H))
            zs += p["b_h"]
        for h_prev, z_t, h_t in zip(hs[:-1], zs, hs[1:], strict=True):  # t = 1..T
            np.dot(h_prev, W_hh_T, out=recurrent)  # W_hh h_{t-1}
            np.add(z_t, recurrent, out=z_t)  # z_t = W_xh x_t + b_h + W_hh h_{t-1}
            f(z_t, out=h_t)  # h_t = f(z_t)
        np.dot(hs[1:].reshape(T * B, H), p["W_hy"].T, out=ys.reshape(T * B, O))  # W_hy h_t
        ys += p["b_y"]  # y_t = W_hy h_t + b_y
    return Trace(p, xs3, x_index, zs, hs, ys, activation, batched)


def _empty(dtype, *shapes):
    """Empty arrays of the given shapes, carved from one allocation.

    A few large blocks are reused by the C allocator from one call to the next, whereas
    several separate ones are handed back to the system and their pages faulted in again
    on every call: a measurable share of a call at the course's sizes.
    """
    sizes = [math.prod(shape) for shape in shapes]
    flat = np.empty(sum(sizes), dtype=dtype)
    ends = itertools.accumulate(sizes)
    return [
        flat[end - size : end].reshape(shape)
        for shape, size, end in zip(shapes, sizes, ends, strict=True)
    ]


# ---------------------------------------------------------------------------
# Backpropagation Through Time
# ---------------------------------------------------------------------------
def _backward(p, trace, dys, blocks: list[Block], xi=None) -> Gradients:
    """Run the backward passes ``blocks`` (see truncation_blocks) and sum their gradients.

    dys (T, B, O). xi (T,), optional: the gradient that flows from step t back to
    h_{t-1} is scaled by xi[t-1] (randomized truncation).
    """
    T, B, H = trace.zs_b.shape
    O = dys.shape[2]
    W_hh, zs, hs = p["W_hh"], trace.zs_b, trace.hs_b
    _, df = get_activation(trace.activation)
    dhs, dzs = _empty(W_hh.dtype, (T + 1, B, H), (T, B, H))  # dL/dh_t, delta_t = dL/dz_t
    delta, carry = np.empty((2, B, H), dtype=W_hh.dtype)  # rows for one step
    with np.errstate(all="ignore"), one_blas_thread(B * H * H):
        fprime = df(zs, hs[1:])  # f'(z_t) for every t
        np.dot(dys.reshape(T * B, O), p["W_hy"], out=dhs[1:].reshape(T * B, H))  # W_hy^T dy_t
        dhs[0] = 0.0
        for t_end, t_loss, t_stop in blocks:
            carry.fill(0.0)  # W_hh^T delta_{t+1}: nothing flows in from beyond t_end
            for t in range(t_end, t_stop, -1):
                dh_t, delta_t, fprime_t = dhs[t], dzs[t - 1], fprime[t - 1]
                np.add(dh_t, carry, out=dh_t)  # dL/dh_t = W_hy^T dy_t + W_hh^T delta_{t+1}
                if t > t_loss:  # the pass that carries step t's loss: its first visit
                    np.multiply(dh_t, fprime_t, out=delta_t)  # delta_t = dL/dh_t * f'(z_t)
                    np.dot(delta_t, W_hh, out=carry)  # W_hh^T delta_t, to step t - 1
                else:  # an earlier step, reached again by an overlapping window
                    np.multiply(carry, fprime_t, out=delta)  # this pass's share of delta_t
                    np.add(delta_t, delta, out=delta_t)  # delta_t sums the passes
                    np.dot(delta, W_hh, out=carry)
                if xi is not None:
                    carry *= xi[t - 1]
            if t_stop == 0:
                dhs[0] += carry  # dL/dh_0 = W_hh^T delta_1
        # the weight gradients: one product each over the T*B rows of all steps
        dz2, dy2 = dzs.reshape(T * B, H), dys.reshape(T * B, O)
        grads = {
            # sum_t delta_t x_t^T, as the transpose of sum_t x_t delta_t^T: the faster product
            "W_xh": np.ascontiguousarray((trace.xs_b.reshape(T * B, -1).T @ dz2).T),
            "W_hh": dz2.T @ hs[:-1].reshape(T * B, H),  # sum_t delta_t h_{t-1}^T
            "b_h": dz2.sum(axis=0),  # sum_t delta_t
            "W_hy": dy2.T @ hs[1:].reshape(T * B, H),  # sum_t dy_t h_t^T
            "b_y": dy2.sum(axis=0),  # sum_t dy_t
            "h0": np.array(dhs[0] if trace.batched else dhs[0, 0]),  # dL/dh_0
        }
    view = trace._view
    return Gradients.of_bptt(grads, dhs=view(dhs), dzs=view(dzs), dys=view(dys), W_xh=p["W_xh"])


def bptt(params: Params, trace: Trace, dys: ArrayLike, truncate: Truncation = None) -> Gradients:
    """Backpropagation Through Time.

    dys (shape of trace.ys): dL/dy_t, zero at steps without a loss.
    truncate: None (full BPTT); k (detach the hidden state every k steps, = (k, k));
    (k1, k2) with k2 >= k1 >= 1: at t = k1, 2 k1, ... and at T, the losses since the
    previous pass are backpropagated through themselves and the k2 - k1 steps before
    them (for a full block of k1 steps: the last k2 steps, Williams & Peng's
    BPTT(k2; k1)); the gradients of these passes are summed. k2 >= T gives full BPTT;
    ``truncation_blocks`` lists the passes.

    Recursion (column vectors): dL/dh_t = W_hy^T dy_t + W_hh^T delta_{t+1},
    delta_t = dL/dz_t = dL/dh_t * f'(z_t); dW_hh = sum_t delta_t h_{t-1}^T,
    dW_xh = sum_t delta_t x_t^T, db_h = sum_t delta_t, dW_hy = sum_t dy_t h_t^T,
    db_y = sum_t dy_t, dh_0 = W_hh^T delta_1; the input gradients
    dL/dx_t = W_xh^T delta_t are ``.dxs``. params must hold the values forward ran with
    (a ValueError says so otherwise). ``rnnlib.bptt_reference`` is the same computation
    written step by step.
    """
    p = check_trace(trace, params)
    dys3 = check_dys(dys, trace)
    return _backward(p, trace, dys3, truncation_blocks(trace.T, truncate))


def bptt_randomized(
    params: Params, trace: Trace, dys: ArrayLike, p_continue: float = 0.5, seed: int | None = None
) -> Gradients:
    """Randomized truncation (Tallec & Ollivier 2017; d2l's xi_t scheme).

    The gradient passed from step t to h_{t-1} is multiplied by xi_t, with xi_t = 0
    (stop here) with probability 1 - p and xi_t = 1/p with probability p. Since
    E[xi_t] = 1 and the xi are independent, the estimate is unbiased: its mean over
    many draws is the full BPTT gradient, while most backward passes stop early.
    """
    prm = check_trace(trace, params)
    dys3 = check_dys(dys, trace)
    p_continue = check_real(p_continue, "p_continue", low=0, high=1, low_open=True)
    rng = np.random.default_rng(None if seed is None else check_seed(seed))
    xi = np.where(rng.random(trace.T) < p_continue, 1.0 / p_continue, 0.0)
    return _backward(prm, trace, dys3, truncation_blocks(trace.T, None), xi=xi)
