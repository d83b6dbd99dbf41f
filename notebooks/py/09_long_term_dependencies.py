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
# # 09 · Long-term dependencies
#
# **What you will learn**
#
# * the adding problem, a test of memory over $T$ steps, and its trivial baseline
# * at which $T$ a vanilla tanh RNN stops learning it (measured, not claimed)
# * what identity initialisation with ReLU (IRNN) and clipping change, honestly measured
# * how a gate gives the state an additive path and keeps $\|\partial h_T/\partial h_k\|$ alive
# * four common misconceptions, each settled by a computation
#
# *About 40 minutes.*

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

import rnnlib
from rnnlib import gated
from rnnlib.checks.longterm import check_gated_jacobian
from rnnlib.experiments import gradient_flow, run_adding
from rnnlib.report import table
from rnnlib.viz import longterm as lt
from rnnlib.viz import use_course_style

use_course_style()
BASELINE = rnnlib.ADDING_BASELINE_MSE

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The adding problem
#
# Each step $t$ carries two inputs: a value $u_t \sim U[0, 1]$ and a marker $m_t \in \{0, 1\}$
# that is 1 at exactly two steps, one in each half of the sequence. The target, read at the
# last step only, is the sum of the two marked values. To answer, the network must keep
# the first marked value for up to $T - 1$ steps.

# %% slideshow={"slide_type": "fragment"}
xs, targets = rnnlib.adding_problem(T=20, n=3, seed=0)
print("xs:", xs.shape, "(T, B, 2)   targets:", targets.shape, "(B, 1)")
fig = lt.plot_adding_example(xs[:, 0], targets[0, 0])
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The baseline to beat
#
# Without any memory the best constant answer is the mean of the target,
# $\mathbb{E}[u_a + u_b] = 1$, and its MSE is the target's variance:
#
# $$\mathrm{MSE}_{\text{baseline}} = \mathrm{Var}(u_a + u_b) = \tfrac{1}{12} + \tfrac{1}{12} = \tfrac{1}{6}.$$
#
# A model whose test MSE stays near $1/6$ has learned nothing about the marked values.

# %% slideshow={"slide_type": "fragment"}
_, sample_targets = rnnlib.adding_problem(T=10, n=200_000, seed=5)
mse_constant_1 = np.mean((1.0 - sample_targets) ** 2)
print(f"MSE of always answering 1 on 200000 sequences: {mse_constant_1:.4f}   (1/6 = {1 / 6:.4f})")
assert np.isclose(BASELINE, 1 / 6) and abs(mse_constant_1 - BASELINE) < 0.003

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A vanilla tanh RNN, for growing $T$
#
# Same recipe for every $T$: $H = 16$, Xavier initialisation, Adam with learning rate
# $10^{-2}$, 300 steps on fresh batches of 64 sequences, loss at the last step; then
# the MSE on 1000 test sequences.

# %% slideshow={"slide_type": "fragment"}
Ts = [5, 10, 20, 40]
vanilla = {T: run_adding(T, "tanh", lr=1e-2) for T in Ts}
print(
    table(
        [[T, r["test_mse"], r["test_mse"] / BASELINE] for T, r in vanilla.items()],
        ["T", "test MSE", "/ baseline"],
        digits=3,
    )
)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Training curves

# %% slideshow={"slide_type": "fragment"}
fig = lt.plot_learning_curves(
    {f"T = {T}": r for T, r in vanilla.items()}, title="vanilla tanh RNN on the adding problem"
)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Learned for short $T$, not for long
#
# For short sequences the network learns the task well; from some $T$ on it sits at the
# baseline: it has learned the mean and nothing else.

# %% slideshow={"slide_type": "fragment"}
assert vanilla[5]["test_mse"] < 0.2 * BASELINE and vanilla[10]["test_mse"] < 0.2 * BASELINE
assert vanilla[40]["test_mse"] > 0.85 * BASELINE
print("learned: T = 5, 10;  at the baseline: T = 40")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why: the gradient never arrives
#
# The loss at step $T$ reaches the first marked value only through
# $\partial h_T/\partial h_k = \prod_j \mathrm{diag}(f'(z_j))\,W_{hh}$ (the notes write
# "$\text{Activation}'(z_j) \cdot W_{hh}$": precisely, a diagonal matrix times $W_{hh}$).
# On a test sequence, for the trained $T = 40$ network:

