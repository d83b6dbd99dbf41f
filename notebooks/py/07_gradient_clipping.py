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
# # 07 · Gradient clipping
#
# **What you will learn**
#
# * the two clipping rules with a threshold $\tau$: by norm (Pascanu, Mikolov & Bengio 2013) and by value (min-char-rnn);
# * which one keeps the direction of the gradient, derived, then measured by a cosine;
# * the "cliff": a one-unit RNN whose loss surface has a wall with a huge gradient;
# * how one step off the wall throws gradient descent far away, and how clipping prevents it.
#
# *About 40 minutes.*

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

import rnnlib
from rnnlib.checks.clipping import check_clip_by_norm
from rnnlib.cliff import T_CLIFF, TARGET, Z0, cliff_grid, cliff_loss, cliff_loss_and_grad, descend
from rnnlib.viz import clipping as viz
from rnnlib.viz import use_course_style
from rnnlib.widgets.clipping import LR, START, STEPS, ClippingExplorer

use_course_style()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Why clip?
#
# Notebook 06 showed that $\partial L/\partial h_k$ can grow geometrically with $T-k$. A
# gradient-descent step $\theta \leftarrow \theta - \eta\, g$ with a huge $g$ moves the
# parameters $\theta$ far from where the gradient was measured, into a region it says
# nothing about. Clipping limits the step by limiting $g$ to a **threshold** $\tau > 0$.
# The detailed notes ("cap gradients at a threshold") and the intuitive notes do not say
# which of two different rules; the implementation notes' "scales down gradients"
# suggests rescaling, but not whether by norm or per entry
# ([ERRATA.md, entry 15](../ERRATA.md#erratum-15)).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Two rules
#
# $g$ stacks the gradients of all parameters, $\|g\| = \sqrt{\sum_{\text{all entries}} g_i^2}$.
#
# * **By norm** (Pascanu et al.): if $\|g\| > \tau$ then $g \leftarrow \dfrac{\tau}{\|g\|}\, g$.
# * **By value** (min-char-rnn, `np.clip(dparam, -5, 5)`): $g_i \leftarrow \min(\max(g_i, -\tau), \tau)$
#   for every entry, here with $\tau = 5$.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** $g = (9, 3)$ and $\tau = 5$. Where does each rule put $g$? Which one keeps its direction?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
#
# By norm: $\|g\| = \sqrt{90} \approx 9.49 > 5$, so $g \leftarrow \frac{5}{9.49}(9, 3) \approx (4.74, 1.58)$:
# same direction, length 5. By value: $(9, 3) \to (5, 3)$: only the large entry is cut,
# so the vector turns towards the second axis.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why only norm clipping keeps the direction
#
# Norm clipping multiplies the whole vector by one positive number $c = \tau/\|g\| < 1$, and
# $cg$ points where $g$ points: $\cos(g, cg) = \frac{g^\top cg}{\|g\|\,\|cg\|} = \frac{c\|g\|^2}{c\|g\|^2} = 1$.
# Its length is $c\|g\| = \tau$. Value clipping multiplies each entry by its own factor
# $\min(1, \tau/|g_i|)$: only entries above $\tau$ shrink, so unless all of them are cut by
# the same factor the direction changes. Checked with `rnnlib`:

# %% slideshow={"slide_type": "fragment"}
g2 = {"g": np.array([9.0, 3.0])}  # a 2-D gradient, clipped both ways at tau = 5
tau = 5.0
by_norm, norm = rnnlib.clip_by_norm(g2, tau)
by_value = rnnlib.clip_by_value(g2, tau)
angle = lambda v: np.degrees(np.arctan2(v[1], v[0]))  # noqa: E731
print(f"||g|| = {norm:.2f}; by norm: {by_norm['g'].round(2)}, by value: {by_value['g']}")
print(
    f"angle of g: {angle(g2['g']):.1f} deg, by norm: {angle(by_norm['g']):.1f} deg, "
    f"by value: {angle(by_value['g']):.1f} deg"
)
assert np.allclose(by_norm["g"], tau / np.sqrt(90) * g2["g"]) and np.allclose(by_value["g"], [5, 3])
assert (
    np.isclose(angle(by_norm["g"]), angle(g2["g"])) and angle(by_value["g"]) - angle(g2["g"]) > 10
)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### In two dimensions
#
# Norm clipping moves $g$ onto the circle of radius $\tau$ along its own direction;
# value clipping moves it into the box $[-\tau, \tau]^2$, and turns it.

