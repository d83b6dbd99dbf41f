"""The simple (Elman) RNN, readably: one step forward and back, and BPTT as a specification.

The equations (column vectors, one sequence, t = 1..T, h_0 given):

    z_t = W_xh x_t + W_hh h_{t-1} + b_h            pre-activation
    h_t = f(z_t)                                    hidden state
    y_t = W_hy h_t + b_y                            output logits

and, with dy_t = dL/dy_t from the loss, their derivatives (BPTT):

    dL/dh_t = W_hy^T dy_t + W_hh^T delta_{t+1}      (delta_{T+1} = 0)
    delta_t = dL/dz_t = dL/dh_t * f'(z_t)           (elementwise)
    dW_xh = sum_t delta_t x_t^T     dW_hh = sum_t delta_t h_{t-1}^T     db_h = sum_t delta_t
    dW_hy = sum_t dy_t h_t^T        db_y = sum_t dy_t
    dL/dh_0 = W_hh^T delta_1        dL/dx_t = W_xh^T delta_t

Where each quantity lives (arrays are time-major; step t is at the index shown):

    quantity              in the code              shape          also called
    x_t                   trace.xs[t-1]            (T, B, D)
    z_t                   trace.zs[t-1]            (T, B, H)
    h_t, t = 0..T         trace.hs[t]              (T+1, B, H)    hs[0] = h_0
    y_t                   trace.ys[t-1]            (T, B, O)
    f'(z_t)               trace.dfs()[t-1]         (T, B, H)
    dL/dy_t               dys[t-1]                 (T, B, O)
    dL/dh_t, t = 0..T     grads.dhs[t]             (T+1, B, H)    grads["h0"] = dhs[0]
    delta_t = dL/dz_t     grads.dzs[t-1]           (T, B, H)      the notes' dh_raw,
                                                                  min-char-rnn's dhraw
    dL/dx_t               grads.dxs[t-1]           (T, B, D)
    dL/dW_hh, ...         grads["W_hh"], ...       like W_hh

A single sequence (T, D) drops the B axis everywhere. Inside a batch each row is one
sequence, so the code computes the row form z_t^T = x_t^T W_xh^T + h_{t-1}^T W_hh^T + b_h^T
(``x @ W_xh.T``); the mathematics is unchanged.

This module holds the readable parts: ``step_forward`` and ``step_backward`` (one step
each, with a cache), ``bptt_reference`` (BPTT written with them: the specification),
the truncation contract (``truncation_blocks``), and what the passes exchange
(``Trace``, ``Gradients``). The fast engine that computes the same, ``forward`` and
``bptt``, is ``rnnlib/engine.py``; the tests hold it to ``bptt_reference``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike

from ._validate import (
    PARAM_NAMES,
    as_float_array,
    check_finite,
    check_params,
    check_positive_int,
    describe,
)
from .activations import get_activation

#: the parameters: W_xh (H, D), W_hh (H, H), b_h (H,), W_hy (O, H), b_y (O,) by name
Params = Mapping[str, ArrayLike]
#: the truncate argument of bptt: None (full BPTT), k (= (k, k)) or (k1, k2)
Truncation = int | tuple[int, int] | None


# ---------------------------------------------------------------------------
# one time step: a forward/backward pair with a cache
# ---------------------------------------------------------------------------
def step_forward(
    x: ArrayLike, h_prev: ArrayLike, params: Params, activation: str = "tanh"
) -> tuple[np.ndarray, tuple]:
    """One step: h_t = f(W_xh x_t + W_hh h_{t-1} + b_h).

    x (D,) or (B, D); h_prev (H,) or (B, H). Returns (h_t, cache) with h_t (H,) or
    (B, H) and cache = (x, h_prev, z, h, params, activation) for ``step_backward``.
    """
    p = check_params(params)
    f, _ = get_activation(activation)
    x = as_float_array(x, "x", p["W_hh"].dtype)
    h_prev = as_float_array(h_prev, "h_prev", p["W_hh"].dtype)
    _check_last_dim(x, p["W_xh"].shape[1], "x", "D")
    _check_last_dim(h_prev, p["W_hh"].shape[0], "h_prev", "H")
    z = x @ p["W_xh"].T + h_prev @ p["W_hh"].T + p["b_h"]  # z_t (rows)
    h = f(z)  # h_t = f(z_t)
    return h, (x, h_prev, z, h, p, activation)


def step_backward(dh: ArrayLike, cache: tuple) -> dict[str, np.ndarray]:
    """Backward through one step, given dh = dL/dh_t (from y_t and from step t+1).

    dh (H,) or (B, H), like h_t. Returns a dict (batch rows summed in the weights):
    "dz" delta_t = dL/dh_t * f'(z_t) (H,) or (B, H); "W_xh" delta_t x_t^T (H, D);
    "W_hh" delta_t h_{t-1}^T (H, H); "b_h" delta_t (H,); "dh_prev" W_hh^T delta_t
    (dL/dh_{t-1} through this step) and "dx" W_xh^T delta_t = dL/dx_t, shaped like
    h_prev and x.
    """
    if not (isinstance(cache, tuple) and len(cache) == 6 and isinstance(cache[4], dict)):
        raise TypeError(
            "cache must be the cache returned by step_forward, (x, h_prev, z, h, params, "
            f"activation); got {describe(cache)}"
        )
    x, h_prev, z, h, p, activation = cache
    _, df = get_activation(activation)
    dh = as_float_array(dh, "dh", h.dtype)
    if dh.shape != h.shape:
        raise ValueError(f"dh must have the shape of h_t {h.shape}, got {dh.shape}")
    dz = dh * df(z, h)  # delta_t = dL/dh_t * f'(z_t)
    dz_rows, x_rows, h_prev_rows = np.atleast_2d(dz), np.atleast_2d(x), np.atleast_2d(h_prev)
    return {
        "dz": dz,
        "W_xh": dz_rows.T @ x_rows,  # delta_t x_t^T
        "W_hh": dz_rows.T @ h_prev_rows,  # delta_t h_{t-1}^T
        "b_h": dz_rows.sum(axis=0),  # delta_t
        "dh_prev": dz @ p["W_hh"],  # W_hh^T delta_t
        "dx": dz @ p["W_xh"],  # W_xh^T delta_t
    }


def _check_last_dim(arr, n, name, letter):
    if arr.ndim == 0 or arr.shape[-1] != n:
        raise ValueError(f"{name} must have last dimension {letter} = {n}, got shape {arr.shape}")


# ---------------------------------------------------------------------------
# BPTT, one step at a time: the specification
# ---------------------------------------------------------------------------
def bptt_reference(
    params: Params, trace: Trace, dys: ArrayLike, truncate: Truncation = None
) -> Gradients:
    """BPTT as the course derives it, step by step with ``step_backward``.

    For every backward pass (t_end, t_loss, t_stop) of ``truncation_blocks(T, truncate)``
    (full BPTT: the one pass (T, 0, 0)), walk t = t_end, ..., t_stop + 1:
    dL/dh_t = W_hy^T dy_t (only for the losses the pass carries, t > t_loss) +
    W_hh^T delta_{t+1} (nothing beyond t_end), then delta_t = dL/dh_t * f'(z_t) and the
    per-step gradients; the passes add up. dys: dL/dy_t, shape of trace.ys. Returns
    the same Gradients as ``bptt`` (h0, dhs, dzs and dxs included), only more slowly.
    """
    p = check_trace(trace, params)
    dys = check_dys(dys, trace)  # (T, B, O): every step below works on B rows
    xs, hs = trace.xs_b, trace.hs_b
    grads = {name: np.zeros_like(value) for name, value in p.items()}
    dhs, dzs, dxs = np.zeros_like(hs), np.zeros_like(trace.zs_b), np.zeros_like(xs)
    for t_end, t_loss, t_stop in truncation_blocks(trace.T, truncate):
        dh_next = np.zeros_like(hs[0])  # W_hh^T delta_{t+1}: nothing flows in after t_end
        for t in range(t_end, t_stop, -1):
            dh = dh_next.copy()  # dL/dh_t through h_{t+1}
            if t > t_loss:  # step t's loss is carried by this pass
                dh += dys[t - 1] @ p["W_hy"]  # dL/dh_t = W_hy^T dy_t + W_hh^T delta_{t+1}
                grads["W_hy"] += dys[t - 1].T @ hs[t]  # dW_hy += dy_t h_t^T
                grads["b_y"] += dys[t - 1].sum(axis=0)  # db_y += dy_t
            step = step_backward(dh, _batched_cache(trace, p, t))  # delta_t = dL/dh_t f'(z_t)
            grads["W_xh"] += step["W_xh"]  # dW_xh += delta_t x_t^T
            grads["W_hh"] += step["W_hh"]  # dW_hh += delta_t h_{t-1}^T
            grads["b_h"] += step["b_h"]  # db_h += delta_t
            dhs[t] += dh  # dL/dh_t, summed over the passes that reach step t
            dzs[t - 1] += step["dz"]  # delta_t, likewise
            dxs[t - 1] += step["dx"]  # dL/dx_t = W_xh^T delta_t
            dh_next = step["dh_prev"]  # W_hh^T delta_t, for step t - 1
        if t_stop == 0:
            dhs[0] += dh_next  # dL/dh_0 = W_hh^T delta_1
    grads["h0"] = trace._view(dhs)[0].copy()
    v = trace._view
    return Gradients.of_bptt(grads, dhs=v(dhs), dzs=v(dzs), dys=v(dys), dxs=v(dxs), W_xh=p["W_xh"])


def _batched_cache(trace, p, t):
    """step_forward's cache of step t, in the batched (B rows) form."""
    x, h_prev, z, h = trace.xs_b[t - 1], trace.hs_b[t - 1], trace.zs_b[t - 1], trace.hs_b[t]
    return x, h_prev, z, h, p, trace.activation


