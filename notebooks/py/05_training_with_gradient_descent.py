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
# # 05 · Training with gradient descent
#
# **What you will learn**
#
# * the update rule $W \leftarrow W - \eta\, \partial L/\partial W$, and why one small step lowers the loss;
# * a complete training loop in ten lines: forward, loss, BPTT, update;
# * what the learning rate does: too small, good, too large, divergent (with a slider);
# * SGD, momentum, Adagrad, RMSprop and Adam on the same task;
# * what gradient descent can and cannot promise about the minimum it finds.
#
# *About 40 minutes.*

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

import rnnlib
from rnnlib.checks.training import check_momentum_step, check_sgd_step
from rnnlib.report import table
from rnnlib.viz import use_course_style
from rnnlib.viz.training import plot_loss_curves, plot_loss_slice, plot_predictions
from rnnlib.widgets.training import LearningRateExplorer

use_course_style()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The task: predict the next value of a sine wave
#
# Each sequence is a sine wave with a random phase and frequency; the input is $x_t = s_t$ and
# the target at every step is $s_{t+1}$ (many-to-many). $T = 30$ steps, a batch of $B = 16$
# sequences, $H = 8$ hidden units. Before training, the outputs have little to do with the targets.

# %% slideshow={"slide_type": "fragment"}
xs, targets = rnnlib.sine_next_step(T=30, n=16, seed=0)  # (T, B, 1) each
params0 = rnnlib.init_params(1, 8, 1, seed=0, scheme="xavier")
print("xs", xs.shape, "targets", targets.shape)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Before training
#
# The first sequence of the batch: input, target and the untrained network's outputs.

# %% slideshow={"slide_type": "fragment"}
trace = rnnlib.forward(params0, xs)
fig = plot_predictions(xs[:, 0], targets[:, 0], trace.ys[:, 0], title="Before training")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The update rule
#
# $$W \leftarrow W - \eta\, \frac{\partial L}{\partial W}$$
#
# for each of $W_{xh}, W_{hh}, b_h, W_{hy}, b_y$, with the learning rate $\eta > 0$. The lecture notes write
# $W_\text{new} = W_\text{old} - \eta\, \partial L / \partial W_\text{old}$: precisely, the gradient is
# $\partial L/\partial W$ *evaluated at* the current weights $W_\text{old}$, and all five parameters are
# updated together, with gradients from the same forward and backward pass.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why one small step lowers the loss
#
# To first order, $L(W - \eta g) \approx L(W) - \eta \|g\|^2$ with $g = \partial L/\partial W$ (all
# parameters together): the loss drops by about $\eta \|g\|^2 > 0$. One step by hand:

# %% slideshow={"slide_type": "fragment"}
eta = 0.01
loss, dys = rnnlib.mse(rnnlib.forward(params0, xs).ys, targets)
grads = rnnlib.bptt(params0, rnnlib.forward(params0, xs), dys)
stepped = {k: params0[k] - eta * grads[k] for k in rnnlib.PARAM_NAMES}  # W <- W - eta dL/dW
loss_after = rnnlib.mse(rnnlib.forward(stepped, xs).ys, targets)[0]
predicted = eta * rnnlib.global_norm(grads) ** 2  # eta ||g||^2
print(
    f"loss {loss:.5f} -> {loss_after:.5f}: decrease {loss - loss_after:.5f}, "
    f"first-order prediction {predicted:.5f}"
)
assert loss_after < loss and abs((loss - loss_after) / predicted - 1) < 0.05

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The training loop, written out
#
# Every step: run the network, measure the loss and $\partial L/\partial y_t$, backpropagate
# through time, move every parameter against its gradient. `optimizer.step` does
# $W \leftarrow W - \eta\, \partial L/\partial W$ in place.

# %% slideshow={"slide_type": "fragment"}
params = rnnlib.copy_params(params0)
optimizer = rnnlib.SGD(lr=0.1)
losses = []
for _ in range(200):
    trace = rnnlib.forward(params, xs)  # z_t, h_t, y_t for t = 1..T
    loss, dys = rnnlib.mse(trace.ys, targets)  # L and dL/dy_t
    grads = rnnlib.bptt(params, trace, dys)  # dL/dW for all five parameters
    optimizer.step(params, grads)  # W <- W - eta dL/dW
    losses.append(loss)