# %% slideshow={"slide_type": "fragment"}
xs_test, _ = rnnlib.adding_problem(T=40, n=1, seed=3)
flow_tanh = gradient_flow(vanilla[40]["params"], "tanh", xs_test[:, 0])
print(
    f"||dh_40/dh_30|| = {flow_tanh[30]:.2e}   ||dh_40/dh_20|| = {flow_tanh[20]:.2e}   "
    f"||dh_40/dh_0|| = {flow_tanh[0]:.2e}"
)
assert flow_tanh[0] < 1e-3 * flow_tanh[30]

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What helps? Measured at $T = 40$
#
# * **Clipping** (norm 1) keeps rare huge gradients from wrecking training.
# * **IRNN** (Le, Jaitly & Hinton, 2015): ReLU units and $W_{hh} = I$ at the start, so
#   $\partial h_t/\partial h_{t-1} = \mathrm{diag}(f'(z_t))$ is 0/1 and does not shrink along
#   active units. With learning rate $10^{-2}$ ReLU states grow too fast, so it also runs with
#   $3\cdot 10^{-3}$.
#
# Same budget for all: $H = 16$, 300 Adam steps, batches of 64.

# %% slideshow={"slide_type": "fragment"}
variants = {
    "tanh, lr 1e-2": vanilla[40],
    "tanh + clip, lr 1e-2": run_adding(40, "tanh", lr=1e-2, clip_norm=1.0),
    "IRNN, lr 3e-3": run_adding(40, "irnn", lr=3e-3),
    "IRNN + clip, lr 1e-2": run_adding(40, "irnn", lr=1e-2, clip_norm=1.0),
    "IRNN + clip, lr 3e-3": run_adding(40, "irnn", lr=3e-3, clip_norm=1.0),
}
print(
    table(
        [[name, r["test_mse"], r["test_mse"] / BASELINE] for name, r in variants.items()],
        ["T = 40", "test MSE", "/ baseline"],
        digits=3,
    )
)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What we observe
#
# Clipping alone does not help the tanh network: its problem is vanishing, not exploding.
# IRNN alone stays at the baseline too. IRNN **with** clipping and the smaller learning rate
# gets clearly below the baseline, but at this budget only part of the way.

# %% slideshow={"slide_type": "fragment"}
r = {name: v["test_mse"] / BASELINE for name, v in variants.items()}
assert r["tanh + clip, lr 1e-2"] > 0.85 and r["IRNN, lr 3e-3"] > 0.85
assert r["IRNN + clip, lr 3e-3"] < 0.7 and r["IRNN + clip, lr 3e-3"] < r["IRNN + clip, lr 1e-2"]
assert r["IRNN + clip, lr 3e-3"] > 0.2
print(f"best vanilla variant: IRNN + clip, lr 3e-3, at {r['IRNN + clip, lr 3e-3']:.2f} x baseline")

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** The message: clipping treats *exploding* gradients, so it cannot rescue
# the tanh network, whose gradient *vanishes*. IRNN helps because its recurrent Jacobian
# starts as the identity on the active units; it needs clipping and a small learning rate
# because ReLU states can also grow. Le et al. trained far longer than this budget; these
# runs are sensitive to the learning rate and the seed, so ask students to try both.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A gate: an additive path for the state
#
# The cell in `rnnlib.gated` adds one **update gate** $u_t$ to the vanilla RNN:
#
# $$u_t = \sigma(W_{xu} x_t + W_{hu} h_{t-1} + b_u), \quad
#   c_t = \tanh(W_{xh} x_t + W_{hh} h_{t-1} + b_h), \quad
#   h_t = (1 - u_t) \odot h_{t-1} + u_t \odot c_t$$
#
# Where $u_t \approx 0$ the unit keeps its value. The bias $b_u$ starts at $-2$, so at first
# every unit mostly remembers.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** This is a GRU without its reset gate. An LSTM's cell state
# $c_t = f_t \odot c_{t-1} + i_t \odot g_t$ has the same additive path. The next slide's
# leading term $\mathrm{diag}(1 - u_t)$ is the whole story: where the gate is closed the
# gradient passes back unchanged instead of being multiplied by $W_{hh}$ at every step.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Its Jacobian
#
# $$\frac{\partial h_t}{\partial h_{t-1}} = \mathrm{diag}(1 - u_t)
#   + \mathrm{diag}\big(u_t \odot (1 - c_t^2)\big) W_{hh}
#   + \mathrm{diag}\big((c_t - h_{t-1}) \odot u_t \odot (1 - u_t)\big) W_{hu}$$
#
# The first term is near the identity when the gate is shut, **whatever** $W_{hh}$ is: the
# product over many steps need not shrink. GRU and LSTM cells build on exactly this idea.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exact gradients, checked
#
# `gated.gated_backward` is BPTT through the gated cell. Before training with it we compare
# it with central differences on a small case.