# ---------------------------------------------------------------------------
# truncation: which backward passes BPTT runs
# ---------------------------------------------------------------------------
#: one backward pass (t_end, t_loss, t_stop): the losses of the steps t_loss < t <= t_end
#: are backpropagated through the steps t_stop < t <= t_end
Block = tuple[int, int, int]


def parse_truncate(truncate: Truncation) -> tuple[int, int] | None:
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


def truncation_blocks(T: int, truncate: Truncation = None) -> list[Block]:
    """The backward passes of truncated BPTT as (t_end, t_loss, t_stop) triples.

    truncate=(k1, k2): a pass runs at t_end = k1, 2 k1, ... and at T; it backpropagates
    the losses of the steps since the previous pass, t_loss < t <= t_end, through
    themselves and the k2 - k1 steps before them, i.e. through the steps
    t_stop < t <= t_end with t_stop = max(t_loss - (k2 - k1), 0). So a full block of k1
    new steps goes back at most k2 steps, exactly k2 once t_loss >= k2 - k1 (Williams &
    Peng's BPTT(k2; k1), written with k2 first);
    truncate=k = (k, k) gives t_stop = t_loss: the hidden state is detached every k
    steps, also when k does not divide T; k2 >= T truncates nothing (t_stop = 0 for every
    pass), so the passes add up to full BPTT. truncate=None is the single pass (T, 0, 0).
    """
    T = check_positive_int(T, "T")
    kk = parse_truncate(truncate)
    if kk is None:
        return [(T, 0, 0)]
    k1, k2 = kk
    ends = [*range(k1, T, k1), T]
    starts = [0, *ends[:-1]]
    return [
        (t_end, t_loss, 0 if k2 >= T else max(t_loss - (k2 - k1), 0))
        for t_loss, t_end in zip(starts, ends, strict=True)
    ]


