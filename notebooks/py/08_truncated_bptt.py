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
# * what "process $k_1$ steps forward, backpropagate $k_2$ steps" means exactly: BPTT($k_2$; $k_1$)
# * which losses still send gradient to which time steps, and how wrong the truncated gradient is
# * what truncation saves (memory) and what it does not (time)
# * what *detaching* the hidden state does, and what it does not do
# * randomized truncation: cheap on average, yet unbiased
#
# *About 40 minutes.*

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

import rnnlib
from rnnlib.checks.truncation import check_detached, check_reach
from rnnlib.experiments import measure_cost
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
# Full BPTT on a sequence of length $T$ stores the whole forward pass ($x_t, z_t, h_t, y_t$
# for every $t$) and makes **one** update after reaching step $T$. For a text of a million
# characters that is a million stored steps per update.
#
# The intuitive notes sum up the fix: *process 100 steps forward, then backpropagate through
# only the last 10.* The forward pass keeps running over the whole sequence; only the
# backward passes are cut short.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### BPTT($k_2$; $k_1$) precisely
#
# Every $k_1$ steps (and at $T$) the network stops at step $t_{end}$ and runs one backward
# pass: the losses of the $k_1$ **new** steps $t_{end}-k_1 < u \le t_{end}$ are backpropagated
# through the last $k_2 \ge k_1$ steps $t_{end}-k_2 < s \le t_{end}$, and the gradients of
# all passes are summed. With $t_{stop}(u) = \max(t_{end}(u) - k_2, 0)$:
#
# $$\tilde g = \sum_{u=1}^{T} \sum_{s = t_{stop}(u)+1}^{u}
#   \frac{\partial L_u}{\partial h_u}\,\frac{\partial h_u}{\partial h_s}\,\frac{\partial h_s}{\partial \theta_s}$$
#
# Full BPTT is the same sum with $t_{stop} = 0$. Detaching every $k$ steps is $k_1 = k_2 = k$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The backward passes as a list
#
# `rnnlib.truncation_blocks(T, (k1, k2))` lists the passes as triples
# $(t_{end}, t_{loss}, t_{stop})$: losses $t_{loss} < u \le t_{end}$, steps $t_{stop} < s \le t_{end}$.

# %% slideshow={"slide_type": "fragment"}
blocks = rnnlib.truncation_blocks(12, (3, 6))
print(table(blocks, ["t_end", "t_loss", "t_stop"]))
assert blocks[0] == (3, 0, 0) and blocks[-1] == (12, 9, 6)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### On a time line
#
# Each bar is one backward pass, running right to left from $t_{end}$ to $t_{stop}+1$; the
# dots are the losses it carries. With $k_1 < k_2$ the bars overlap: some steps are gone
# through several times.

# %% slideshow={"slide_type": "fragment"}
fig = vt.plot_backward_passes(12, [None, 4, (3, 6)])
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Reading "100 forward, 10 back" literally
#
# If a pass starts every $k_1 = 100$ steps and goes back only $k_2 = 10$, the losses of the
# first 90 of each 100 steps are never backpropagated at all: they lie outside every
# pass. So the notes' sentence is loose; precisely, it needs $k_2 \ge k_1$ (e.g.
# $k_1 = k_2 = 10$, or $k_1 = 1$, $k_2 = 10$) so that every loss goes back up to $k_2$ steps.

# %% slideshow={"slide_type": "fragment"}
R_literal = reach_from_blocks(1000, literal_blocks(1000, k1=100, k2=10))
lost = np.mean(R_literal.sum(axis=1) == 0)  # losses that reach no step at all
print(f"fraction of losses that send no gradient: {lost:.2f}")
assert np.isclose(lost, 0.9)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Who reaches whom
#
# The **reach matrix**: row $u$ is the loss $L_u$, column $s$ the use of the parameters at
# step $s$ (the term $\partial h_s/\partial\theta_s$); an entry is filled when $L_u$ sends
# gradient to step $s$. Full BPTT fills the whole lower triangle $s \le u$.