print(f"loss: step 1 {losses[0]:.4f}, step 200 {losses[-1]:.5f}")
assert losses[-1] < 0.01 * losses[0]

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Which $\partial L/\partial y_t$?
#
# The loss here is the mean over all $N = T \cdot B$ outputs, $L = \frac{1}{N}\sum (y_t - s_{t+1})^2$,
# whose gradient is $\frac{2}{N}(y_t - s_{t+1})$. The implementation notes pair the mean form with
# $\partial L/\partial y_t = \hat y_t - y_t$: that is the gradient of $\frac12 \sum_t (\hat y_t - y_t)^2$ instead.
# The two differ by the factor $2/N$, which simply rescales the learning rate.

# %% slideshow={"slide_type": "fragment"}
N = xs.shape[0] * xs.shape[1]
trace = rnnlib.forward(params0, xs)
_, dys_mean = rnnlib.mse(trace.ys, targets)
_, dys_half = rnnlib.mse(trace.ys, targets, form="half_sum")  # per sequence, batch-averaged
assert np.allclose(dys_mean, 2 / N * (trace.ys - targets))
assert np.allclose(dys_half, (trace.ys - targets) / xs.shape[1])
print("mean form: dL/dy_t = (2/N)(y_t - target), N =", N)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The same loop, from the library
#
# `rnnlib.train` runs exactly these steps (and stops early if the loss stops being finite).
# From the same initial weights it gives the same losses.

# %% slideshow={"slide_type": "fragment"}
params_sgd = rnnlib.copy_params(params0)
history = rnnlib.train(params_sgd, (xs, targets), "mse", rnnlib.SGD(lr=0.1), steps=200)
assert np.allclose(history["loss"], losses, rtol=1e-12, atol=0)
print("same 200 losses as the loop above; diverged:", history["diverged"])

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The loss curve
#
# A log scale shows both phases: a fast drop in the first steps, then slow progress.

# %% slideshow={"slide_type": "fragment"}
fig = plot_loss_curves({"SGD, learning rate 0.1": history}, title="Training loss, sine task")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### After training
#
# The same test sequence as before training.

# %% slideshow={"slide_type": "fragment"}
trace = rnnlib.forward(params_sgd, xs)
fig = plot_predictions(xs[:, 0], targets[:, 0], trace.ys[:, 0], title="After 200 steps of SGD")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The learning rate
#
# The same initial weights, 200 steps of SGD, four learning rates. Too small a rate moves
# slowly; a larger one is faster until the steps overshoot, the loss jumps up, and finally
# grows without bound. `rnnlib.train` stops when the loss is no longer finite and sets
# `history["diverged"]`.

# %% slideshow={"slide_type": "fragment"}
rates = [0.01, 0.1, 0.5, 1.0]
runs = {}
for lr in rates:
    runs[lr] = rnnlib.train(rnnlib.copy_params(params0), (xs, targets), "mse", rnnlib.SGD(lr), 200)
print(
    table(
        [
            [lr, "yes" if h["diverged"] else "no", len(h["loss"]), h["loss"][-1]]
            for lr, h in runs.items()
        ],
        ["learning rate", "diverged", "steps run", "last loss"],
    )
)
assert [h["diverged"] for h in runs.values()] == [False, False, False, True]
assert runs[0.01]["loss"][-1] > runs[0.1]["loss"][-1] > runs[0.5]["loss"][-1]
assert max(runs[0.5]["loss"][:20]) > runs[0.5]["loss"][0]  # a jump on the way down

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Four learning rates, four behaviours
#
# Slow, good, jumpy, divergent. The cross marks where the divergent run leaves the plot.

# %% slideshow={"slide_type": "fragment"}
fig = plot_loss_curves(
    {f"learning rate {lr:g}": h for lr, h in runs.items()}, title="SGD with four learning rates"
)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Explore the learning rate
#
# A smaller RNN, 100 steps of SGD at the slider's rate (every rate of the slider is trained
# once, when the explorer is built). Dotted: the rate 0.1, for reference.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
# nbval-ignore-output: the widget is drawn by the front end
xs_small, targets_small = rnnlib.sine_next_step(T=20, n=8, seed=0)
explorer = LearningRateExplorer(xs_small, targets_small, steps=100, lr=0.1)
explorer

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Beyond plain gradient descent
#
# All use the gradient $g$ of the current step; they differ in how they turn it into a step:
#
# * **momentum**: $v \leftarrow \beta v + g$, step $\eta v$ (keeps moving in consistent directions);
# * **Adagrad**: $s \leftarrow s + g^2$, step $\eta g / \sqrt{s}$ (per-entry rates that only shrink);
# * **RMSprop**: $s \leftarrow \rho s + (1-\rho) g^2$, step $\eta g / \sqrt{s}$ (a moving average instead);
# * **Adam**: moving averages of $g$ and $g^2$, bias-corrected, step $\eta \hat m / \sqrt{\hat v}$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Five optimisers, one task
#
# Same initial weights, same 200 steps, the same learning rate 0.03 for all five.