# %% slideshow={"slide_type": "fragment"}
p_small = gated.init_gated_params(2, 3, 1, seed=1, gate_bias=-0.5)
xs_small, targets_small = rnnlib.adding_problem(T=6, n=2, seed=0)


def loss_small():
    return rnnlib.mse(gated.gated_forward(p_small, xs_small).ys, targets_small, "last")[0]


trace_small = gated.gated_forward(p_small, xs_small)
_, dys_small = rnnlib.mse(trace_small.ys, targets_small, "last")
grads_small = gated.gated_backward(p_small, trace_small, dys_small)
worst = max(
    rnnlib.rel_error(grads_small[k], rnnlib.numerical_gradient(loss_small, p_small[k]))
    for k in gated.GATED_NAMES
)
assert worst < 1e-7
print("largest relative error over the 8 parameters: below 1e-7")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The gated cell on the adding problem, $T = 40$
#
# Same budget as the vanilla networks: $H = 16$, 300 Adam steps (learning rate $10^{-2}$),
# batches of 64, no clipping.

# %% slideshow={"slide_type": "fragment"}
run_gated = run_adding(40, "gated", lr=1e-2)
results = dict(variants, **{"gated cell, lr 1e-2": run_gated})
print(
    f"gated cell: test MSE {run_gated['test_mse']:.4f} = "
    f"{run_gated['test_mse'] / BASELINE:.3f} x baseline"
)
assert run_gated["test_mse"] < 0.1 * BASELINE

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### All runs at $T = 40$

# %% slideshow={"slide_type": "fragment"}
fig = lt.plot_test_mse(
    {name: run["test_mse"] for name, run in results.items()},
    title="adding problem, T = 40, same budget",
)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Training curves at $T = 40$

# %% slideshow={"slide_type": "fragment"}
fig = lt.plot_learning_curves(
    {k: results[k] for k in ["tanh, lr 1e-2", "IRNN + clip, lr 3e-3", "gated cell, lr 1e-2"]},
    title="adding problem, T = 40",
)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Gradient flow, vanilla against gated
#
# $\|\partial h_T/\partial h_k\|_2$ on the same test sequence for the three trained networks.

# %% slideshow={"slide_type": "fragment"}
flows = {
    "vanilla tanh": flow_tanh,
    "IRNN + clip": gradient_flow(variants["IRNN + clip, lr 3e-3"]["params"], "irnn", xs_test[:, 0]),
    "gated cell": gradient_flow(run_gated["params"], "gated", xs_test[:, 0]),
}
fig = lt.plot_gradient_flow(flows)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The numbers behind the curves

# %% slideshow={"slide_type": "fragment"}
print(
    table(
        [[name, f[30], f[20], f[0]] for name, f in flows.items()],
        ["network", "||dh_40/dh_30||", "||dh_40/dh_20||", "||dh_40/dh_0||"],
        digits=2,
    )
)
assert flows["gated cell"][0] > 1e3 * flows["vanilla tanh"][0]
assert flows["IRNN + clip"][0] > 1e3 * flows["vanilla tanh"][0]