# %% slideshow={"slide_type": "fragment"}
fig, ax = plt.subplots(figsize=(5, 4))
viz.plot_clip_2d(ax, g2["g"], threshold=tau, limit=tau)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### On a real exploding gradient
#
# A ReLU RNN with $\rho(W_{hh}) = 2$, $T = 20$, a loss at the last step. We clip by norm with
# $\tau = 1$ (`rnnlib.clip_by_norm`) and by value with min-char-rnn's $\tau = 5$
# (`rnnlib.clip_by_value`) and compare directions with the cosine
# $\cos(g, \hat g) = g^\top \hat g / (\|g\|\,\|\hat g\|)$.


# %% slideshow={"slide_type": "skip"}
def flat(g):
    """All parameter gradients as one vector."""
    return np.concatenate([g[k].ravel() for k in rnnlib.PARAM_NAMES])


def cosine(a, b):
    """cos(a, b) = a.b / (|a| |b|)."""
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


# %% slideshow={"slide_type": "fragment"}
params = rnnlib.init_params(2, 16, 1, seed=0, scheme="xavier", radius=2.0)
xs = np.random.default_rng(1).normal(size=(20, 2))
trace = rnnlib.forward(params, xs, activation="relu")
_, dys = rnnlib.mse(trace.ys, np.ones(1), mask="last")
grads = rnnlib.bptt(params, trace, dys)


g_norm, norm_before = rnnlib.clip_by_norm(grads, 1.0)
g_value = rnnlib.clip_by_value(grads, 5.0)
cos_norm, cos_value = cosine(flat(grads), flat(g_norm)), cosine(flat(grads), flat(g_value))
large = float(np.mean(np.abs(flat(grads)) > 5.0))
print(f"||g|| before: {norm_before:.2e}; entries with |g_i| > 5: {large:.0%}")
print(f"by norm : ||g|| = {rnnlib.global_norm(g_norm):.3f}, cosine with g = {cos_norm:.6f}")
print(f"by value: ||g|| = {rnnlib.global_norm(g_value):.1f}, cosine with g = {cos_value:.3f}")
assert abs(cos_norm - 1) < 1e-12 and cos_value < 0.9 and large > 0.5

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** Value clipping is cheap and per-entry, and it also bounds the norm
# (by $\tau\sqrt{n}$ for $n$ entries), but here most entries exceed 5, so the clipped vector
# points somewhere else entirely. Norm clipping only shortens the step.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The cliff: a one-unit RNN
#
# Pascanu et al. illustrate exploding gradients with one hidden unit, no input, the sigmoid
# $\sigma$ and $T = 50$ steps. In the course's notation, with $W_{hh} = w$ and $b_h = b$ (two scalars):
#
# $$z_0 = 0.5, \qquad z_t = w\,\sigma(z_{t-1}) + b \;\;(h_{t-1} = \sigma(z_{t-1})), \qquad L(w, b) = \big(\sigma(z_{50}) - 0.7\big)^2$$
#
# This model carries the pre-activation $z_t$, so it starts from a value $z_0$ (the
# initial state is $h_0 = \sigma(z_0)$). `rnnlib.cliff` computes $L$ and its exact
# gradient by backpropagation through the 50 steps, elementwise: a whole grid of
# $(w, b)$ is one call. Below, central finite differences with step $\Delta$ (`delta`)
# check it.