# %% slideshow={"slide_type": "fragment"}
names = {
    "sgd": "SGD",
    "momentum": "momentum",
    "adagrad": "Adagrad",
    "rmsprop": "RMSprop",
    "adam": "Adam",
}
compare = {}
for name in names:
    compare[name] = rnnlib.train(
        rnnlib.copy_params(params0), (xs, targets), "mse", rnnlib.make_optimizer(name, 0.03), 200
    )

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The five loss curves
#
# SGD and Adagrad never go up here; momentum, RMSprop and Adam have steps where the loss rises.

# %% slideshow={"slide_type": "fragment"}
rises = {n: int(np.sum(np.diff(h["loss"]) > 0)) for n, h in compare.items()}
assert (
    rises["sgd"] == rises["adagrad"] == 0
    and min(rises[n] for n in ("momentum", "rmsprop", "adam")) > 0
)
fig = plot_loss_curves(
    {names[n]: h for n, h in compare.items()},
    title="Five optimisers, learning rate 0.03, 200 steps",
)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Final losses, at two learning rates
#
# The loss still jumps at the end of some runs, so we compare the mean loss of the last 20
# steps. A ranking of optimisers holds for one learning rate and one budget: repeating the
# comparison at 0.1 shows how much it depends on that choice.

# %% slideshow={"slide_type": "fragment"}
final = {0.03: {n: np.mean(h["loss"][-20:]) for n, h in compare.items()}, 0.1: {}}
for name in names:
    h = rnnlib.train(
        rnnlib.copy_params(params0), (xs, targets), "mse", rnnlib.make_optimizer(name, 0.1), 200
    )
    final[0.1][name] = np.mean(h["loss"][-20:])
print("mean loss over steps 181-200")
print(
    table(
        [[names[n], final[0.03][n], final[0.1][n]] for n in names],
        ["optimiser", "learning rate 0.03", "learning rate 0.1"],
    )
)
for lr in (0.03, 0.1):
    assert min(final[lr], key=final[lr].get) == "adam"  # Adam lowest at both rates
assert final[0.03]["rmsprop"] < final[0.03]["sgd"]
assert max(final[0.1], key=final[0.1].get) == "rmsprop"  # the worst at 0.1

# %% [markdown] slideshow={"slide_type": "fragment"}
# At this budget Adam ends lowest at both rates. RMSprop beats SGD at 0.03 but is the worst at
# 0.1: compare optimisers each at a well-chosen rate, never at one shared number.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Does gradient descent find *the* minimum?
#
# The lecture notes say training reaches a global minimum. Precisely: each small step lowers the
# loss, so gradient descent settles where the gradient is (nearly) zero, a local minimum,
# saddle point or flat region, in a *low-loss region*. For a non-convex loss nothing
# guarantees that this is the global minimum. The RNN's loss is not convex, as a symmetry shows.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** A convex loss would make every local minimum global; an RNN's loss is
# not convex. The next slide proves it without any search: relabelling hidden units gives a
# second, equally good solution, and the loss is higher in between.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Two solutions with exactly the same loss
#
# Relabel the hidden units with a permutation $P$: $W_{xh} \to P W_{xh}$,
# $W_{hh} \to P W_{hh} P^\top$, $b_h \to P b_h$, $W_{hy} \to W_{hy} P^\top$. The network computes the same
# outputs, so the loss is the same. On the straight line between the two, the loss rises:
# a convex function could not do that.

# %% slideshow={"slide_type": "fragment"}
perm = np.roll(np.arange(8), 1)  # hidden unit i becomes unit i + 1
A = params_sgd
B = {
    "W_xh": A["W_xh"][perm],
    "W_hh": A["W_hh"][perm][:, perm],
    "b_h": A["b_h"][perm],
    "W_hy": A["W_hy"][:, perm],
    "b_y": A["b_y"],
}


