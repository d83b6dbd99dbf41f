"""Truncated BPTT: which losses reach which steps, what truncation costs and saves.

Computations (numpy) come first, figures (matplotlib) after. Notation: BPTT(k2; k1)
runs a backward pass every k1 steps; each pass backpropagates the losses of its k1
new steps through the last k2 steps (rnnlib.truncation_blocks lists the passes).
"""

from __future__ import annotations

import time
import tracemalloc

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import rnn
from .._validate import check_positive_int
from ..gradcheck import rel_error
from ..losses import mse
from .style import COLORS, use_course_style

PARAMS = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


# ---------------------------------------------------------------------------
# who reaches whom
# ---------------------------------------------------------------------------
def reach_from_blocks(T, blocks):
    """R (T, T): R[u-1, s-1] = 1 when the loss at step u sends gradient to the use of the
    parameters at step s, for backward passes (t_end, t_loss, t_stop): the losses
    t_loss < u <= t_end reach the steps t_stop < s <= u."""
    T = check_positive_int(T, "T")
    R = np.zeros((T, T), dtype=int)
    for t_end, t_loss, t_stop in blocks:
        for u in range(t_loss + 1, t_end + 1):
            R[u - 1, t_stop:u] = 1  # steps s = t_stop+1 .. u
    return R


def reach_matrix(T, truncate=None):
    """The reach matrix of full BPTT (truncate=None), k (= (k, k)) or (k1, k2)."""
    return reach_from_blocks(T, rnn.truncation_blocks(T, truncate))


def literal_blocks(T, k1, k2):
    """Passes of "run k1 steps forward, then backpropagate through the last k2" read
    literally, also when k2 < k1: at t = k1, 2 k1, ..., T the losses of the k1 new
    steps start a pass that stops at t - k2. Same triples as truncation_blocks."""
    ends = list(range(k1, T + 1, k1))
    if not ends or ends[-1] != T:
        ends.append(T)
    return [(t, prev, max(t - k2, 0)) for prev, t in zip([0] + ends[:-1], ends, strict=True)]


def measured_reach(params, xs, truncate=None, activation="tanh"):
    """The reach matrix measured with rnnlib.bptt: put dL/dy_u = 1 at one step u, run
    (truncated) BPTT, and mark the steps s whose dL/dz_s is not zero."""
    trace = rnn.forward(params, xs, activation=activation)
    T = trace.T
    R = np.zeros((T, T), dtype=int)
    for u in range(1, T + 1):
        dys = np.zeros_like(trace.ys)
        dys[u - 1] = 1.0
        g = rnn.bptt(params, trace, dys, truncate=truncate)
        dz = np.abs(g.dzs).reshape(T, -1)
        R[u - 1] = dz.max(axis=1) > 0
    return R


# ---------------------------------------------------------------------------
# how wrong is the truncated gradient
# ---------------------------------------------------------------------------
def flat(grads):
    """The five parameter gradients as one vector."""
    return np.concatenate([np.ravel(grads[k]) for k in PARAMS])


def truncation_errors(params, trace, dys, ks, k1=None):
    """rel_error(truncated gradient, full gradient) for each k2 in ks, with k1 = k2
    (detach every k steps, k1=None) or a fixed k1 (<= every k2)."""
    full = flat(rnn.bptt(params, trace, dys))
    errs = []
    for k in ks:
        tr = (k, k) if k1 is None else (k1, k)
        errs.append(rel_error(flat(rnn.bptt(params, trace, dys, truncate=tr)), full))
    return np.array(errs)