# %% slideshow={"slide_type": "fragment"}
assert (Z0, T_CLIFF, TARGET) == (0.5, 50, 0.7)  # the values the text states
w0, b0 = 5.0, -3.0
loss, dw, db = cliff_loss_and_grad(w0, b0)
delta = 1e-6
num_dw = (cliff_loss(w0 + delta, b0) - cliff_loss(w0 - delta, b0)) / (2 * delta)
num_db = (cliff_loss(w0, b0 + delta) - cliff_loss(w0, b0 - delta)) / (2 * delta)
err = rnnlib.rel_error(np.array([dw, db]), np.array([num_dw, num_db]))
print(f"L(5, -3) = {loss:.4f}; backprop vs finite differences: rel. error {err:.1e}")
assert err < 1e-6
grid = cliff_grid(300)  # 300 x 300 values of L in one vectorised call
L = grid[2]
print(f"loss on the grid w in [3, 7], b in [-4.5, -1]: from {L.min():.3f} to {L.max():.3f}")
assert L.max() - L.min() > 0.4

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The loss surface
#
# Over Pascanu et al.'s window $w \in [3, 7]$, $b \in [-4.5, -1]$: a plateau of high loss
# (bottom), a valley of low loss (top), separated by a **wall** where $z_{50}$ jumps from
# one fixed point of the map to the other.

# %% slideshow={"slide_type": "fragment"}
fig, ax = plt.subplots(figsize=(6, 4))
viz.plot_cliff(ax, grid)
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Gradient descent at the wall
#
# Start on the plateau: $\eta = 1$, 80 steps, without clipping and clipped by norm at
# $\tau = 0.5$ (no step longer than $\eta\,\tau$). Both runs reach the wall along the same
# path: every gradient before it is below $\tau$.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** At the wall one gradient is huge. Where does the unclipped step go? Does it
# come back?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
#
# Far off the plot, onto a flat region with a tiny gradient: it does not come back
# within the 80 steps.
# The clipped run moves at most $\eta\tau$ per step and stays near the wall.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The two runs, measured

# %% slideshow={"slide_type": "fragment"}
free, n_free = descend(*START, LR, STEPS)
clipped, n_clip = descend(*START, LR, STEPS, clip=0.5)
i = int(np.argmax(n_free))
print(
    f"update {i + 1}: ||g|| = {n_free[i]:.1f}; without clipping it lands at "
    f"(w, b) = ({free[i + 1, 0]:.1f}, {free[i + 1, 1]:.1f})"
)
print(
    f"final loss: without clipping {cliff_loss(*free[-1]):.3f}, "
    f"clipped {cliff_loss(*clipped[-1]):.3f}"
)
longest = np.linalg.norm(np.diff(clipped, axis=0), axis=1).max()
assert (START, LR, STEPS) == ((6.0, -3.6), 1.0, 80)  # the values the text states
assert np.allclose(free[: i + 1], clipped[: i + 1])  # the same path up to the wall ...
assert n_free[:i].max() <= 0.5  # ... where every gradient is below tau
assert n_free[i] > 10 and np.abs(free[-1]).max() > 20  # thrown far away
assert n_free[i + 1 :].max() < 1e-2  # ... onto a flat region: not back within 80 steps
assert longest <= LR * 0.5 + 1e-12 and cliff_loss(*clipped[-1]) < cliff_loss(*free[-1])

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The two runs on the surface
#
# Left: both paths (white square: the start). Right: $\|g\|$ at every update, with $\tau$.

# %% slideshow={"slide_type": "fragment"}
fig = viz.plot_descent(grid, free, clipped, n_free, n_clip, threshold=0.5)
plt.show()

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** The gradient on the wall is not wrong: the loss really changes that
# fast there. What is wrong is assuming it stays valid over a step of length
# $\eta\,\|g\|$. After the jump the unclipped run sits on a flat region with a tiny
# gradient and does not come back within the 80 steps. Clipping keeps each step short; the path zig-zags
# along the wall instead.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Explore: the clipping threshold $\tau$
#
# The red path (no clipping) stays fixed; the white path is clipped by norm at the
# threshold $\tau$ you choose (log scale). Try a tiny $\tau$ (slow but safe), a moderate one,
# and a huge one (the same as no clipping).

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
explorer = ClippingExplorer(threshold=0.5)
explorer

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The extremes, from code

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** $\tau = 100$, $0.5$ and $0.01$: which runs jump off the wall, and which ends lowest?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
#
# $\tau = 100$ is larger than every gradient norm of the run, so it changes nothing:
# the path jumps off as before. $0.5$ and $0.01$ never jump; $0.01$ moves at most $0.01$ per
# step and, within 80 steps, ends higher than $0.5$.