def loss_at(p):
    return rnnlib.mse(rnnlib.forward(p, xs).ys, targets)[0]


alphas = np.linspace(0, 1, 21)
slice_losses = [loss_at({k: (1 - a) * A[k] + a * B[k] for k in A}) for a in alphas]
assert abs(loss_at(A) - loss_at(B)) < 1e-12 and max(slice_losses) > 5 * loss_at(A)
print(f"loss at both ends {loss_at(A):.5f}, highest on the line {max(slice_losses):.5f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The loss between the two solutions
#
# Both ends are equally good; the straight path between them climbs a hill.

# %% slideshow={"slide_type": "fragment"}
fig = plot_loss_slice(alphas, slice_losses)
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn 1: one gradient-descent step
#
# Write `sgd_step(params, grads, eta)`: return a new dict in which every one of the five
# parameters has moved by $-\eta\, \partial L/\partial W$ (or update `params` in place and return `None`).

# %% slideshow={"slide_type": "fragment"}
def sgd_step(params, grads, eta):
    """W <- W - eta dL/dW for W in W_xh, W_hh, b_h, W_hy, b_y; returns the new dict."""
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "fragment"}
result = check_sgd_step(sgd_step)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def sgd_step(params, grads, eta):
    """W <- W - eta dL/dW for W in W_xh, W_hh, b_h, W_hy, b_y; returns the new dict."""
    return {name: params[name] - eta * grads[name] for name in rnnlib.PARAM_NAMES}


result = check_sgd_step(sgd_step)
assert result.passed

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Your turn 2: one momentum step
#
# Write `momentum_step(theta, v, g, eta, beta)` for one array: $v \leftarrow \beta v + g$, then
# $\theta \leftarrow \theta - \eta v$. Return `(theta, v)`, both updated.

# %% slideshow={"slide_type": "fragment"}
def momentum_step(theta, v, g, eta, beta):
    """v <- beta v + g; theta <- theta - eta v. Returns (theta, v)."""
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "fragment"}
result = check_momentum_step(momentum_step)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def momentum_step(theta, v, g, eta, beta):
    """v <- beta v + g; theta <- theta - eta v. Returns (theta, v)."""
    v = beta * v + g
    return theta - eta * v, v


result = check_momentum_step(momentum_step)
assert result.passed

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# * One update: forward, loss and $\partial L/\partial y_t$, BPTT, then $W \leftarrow W - \eta\,\partial L/\partial W$ for all five parameters at once.
# * A small step lowers the loss by about $\eta \|g\|^2$; too large a step overshoots and can diverge.
# * Momentum, Adagrad, RMSprop and Adam reshape the step; which one wins depends on the learning rate and the budget.
# * Gradient descent reaches a low-loss region where the gradient is nearly zero, not a guaranteed global minimum: the loss is not convex.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check your understanding
#
# 1. Why must all five gradients come from the same forward and backward pass before any parameter changes?
# 2. The mean-squared-error gradient is $\frac{2}{N}(y_t - \text{target})$ here. What happens to the best learning rate if you switch to the $\frac12\sum$ form?
# 3. In the learning-rate comparison, why does the loss at rate 0.5 jump up before it comes down?
# 4. Why does relabelling the hidden units not change the loss, and what does that imply about the number of minima?
# 5. Why is "Adam beats SGD" not a complete statement?

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Short answers. (1) The gradient is that of $L$ at the current
# parameters; changing $W_{hh}$ before computing $\partial L/\partial W_{xh}$ would mix two
# different points. (2) With $N = TB$ terms, the $\frac12\sum$ form (averaged over the batch)
# has a gradient $T/2$ times larger than the mean form, so the learning rate must shrink by
# that factor to take the same steps. (3) A large step overshoots along the steepest
# directions first; the loss rises until the iterates settle into a flatter region.
# (4) Permuting the hidden units (rows of $W_{xh}$, $W_{hh}$, $b_h$, columns of $W_{hh}$ and
# $W_{hy}$) computes the same function, so every minimum has $H!$ copies: the loss is not
# convex. (5) The ranking depends on the learning rate, the budget and the task: here it
# changes between the rates 0.03 and 0.1.

# %% [markdown] slideshow={"slide_type": "-"}
# [← 04 · Per-weight gradients](04_per_weight_gradients.ipynb) | [Index](00_start_here.ipynb) | [06 · Vanishing and exploding gradients →](06_vanishing_and_exploding.ipynb)