# %% [markdown] slideshow={"slide_type": "fragment"}
# The vanilla tanh network's sensitivity to early states dies out exponentially. The IRNN
# keeps it of order 1 (even above), yet learned only part of the task: a gradient that
# arrives is necessary, not sufficient. The gated cell keeps it near 1 **and** learned the
# task, because the gate decides per step what to keep. That is where LSTM and GRU start.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn: the gated cell's Jacobian
#
# Write `gated_jacobian(u, c, h_prev, W_hh, W_hu)` returning the $H \times H$ matrix
# $\partial h_t/\partial h_{t-1}$ from the slide above ($u$, $c$, $h_{prev}$ are vectors of
# length $H$). Entry `[i, j]` is $\partial h_t[i] / \partial h_{t-1}[j]$.

# %% slideshow={"slide_type": "fragment"}
def gated_jacobian(u, c, h_prev, W_hh, W_hu):
    """dh_t/dh_{t-1} = diag(1 - u) + diag(u (1 - c^2)) W_hh + diag((c - h_prev) u (1 - u)) W_hu."""
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "fragment"}
result = check_gated_jacobian(gated_jacobian)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def gated_jacobian(u, c, h_prev, W_hh, W_hu):
    """dh_t/dh_{t-1} = diag(1 - u) + diag(u (1 - c^2)) W_hh + diag((c - h_prev) u (1 - u)) W_hu."""
    leak = np.diag(1.0 - u)  # from (1 - u_t) * h_{t-1}
    cand = (u * (1.0 - c**2))[:, None] * W_hh  # diag(...) W_hh scales row i by entry i
    gate = ((c - h_prev) * u * (1.0 - u))[:, None] * W_hu
    return leak + cand + gate


result = check_gated_jacobian(gated_jacobian)
assert result.passed

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Misconceptions
#
# Four statements that sound right and are not. Each one is settled by a computation.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 1. "Detaching the hidden state resets it"
#
# No. Detaching (notebook 08) keeps the **value** $h_t$ and cuts only the **gradient path**
# through it. The next chunk starts where the previous one ended.

# %% slideshow={"slide_type": "fragment"}
p = rnnlib.init_params(2, 8, 1, seed=0, scheme="xavier")
xs_m, _ = rnnlib.adding_problem(T=20, n=1, seed=0)
x = xs_m[:, 0]
full = rnnlib.forward(p, x)
second_half = rnnlib.forward(p, x[10:], h0=full.hs[10])  # detached: h_10 is a constant here
assert np.array_equal(second_half.hs, full.hs[10:])
print("same states with the carried (detached) h_10:", np.array_equal(second_half.hs, full.hs[10:]))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 2. "dL/dh_0 comes from the first step only"
#
# No. $h_0$ influences every later state, so
# $\frac{\partial L}{\partial h_0} = \sum_{u=1}^{T} \frac{\partial L_u}{\partial h_u}\frac{\partial h_u}{\partial h_0}$:
# every loss contributes (BPTT accumulates them all in one backward sweep).

# %% slideshow={"slide_type": "fragment"}
trace_m = rnnlib.forward(p, x)
dys_all = np.ones_like(trace_m.ys)  # a loss with dL/dy_u = 1 at every step
per_loss = []
for u in range(1, 21):
    dys_u = np.zeros_like(trace_m.ys)
    dys_u[u - 1] = 1.0
    per_loss.append(rnnlib.bptt(p, trace_m, dys_u)["h0"])
