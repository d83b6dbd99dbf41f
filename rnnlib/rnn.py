"""Forward pass and Backpropagation Through Time for a simple (Elman) RNN.

Notation of the course (column vectors, one sequence):

    z_t = W_xh x_t + W_hh h_{t-1} + b_h          (pre-activation)
    h_t = f(z_t)                                  (hidden state)
    y_t = W_hy h_t + b_y                          (output logits)

Arrays are time-major: xs (T, B, D), hs (T+1, B, H) with hs[0] = h_0, ys (T, B, O).
Inside a batch each row is one sequence, so the code computes the row form
z_t^T = x_t^T W_xh^T + h_{t-1}^T W_hh^T + b_h^T; the mathematics is unchanged.
A single sequence (T, D) is accepted too, and then every result drops the batch axis.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from ._validate import (
    as_float_array,
    check_finite,
    check_params,
    check_positive_int,
    describe,
)
from .activations import get_activation


# ---------------------------------------------------------------------------
# one time step (the pedagogical pair; forward() below is the fast loop)
# ---------------------------------------------------------------------------
def step_forward(x, h_prev, params, activation="tanh"):
    """One step: h_t = f(W_xh x_t + W_hh h_{t-1} + b_h).

    x (D,) or (B, D); h_prev (H,) or (B, H). Returns (h, cache).
    """
    p = check_params(params)
    f, _ = get_activation(activation)
    x = as_float_array(x, "x", p["W_hh"].dtype)
    h_prev = as_float_array(h_prev, "h_prev", p["W_hh"].dtype)
    _check_last_dim(x, p["W_xh"].shape[1], "x", "D")
    _check_last_dim(h_prev, p["W_hh"].shape[0], "h_prev", "H")
    z = x @ p["W_xh"].T + h_prev @ p["W_hh"].T + p["b_h"]
    h = f(z)
    return h, (x, h_prev, z, h, p, activation)


def step_backward(dh, cache):
    """Backward through one step, given dL/dh_t (total, from above and later).

    dz_t = dh_t * f'(z_t)            (elementwise; the notes' "dh_raw")
    dW_xh = dz_t x_t^T,  dW_hh = dz_t h_{t-1}^T,  db_h = dz_t
    dL/dh_{t-1} (through this step) = W_hh^T dz_t,  dL/dx_t = W_xh^T dz_t
    Returns a dict with dx, dh_prev, W_xh, W_hh, b_h (batch rows summed).
    """
    x, h_prev, z, h, p, activation = cache
    _, df = get_activation(activation)
    dh = as_float_array(dh, "dh", h.dtype)
    if dh.shape != h.shape:
        raise ValueError(f"dh must have the shape of h_t {h.shape}, got {dh.shape}")
    dz = dh * df(z, h)
    dz2, x2, h2 = np.atleast_2d(dz), np.atleast_2d(x), np.atleast_2d(h_prev)
    return {
        "dx": dz @ p["W_xh"],
        "dh_prev": dz @ p["W_hh"],
        "W_xh": dz2.T @ x2,
        "W_hh": dz2.T @ h2,
        "b_h": dz2.sum(axis=0),
    }


# ---------------------------------------------------------------------------
# forward over a whole sequence
# ---------------------------------------------------------------------------
@dataclass
class Trace:
    """What the forward pass stores for BPTT (the "cache").

    Batched arrays are kept internally; the public properties drop the batch axis
    when the input was a single sequence.
    """

    xs_b: np.ndarray  # (T, B, D)
    zs_b: np.ndarray  # (T, B, H)   z_t, t = 1..T at index t-1
    hs_b: np.ndarray  # (T+1, B, H) h_t, t = 0..T at index t
    ys_b: np.ndarray  # (T, B, O)   y_t, t = 1..T at index t-1
    activation: str
    batched: bool

    def _view(self, a):
        return a if self.batched else a[:, 0]

    @property
    def xs(self):
        return self._view(self.xs_b)

    @property
    def zs(self):
        return self._view(self.zs_b)

    @property
    def hs(self):
        return self._view(self.hs_b)

    @property
    def ys(self):
        return self._view(self.ys_b)

    @property
    def T(self) -> int:
        return self.xs_b.shape[0]

    @property
    def overflow(self) -> bool:
        """True when the hidden states or outputs left the floating-point range."""
        return not (np.all(np.isfinite(self.hs_b)) and np.all(np.isfinite(self.ys_b)))

    @property
    def first_overflow_step(self):
        """The first t with a non-finite h_t or y_t, or None."""
        bad = ~np.isfinite(self.hs_b[1:]).all(axis=(1, 2)) | ~np.isfinite(self.ys_b).all(
            axis=(1, 2)
        )
        return int(np.argmax(bad)) + 1 if bad.any() else None

    def dfs(self):
        """f'(z_t) for t = 1..T, shape of zs."""
        _, df = get_activation(self.activation)
        with np.errstate(all="ignore"):
            return self._view(df(self.zs_b, self.hs_b[1:]))


