# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 08 · Truncated BPTT
#
# **What you will learn**
#
# * what "run $k_1$ steps forward, backpropagate $k_2$ steps" means exactly, also when $k_1$
#   does not divide $T$
# * which losses still send gradient to which steps, and how wrong the truncated gradient is
# * why truncation cannot learn a dependency longer than its window (measured)
# * what truncation costs per update and over a whole sequence, and what it saves (memory)
# * what *detaching* the hidden state does, and what it does not do
# * randomized truncation: unbiased, at the price of variance
#
# *About 45 minutes.*

# %% slideshow={"slide_type": "skip"}
from functools import partial

import matplotlib.pyplot as plt
import numpy as np

import rnnlib
from rnnlib.checks.truncation import check_detached, check_reach
from rnnlib.experiments import measure_cost, run_echo
from rnnlib.report import table
from rnnlib.truncation import (
    full_gradient,
    literal_blocks,
    measured_reach,
    randomized_mean_errors,
    reach_from_blocks,
    reach_matrix,
    truncation_errors,
    windowed_gradient,
)
from rnnlib.viz import truncation as vt
from rnnlib.viz import use_course_style
from rnnlib.widgets.truncation import TruncationExplorer

use_course_style()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Why truncate?
#
# Full BPTT on a sequence of $T$ steps stores the whole forward pass ($x_t, z_t, h_t, y_t$
# for every $t$) and makes **one** update, after step $T$. For a text of a million
# characters that is a million stored steps per update.
#
# Truncated BPTT keeps running the forward pass over the whole sequence but cuts the
# backward passes short: every $k_1$ steps it backpropagates through only the last
# $k_2$ steps and updates the parameters.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Truncated BPTT, precisely
#
# A backward pass runs at $t_{end} = k_1, 2k_1, 3k_1, \dots$, and once more at $T$ when
# $k_1$ does not divide $T$. The pass at $t_{end}$
#
# * carries the losses since the previous pass: $L_u$ for $t_{loss} < u \le t_{end}$
#   ($t_{loss}$ is the previous $t_{end}$, or 0);
# * goes back through these steps and up to $k_2 - k_1$ steps before them: the steps
#   $t_{stop} < s \le t_{end}$ with $t_{stop} = \max\big(t_{loss} - (k_2 - k_1),\ 0\big)$,
#   but $t_{stop} = 0$ when $k_2 \ge T$: then nothing is truncated.
#
# The gradients of all passes are summed. A full block ($k_1$ new losses) goes back at
# most $k_2$ steps, exactly $k_2$ once $t_{loss} \ge k_2 - k_1$.

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** Draw a time line on the board and mark $t_{end} = 3, 6, 9, 10$ for
# $T = 10$, $k_1 = 3$. For each pass, shade its new losses, then extend the shading
# $k_2 - k_1$ steps to the left. The last pass at $T = 10$ carries one loss only: ask the
# room how far back it should go before revealing the rule (as far before its first loss as
# every other pass, so that no loss is treated differently).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The truncated gradient as a formula
#
# Write $t_{stop}(u)$ for the $t_{stop}$ of the pass that carries $L_u$. Of the terms of
# full BPTT, truncation keeps those whose step $s$ lies inside that pass:
#
# $$\tilde g = \sum_{u=1}^{T} \sum_{s = t_{stop}(u)+1}^{u}
#   \frac{\partial L_u}{\partial h_u}\,\frac{\partial h_u}{\partial h_s}\,\frac{\partial^+ h_s}{\partial \theta}$$
#
# ($\partial^+ h_s/\partial\theta$: the direct dependence of $h_s$ on the parameters at step
# $s$.) Full BPTT is the same sum with $t_{stop}(u) = 0$.
#
# With $k_2 = k_1$: $t_{stop} = t_{loss}$, so no pass goes back past the previous one.
# That is exactly "detach the hidden state every $k_1$ steps", for every $T$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### BPTT($k_2$; $k_1$), but `truncate=(k1, k2)`
#
# Williams and Peng (1990) named the depth first: BPTT($h$) backpropagates $h$ steps,
# after every step, and BPTT($h$; $h'$) adds how often, every $h'$ steps, as a second
# argument. In that name the depth is what defines the method. Code follows the order
# of events, "run $k_1$ steps, then go back $k_2$", as Sutskever (2013) writes it. So
# BPTT($k_2$; $k_1$) and `truncate=(k1, k2)` are the same method; `truncate=k1` means
# `(k1, k1)`, detaching every $k_1$ steps.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The passes of one example

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** $T = 10$, $k_1 = 3$, $k_2 = 5$. List every backward pass as
# $(t_{end}, t_{loss}, t_{stop})$. Which steps does the last pass go through?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
# Passes at $t_{end} = 3, 6, 9$ and $10$, with $t_{loss} = 0, 3, 6, 9$ and
# $t_{stop} = \max(t_{loss} - 2, 0) = 0, 1, 4, 7$: $(3, 0, 0)$, $(6, 3, 1)$, $(9, 6, 4)$,
# $(10, 9, 7)$. The last pass carries $L_{10}$ only and goes through steps 8, 9, 10: the
# $k_2 - k_1 = 2$ steps before its loss, not 5 steps back from $T$.