g_h0 = rnnlib.bptt(p, trace_m, dys_all)["h0"]
assert np.allclose(np.sum(per_loss, axis=0), g_h0) and all(np.any(v != 0) for v in per_loss)
print(
    "dL/dh_0 = sum of the 20 per-loss terms, each non-zero:",
    np.allclose(np.sum(per_loss, axis=0), g_h0),
)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 3. "Rows or columns, it's the same formula"
#
# The math uses **column** vectors: $z_t = W_{hh} h_{t-1} + \dots$ and the backward step
# $\partial L/\partial h_{t-1} = W_{hh}^\top\,\partial L/\partial z_t$. Batched code stores
# each sequence as a **row**: $Z = H_{prev} W_{hh}^\top$ and `dh_prev = dz @ W_hh`. Same
# numbers, transposed bookkeeping; mixing the conventions gives $W_{hh}$ where $W_{hh}^\top$ belongs.

# %% slideshow={"slide_type": "fragment"}
h6, cache = rnnlib.step_forward(x[6], trace_m.hs[6], p)  # one step, cached
dh = np.random.default_rng(0).normal(size=8)  # some dL/dh_t
dz = dh * (1 - h6**2)  # dL/dz_t (tanh)
column_form = p["W_hh"].T @ dz  # math: W_hh^T dz_t
code_form = rnnlib.step_backward(dh, cache)["dh_prev"]  # code: dz @ W_hh
assert np.allclose(column_form, code_form) and not np.allclose(p["W_hh"] @ dz, code_form)
print("W_hh^T dz (columns) equals dz @ W_hh (rows); W_hh dz does not")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 4. "Spectral radius below 1 means gradients cannot grow"
#
# $\rho(W) < 1$ guarantees $W^n \to 0$ **eventually**; $\sigma_{max}(W) < 1$ guarantees
# $\|W^n\| \le \sigma_{max}^n$ shrinks at **every** step. A non-normal matrix can have
# $\rho < 1$ and still amplify for many steps (linear units, so $\partial h_t/\partial h_k = W^{t-k}$):

# %% slideshow={"slide_type": "fragment"}
W = np.array([[0.9, 2.0], [0.0, 0.9]])
powers = [np.linalg.norm(np.linalg.matrix_power(W, n), 2) for n in range(1, 61)]
print(
    f"rho = {rnnlib.spectral_radius(W):.2f}, sigma_max = {rnnlib.sigma_max(W):.2f}, "
    f"largest ||W^n|| = {max(powers):.1f} at n = {int(np.argmax(powers)) + 1}, "
    f"||W^60|| = {powers[-1]:.3f}"
)
assert rnnlib.spectral_radius(W) < 1 and max(powers) > 5 and powers[-1] < powers[0]

# %% [markdown] slideshow={"slide_type": "fragment"}
# The notes say the gradient vanishes when the factor's "magnitude" stays below 1. Precisely:
# $\gamma\,\sigma_{max}(W_{hh}) < 1$ (with $\gamma = \max|f'|$) is **sufficient** for vanishing;
# $\rho < 1$ alone is not, and a value above 1 is necessary but not sufficient for exploding.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# * The adding problem needs memory over $T$ steps; always answering 1 gives MSE $1/6$.
# * A vanilla tanh RNN learns it for short $T$ and sits at the baseline for long $T$:
#   $\|\partial h_T/\partial h_k\|$ vanishes, so the early input never gets credit.
# * Clipping fixes explosions, not vanishing. IRNN with clipping helps partly at this budget.
# * A gate adds the path $\mathrm{diag}(1 - u_t)$ to the Jacobian: the state can be kept, and
#   the gradient with it. LSTM and GRU are refinements of this idea.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Check your understanding
#
# 1. Why is $1/6$ the right baseline, and how can a network reach it without using its recurrent weights at all?
# 2. Why does clipping not help the tanh network at $T = 40$?
# 3. Which term of the gated Jacobian stays near the identity when $u_t \approx 0$?
# 4. Give a matrix with $\rho < 1$ whose powers grow for a while. What does $\sigma_{max}$ tell you that $\rho$ does not?
# 5. A colleague "detaches" by setting $h = 0$ at each chunk. What does the network lose?
#
# [← 08 · Truncated BPTT](08_truncated_bptt.ipynb) | [Index](00_start_here.ipynb) | Next: gated cells (LSTM, GRU) in the follow-up course