# %% slideshow={"slide_type": "fragment"}
configs = [None, 4, (2, 6)]
fig = vt.plot_reach(12, configs)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Measured, not just drawn
#
# `measured_reach` puts $\partial L/\partial y_u = 1$ at a single step $u$, runs
# `rnnlib.bptt` with the truncation, and marks the steps whose $\partial L/\partial z_s$ is
# not zero. It agrees with the picture for every configuration.

# %% slideshow={"slide_type": "fragment"}
params_small = rnnlib.init_params(1, 8, 1, seed=0, scheme="xavier")
xs_small, _ = rnnlib.sine_next_step(12, 1, seed=0)
rows = []
for cfg in configs:
    R = measured_reach(params_small, xs_small[:, 0], truncate=cfg)
    assert np.array_equal(R, reach_matrix(12, cfg))
    rows.append([str(cfg), int(R.sum())])
print(table(rows, ["truncate", "filled entries (of 78 for full)"]))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## How wrong is the truncated gradient?
#
# A tanh RNN ($H = 16$, orthogonal $W_{hh}$ with $\rho = 0.95$) predicts the next value of a
# sine wave for $T = 40$ steps, with a loss at every step. We compare the truncated
# gradient with the full one (relative error over all five parameters) as $k_2$ grows.

# %% slideshow={"slide_type": "fragment"}
T = 40
params = rnnlib.init_params(1, 16, 1, seed=0, scheme="orthogonal", radius=0.95, scale=0.5)
xs, targets = rnnlib.sine_next_step(T, 1, seed=0)
trace = rnnlib.forward(params, xs)
_, dys = rnnlib.mse(trace.ys, targets)
ks = np.arange(1, T + 6)
err_kk = truncation_errors(params, trace, dys, ks)  # k1 = k2 = k
err_1k = truncation_errors(params, trace, dys, ks, k1=1)  # a pass at every step
print(
    table(
        [[k, err_kk[k - 1], err_1k[k - 1]] for k in (1, 5, 10, 20, 39)],
        ["k2", "k1 = k2", "k1 = 1"],
        digits=2,
    )
)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The error against $k_2$

# %% slideshow={"slide_type": "fragment"}
fig = vt.plot_errors(
    ks, {"$k_1 = k_2$ (detach every $k_2$)": err_kk, "$k_1 = 1$ (a pass at every step)": err_1k}, T
)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### From $k_2 = T$ on: exactly full BPTT
#
# The error falls as $k_2$ grows, faster with $k_1 = 1$ (every loss gets its full window of
# $k_2$ steps), and from $k_2 \ge T$ on the truncated gradient **is** the full gradient,
# up to rounding:

# %% slideshow={"slide_type": "fragment"}
assert np.all(err_kk[T - 1 :] < 1e-12) and np.all(err_1k[T - 1 :] < 1e-12)
assert err_kk[0] > err_kk[9] > err_kk[29] and err_1k[0] > err_1k[9] > err_1k[29]
assert np.all(err_1k[: T - 1] <= err_kk[: T - 1] + 1e-12)
print("k2 >= T: both relative errors are below 1e-12 (rounding only)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Explore: the truncation length
#
# Move **truncation length** ($k = k_1 = k_2$): the reach matrix splits into blocks of $k$
# steps, and the marker shows the relative error of that gradient.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
# nbval-ignore-output: the widget is rendered by the front end
explorer = TruncationExplorer(T=40, k=5)
explorer

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Move k from 1 to 40. Point at the first column block: with small k the
# loss at step 40 reaches only the last few steps. Ask: at which k does the error become
# exactly zero, and why is the curve not monotone everywhere? (Contributions of different
# steps can cancel; cutting one can make the sum closer or further.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What truncation saves: memory
#
# `windowed_gradient` computes BPTT($k_2$; $k_1$) while storing only the current window:
# at each $t_{end}$ it runs forward over the last $k_2$ steps from the stored $h_{t_{end}-k_2}$,
# backpropagates, adds the gradients and forgets the window. First: it is the same gradient.

# %% slideshow={"slide_type": "fragment"}
xs_long, targets_long = rnnlib.sine_next_step(300, 8, seed=1)
params_cost = rnnlib.init_params(1, 16, 1, seed=0, scheme="xavier")
trace_long = rnnlib.forward(params_cost, xs_long)
_, dys_long = rnnlib.mse(trace_long.ys, targets_long, form="half_sum")
for k1, k2 in [(50, 50), (10, 50)]:
    g_ref = rnnlib.bptt(params_cost, trace_long, dys_long, truncate=(k1, k2))
    g_win = windowed_gradient(params_cost, xs_long, targets_long, k1, k2)
    worst = max(rnnlib.rel_error(g_win[k], g_ref[k]) for k in rnnlib.PARAM_NAMES)
    assert worst < 1e-12
    print(f"k1 = {k1}, k2 = {k2}: same gradients (largest relative difference below 1e-12)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Time and peak memory as $T$ grows
#
# We time both (best of three runs) and record the peak memory with `tracemalloc`, for
# $B = 8$ sequences, $H = 16$, $k_1 = k_2 = 50$. Timings differ from run to run and
# machine to machine, so this cell's output is not compared by the tests.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
# nbval-ignore-output: wall-clock times and byte counts vary between machines and runs
Ts = [250, 500, 1000, 2000]
cost = {"full BPTT": ([], []), "window k2 = 50": ([], [])}
for T_cost in Ts:
    xs_c, targets_c = rnnlib.sine_next_step(T_cost, 8, seed=2)
    for name, fn, args in [
        ("full BPTT", full_gradient, ()),
        ("window k2 = 50", windowed_gradient, (50, 50)),
    ]:
        seconds, peak = measure_cost(fn, params_cost, xs_c, targets_c, *args)
        cost[name][0].append(seconds)
        cost[name][1].append(peak)
rows = [
    [str(T_cost)] + [1e3 * cost[n][0][i] for n in cost] + [cost[n][1][i] / 2**20 for n in cost]
    for i, T_cost in enumerate(Ts)
]
print(table(rows, ["T", "full ms", "window ms", "full MiB", "window MiB"], digits=3))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The cost, plotted

# %% slideshow={"slide_type": "fragment"}
fig = vt.plot_cost(Ts, {n: c[0] for n, c in cost.items()}, {n: c[1] for n, c in cost.items()})
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Memory flat in $T$, time not
#
# Memory of full BPTT grows in proportion to $T$; the window's stays flat. Time grows
# with $T$ for both: every step is still computed forward and backward, once for
# $k_1 = k_2$, and $k_2/k_1$ times for $k_1 < k_2$ (counted below from the passes).
# The notes say truncation "helps save memory and time"; precisely, it buys memory and
# earlier (more frequent) updates, not time per pass over the data.

# %% slideshow={"slide_type": "fragment"}
full_mem, win_mem = np.array(cost["full BPTT"][1]), np.array(cost["window k2 = 50"][1])
growth = Ts[-1] / Ts[0]
assert full_mem[-1] / full_mem[0] > 0.7 * growth  # roughly proportional to T
assert win_mem[-1] / win_mem[0] < 1.3  # flat in T
assert full_mem[-1] > 10 * win_mem[-1]
print(f"T grew {growth:.0f}x: full-BPTT memory grew in proportion, the window's stayed flat")
for k1, k2 in [(50, 50), (10, 50)]:
    steps = sum(t_end - t_stop for t_end, _, t_stop in rnnlib.truncation_blocks(2000, (k1, k2)))
    print(f"T = 2000, BPTT({k2}; {k1}): {steps} steps computed forward and backward")
    assert abs(steps - 2000 * k2 / k1) <= k2 * k2 / k1

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Detaching: the value is carried, the gradient path is cut
#
# Truncation with $k_1 = k_2 = k$ is often written as "detach the hidden state every $k$
# steps". Detaching means: the next chunk **starts from the value** $h_{t}$ reached by the
# previous chunk, but treats it as a constant, so no gradient flows through it into the
# earlier chunk. It does **not** reset the state to zero.

# %% slideshow={"slide_type": "fragment"}
k = 10
trace_all = rnnlib.forward(params, xs)  # one pass over all 40 steps
chunk2 = rnnlib.forward(params, xs[k : 2 * k], h0=trace_all.hs[k])  # carried value
chunk2_reset = rnnlib.forward(params, xs[k : 2 * k])  # a reset: h0 = 0
print("carried: max |h difference| =", np.abs(chunk2.hs - trace_all.hs[k : 2 * k + 1]).max())
print(
    "reset:   max |h difference| =",
    f"{np.abs(chunk2_reset.hs - trace_all.hs[k : 2 * k + 1]).max():.3f}",
)
assert np.array_equal(chunk2.hs, trace_all.hs[k : 2 * k + 1])

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The cut, seen in the gradient
#
# With truncation $k = 10$ the loss at step 15 reaches steps 11 to 15 only:
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

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Training on one long sequence
#
# `rnnlib.train_tbptt` walks through a long sequence ($T = 1000$, 8 sequences) in chunks of
# $k_1 = k_2 = 20$ steps, carrying the hidden state from chunk to chunk, and updates the
# parameters (Adam) after every chunk: 50 updates per pass over the data.

# %% slideshow={"slide_type": "fragment"}
xs_train, targets_train = rnnlib.sine_next_step(1000, 8, seed=3)
params_train = rnnlib.init_params(1, 16, 1, seed=0, scheme="xavier")
history = rnnlib.train_tbptt(
    params_train, xs_train, targets_train, "mse", rnnlib.Adam(0.01), k1=20, k2=20, epochs=2
)
loss = np.array(history["loss"])
print(
    f"{len(loss)} updates; mean loss of the first 5 chunks {loss[:5].mean():.4f}, "
    f"of the last 5 {loss[-5:].mean():.5f}"
)
assert len(loss) == 100 and loss[-5:].mean() < loss[:5].mean() / 10

# %% [markdown] slideshow={"slide_type": "fragment"}
# A full-BPTT trainer would have made 2 updates in the same time, each needing the whole
# trace in memory.

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
# A path back over $d$ steps survives with probability $p^d$ but is scaled by $p^{-d}$, so
# on average every term of full BPTT is kept: the estimate is **unbiased**. A backward
# pass goes back $1/(1-p)$ steps on average.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Monte Carlo: the mean converges to the full gradient
#
# With $p = 0.8$ (5 steps back on average) we draw 1024 randomized gradients, average them
# in groups of $n$, and measure the error of the mean, against fixed truncation $k = 5$.

# %% slideshow={"slide_type": "fragment"}
ns = [1, 2, 4, 8, 16, 32, 64, 128, 256]
err_rand = randomized_mean_errors(params, trace, dys, ns, n_draws=1024, p_continue=0.8)
err_fixed = truncation_errors(params, trace, dys, [5])[0]
slope = np.polyfit(np.log(ns), np.log(err_rand), 1)[0]
print(
    table([[n, e] for n, e in zip(ns, err_rand, strict=True)], ["n", "error of the mean"], digits=3)
)
print(f"fitted slope of log(error) vs log(n): {slope:.2f}; fixed k = 5: {err_fixed:.3f}")
assert -0.6 < slope < -0.4  # error ~ 1/sqrt(n): the mean converges to the full gradient
assert err_rand[-1] < err_fixed / 5

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Randomized against fixed truncation

# %% slideshow={"slide_type": "fragment"}
fig = vt.plot_randomized(ns, err_rand, err_fixed, "fixed truncation k = 5 (bias)")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Averaging more fixed-truncation gradients never helps: they are all the same number.
# Randomized truncation pays with **variance** instead (one draw is worse than fixed
# truncation) and the variance grows with $p^{-d}$ along long paths, so it is used with
# care (and with $p$ close to 1).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn 1: who reaches whom
#
# Write `reach(T, k1, k2)`: a $T\times T$ array of 0/1 whose entry `[u-1, s-1]` is 1 when
# the loss at step $u$ sends gradient to step $s$ under BPTT($k_2$; $k_1$). Hint: find the
# backward pass that carries $L_u$ (the first $t_{end} \ge u$ among $k_1, 2k_1, \dots, T$).

# %% slideshow={"slide_type": "fragment"}
def reach(T, k1, k2):
    """R (T, T) with R[u-1, s-1] = 1 iff t_stop(u) < s <= u, where the pass that carries
    the loss at step u stops at t_stop(u) = max(t_prev - (k2 - k1), 0), t_prev being the
    end of the pass before it (and t_stop = 0 when k2 >= T)."""
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "fragment"}
result = check_reach(reach)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def reach(T, k1, k2):
    """R (T, T) with R[u-1, s-1] = 1 iff t_stop(u) < s <= u."""
    R = np.zeros((T, T), dtype=int)
    for u in range(1, T + 1):
        t_prev = (u - 1) // k1 * k1  # end of the pass before the one that carries L_u
        t_stop = 0 if k2 >= T else max(t_prev - (k2 - k1), 0)
        R[u - 1, t_stop:u] = 1  # s = t_stop + 1 .. u
    return R


result = check_reach(reach)
assert result.passed

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn 2: truncated BPTT by detaching
#
# Write `detached_gradients(params, xs, targets, k)` using only `rnnlib.forward`,
# `rnnlib.mse(..., form="half_sum")` and `rnnlib.bptt` **without** its `truncate`
# argument: cut the sequence into chunks of $k$ steps, start each chunk from the last
# hidden state of the previous one, and sum the chunks' gradients ($T$ is a multiple of
# $k$ in the checks).

# %% slideshow={"slide_type": "fragment"}
def detached_gradients(params, xs, targets, k):
    """Sum over chunks of k steps of the chunk's BPTT gradients (dict of the five
    parameters), each chunk starting from the carried (detached) hidden state."""
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "fragment"}
result = check_detached(detached_gradients)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def detached_gradients(params, xs, targets, k):
    """Sum over chunks of k steps of the chunk's BPTT gradients."""
    total = dict.fromkeys(rnnlib.PARAM_NAMES, 0.0)
    h = None  # h_0 = 0 for the first chunk
    for start in range(0, xs.shape[0], k):
        chunk = rnnlib.forward(params, xs[start : start + k], h0=h)
        _, dys_chunk = rnnlib.mse(chunk.ys, targets[start : start + k], form="half_sum")
        grads = rnnlib.bptt(params, chunk, dys_chunk)
        total = {name: total[name] + grads[name] for name in total}
        h = chunk.hs[-1]  # the value is carried; no gradient flows back through it
    return total