# ---------------------------------------------------------------------------
# what the forward pass keeps, and what BPTT returns
# ---------------------------------------------------------------------------
class Trace:
    """What the forward pass keeps for BPTT (the "cache" of every step); it owns it.

    Batched, time-major arrays: ``xs_b`` (T, B, D), ``zs_b`` (T, B, H) with z_t at
    index t-1, ``hs_b`` (T+1, B, H) with h_t at index t (hs_b[0] = h_0), ``ys_b``
    (T, B, O) with y_t at index t-1. The properties ``xs``, ``zs``, ``hs``, ``ys`` drop
    the batch axis when the input was a single sequence. ``params`` is the trace's own
    copy of the parameter values forward ran with; ``x_index`` holds the class indices
    (T, B) when the inputs were given as one-hot indices (``xs_b`` is then built on
    first use).
    """

    def __init__(
        self,
        params: dict[str, np.ndarray],
        xs_b: np.ndarray | None,
        x_index: np.ndarray | None,
        zs_b: np.ndarray,
        hs_b: np.ndarray,
        ys_b: np.ndarray,
        activation: str,
        batched: bool,
    ):
        self.params = params
        self._xs_b = xs_b
        self.x_index = x_index
        self.zs_b, self.hs_b, self.ys_b = zs_b, hs_b, ys_b
        self.activation = activation
        self.batched = batched

    @property
    def xs_b(self) -> np.ndarray:
        if self._xs_b is None:  # one-hot inputs: x_t = e_{index}
            D = self.params["W_xh"].shape[1]
            self._xs_b = np.eye(D, dtype=self.hs_b.dtype)[self.x_index]
        return self._xs_b

    def _view(self, a: np.ndarray) -> np.ndarray:
        return a if self.batched else a[:, 0]

    @property
    def xs(self) -> np.ndarray:
        return self._view(self.xs_b)

    @property
    def zs(self) -> np.ndarray:
        return self._view(self.zs_b)

    @property
    def hs(self) -> np.ndarray:
        return self._view(self.hs_b)

    @property
    def ys(self) -> np.ndarray:
        return self._view(self.ys_b)

    @property
    def T(self) -> int:
        return self.zs_b.shape[0]

    @property
    def overflow(self) -> bool:
        """True when the hidden states or outputs left the floating-point range."""
        return not (np.all(np.isfinite(self.hs_b)) and np.all(np.isfinite(self.ys_b)))

    @property
    def first_overflow_step(self) -> int | None:
        """The first t with a non-finite h_t or y_t, or None."""
        bad = ~np.isfinite(self.hs_b[1:]).all(axis=(1, 2)) | ~np.isfinite(self.ys_b).all(
            axis=(1, 2)
        )
        return int(np.argmax(bad)) + 1 if bad.any() else None

    def dfs(self) -> np.ndarray:
        """f'(z_t) for t = 1..T, shape of zs."""
        _, df = get_activation(self.activation)
        with np.errstate(all="ignore"):
            return self._view(df(self.zs_b, self.hs_b[1:]))