def _check_last_dim(arr, n, name, letter):
    if arr.ndim == 0 or arr.shape[-1] != n:
        raise ValueError(f"{name} must have last dimension {letter} = {n}, got shape {arr.shape}")


def check_xs(xs, D, dtype):
    """Validate xs; return (xs as (T, B, D) float array, batched flag)."""
    arr = as_float_array(xs, "xs", dtype)
    if arr.ndim not in (2, 3):
        raise ValueError(
            "xs must be time-major with shape (T, B, D) or (T, D) for one sequence, "
            f"got rank {arr.ndim} (shape {arr.shape})"
        )
    if arr.shape[0] == 0:
        raise ValueError(f"xs is an empty sequence (T = 0, shape {arr.shape}); need T >= 1")
    if arr.ndim == 3 and arr.shape[1] == 0:
        raise ValueError(f"xs has an empty batch (B = 0, shape {arr.shape}); need B >= 1")
    if arr.shape[-1] != D:
        raise ValueError(
            f"xs must have feature size D = {D} (columns of W_xh) in its last axis, "
            f"got shape {arr.shape}"
        )
    check_finite(arr, "xs")
    batched = arr.ndim == 3
    return (arr if batched else arr[:, None, :]), batched


def _check_h0(h0, B, H, batched, dtype):
    if h0 is None:
        return np.zeros((B, H), dtype=dtype)
    arr = as_float_array(h0, "h0", dtype)
    expected = (B, H) if batched else (H,)
    if arr.shape == (H,) and batched:
        arr = np.broadcast_to(arr, (B, H))
    elif arr.shape != expected:
        raise ValueError(f"h0 must have shape {expected} (H = {H}), got shape {arr.shape}")
    check_finite(arr, "h0")
    return arr.reshape(B, H)


def forward(params, xs, h0=None, activation="tanh") -> Trace:
    """Run the RNN over a sequence: z_t = W_xh x_t + W_hh h_{t-1} + b_h, h_t = f(z_t),
    y_t = W_hy h_t + b_y for t = 1..T.

    xs (T, B, D) or (T, D); h0 (B, H) or (H,), zeros when None. Returns a Trace with
    .hs (T+1, B, H) (hs[0] = h0) and .ys (T, B, O). Overflow (e.g. ReLU with a large
    W_hh) does not raise: ``trace.overflow`` reports it.
    """
    p = check_params(params)
    f, _ = get_activation(activation)
    dtype = p["W_hh"].dtype
    H, D = p["W_xh"].shape
    xs3, batched = check_xs(xs, D, dtype)
    T, B, _ = xs3.shape
    hs = np.empty((T + 1, B, H), dtype=dtype)
    hs[0] = _check_h0(h0, B, H, batched, dtype)
    zs = np.empty((T, B, H), dtype=dtype)
    W_hh_T = np.ascontiguousarray(p["W_hh"].T)  # row form: h_{t-1}^T W_hh^T
    rec = np.empty((B, H), dtype=dtype)
    h_t, z_t = list(hs), list(zs)  # per-step views, made once
    with np.errstate(all="ignore"):
        # W_xh x_t + b_h for every t in one matrix product
        np.matmul(xs3.reshape(T * B, D), p["W_xh"].T, out=zs.reshape(T * B, H))
        zs += p["b_h"]
        for t in range(T):
            np.dot(h_t[t], W_hh_T, out=rec)  # W_hh h_{t-1}
            np.add(z_t[t], rec, out=z_t[t])  # z_t
            f(z_t[t], out=h_t[t + 1])  # h_t = f(z_t)
        ys = hs[1:].reshape(T * B, H) @ p["W_hy"].T  # W_hy h_t
        ys += p["b_y"]  # y_t
    return Trace(xs3, zs, hs, ys.reshape(T, B, -1), activation, batched)