# %% [markdown] slideshow={"slide_type": "fragment"}
# `rnnlib.truncation_blocks(T, (k1, k2))` lists the passes:

# %% slideshow={"slide_type": "fragment"}
blocks = rnnlib.truncation_blocks(10, (3, 5))
print(table(blocks, ["t_end", "t_loss", "t_stop"]))
assert blocks == [(3, 0, 0), (6, 3, 1), (9, 6, 4), (10, 9, 7)]
# k2 >= T: every pass reaches step 1, although max(t_loss - (k2 - k1), 0) = 2 at the last
assert [t_stop for _, _, t_stop in rnnlib.truncation_blocks(10, (4, 10))] == [0, 0, 0]

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### On a time line
#
# Each bar is one backward pass, running right to left from $t_{end}$ to $t_{stop}+1$; the
# dots are the losses it carries. Detaching every 4 steps with $T = 10$ leaves a last chunk
# of 2 steps. With $k_1 < k_2$ the bars overlap: some steps are gone through twice.

# %% slideshow={"slide_type": "fragment"}
fig = vt.plot_backward_passes(10, [None, 4, (3, 5)])
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Reading "100 forward, 10 back" literally
#
# One of the source notes describes truncation as "process 100 steps forward,
# backpropagate through only the last 10". Read literally, a pass every $k_1 = 100$ steps
# that goes back $k_2 = 10$ steps never reaches the losses of the first 90 of every 100
# steps: they send no gradient at all (see [ERRATA.md](../ERRATA.md#erratum-12), entry 12).
# Every loss is used only when $k_2 \ge k_1$.

# %% slideshow={"slide_type": "fragment"}
R_literal = reach_from_blocks(1000, literal_blocks(1000, k1=100, k2=10))
lost = np.mean(R_literal.sum(axis=1) == 0)  # losses that reach no step at all
print(f"fraction of losses that send no gradient: {lost:.2f}")
assert np.isclose(lost, 0.9)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Who reaches whom
#
# The **reach matrix**: row $u$ is the loss $L_u$, column $s$ the use of the parameters at
# step $s$; an entry is filled when $L_u$ sends gradient to step $s$. From the formula,
# $L_u$ reaches exactly the steps $t_{stop}(u) < s \le u$. Full BPTT fills the lower
# triangle $s \le u$.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** Detaching every 4 steps with $T = 10$: which steps does $L_{10}$ reach?
# And $L_8$?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
# The passes are $(4, 0, 0)$, $(8, 4, 4)$, $(10, 8, 8)$. $L_{10}$ is carried by
# the last pass, so it reaches steps 9 and 10 only; $L_8$ is carried by the pass at 8,
# which stops at 4, so it reaches steps 5 to 8.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Three reach matrices

# %% slideshow={"slide_type": "fragment"}
configs = [None, 4, (3, 5)]
fig = vt.plot_reach(10, configs)
plt.show()
R4 = reach_matrix(10, 4)
assert list(np.flatnonzero(R4[10 - 1]) + 1) == [9, 10]
assert list(np.flatnonzero(R4[8 - 1]) + 1) == [5, 6, 7, 8]

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Measured, not just drawn
#
# `measured_reach` puts $\partial L/\partial y_u = 1$ at a single step $u$, runs
# `rnnlib.bptt` with the truncation, and marks the steps whose $\partial L/\partial z_s$ is
# not zero. It agrees with the picture for every configuration.

# %% slideshow={"slide_type": "fragment"}
params_small = rnnlib.init_params(1, 8, 1, seed=0, scheme="xavier")
xs_small, _ = rnnlib.sine_next_step(10, 1, seed=0)
rows = []
for cfg in configs:
    R = measured_reach(params_small, xs_small[:, 0], truncate=cfg)
    assert np.array_equal(R, reach_matrix(10, cfg))
    rows.append([str(cfg), int(R.sum())])
