"""Truncated BPTT, measured: which losses reach which steps, and how wrong the gradient is.

Built on ``rnnlib.truncation_blocks``, which defines BPTT(k2; k1) as a list of backward
passes (t_end, t_loss, t_stop): the losses L_u of steps t_loss < u <= t_end are
backpropagated through the steps t_stop < s <= t_end. Everything here follows that one
definition.

Reach matrix R (T, T): R[u-1, s-1] = 1 when dL_u/dtheta receives a term from the use of
the parameters at step s, i.e. when the loss at step u sends gradient to step s.
Only s <= u can be reached (a loss does not depend on later steps).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from ._validate import (
    PARAM_NAMES,
    as_float_array,
    check_int,
    check_params,
    check_positive_int,
    check_positive_ints,
    check_seed,
    describe,
)
from .clip import gradient_vector
from .engine import bptt, bptt_randomized, check_xs, forward
from .gradcheck import rel_error
from .losses import mse
from .params import zeros_like_params
from .rnn import Trace, parse_truncate, truncation_blocks

Params = Mapping[str, np.ndarray]
#: a backward pass (t_end, t_loss, t_stop), as listed by rnnlib.truncation_blocks
Block = tuple[int, int, int]
#: the truncate argument of rnnlib.bptt: None (full BPTT), k, or (k1, k2)
Truncation = int | tuple[int, int] | None


# ---------------------------------------------------------------------------
# who reaches whom
# ---------------------------------------------------------------------------
def reach_from_blocks(T: int, blocks: Iterable[Block]) -> np.ndarray:
    """The reach matrix R (T, T) of a list of backward passes (t_end, t_loss, t_stop).

    A pass sends the loss of each step u, t_loss < u <= t_end, to the steps
    t_stop < s <= u: R[u-1, t_stop:u] = 1.
    """
    T = check_positive_int(T, "T")
    blocks = _check_blocks(blocks, T)
    R = np.zeros((T, T), dtype=int)
    for t_end, t_loss, t_stop in blocks:
        for u in range(t_loss + 1, t_end + 1):
            R[u - 1, t_stop:u] = 1  # steps s = t_stop+1 .. u
    return R


def _check_blocks(blocks, T: int) -> list[Block]:
    """Backward passes (t_end, t_loss, t_stop) of integers with 0 <= t_loss < t_end <= T
    and 0 <= t_stop < t_end."""
    expected = "a list of backward passes (t_end, t_loss, t_stop) as made by truncation_blocks"
    if isinstance(blocks, (str, bytes)) or not hasattr(blocks, "__iter__"):
        raise TypeError(f"blocks must be {expected}, got {describe(blocks)}")
    checked = []
    for i, block in enumerate(blocks):
        if isinstance(block, (str, bytes)) or not hasattr(block, "__len__") or len(block) != 3:
            raise TypeError(
                f"blocks[{i}] must be a pass (t_end, t_loss, t_stop), got {describe(block)}"
            )
        t_end, t_loss, t_stop = (
            check_int(v, f"blocks[{i}]'s {n}")
            for v, n in zip(block, ("t_end", "t_loss", "t_stop"), strict=True)
        )
        if not (0 <= t_loss < t_end <= T and 0 <= t_stop < t_end):
            raise ValueError(
                f"blocks[{i}] = {(t_end, t_loss, t_stop)} must have 0 <= t_loss < t_end <= T = {T} "
                "and 0 <= t_stop < t_end"
            )
        checked.append((t_end, t_loss, t_stop))
    return checked


def reach_matrix(T: int, truncate: Truncation = None) -> np.ndarray:
    """The reach matrix R (T, T) of full BPTT (truncate=None), of detaching every k steps
    (truncate=k) or of BPTT(k2; k1) (truncate=(k1, k2)), from rnnlib.truncation_blocks."""
    return reach_from_blocks(T, truncation_blocks(T, truncate))


def literal_blocks(T: int, k1: int, k2: int) -> list[Block]:
    """The passes of "every k1 steps, backpropagate through the last k2 steps" read
    literally, also for k2 < k1: the passes end where those of truncation_blocks(T, k1)
    end (t = k1, 2 k1, ..., T) and carry the same losses, but each stops at
    t_stop = max(t_end - k2, 0). With k2 < k1 the losses of steps u <= t_end - k2 reach
    nothing at all."""
    k1 = check_positive_int(k1, "k1")
    k2 = check_positive_int(k2, "k2")
    return [(t_end, t_loss, max(t_end - k2, 0)) for t_end, t_loss, _ in truncation_blocks(T, k1)]


def measured_reach(
    params: Params,
    xs: np.ndarray,
    truncate: Truncation = None,
    activation: str = "tanh",
) -> np.ndarray:
    """The reach matrix R (T, T) measured with rnnlib.bptt on inputs xs (T, D) or (T, B, D).

    Row u: set dL/dy_u = 1 (all other dL/dy_t = 0), run (truncated) BPTT, and mark the
    steps s whose delta_s = dL/dz_s is not zero. (A step can be missed only if its
    delta_s is exactly zero by accident, e.g. a saturated ReLU.)
    """
    trace = forward(params, xs, activation=activation)
    T = trace.T
    R = np.zeros((T, T), dtype=int)
    for u in range(1, T + 1):
        dys = np.zeros_like(trace.ys)
        dys[u - 1] = 1.0
        dzs = bptt(params, trace, dys, truncate=truncate).dzs  # dzs[s-1] = delta_s
        R[u - 1] = np.abs(dzs).reshape(T, -1).max(axis=1) > 0
    return R


# ---------------------------------------------------------------------------
# how wrong is the truncated gradient
# ---------------------------------------------------------------------------
def truncation_errors(
    params: Params,
    trace: Trace,
    dys: np.ndarray,
    k2s: Iterable[int],
    k1: int | None = None,
) -> np.ndarray:
    """rel_error(g_trunc, g_full) for each k2 in k2s: shape (len(k2s),).

    g_trunc is the gradient of BPTT(k2; k1) with k1 = k2 (detach every k2 steps, the
    default k1=None) or with the given k1 (<= every k2); g_full that of full BPTT.
    """
    k2s = check_positive_ints(k2s, "k2s")
    if k1 is not None:
        k1 = check_positive_int(k1, "k1")
    full = gradient_vector(bptt(params, trace, dys))
    errs = []
    for k2 in k2s:
        truncate = (k2, k2) if k1 is None else (k1, k2)
        errs.append(rel_error(gradient_vector(bptt(params, trace, dys, truncate=truncate)), full))
    return np.array(errs)


def randomized_mean_errors(
    params: Params,
    trace: Trace,
    dys: np.ndarray,
    ns: Iterable[int],
    n_draws: int,
    p_continue: float = 0.5,
    seed: int = 0,
) -> np.ndarray:
    """How far the mean of n randomized-truncation gradients is from the full gradient.

    Draws n_draws gradients g_1..g_{n_draws} of rnnlib.bptt_randomized (seeds seed,
    seed+1, ...); for each n in ns splits them into n_draws // n groups of n, and returns
    the root mean square over the groups of rel_error(mean of the group, g_full):
    shape (len(ns),). Unbiased estimates: the error shrinks like 1/sqrt(n).
    """
    n_draws = check_positive_int(n_draws, "n_draws")
    ns = check_positive_ints(ns, "ns")
    if any(n > n_draws for n in ns):
        raise ValueError(f"every group size in ns must be at most n_draws = {n_draws}, got {ns}")
    seed = check_seed(seed)
    full = gradient_vector(bptt(params, trace, dys))
    G = np.stack(
        [
            gradient_vector(bptt_randomized(params, trace, dys, p_continue, seed=seed + i))
            for i in range(n_draws)
        ]
    )
    errs = []
    for n in ns:
        means = G[: (n_draws // n) * n].reshape(n_draws // n, n, -1).mean(axis=1)
        errs.append(np.sqrt(np.mean([rel_error(m, full) ** 2 for m in means])))
    return np.array(errs)


# ---------------------------------------------------------------------------
# what truncation saves: a trainer that keeps only a window of k2 steps
# ---------------------------------------------------------------------------
def full_gradient(
    params: Params, xs: np.ndarray, targets: np.ndarray, activation: str = "tanh"
) -> dict[str, np.ndarray]:
    """Full BPTT of the half-sum MSE L = 1/2 sum_t ||y_t - y*_t||^2 (averaged over the
    batch): the trace of all T steps is stored. xs (T, B, D), targets (T, B, O)."""
    trace = forward(params, xs, activation=activation)
    _, dys = mse(trace.ys, targets, form="half_sum")
    return bptt(params, trace, dys)


def windowed_gradient(
    params: Params,
    xs: np.ndarray,
    targets: np.ndarray,
    k1: int,
    k2: int,
    activation: str = "tanh",
) -> dict[str, np.ndarray]:
    """BPTT(k2; k1) of the half-sum MSE that stores only one window of steps at a time.

    For each pass (t_end, t_loss, t_stop) of rnnlib.truncation_blocks: run forward over
    the steps t_stop < s <= t_end from the stored h_{t_stop} (a constant: "detached"),
    backpropagate the losses of the new steps t_loss < u <= t_end through the window and
    add the gradients; keep the window's hidden states for the next pass. Equals
    rnnlib.bptt(..., truncate=(k1, k2)); xs (T, B, D), targets (T, B, O).
    """
    k1, k2 = parse_truncate((k1, k2))
    p = check_params(params)
    check_xs(xs, p["W_xh"].shape[1], np.float64)
    xs = np.asarray(xs, dtype=float)
    targets = as_float_array(targets, "targets")
    expected = (*xs.shape[:-1], p["W_hy"].shape[0])
    if targets.shape != expected:
        raise ValueError(
            f"targets must have the shape of the outputs, {expected}, got {targets.shape}"
        )
    T = xs.shape[0]
    total = zeros_like_params(params)
    hs_win, w_prev = None, 0  # hidden states h_{w_prev} .. h_{t_prev} of the last window
    for t_end, t_loss, t_stop in truncation_blocks(T, (k1, k2)):
        h0 = None if hs_win is None else hs_win[t_stop - w_prev]  # h_{t_stop}, detached
        trace = forward(params, xs[t_stop:t_end], h0=h0, activation=activation)
        mask = np.zeros(t_end - t_stop)
        mask[t_loss - t_stop :] = 1.0  # only the new steps carry a loss
        _, dys = mse(trace.ys, targets[t_stop:t_end], mask, form="half_sum")
        g = bptt(params, trace, dys)
        for k in PARAM_NAMES:
            total[k] += g[k]
        hs_win, w_prev = trace.hs, t_stop
    return total