class Gradients(dict):
    """dL/d(parameter) for W_xh, W_hh, b_h, W_hy, b_y and h0, plus per-step terms.

    Attributes: ``dhs`` (T+1, [B,] H) with dhs[t] = dL/dh_t as BPTT accumulated it
    (summed over the backward passes of truncated BPTT), ``dzs`` (T, [B,] H) with
    dzs[t-1] = delta_t = dL/dz_t, ``dxs`` (shape of trace.xs) with dxs[t-1] = dL/dx_t =
    W_xh^T delta_t (the input gradients, computed when first read; not a parameter, so
    optimisers and clipping, which read the dict's keys, never see them), and ``dys``
    the output gradients it was given. Built like a dict; BPTT fills the attributes.
    """

    dhs: np.ndarray | None = None
    dzs: np.ndarray | None = None
    dys: np.ndarray | None = None
    _W_xh: np.ndarray | None = None  # the trace's copy: later updates do not change dxs
    _dxs: np.ndarray | None = None

    @classmethod
    def of_bptt(
        cls,
        grads: dict[str, np.ndarray],
        *,
        dhs: np.ndarray,
        dzs: np.ndarray,
        dys: np.ndarray,
        W_xh: np.ndarray,
        dxs: np.ndarray | None = None,
    ) -> Gradients:
        """The gradients of a backward pass with its per-step terms (dxs from W_xh)."""
        g = cls(grads)
        g.dhs, g.dzs, g.dys, g._W_xh, g._dxs = dhs, dzs, dys, W_xh, dxs
        return g

    @property
    def dxs(self) -> np.ndarray | None:
        if self._dxs is None and self._W_xh is not None:
            H, D = self._W_xh.shape
            dxs = self.dzs.reshape(-1, H) @ self._W_xh  # rows: delta_t^T W_xh = (W_xh^T delta_t)^T
            self._dxs = dxs.reshape(self.dzs.shape[:-1] + (D,))
        return self._dxs

    @property
    def finite(self) -> bool:
        return all(np.all(np.isfinite(v)) for v in self.values())