# ---------------------------------------------------------------------------
# Backpropagation Through Time
# ---------------------------------------------------------------------------
class Gradients(dict):
    """dL/d(parameter) for W_xh, W_hh, b_h, W_hy, b_y and h0, plus per-step terms.

    Attributes: ``dhs`` (T+1, [B,] H) with dhs[t] = dL/dh_t as BPTT accumulated it
    (summed over the backward passes of truncated BPTT), ``dzs`` (T, [B,] H) with
    dzs[t-1] = dL/dz_t, ``dxs`` (shape of trace.xs) with dxs[t-1] = dL/dx_t =
    W_xh^T dz_t (the input gradients: not a parameter, so optimisers and clipping,
    which read the dict's keys, never see them), and ``dys`` the output gradients it
    was given.
    """

    dhs: np.ndarray
    dzs: np.ndarray
    dxs: np.ndarray
    dys: np.ndarray

    @property
    def finite(self) -> bool:
        return all(np.all(np.isfinite(v)) for v in self.values())


def parse_truncate(truncate):
    """None -> None; k -> (k, k); (k1, k2) with k2 >= k1 >= 1 -> (k1, k2)."""
    if truncate is None:
        return None
    if isinstance(truncate, (tuple, list)):
        if len(truncate) != 2:
            raise ValueError(
                f"truncate must be None, an int k, or a pair (k1, k2); got {truncate!r}"
            )
        k1 = check_positive_int(truncate[0], "truncate k1")
        k2 = check_positive_int(truncate[1], "truncate k2")
        if k2 < k1:
            raise ValueError(
                f"truncate=(k1, k2) needs k2 >= k1 (backpropagate at least the k1 new "
                f"steps), got k1 = {k1}, k2 = {k2}"
            )
        return k1, k2
    k = check_positive_int(truncate, "truncate")
    return k, k


def truncation_blocks(T, truncate):
    """The backward passes of truncated BPTT as (t_end, t_loss, t_stop) triples.

    A pass runs at t_end = k1, 2 k1, ... and at T. It backpropagates the losses of
    the steps since the previous pass, t_loss < t <= t_end, through themselves and
    the k2 - k1 steps before them: through the steps t_stop < t <= t_end with
    t_stop = max(t_loss - (k2 - k1), 0). A full block (t_end - t_loss = k1) thus goes
    back k2 steps (Williams & Peng's BPTT(k2; k1)); truncate=k = (k, k) gives
    t_stop = t_loss, i.e. the hidden state is detached every k steps, also when k
    does not divide T. When k2 >= T nothing is truncated: every pass reaches back to
    step 0 (t_stop = 0) and the passes add up to full BPTT, the single pass (T, 0, 0).
    """
    kk = parse_truncate(truncate)
    if kk is None:
        return [(T, 0, 0)]
    k1, k2 = kk
    ends = [*range(k1, T, k1), T]
    starts = [0, *ends[:-1]]
    if k2 >= T:
        return [(t_end, t_loss, 0) for t_loss, t_end in zip(starts, ends, strict=True)]
    return [
        (t_end, t_loss, max(t_loss - (k2 - k1), 0))
        for t_loss, t_end in zip(starts, ends, strict=True)
    ]


def _check_dys(dys, trace):
    arr = as_float_array(dys, "dys", trace.ys_b.dtype)
    if arr.shape != trace.ys.shape:
        raise ValueError(
            f"dys must be dL/dy_t with the shape of trace.ys {trace.ys.shape}, "
            f"got shape {arr.shape}"
        )
    if not trace.overflow:
        check_finite(arr, "dys")
    return arr if trace.batched else arr[:, None, :]


def _check_trace(trace, p):
    if not isinstance(trace, Trace):
        raise TypeError(f"trace must be the Trace returned by forward(), got {describe(trace)}")
    H, D = p["W_xh"].shape
    O = p["W_hy"].shape[0]
    if trace.hs_b.shape[2] != H or trace.xs_b.shape[2] != D or trace.ys_b.shape[2] != O:
        raise ValueError(
            f"trace (D={trace.xs_b.shape[2]}, H={trace.hs_b.shape[2]}, O={trace.ys_b.shape[2]}) "
            f"was made with parameters of other sizes than params (D={D}, H={H}, O={O})"
        )