# %% slideshow={"slide_type": "fragment"}
results = {}
for tau in [100.0, 0.5, 0.01]:
    explorer.set(threshold=tau)
    jumped = explorer.art["text"].get_visible()
    results[tau] = (jumped, cliff_loss(*explorer.path[-1]))
    print(f"tau = {tau:>6}: jumped off: {jumped}, final loss {results[tau][1]:.3f}")
assert n_free.max() < 100  # tau = 100 never clips
assert results[100.0][0] and not results[0.5][0] and not results[0.01][0]
assert results[0.5][1] < results[0.01][1]  # too small a threshold is too slow here
explorer.set(threshold=0.5)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Which rule, which threshold?
#
# * Norm clipping keeps the direction, rescales all parameters together, and needs one
#   global norm per update; it is the usual choice for RNNs.
# * Value clipping is per entry and cheap, but turns the gradient when many entries are large.
# * Pascanu et al. suggest a $\tau$ near the typical gradient norm seen in training:
#   small enough to stop the rare huge steps, large enough to leave ordinary ones alone.
# * Clipping treats exploding gradients only. It does nothing for vanishing ones.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn: clip by norm
#
# Write `clip_by_norm(grads, tau)` for a dict of gradient arrays: compute the **global**
# norm over all arrays; if it exceeds $\tau$, return new arrays scaled by $\tau/\|g\|$,
# otherwise unchanged copies. The checker names the usual mistakes (one norm per
# parameter, clipping by value, rescaling a gradient already below $\tau$).


# %% slideshow={"slide_type": "fragment"} tags=["exercise"]
def clip_by_norm(grads, tau):
    """g <- tau g / ||g|| if ||g|| > tau (||g|| over all arrays together).

    grads: dict name -> array. Returns a new dict; the input is left unchanged.
    """
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "-"}
result = check_clip_by_norm(clip_by_norm)


# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def clip_by_norm_reference(grads, tau):
    """g <- tau g / ||g|| if ||g|| > tau (||g|| over all arrays together)."""
    norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
    scale = tau / norm if norm > tau else 1.0
    return {name: g * scale for name, g in grads.items()}


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# * Clipping by norm: $g \leftarrow \tau\, g/\|g\|$ when $\|g\| > \tau$; one positive factor, so the direction is kept (cosine 1).
# * Clipping by value: each entry into $[-\tau, \tau]$; entries shrink by different factors, so the direction turns.
# * Near a wall of the loss surface one gradient can be huge; without clipping a single step throws the parameters away.
# * Clipped steps are at most $\eta\,\tau$ long: descent stays where the gradient is meaningful.
# * Clipping fixes exploding gradients only; vanishing gradients need other tools.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check your understanding
#
# 1. Why must the norm be computed over *all* parameters together, not per matrix?
# 2. Find a 2-D gradient whose direction value clipping does *not* change.
# 3. On the cliff, what happens with a huge learning rate and clipping? With a tiny one?
# 4. Does clipping change the gradient of a step whose norm is below the threshold?
# 5. Why does the unclipped run stay stuck after its jump, for the rest of the 80 steps?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["answers"]
# **Answers.**
#
# 1. Per-matrix clipping shrinks each matrix by its own factor, so the combined step no
#    longer points along $-g$: the matrices move in proportions the gradient did not ask for.
#    One global factor keeps the step along $-g$, the steepest-descent direction;
#    per-matrix clipping is still a descent direction, but a different one.
# 2. Any $g$ whose entries are all within $[-\tau, \tau]$ (unchanged), or, for example,
#    $g = (9, 9)$ or $(9, -9)$ with $\tau = 5$: both entries are cut by the same factor.
# 3. With clipping every step is at most $\eta\tau$ long, so a huge $\eta$ still takes huge
#    steps: the product $\eta\tau$ is what matters. A tiny $\eta$ takes tiny steps and rarely
#    needs clipping, but moves slowly.
# 4. No: below the threshold the gradient is returned unchanged; clipping only ever shortens.
# 5. It lands on a flat part of the surface where $\|g\|$ is tiny (below $10^{-2}$ at every
#    later update, measured above), so each step barely moves it.

# %% [markdown] slideshow={"slide_type": "-"}
# [← 06 · Vanishing and exploding gradients](06_vanishing_and_exploding.ipynb) | [Index](00_start_here.ipynb) | [08 · Truncated BPTT →](08_truncated_bptt.ipynb)