def randomized_mean_errors(params, trace, dys, ns, n_draws, p_continue=0.5, seed=0):
    """How far the mean of n randomized-truncation gradients is from the full gradient.

    Draws n_draws gradients (seeds seed, seed+1, ...); for each n in ns splits them into
    n_draws // n groups of n, averages each group and returns the root-mean-square over
    the groups of rel_error(group mean, full gradient).
    """
    full = flat(rnn.bptt(params, trace, dys))
    G = np.stack(
        [
            flat(rnn.bptt_randomized(params, trace, dys, p_continue, seed=seed + i))
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
def full_gradient(params, xs, targets, activation="tanh"):
    """Full BPTT on the MSE (half-sum) loss: the trace of all T steps is stored."""
    trace = rnn.forward(params, xs, activation=activation)
    _, dys = mse(trace.ys, targets, form="half_sum")
    return rnn.bptt(params, trace, dys)


def windowed_gradient(params, xs, targets, k1, k2, activation="tanh"):
    """BPTT(k2; k1) that stores only the current window of at most k2 steps.

    At t = k1, 2 k1, ..., T: run forward over steps t - k2 < s <= t from the stored
    h_{t-k2} (a constant: "detached"), take the MSE (half-sum) losses of the k1 new
    steps, backpropagate through the window and add the gradients; keep the window's
    hidden states for the next one. Equals rnnlib.bptt(..., truncate=(k1, k2)).
    """
    k1, k2 = rnn.parse_truncate((k1, k2))
    xs = np.asarray(xs, dtype=float)
    T = xs.shape[0]
    total = {k: np.zeros_like(np.asarray(params[k], dtype=float)) for k in PARAMS}
    hs_win, w_prev = None, 0  # hidden states h_{w_prev} .. h_{t_prev} of the last window
    for t_end, t_loss, t_stop in rnn.truncation_blocks(T, (k1, k2)):
        h0 = None if hs_win is None else hs_win[t_stop - w_prev]  # h_{t_stop}, detached
        trace = rnn.forward(params, xs[t_stop:t_end], h0=h0, activation=activation)
        mask = np.zeros(t_end - t_stop)
        mask[t_loss - t_stop :] = 1.0  # only the new steps carry a loss
        _, dys = mse(trace.ys, targets[t_stop:t_end], mask, form="half_sum")
        g = rnn.bptt(params, trace, dys)
        for k in PARAMS:
            total[k] += g[k]
        hs_win, w_prev = trace.hs, t_stop
    return total


def measure(fn, *args, repeat=3, **kwargs):
    """(best wall time in s over ``repeat`` runs, peak traced memory in bytes of one run)."""
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(*args, **kwargs)
        best = min(best, time.perf_counter() - t0)
    tracemalloc.start()
    try:
        fn(*args, **kwargs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return best, peak


# ---------------------------------------------------------------------------
# figures
# ---------------------------------------------------------------------------
def _label(truncate):
    if truncate is None:
        return "full BPTT"
    k1, k2 = (truncate, truncate) if np.isscalar(truncate) else truncate
    return f"BPTT($k_2$={k2}; $k_1$={k1})"


def plot_backward_passes(T, configs, labels=None):
    """One time line per configuration: each backward pass is a bar over the steps it
    goes through (t_stop, t_end], with the steps whose losses it carries marked.

    configs: list of truncate values, or of block lists (t_end, t_loss, t_stop).
    """
    use_course_style()
    fig, axes = plt.subplots(len(configs), 1, figsize=(8, 4), sharex=True, squeeze=False)
    for i, (ax, cfg) in enumerate(zip(axes[:, 0], configs, strict=True)):
        blocks = cfg if isinstance(cfg, list) else rnn.truncation_blocks(T, cfg)
        label = labels[i] if labels else _label(cfg)
        for row, (t_end, t_loss, t_stop) in enumerate(blocks):
            ax.barh(
                row,
                t_end - t_stop,
                left=t_stop + 0.5,
                height=0.55,
                color=COLORS["grad"],
                alpha=0.35,
                edgecolor=COLORS["grad"],
            )
            ax.annotate(
                "",
                xy=(t_stop + 0.5, row),
                xytext=(t_end + 0.5, row),
                arrowprops=dict(arrowstyle="->", color=COLORS["grad"], lw=1.5),
            )
            us = np.arange(t_loss + 1, t_end + 1)
            ax.plot(us, np.full(us.shape, row), "o", color=COLORS["loss"], ms=5)
        ax.set_ylim(len(blocks) - 0.4, -0.6)
        ax.set_yticks([])
        ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=11)
        ax.grid(False)
        ax.spines["left"].set_visible(False)
    ax.set_xlim(0.3, T + 0.7)
    ax.set_xticks(range(1, T + 1))
    ax.set_xlabel(
        "time step t   (bar: steps a backward pass goes through; dots: losses it carries)"
    )
    return fig


def plot_reach(T, configs, titles=None):
    """Reach matrices side by side: row u = loss at step u, column s = parameter use at
    step s; filled = the loss sends gradient to that step."""
    use_course_style()
    fig, axes = plt.subplots(1, len(configs), figsize=(9, 3.5), squeeze=False)
    cmap = plt.matplotlib.colors.ListedColormap(["white", COLORS["grad"]])
    for i, (ax, cfg) in enumerate(zip(axes[0], configs, strict=True)):
        R = reach_from_blocks(T, cfg) if isinstance(cfg, list) else reach_matrix(T, cfg)
        ax.imshow(R, cmap=cmap, vmin=0, vmax=1, extent=(0.5, T + 0.5, T + 0.5, 0.5))
        ax.set_title(titles[i] if titles else _label(cfg), fontsize=12)
        ax.set_xlabel("parameter use at step s")
        ax.xaxis.set_major_locator(MaxNLocator(6, integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(6, integer=True))
        if i == 0:
            ax.set_ylabel("loss at step u")
        ax.grid(False)
    return fig


def plot_errors(ks, curves, T, floor=1e-7):
    """Relative error of truncated gradients against k2, one line per labelled curve;
    a dotted line at k2 = T where truncation becomes full BPTT. Errors below ``floor``
    (rounding only, from k2 = T on) are drawn at the floor."""
    use_course_style()
    fig, ax = plt.subplots(figsize=(8, 3.6))
    colors = [COLORS["grad"], COLORS["W_hh"], COLORS["loss"]]
    for (label, errs), c in zip(curves.items(), colors, strict=False):
        ax.semilogy(ks, np.maximum(errs, floor), "o-", ms=3, color=c, label=label)
    ax.set_ylim(floor / 3, 2.0)
    ax.axvline(T, color=COLORS["bound"], ls=":", lw=1.5)
    ax.text(T, 1.0, "  $k_2 = T$", va="top", color=COLORS["bound"])
    ax.text(T, floor, "exact (rounding only)  ", ha="right", va="bottom", fontsize=11)
    ax.set_xlabel("truncation length $k_2$")
    ax.set_ylabel("relative error vs full BPTT")
    ax.legend(loc="lower left")
    return fig


def plot_cost(Ts, times, peaks):
    """Time and peak memory against T; times and peaks: {label: values}."""
    use_course_style()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
    colors = [COLORS["loss"], COLORS["grad"]]
    for (label, t), c in zip(times.items(), colors, strict=False):
        ax1.plot(Ts, 1e3 * np.asarray(t), "o-", color=c, label=label)
    for (label, m), c in zip(peaks.items(), colors, strict=False):
        ax2.plot(Ts, np.asarray(m) / 2**20, "o-", color=c, label=label)
    ax1.set(xlabel="sequence length T", ylabel="time (ms)", title="time")
    ax2.set(xlabel="sequence length T", ylabel="peak memory (MiB)", title="memory")
    ax1.set_ylim(bottom=0)
    ax2.set_ylim(bottom=0)
    ax2.legend()
    return fig


def plot_randomized(ns, errs, fixed, fixed_label):
    """Error of the mean of n randomized-truncation gradients (log-log) with a
    1/sqrt(n) reference, against the error of fixed truncation (a constant bias)."""
    use_course_style()
    fig, ax = plt.subplots(figsize=(8, 3.8))
    ns = np.asarray(ns, dtype=float)
    ax.loglog(ns, errs, "o-", color=COLORS["grad"], label="mean of n randomized gradients")
    ax.loglog(
        ns,
        errs[0] * np.sqrt(ns[0] / ns),
        "--",
        color=COLORS["bound"],
        label=r"$\propto 1/\sqrt{n}$",
    )
    ax.axhline(fixed, color=COLORS["loss"], lw=2, label=fixed_label)
    ax.set_xlabel("number of randomized gradients averaged, n")
    ax.set_ylabel("relative error vs full")
    ax.legend(loc="lower left")
    return fig