result = check_detached(detached_gradients)
assert result.passed

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# * BPTT($k_2$; $k_1$): every $k_1$ steps, backpropagate the $k_1$ new losses through the last
#   $k_2 \ge k_1$ steps. $k_2 \ge T$ is full BPTT; $k_1 = k_2 = k$ is "detach every $k$ steps".
# * Truncation drops the terms $\partial L_u/\partial\theta_s$ with $s$ too far back: a biased
#   gradient that cannot learn dependencies longer than $k_2$.
# * It keeps memory flat in $T$ and allows many updates per sequence; it does not save time.
# * Detaching carries the state's value and cuts its gradient path; it is not a reset.
# * Randomized truncation ($\xi_t \in \{0, 1/p\}$) is unbiased, at the price of variance.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Check your understanding
#
# 1. Under BPTT(6; 3) with $T = 12$, which steps does the loss at step 8 reach? And the loss at step 7?
# 2. Why does "forward 100, backward 10" need $k_2 \ge k_1$ to use every loss?
# 3. A task needs to remember something for 30 steps. Can BPTT(10; 10) learn it? Can BPTT(40; 10)?
# 4. Why is the memory of the windowed trainer flat in $T$, while its time is not?
# 5. Why is the mean of many *fixed*-truncation gradients not closer to the full gradient?
#
# [← 07 · Gradient clipping](07_gradient_clipping.ipynb) | [Index](00_start_here.ipynb) | [09 · Long-term dependencies →](09_long_term_dependencies.ipynb)