def _backward(p, trace, dys3, blocks, xi=None) -> Gradients:
    """Shared engine: run the backward passes in ``blocks`` and sum their gradients.

    xi (T,), optional: the gradient flowing from step t back to h_{t-1} is scaled by
    xi[t-1] (randomized truncation). Returns Gradients.
    """
    T, B, H = trace.zs_b.shape
    O = dys3.shape[2]
    W_hh, W_hy = p["W_hh"], p["W_hy"]
    dtype = W_hh.dtype
    df = get_activation(trace.activation)[1]
    dh_prev = np.zeros((B, H), dtype=dtype)
    overlap = len(blocks) > 1 and any(b[2] < a[0] for a, b in itertools.pairwise(blocks))
    with np.errstate(all="ignore"):
        if not overlap and all(t_stop >= t_loss for _, t_loss, t_stop in blocks):
            # Fast path (full BPTT, or detaching every k steps with k | T): every step
            # is visited once and carries its own loss. dhs starts as W_hy^T dy_t and
            # dzs as f'(z_t); the loop then completes both in place (no temporaries).
            dhs = np.empty((T + 1, B, H), dtype=dtype)
            dzs = np.empty((T, B, H), dtype=dtype)
            np.matmul(dys3.reshape(T * B, O), W_hy, out=dhs[1:].reshape(T * B, H))
            df(trace.zs_b, trace.hs_b[1:], out=dzs)
            dh_t, dz_t = list(dhs), list(dzs)  # per-step views, made once
            for t_end, _, t_stop in blocks:
                carry = np.zeros((B, H), dtype=dtype)  # dL/dh_t from later steps
                for t in range(t_end, t_stop, -1):
                    dh, dz = dh_t[t], dz_t[t - 1]
                    np.add(dh, carry, out=dh)  # dL/dh_t = W_hy^T dy_t + W_hh^T dz_{t+1}
                    np.multiply(dh, dz, out=dz)  # dz_t = dL/dh_t * f'(z_t)
                    np.dot(dz, W_hh, out=carry)  # W_hh^T dz_t -> dL/dh_{t-1}
                    if xi is not None:
                        carry *= xi[t - 1]
                if t_stop == 0:
                    dh_prev += carry
            return _gradients(p, trace, dys3, dzs, dhs, dh_prev)
        # General path (overlapping windows of BPTT(k2; k1)): passes add up.
        dzs = np.zeros((T, B, H), dtype=dtype)
        dhs = np.zeros((T + 1, B, H), dtype=dtype)
        fp = df(trace.zs_b, trace.hs_b[1:])  # f'(z_t)
        dh_out = (dys3.reshape(T * B, O) @ W_hy).reshape(T, B, H)  # W_hy^T dL/dy_t
        dh = np.empty((B, H), dtype=dtype)
        dz = np.empty((B, H), dtype=dtype)
        for t_end, t_loss, t_stop in blocks:
            carry = np.zeros((B, H), dtype=dtype)  # dL/dh_t from later steps
            for t in range(t_end, t_stop, -1):
                i = t - 1
                if t > t_loss:
                    np.add(carry, dh_out[i], out=dh)  # dL/dh_t = W_hy^T dy_t + carry
                else:
                    dh[...] = carry
                np.multiply(dh, fp[i], out=dz)  # dz_t = dL/dh_t * f'(z_t)
                dhs[t] += dh
                dzs[i] += dz
                np.dot(dz, W_hh, out=carry)  # W_hh^T dz_t -> dL/dh_{t-1}
                if xi is not None:
                    carry *= xi[i]
            if t_stop == 0:
                dh_prev += carry
        return _gradients(p, trace, dys3, dzs, dhs, dh_prev)