assert rows[0][1] == 10 * 11 // 2  # full BPTT: the lower triangle with its diagonal
print(table(rows, ["truncate", "filled entries (of 55 for full)"]))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## How wrong is the truncated gradient?
#
# A tanh RNN ($H = 16$, orthogonal $W_{hh}$ with $\rho = 0.95$) predicts the next value of a
# sine wave for $T = 40$ steps, with a loss at every step. We compare the truncated
# gradient with the full one (relative error over all five parameters) as $k_2$ grows,
# once detaching every $k_2$ steps ($k_1 = k_2$) and once with a pass at every step
# ($k_1 = 1$).

# %% slideshow={"slide_type": "fragment"}
T = 40
params = rnnlib.init_params(1, 16, 1, seed=0, scheme="orthogonal", radius=0.95, scale=0.5)
xs, targets = rnnlib.sine_next_step(T, 1, seed=0)
trace = rnnlib.forward(params, xs)
_, dys = rnnlib.mse(trace.ys, targets)
k2s = np.arange(1, T + 6)
err_kk = truncation_errors(params, trace, dys, k2s)  # k1 = k2
err_1k = truncation_errors(params, trace, dys, k2s, k1=1)  # a pass at every step
print(
    table(
        [[k2, err_kk[k2 - 1], err_1k[k2 - 1]] for k2 in (1, 5, 10, 20, 34, 39, 40)],
        ["k2", "k1 = k2", "k1 = 1"],
        digits=2,
    )
)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The error against $k_2$

# %% slideshow={"slide_type": "fragment"}
fig = vt.plot_errors(
    k2s, {"$k_1 = k_2$ (detach every $k_2$)": err_kk, "$k_1 = 1$ (a pass at every step)": err_1k}, T
)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the curves say
#
# * With a pass at every step, every loss goes back $k_2$ steps (or to step 1): the error falls
#   steadily as $k_2$ grows.
# * Detaching every $k_2$ steps, a loss early in a chunk reaches only a few steps, and the
#   chunk boundaries move with $k_2$: the error is not monotone (here it is larger at
#   $k_2 = 34$, which leaves a last chunk of 6 steps, than at $k_2 = 20$).
# * From $k_2 = T$ on both are the full gradient, up to rounding.

# %% slideshow={"slide_type": "fragment"}
assert np.all(np.diff(err_1k[: T - 1]) < 0)  # k1 = 1: falls at every k2 < T
assert err_kk[34 - 1] > err_kk[20 - 1]  # detaching: not monotone
assert np.all(err_kk[T - 1 :] < 1e-12) and np.all(err_1k[T - 1 :] < 1e-12)
assert np.all(err_1k[: T - 1] <= err_kk[: T - 1] + 1e-12)
print("k1 = 1 falls steadily; detaching is not monotone; k2 >= T: exact up to rounding")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What truncation cannot learn
#
# A **delayed echo**: the input $x_t$ is a random bit, the target is the bit read $d$
# steps earlier, $y^\star_t = x_{t-d}$ (`rnnlib.delayed_echo`). We take $d = 6$ and train
# a tanh RNN detaching the hidden state every $k_1$ steps ($k_2 = k_1$).
#
# **Chance level.** Without a memory of $x_{t-d}$ the best answer is its mean $\tfrac12$,
# with MSE $\mathrm{Var}(x_{t-d}) = \tfrac12\cdot\tfrac12 = \tfrac14$ on the steps
# $t > d$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Which windows can carry the dependency?
#
# $y_u$ depends on $x_{u-d}$ through the chain $h_{u-d} \to h_{u-d+1} \to \dots \to h_u$:
# the recurrent steps $u-d+1, \dots, u$, each applying $W_{hh}$. The truncated gradient of
# $L_u$ keeps only the steps $s > t_{stop}(u)$. If $u - t_{stop}(u) < d$, some of the chain
# lies outside, and nothing in the gradient asks the network to carry $x_{u-d}$ to step
# $u$. Detaching every $k_1$ steps gives $u - t_{stop}(u) \le k_1$.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** With $d = 6$: which losses have a window that spans the chain when
# $k_1 = 3$? When $k_1 = 12$?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
# With $k_1 = 3$ none: every window has at most 3 steps. With $k_1 = 12$ the
# losses at positions 6 to 12 of each chunk: 7 of every 12.