# ---------------------------------------------------------------------------
# checks shared by bptt and bptt_reference
# ---------------------------------------------------------------------------
def check_trace(trace: Trace, params: Params) -> dict[str, np.ndarray]:
    """The trace's parameters, after checking that ``params`` holds the same values."""
    if not isinstance(trace, Trace):
        raise TypeError(f"trace must be the Trace returned by forward(), got {describe(trace)}")
    p = check_params(params)
    own = trace.params
    (H, D), O = own["W_xh"].shape, own["W_hy"].shape[0]
    if p["W_xh"].shape != (H, D) or p["W_hy"].shape[0] != O:
        (H2, D2), O2 = p["W_xh"].shape, p["W_hy"].shape[0]
        raise ValueError(
            f"trace (D={D}, H={H}, O={O}) was made with parameters of other sizes than "
            f"params (D={D2}, H={H2}, O={O2})"
        )
    changed = [k for k in PARAM_NAMES if not np.array_equal(p[k], own[k])]
    if changed:
        raise ValueError(
            f"the trace was made with other parameter values: params['{changed[0]}'] "
            f"({', '.join(changed)} in all) changed since forward() ran, e.g. by an optimizer "
            "step or an in-place update; run forward() again with the current parameters"
        )
    return own


def check_dys(dys: ArrayLike, trace: Trace) -> np.ndarray:
    """dys as (T, B, O) in the trace's dtype. Non-finite values are an error unless the
    forward pass itself overflowed (then the loss and its gradient may be inf or nan)."""
    arr = as_float_array(dys, "dys", trace.ys_b.dtype)
    if arr.shape != trace.ys.shape:
        raise ValueError(
            f"dys must be dL/dy_t with the shape of trace.ys {trace.ys.shape}, "
            f"got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)) and not trace.overflow:
        check_finite(arr, "dys")
    return arr if trace.batched else arr[:, None, :]


# ---------------------------------------------------------------------------
# per-step terms
# ---------------------------------------------------------------------------
def contributions(trace: Trace, grads: Gradients) -> dict[str, np.ndarray]:
    """Per-time-step terms whose sums are the weight gradients.

    Returns arrays indexed by t - 1 (t = 1..T): "W_hh" (T, H, H) with
    delta_t h_{t-1}^T ("W_hh at time t"), "W_xh" (T, H, D), "b_h" (T, H), "W_hy"
    (T, O, H) and "b_y" (T, O); batch rows are summed.
    """
    if not isinstance(trace, Trace):
        raise TypeError(f"trace must be the Trace returned by forward(), got {describe(trace)}")
    if not isinstance(grads, Gradients) or np.shape(grads.dzs) != trace.zs.shape:
        raise TypeError(
            "grads must be the Gradients that bptt returned for this trace (they carry "
            f"delta_t as grads.dzs), got {describe(grads)}"
        )
    dzs = grads.dzs if trace.batched else grads.dzs[:, None]
    dys = grads.dys if trace.batched else grads.dys[:, None]
    return {
        "W_xh": np.einsum("tbh,tbd->thd", dzs, trace.xs_b),
        "W_hh": np.einsum("tbh,tbk->thk", dzs, trace.hs_b[:-1]),
        "b_h": dzs.sum(axis=1),
        "W_hy": np.einsum("tbo,tbh->toh", dys, trace.hs_b[1:]),
        "b_y": dys.sum(axis=1),
    }