def _gradients(p, trace, dys3, dzs, dhs, dh_prev) -> Gradients:
    """Weight gradients as one matrix product each over the stacked time steps."""
    T, B, H = dzs.shape
    D, O = trace.xs_b.shape[2], dys3.shape[2]
    dhs[0] = dh_prev
    dz2 = dzs.reshape(T * B, H)
    dy2 = dys3.reshape(T * B, O)
    g = Gradients(
        W_xh=dz2.T @ trace.xs_b.reshape(T * B, D),  # sum_t dz_t x_t^T
        W_hh=dz2.T @ trace.hs_b[:-1].reshape(T * B, H),  # sum_t dz_t h_{t-1}^T
        b_h=dz2.sum(axis=0),  # sum_t dz_t
        W_hy=dy2.T @ trace.hs_b[1:].reshape(T * B, H),  # sum_t dy_t h_t^T
        b_y=dy2.sum(axis=0),  # sum_t dy_t
        h0=dh_prev if trace.batched else dh_prev[0],
    )
    g.dhs, g.dzs, g.dys = trace._view(dhs), trace._view(dzs), trace._view(dys3)
    g.dxs = trace._view((dz2 @ p["W_xh"]).reshape(T, B, D))  # dL/dx_t = W_xh^T dz_t
    return g


def bptt(params, trace, dys, truncate=None) -> Gradients:
    """Backpropagation Through Time.

    dys (shape of trace.ys): dL/dy_t, zero at steps without a loss.
    truncate: None (full BPTT); k (detach the hidden state every k steps, = (k, k));
    (k1, k2) with k2 >= k1 >= 1: at t = k1, 2 k1, ... and at T, the losses since the
    previous pass are backpropagated through themselves and the k2 - k1 steps before
    them (for a full block of k1 steps: the last k2 steps, Williams & Peng's
    BPTT(k2; k1)); the gradients of these passes are summed. k2 >= T gives full BPTT;
    truncation_blocks lists the passes.

    Recursion (column vectors): dL/dh_t = W_hy^T dy_t + W_hh^T dz_{t+1},
    dz_t = dL/dh_t * f'(z_t); dW_hh = sum_t dz_t h_{t-1}^T, dW_xh = sum_t dz_t x_t^T,
    db_h = sum_t dz_t, dW_hy = sum_t dy_t h_t^T, db_y = sum_t dy_t, dh_0 = W_hh^T dz_1;
    the input gradients dL/dx_t = W_xh^T dz_t are ``.dxs``.
    """
    p = check_params(params)
    _check_trace(trace, p)
    dys3 = _check_dys(dys, trace)
    return _backward(p, trace, dys3, truncation_blocks(trace.T, truncate))


def bptt_randomized(params, trace, dys, p_continue=0.5, seed=None) -> Gradients:
    """Randomized truncation (Tallec & Ollivier 2017; d2l's xi_t scheme).

    The gradient passed from step t to h_{t-1} is multiplied by xi_t, with xi_t = 0
    (stop here) with probability 1 - p and xi_t = 1/p with probability p. Since
    E[xi_t] = 1 and the xi are independent, the estimate is unbiased: its mean over
    many draws is the full BPTT gradient, while most backward passes stop early.
    """
    prm = check_params(params)
    _check_trace(trace, prm)
    dys3 = _check_dys(dys, trace)
    if (
        isinstance(p_continue, (bool, np.bool_))
        or not isinstance(p_continue, (int, float, np.integer, np.floating))
        or not (0 < p_continue <= 1)
    ):
        raise ValueError(f"p_continue must be a probability in (0, 1], got {p_continue!r}")
    rng = np.random.default_rng(seed)
    xi = np.where(rng.random(trace.T) < p_continue, 1.0 / p_continue, 0.0)
    return _backward(prm, trace, dys3, truncation_blocks(trace.T, None), xi=xi)


def contributions(trace, grads) -> dict:
    """Per-time-step terms whose sums are the weight gradients.

    Returns arrays indexed by t - 1 (t = 1..T): "W_hh" (T, H, H) with
    dz_t h_{t-1}^T ("W_hh at time t"), "W_xh" (T, H, D), "b_h" (T, H), "W_hy"
    (T, O, H) and "b_y" (T, O); batch rows are summed.
    """
    dzs = grads.dzs if trace.batched else grads.dzs[:, None]
    dys = grads.dys if trace.batched else grads.dys[:, None]
    return {
        "W_xh": np.einsum("tbh,tbd->thd", dzs, trace.xs_b),
        "W_hh": np.einsum("tbh,tbk->thk", dzs, trace.hs_b[:-1]),
        "b_h": dzs.sum(axis=1),
        "W_hy": np.einsum("tbo,tbh->toh", dys, trace.hs_b[1:]),
        "b_y": dys.sum(axis=1),
    }