# %% slideshow={"slide_type": "fragment"}
d = 6


def spanning(T, k1):
    """Fraction of the losses L_u, u > d, whose pass goes back at least d steps."""
    reach = [
        u - t_stop
        for t_end, t_loss, t_stop in rnnlib.truncation_blocks(T, k1)
        for u in range(t_loss + 1, t_end + 1)
        if u > d
    ]
    return np.mean(np.array(reach) >= d)


print(f"k1 = 3: {spanning(1200, 3):.3f} of the losses;  k1 = 12: {spanning(1200, 12):.3f}")
assert spanning(1200, 3) == 0 and np.isclose(spanning(1200, 12), 7 / 12, atol=0.01)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Trained, with windows either side of the delay
#
# `run_echo` trains with `rnnlib.train_tbptt` (Adam, learning rate $10^{-2}$, $H = 16$):
# 32 sequences of 400 steps, 3 passes over them, one update per chunk. Then it measures the
# MSE on fresh sequences (steps $t > d$) and the chance level on the same targets.

# %% slideshow={"slide_type": "fragment"}
windows = [3, 5, 6, 12]
echo = {
    k1: run_echo(d, k1, T=400, batch=32, epochs=3, n_hidden=16, lr=1e-2, seed=1) for k1 in windows
}
ratio = {k1: r["test_mse"] / r["chance"] for k1, r in echo.items()}
print(f"chance level: {echo[3]['chance']:.4f}  (1/4 = 0.25)")
print(
    table(
        [[k1, echo[k1]["test_mse"], ratio[k1]] for k1 in windows],
        ["detach every k1 = k2", "test MSE", "/ chance"],
        digits=3,
    )
)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Test error against the window

# %% slideshow={"slide_type": "fragment"}
fig = vt.plot_window_sweep(windows, [ratio[k1] for k1 in windows], d)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Within this budget, for this seed
#
# Windows shorter than the delay stay at chance
# (within 10 % of it, or above), windows at least as long learn the echo (below 10 % of
# chance). A short window's gradient has no term linking $L_u$ to $x_{u-d}$: whatever
# such a network learns about the echo, it learns by accident, when what its shared
# weights learned for shorter spans happens to carry further. Try other seeds with
# `run_echo(6, 5, seed=...)`.

# %% slideshow={"slide_type": "fragment"}
assert abs(echo[3]["chance"] - 0.25) < 0.005
assert ratio[3] > 0.9 and ratio[5] > 0.9
assert ratio[6] < 0.1 and ratio[12] < 0.1
print({k1: f"{v:.2f} x chance" for k1, v in ratio.items()})

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** Ask why $k_1 = d = 6$ is enough although the loss at the end of a
# 6-step chunk cannot send gradient to $x_{u-6}$ itself: that input entered $h_{u-6}$,
# the detached starting state, and the chunk's six recurrent steps (all inside the window)
# learn to carry it. Windows shorter than the delay are not exactly at chance for every
# seed: the untrained recurrence keeps a fading echo of past bits that $W_{hy}$ can partly
# read, which is why the claim is scoped to this seed and budget.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Explore: the truncation length
#
# Move **truncation length** ($k_1 = k_2$, detaching): the reach matrix splits into blocks
# of that many steps, and the marker shows the relative error of that gradient.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
explorer = TruncationExplorer(T=40, k1=5)
explorer

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** Move $k_1$ from 1 to 40. Point at the first column block: with small
# $k_1$ the loss at step 40 reaches only the last few steps. Ask: at which $k_1$ does the
# error become exactly zero, and why is the curve not monotone? (The chunk boundaries move
# with $k_1$; a loss just after a boundary reaches almost nothing.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What truncation costs, and what it saves
#
# Count the work in steps (one step forward or back through one time step) for a
# streaming implementation, which computes each step forward once and keeps the last
# $k_2$ steps' $z_t$ and $h_t$ in a buffer:
#
# | | full BPTT | truncated, $(k_1, k_2)$ |
# |---|---|---|
# | one update | $T$ forward, $T$ back | $k_1$ forward, up to $k_2$ back |
# | stored | $T$ steps | $k_2$ steps |
# | updates per sequence | 1 | $\lceil T/k_1\rceil$ |
# | whole sequence | $T$ forward, $T$ back | $T$ forward, $\approx T k_2/k_1$ back |
#
# Per update the cost is $O(k_2)$ instead of $O(T)$; only the **backward** work repeats
# when $k_1 < k_2$. So "it helps save memory and time", as the notes say of truncated BPTT,
# holds per update; over a whole sequence it saves no work (see
# [ERRATA.md](../ERRATA.md#erratum-13), entry 13).

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** Stress "per update": truncation buys many cheap updates and a flat
# memory, not a cheaper pass over the data. When training, a streaming implementation's
# buffered states were computed with the parameters before the last update;
# `rnnlib.train_tbptt` and `windowed_gradient` recompute each window from $h_{t_{stop}}$
# instead, which keeps the code short and, for $k_1 < k_2$, repeats forward work too.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The counts, from the passes
#
# Each pass goes back $t_{end} - t_{stop}$ steps. Summed over the passes of $T = 2000$:

# %% slideshow={"slide_type": "fragment"}
rows = []
for k1, k2 in [(50, 50), (10, 50)]:
    passes = rnnlib.truncation_blocks(2000, (k1, k2))
    back = sum(t_end - t_stop for t_end, _, t_stop in passes)
    rows.append([f"({k1}, {k2})", len(passes), 2000, back, max(e - s for e, _, s in passes)])
    assert abs(back - 2000 * k2 / k1) <= k2 * k2 / k1
assert rows[0][3] == 2000 and rows[1][3] == 9900  # the first passes of (10, 50) are shorter
print(table(rows, ["(k1, k2)", "updates", "steps forward", "steps back", "longest pass"]))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A trainer that keeps only the window
#
# `windowed_gradient` computes the truncated gradient while storing only the current
# window: for each pass it runs forward over $t_{stop} < s \le t_{end}$ from the stored
# $h_{t_{stop}}$, backpropagates, adds the gradients and forgets the window. First: it is
# the same gradient as `rnnlib.bptt(..., truncate=(k1, k2))`.

# %% slideshow={"slide_type": "fragment"}
xs_long, targets_long = rnnlib.sine_next_step(300, 8, seed=1)
params_cost = rnnlib.init_params(1, 16, 1, seed=0, scheme="xavier")
trace_long = rnnlib.forward(params_cost, xs_long)
_, dys_long = rnnlib.mse(trace_long.ys, targets_long, form="half_sum")
for k1, k2 in [(50, 50), (10, 50), (40, 40)]:  # 40 does not divide 300
    g_ref = rnnlib.bptt(params_cost, trace_long, dys_long, truncate=(k1, k2))
    g_win = windowed_gradient(params_cost, xs_long, targets_long, k1, k2)
    worst = max(rnnlib.rel_error(g_win[name], g_ref[name]) for name in rnnlib.PARAM_NAMES)
    assert worst < 1e-12
    print(f"k1 = {k1}, k2 = {k2}: same gradients (largest relative difference below 1e-12)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Measured: per update, per sequence, memory
#
# $B = 4$ sequences, $H = 16$, detaching every 50 steps, against full BPTT: the best of 5
# runs each, taking turns, in processor time (the time the computation itself ran, which
# other programs on a shared machine hardly change). Times still differ from machine to
# machine.

# %% slideshow={"slide_type": "fragment"}
Ts = [200, 400, 800, 1600]
names = ["full BPTT", "detach every 50"]
per_update, total, peak = ({n: [] for n in names} for _ in range(3))
for T_cost in Ts:
    xs_c, targets_c = rnnlib.sine_next_step(T_cost, 4, seed=2)
    cost = measure_cost(
        {
            "full BPTT": partial(full_gradient, params_cost, xs_c, targets_c),
            "detach every 50": partial(windowed_gradient, params_cost, xs_c, targets_c, 50, 50),
        }
    )
    for n, updates in zip(names, [1, len(rnnlib.truncation_blocks(T_cost, 50))], strict=True):
        total[n].append(cost[n][0])
        per_update[n].append(cost[n][0] / updates)
        peak[n].append(cost[n][1])

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The numbers

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
rows = [
    [str(T_c), *(1e3 * total[n][i] for n in names), 1e3 * per_update[names[1]][i]]
    + [peak[n][i] / 2**20 for n in names]
    for i, T_c in enumerate(Ts)
]
headers = ["T", "full ms", "window ms", "window ms/update", "full MiB", "window MiB"]
print(table(rows, headers, digits=3))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The cost, plotted

# %% slideshow={"slide_type": "fragment"}
fig = vt.plot_cost(Ts, per_update, total, peak)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Reading the measurement
#
# * **Per update** full BPTT grows with $T$ (a fixed cost per pass plus a part
#   proportional to $T$); a window's work stays $k_2$ steps.
# * **Memory** of full BPTT grows with $T$; the window's stays flat.
# * **The whole sequence** takes time that grows with $T$ for both: the window computes
#   the same steps, plus a fixed cost per pass (each pass calls `forward`, `mse` and
#   `bptt`, which check inputs and allocate arrays), paid $T/50$ times. That is why the
#   window can take longer in total; by how much depends on the machine and the sizes.

# %% slideshow={"slide_type": "fragment"}
full_mem, win_mem = np.array(peak["full BPTT"]), np.array(peak["detach every 50"])
growth = Ts[-1] / Ts[0]
assert full_mem[-1] / full_mem[0] > 0.7 * growth  # roughly proportional to T
assert win_mem[-1] / win_mem[0] < 1.3  # flat in T
assert full_mem[-1] > 10 * win_mem[-1]
slower = per_update["full BPTT"][-1] / per_update["detach every 50"][-1]
assert slower > 4  # per update: T = 1600 steps against 50 (a ratio near 32 minus fixed costs)
assert per_update["full BPTT"][-1] > 2 * per_update["full BPTT"][0]  # grows with T
assert all(total[n][-1] > 2 * total[n][0] for n in names)  # the whole sequence: grows
print(f"T grew {growth:.0f}x: full-BPTT memory grew in proportion, the window's stayed flat")
print("per update, full BPTT at T = 1600 took more than 4 times as long as one window,")
print("and more than twice as long as at T = 200")
print("the whole sequence took more than twice as long at T = 1600 as at T = 200, for both")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The fixed cost of one pass
#
# One call on a single step is almost all fixed cost; one call on 50 steps is one pass of
# the window.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
x1, t1 = rnnlib.sine_next_step(1, 4, seed=2)
x50, t50 = rnnlib.sine_next_step(50, 4, seed=2)
one = measure_cost(
    {
        "1 step": partial(full_gradient, params_cost, x1, t1),
        "50 steps": partial(full_gradient, params_cost, x50, t50),
    },
    repeat=20,
)
fixed, pass50 = one["1 step"][0], one["50 steps"][0]
n_passes = len(rnnlib.truncation_blocks(1600, 50))
print(
    f"one pass over 1 step: {1e3 * fixed:.2f} ms, over 50 steps: {1e3 * pass50:.2f} ms; "
    f"the fixed cost is {fixed / pass50:.0%} of a 50-step pass, paid {n_passes} times at "
    f"T = 1600 ({1e3 * n_passes * fixed:.1f} ms)"
)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Detaching: the value is carried, the gradient path is cut
#
# Detaching means: the next chunk **starts from the value** $h_t$ reached by the previous
# chunk, but treats it as a constant, so no gradient flows through it into the earlier
# chunk. It does **not** reset the state to zero.

# %% slideshow={"slide_type": "fragment"}
k1 = 10
trace_all = rnnlib.forward(params, xs)  # one pass over all 40 steps
chunk2 = rnnlib.forward(params, xs[k1 : 2 * k1], h0=trace_all.hs[k1])  # carried value
chunk2_reset = rnnlib.forward(params, xs[k1 : 2 * k1])  # a reset: h0 = 0
gap_carried = np.abs(chunk2.hs - trace_all.hs[k1 : 2 * k1 + 1]).max()
gap_reset = np.abs(chunk2_reset.hs - trace_all.hs[k1 : 2 * k1 + 1]).max()
print(f"carried: max |h difference| = {gap_carried}")
print(f"reset:   max |h difference| = {gap_reset:.3f}")
assert gap_carried == 0 and gap_reset > 0.1

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The cut, seen in the gradient
#
# Detaching every 10 steps, the loss at step 15 reaches steps 11 to 15 only:
# $\partial L_{15}/\partial z_s$ is zero for $s \le 10$, although $h_{10}$ did influence $h_{15}$.

# %% slideshow={"slide_type": "fragment"}
dys_15 = np.zeros_like(trace.ys)
dys_15[15 - 1] = 1.0
g_cut = rnnlib.bptt(params, trace, dys_15, truncate=10)
g_all = rnnlib.bptt(params, trace, dys_15)
reached = [s for s in range(1, T + 1) if np.any(g_cut.dzs[s - 1] != 0)]
print("steps reached with truncation:", reached)
print(f"full BPTT: ||dL_15/dz_10|| = {np.linalg.norm(g_all.dzs[10 - 1]):.3f} (not zero)")
assert reached == list(range(11, 16)) and np.linalg.norm(g_all.dzs[10 - 1]) > 0

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Randomized truncation
#
# Fixed truncation is **biased**: it drops the long-range terms every time. Tallec and
# Ollivier (2017), and the BPTT chapter of d2l.ai, cut at random instead: the gradient
# passed from step $t$ back to $h_{t-1}$ is multiplied by
#
# $$\xi_t = \begin{cases} 0 & \text{with probability } 1-p \\ 1/p & \text{with probability } p \end{cases},
# \qquad \mathbb{E}[\xi_t] = 1 .$$
#
# A path from step $t$ back to step $s$ survives with probability $p^{t-s}$ but is scaled
# by $p^{-(t-s)}$, so on average every term of full BPTT is kept: the estimate is
# **unbiased**. A backward pass goes back $1/(1-p)$ steps on average.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Monte Carlo: the mean converges to the full gradient
#
# With $p = 0.8$ (5 steps back on average) we draw 512 randomized gradients, average them
# in groups of $n$, and measure the error of the mean, against fixed truncation every 5
# steps.

# %% slideshow={"slide_type": "fragment"}
ns = [1, 2, 4, 8, 16, 32, 64, 128]
err_rand = randomized_mean_errors(params, trace, dys, ns, n_draws=512, p_continue=0.8)
err_fixed = truncation_errors(params, trace, dys, [5])[0]
slope = np.polyfit(np.log(ns), np.log(err_rand), 1)[0]
print(
    table([[n, e] for n, e in zip(ns, err_rand, strict=True)], ["n", "error of the mean"], digits=3)
)
print(f"fitted slope of log(error) vs log(n): {slope:.2f}; fixed, every 5 steps: {err_fixed:.3f}")
assert -0.6 < slope < -0.4  # error ~ 1/sqrt(n): the mean converges to the full gradient
assert err_rand[-1] < err_fixed / 5

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Randomized against fixed truncation

# %% slideshow={"slide_type": "fragment"}
fig = vt.plot_randomized(ns, err_rand, err_fixed, "detach every 5 steps (bias)")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Variance instead of bias
#
# Averaging more fixed-truncation gradients never helps: they are all the same number.
# Randomized truncation pays with **variance** instead (one draw is worse than fixed
# truncation) and the variance grows like $p^{-(t-s)}$ along long paths, so it is used with
# care (and with $p$ close to 1).

# %% slideshow={"slide_type": "fragment"}
assert err_rand[0] > err_fixed
print(f"one randomized draw: {err_rand[0]:.3f}, fixed: {err_fixed:.3f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn 1: who reaches whom
#
# Write `reach(T, k1, k2)`: a $T\times T$ array of 0/1 whose entry `[u-1, s-1]` is 1 when
# the loss at step $u$ sends gradient to step $s$. Use the rule of this notebook: the pass
# that carries $L_u$ starts after the previous pass $t_{loss}$ (a multiple of $k_1$) and
# stops at $t_{stop} = \max(t_{loss} - (k_2 - k_1), 0)$, or 0 when $k_2 \ge T$. The checker
# also uses values of $T$ that $k_1$ does not divide.


# %% slideshow={"slide_type": "fragment"} tags=["exercise"]
def reach(T, k1, k2):
    """R (T, T) with R[u-1, s-1] = 1 iff t_stop(u) < s <= u."""
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "fragment"}
result = check_reach(reach)


# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def reach_reference(T, k1, k2):
    """R (T, T) with R[u-1, s-1] = 1 iff t_stop(u) < s <= u."""
    R = np.zeros((T, T), dtype=int)
    for u in range(1, T + 1):
        t_loss = (u - 1) // k1 * k1  # the previous pass ends at the multiple of k1 before u
        t_stop = 0 if k2 >= T else max(t_loss - (k2 - k1), 0)
        R[u - 1, t_stop:u] = 1  # steps s = t_stop + 1 .. u
    return R


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn 2: truncated BPTT by detaching
#
# Write `detached_gradients(params, xs, targets, k1)` using only `rnnlib.forward`,
# `rnnlib.mse(..., form="half_sum")` and `rnnlib.bptt` **without** its `truncate`
# argument: cut the sequence into chunks of `k1` steps (the last one shorter when $k_1$ does
# not divide $T$), start each chunk from the last hidden state of the previous one, and
# sum the chunks' gradients. The checker compares with `rnnlib.bptt(..., truncate=k1)`.


# %% slideshow={"slide_type": "fragment"} tags=["exercise"]
def detached_gradients(params, xs, targets, k1):
    """Sum over chunks of k1 steps of the chunk's BPTT gradients (dict of the five
    parameters), each chunk starting from the carried (detached) hidden state."""
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "fragment"}
result = check_detached(detached_gradients)


# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def detached_gradients_reference(params, xs, targets, k1):
    """Sum over chunks of k1 steps of the chunk's BPTT gradients."""
    total = dict.fromkeys(rnnlib.PARAM_NAMES, 0.0)
    h = None  # h_0 = 0 for the first chunk
    for start in range(0, xs.shape[0], k1):  # the last chunk may be shorter
        chunk = rnnlib.forward(params, xs[start : start + k1], h0=h)
        _, dys_chunk = rnnlib.mse(chunk.ys, targets[start : start + k1], form="half_sum")
        grads = rnnlib.bptt(params, chunk, dys_chunk)
        total = {name: total[name] + grads[name] for name in total}
        h = chunk.hs[-1]  # the value is carried; no gradient flows back through it
    return total


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# * `truncate=(k1, k2)` is BPTT($k_2$; $k_1$): every $k_1$ steps and at $T$, the losses
#   since the last pass go back through themselves and up to $k_2 - k_1$ more steps
#   (to step 1 when $k_2 \ge T$: full BPTT). $k_2 = k_1$ detaches every $k_1$ steps.
# * A loss reaches only the steps of its window: a biased gradient. The echo longer than
#   the window was not learned.
# * Per update: $O(k_2)$ time and memory instead of $O(T)$; per sequence: no saving.
# * Detaching keeps the value and cuts the gradient; it is not a reset.
# * Randomized truncation is unbiased, at the price of variance.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check your understanding
#
# 1. Detaching every 3 steps with $T = 8$: list the passes. Which steps does $L_7$ reach?
#    And $L_8$?
# 2. Why does "forward 100, backward 10" need $k_2 \ge k_1$ to use every loss?
# 3. A task needs to remember an input for 30 steps. Can truncation every 10 steps learn
#    it from its gradient? Can BPTT(40; 10)?
# 4. Why is the memory of the windowed trainer flat in $T$, while its time for the whole
#    sequence is not?
# 5. BPTT(50; 10) on $T = 2000$: how many steps back in total, and how many forward in a
#    streaming implementation?
# 6. Why is the mean of many *fixed*-truncation gradients not closer to the full gradient?
#
# [← 07 · Gradient clipping](07_gradient_clipping.ipynb) | [Index](00_start_here.ipynb) | [09 · Long-term dependencies →](09_long_term_dependencies.ipynb)

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["answers"]
# **Answers.**
#
# 1. Passes $(3, 0, 0)$, $(6, 3, 3)$, $(8, 6, 6)$. $L_7$ is carried by the last pass and
#    reaches step 7 only; $L_8$ reaches steps 7 and 8.
# 2. A pass at $t_{end}$ goes back to $t_{end} - k_2$. With $k_2 < k_1$ the losses of steps
#    $t_{end} - k_1 < u \le t_{end} - k_2$ lie outside their own pass, and no other pass
#    carries them: they send no gradient (90 % of them for 100 and 10).
# 3. Detaching every 10 steps: no; every window has at most 10 steps, so no loss's
#    gradient contains the 30-step chain. BPTT(40; 10): its gradient contains the chain
#    (every loss in a full block has a window of 31 to 40 steps); that is necessary, not
#    sufficient: notebook 09 shows that such a gradient may still vanish.
# 4. It keeps one window of $k_2$ steps, whatever $T$ is; but every step of the sequence
#    is still computed forward and backward (at least) once, so time grows with $T$.
# 5. About $2000 \cdot 50/10 = 10\,000$ steps back (the table counted 9900: the first
#    passes are shorter), and 2000 forward: each step is computed forward once and kept in
#    the buffer.
# 6. They are all the same number: fixed truncation is deterministic, and its error is a
#    bias, not noise. Averaging only removes noise, as it does for randomized truncation.

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** Give pairs five minutes on questions 1, 3 and 5; each has a
# number to work out on paper. The answers are in the collapsed cell above.
