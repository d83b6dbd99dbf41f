"""Figures of notebook 10, the character-level language model: how a text is laid out in
batches, the training curve in bits per character, temperature, and the trained network
seen with the course's instruments (Jacobian norms, singular values, input gradients).
Every function only draws: the numbers come from rnnlib.text and rnnlib.charlm."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .style import COLORS, axes_or_new, redrawable_title
from .training import CURVE_COLORS

#: how a character that is hard to read in a cell is shown
VISIBLE = {" ": "\u2423", "\n": "\u21b5"}


def visible(text: str) -> str:
    """Spaces and newlines made visible: ␣ and ↵."""
    return "".join(VISIBLE.get(c, c) for c in text)


def _grid(ax, x0, chars, colors, title):
    """One chunk as a (k1, B) grid of characters: time down, streams across."""
    k1, B = chars.shape
    for t in range(k1):
        for b in range(B):
            ax.add_patch(
                Rectangle((x0 + b, -t - 1), 1, 1, facecolor=colors[t, b], edgecolor="white", lw=1.5)
            )
            ax.text(
                x0 + b + 0.5,
                -t - 0.5,
                visible(chars[t, b]),
                ha="center",
                va="center",
                fontsize=12,
                family="monospace",
            )
    ax.text(x0 + B / 2, 0.35, title, ha="center", va="bottom", fontsize=11)


def plot_partitions(text: str, layouts: dict[str, np.ndarray], n_show: int = 3) -> Figure:
    """The first chunks of each partition of ``text``, side by side.

    layouts: {title: P} with P (n_chunks, k1, B) from rnnlib.text.batch_positions. Each
    cell is one input character, coloured by the part of the text it comes from (the
    stream for sequential partitioning); an arrow marks where chunk j + 1 continues the
    text of chunk j, so that the hidden state may be carried. Returns the figure.
    """
    rows = len(layouts)
    first = next(iter(layouts.values()))
    _, k1, B = first.shape
    fig, axes = plt.subplots(rows, 1, figsize=(8.5, 1.1 + rows * (0.42 * k1 + 0.8)))
    axes = np.atleast_1d(axes)
    N = len(text)
    cmap = plt.get_cmap("Pastel1" if B <= 9 else "tab20")
    chars = np.array(list(text))
    for ax, (title, P) in zip(axes, layouts.items(), strict=True):
        n = min(n_show, P.shape[0])
        # colour: which of B equal parts of the text a character lies in
        part = np.minimum(P * B // max(N - 1, 1), B - 1)
        colors = np.array([cmap(i % cmap.N) for i in range(B)])[part]
        gap = 1.6
        for j in range(n):
            x0 = j * (B + gap)
            _grid(ax, x0, chars[P[j]], colors[j], f"chunk {j + 1}")
            if j + 1 < n:
                continues = np.all(P[j + 1, 0] == P[j, -1] + 1)
                ax.annotate(
                    "",
                    xy=(x0 + B + gap - 0.1, -k1 / 2),
                    xytext=(x0 + B + 0.1, -k1 / 2),
                    arrowprops=dict(
                        arrowstyle="->",
                        color=COLORS["h"] if continues else COLORS["y"],
                        lw=2,
                        ls="-" if continues else ":",
                    ),
                )
                ax.text(
                    x0 + B + gap / 2,
                    -k1 / 2 - 0.4,
                    "$h$ carried" if continues else "new $h_0$",
                    ha="center",
                    va="top",
                    fontsize=10,
                    color=COLORS["h"] if continues else COLORS["y"],
                )
        ax.annotate(
            "time",
            xy=(-0.35, -k1 + 0.2),
            xytext=(-0.35, -0.2),
            ha="center",
            va="top",
            rotation=90,
            fontsize=10,
            arrowprops=dict(arrowstyle="->", color="0.4"),
        )
        ax.text(B / 2, -k1 - 0.25, "streams", ha="center", va="top", fontsize=10, color="0.3")
        ax.set_xlim(-0.8, n * (B + gap) - gap + 0.2)
        ax.set_ylim(-k1 - 0.9, 1.3)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(title, loc="left", fontsize=12)
    return fig


def plot_bpc_curve(
    train_chars: np.ndarray,
    train_bpc: np.ndarray,
    val_chars: np.ndarray,
    val_bpc: np.ndarray,
    entropy: float,
    ax: Axes | None = None,
    title: str = "Training curve",
) -> Figure:
    """Bits per character against the number of characters trained on: the training
    loss (per chunk, thin), the validation text (dots), and the unigram baseline."""
    fig, ax = axes_or_new(ax, (8, 3.8))
    ax.plot(train_chars, train_bpc, color=COLORS["loss"], lw=1, alpha=0.6, label="training chunks")
    ax.plot(val_chars, val_bpc, "o-", color=COLORS["y"], label="validation text")
    ax.axhline(entropy, ls="--", color=COLORS["bound"], label=f"unigram entropy {entropy:.2f}")
    ax.set_xlabel("characters trained on")
    ax.set_ylabel("bits per character")
    ax.set_ylim(0, max(np.max(val_bpc), entropy) + 0.5)
    ax.set_title(title)
    ax.legend(loc="upper right")
    return fig


def plot_temperature_rows(
    rows: list[tuple[float, np.ndarray, str]], chars: Sequence[str], prefix: str, top: int = 12
) -> tuple[Figure, list[dict]]:
    """One row per temperature: the next-character distribution after ``prefix`` (the
    ``top`` most likely characters) and a text sampled at that temperature.

    rows: [(temperature, p (V,), sampled text)]. Returns (figure, artists per row).
    """
    fig, axes = plt.subplots(
        len(rows),
        2,
        figsize=(9, 1.9 * len(rows) + 0.3),
        gridspec_kw={"width_ratios": [1, 2.6]},
        squeeze=False,
    )
    arts = [
        draw_temperature(ax_p, ax_t, temperature, p, sample, chars, prefix, top)
        for (ax_p, ax_t), (temperature, p, sample) in zip(axes, rows, strict=True)
    ]
    return fig, arts


def _sample_lines(prefix: str, sample: str, width: int = 58, lines: int = 5) -> str:
    wrapped = textwrap.wrap(
        prefix + "|" + sample.replace("\n", " \u21b5 "), width, replace_whitespace=False
    )
    return "\n".join(wrapped[:lines])


def draw_temperature(
    ax_p: Axes,
    ax_t: Axes,
    temperature: float,
    p: np.ndarray,
    sample: str,
    chars: Sequence[str],
    prefix: str,
    top: int = 12,
) -> dict:
    """Draw one temperature row (see plot_temperature_rows); returns its artists.

    The characters under the bars and the title are texts of their own (the axes keep
    blank ones in their place), so that ``update_temperature`` can change them in place.
    """
    top = min(top, len(p))
    order = np.argsort(p)[::-1][:top]
    bars = ax_p.bar(range(top), p[order], color=COLORS["y"])
    ax_p.set_xticks(range(top), [" "] * top, family="monospace")  # room for the labels
    size, pad = mpl.rcParams["xtick.major.size"], mpl.rcParams["xtick.major.pad"]
    under, va, ha = ax_p.get_xaxis_text1_transform(size + pad)  # where tick labels go
    labels = [
        ax_p.text(
            i,
            0,
            visible(chars[c]),
            transform=under,
            va=va,
            ha=ha,
            family="monospace",
            fontsize=mpl.rcParams["xtick.labelsize"],
        )
        for i, c in enumerate(order)
    ]
    ax_p.set_ylim(0, 1)
    ax_p.set_ylabel("p(next)")
    title = redrawable_title(ax_p, f"temperature {temperature:.1f}", fontsize=12)
    ax_t.axis("off")
    words = ax_t.text(
        0,
        1,
        _sample_lines(prefix, sample),
        va="top",
        ha="left",
        family="monospace",
        fontsize=11,
        transform=ax_t.transAxes,
    )
    return {"bars": bars, "labels": labels, "title": title, "text": words}


def update_temperature(
    art: dict, temperature: float, p: np.ndarray, sample: str, chars: Sequence[str], prefix: str
) -> None:
    """Put a new temperature into the artists of ``draw_temperature`` (no new artists)."""
    order = np.argsort(p)[::-1][: len(art["bars"])]
    for bar, label, c in zip(art["bars"], art["labels"], order, strict=True):
        bar.set_height(p[c])
        label.set_text(visible(chars[c]))
    art["title"].set_text(f"temperature {temperature:.1f}")
    art["text"].set_text(_sample_lines(prefix, sample))


def plot_survival(
    tf_accuracy: np.ndarray, survival: np.ndarray, compounded: np.ndarray, ax: Axes | None = None
) -> Figure:
    """Teacher forcing against free running, step by step after a prefix."""
    fig, ax = axes_or_new(ax, (8, 3.6))
    n = np.arange(1, len(survival) + 1)
    ax.plot(n, tf_accuracy, "o-", color=COLORS["h"], label="teacher forcing: right at step n")
    ax.plot(n, survival, "s-", color=COLORS["y"], label="free running: still on the text")
    ax.plot(n, compounded, "--", color=COLORS["bound"], label=r"$a^n$, $a$ = mean accuracy")
    ax.set_xlabel("characters after the prefix, n")
    ax.set_ylabel("fraction of streams")
    ax.set_ylim(0, 1)
    ax.legend(loc="upper right")
    return fig


def plot_decay_comparison(
    distances: np.ndarray, curves: dict[str, tuple[np.ndarray, np.ndarray]], ax: Axes | None = None
) -> Figure:
    """||dh_T/dh_k|| against T - k (log scale) for several networks, each with its
    bound (gamma sigma_max)^(T-k) dashed in the same colour.

    curves: {label: (norms, bound)}, arrays indexed by the distance.
    """
    fig, ax = axes_or_new(ax, (8, 3.8))
    for i, (label, (norms, bound)) in enumerate(curves.items()):
        color = CURVE_COLORS[i % len(CURVE_COLORS)]
        ax.plot(distances, norms, color=color, label=label)
        ax.plot(distances, bound, "--", color=color, lw=1.2, alpha=0.8)
    ax.plot(
        [], [], "--", color=COLORS["bound"], lw=1.2, label=r"bound $(\gamma\,\sigma_{max})^{T-k}$"
    )
    ax.set_yscale("log")
    lows = [np.min(n[n > 0]) for n, _ in curves.values()]
    ax.set_ylim(max(min(lows) / 10, 1e-30), 1e8)
    ax.set_xlim(0, distances[-1])
    ax.set_xlabel("distance T - k (steps back in time)")
    ax.set_ylabel(r"$\|\partial h_T/\partial h_k\|_2$")
    ax.legend(loc="lower left", fontsize=10)
    return fig


def plot_singular_values(spectra: dict[str, np.ndarray], ax: Axes | None = None) -> Figure:
    """The singular values of W_hh, largest first, one line per point of training.

    spectra: {label: singular values (H,)}."""
    fig, ax = axes_or_new(ax, (8, 3.5))
    cmap = plt.get_cmap("viridis")
    for i, (label, s) in enumerate(spectra.items()):
        ax.plot(np.arange(1, len(s) + 1), s, color=cmap(i / max(len(spectra) - 1, 1)), label=label)
    ax.axhline(1.0, color=COLORS["bound"], ls=":", lw=1)
    ax.set_xlabel("index i (largest first)")
    ax.set_ylabel(r"$\sigma_i(W_{hh})$")
    ax.set_yscale("log")
    ax.legend(loc="upper right", fontsize=10)
    return fig


def plot_input_gradients(
    M: np.ndarray,
    text: str,
    window: int | None = None,
    mean_by_distance: np.ndarray | None = None,
) -> Figure:
    """Left: the heat map ||dL_t/dx_s|| (row t: the prediction at step t, column s: the
    input at step s <= t, log colours). Right (optional): its mean over many texts
    against the distance t - s, with the gradient window k_2 of training (``window``)."""
    T = M.shape[0]
    panels = 2 if mean_by_distance is not None else 1
    fig, axes = plt.subplots(
        1,
        panels,
        figsize=(10, 5.2) if panels == 2 else (7, 5.2),
        gridspec_kw={"width_ratios": [1.35, 1]} if panels == 2 else None,
        squeeze=False,
    )
    ax = axes[0, 0]
    shown = np.where(np.tril(np.ones_like(M, dtype=bool)), M, np.nan)
    positive = M[M > 0]
    image = ax.imshow(
        shown,
        norm=LogNorm(vmin=max(positive.min(), positive.max() * 1e-4), vmax=positive.max()),
        cmap="magma_r",
        interpolation="nearest",
    )
    labels = [visible(c) for c in text[:T]]
    ax.set_xticks(range(T), labels, family="monospace", fontsize=8)
    ax.set_yticks(range(T), labels, family="monospace", fontsize=8)
    ax.set_xlabel("input character $x_s$")
    ax.set_ylabel("prediction after reading $x_t$")
    ax.grid(False)
    fig.colorbar(image, ax=ax, shrink=0.8, label=r"$\|\partial L_t/\partial x_s\|$")
    if mean_by_distance is not None:
        ax2 = axes[0, 1]
        d = np.arange(len(mean_by_distance))
        ax2.plot(d, mean_by_distance, color=COLORS["grad"])
        ax2.set_yscale("log")
        if window is not None:
            ax2.axvline(window, color=COLORS["bound"], ls="--")
            ax2.text(
                window,
                0.97,
                f" gradient window\n $k_2$ = {window}",
                transform=ax2.get_xaxis_transform(),
                va="top",
                fontsize=10,
                color=COLORS["bound"],
            )
        ax2.set_xlabel("distance t - s")
        ax2.set_ylabel(r"mean $\|\partial L_t/\partial x_s\|$")
        ax2.set_title("averaged over texts", fontsize=12)
    return fig


def plot_truncation_runs(
    runs: dict[str, np.ndarray], smooth: int = 50, ax: Axes | None = None
) -> Figure:
    """The loss of each training chunk in bits (measured before the update on it), as a
    running mean over ``smooth`` updates, one curve per truncation.

    runs: {label: bits per character of each update (n,)}."""
    fig, ax = axes_or_new(ax, (8, 3.6))
    for i, (label, bpc) in enumerate(runs.items()):
        mean = np.convolve(bpc, np.ones(smooth) / smooth, mode="valid")
        steps = np.arange(smooth, len(bpc) + 1)
        ax.plot(steps, mean, color=CURVE_COLORS[i % len(CURVE_COLORS)], label=label)
    ax.set_xlabel(f"update (running mean over {smooth} chunks)")
    ax.set_ylabel("bits per character")
    ax.legend(loc="upper right")
    return fig
