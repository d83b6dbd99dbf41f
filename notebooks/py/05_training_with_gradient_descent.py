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
# * the update rule $\theta \leftarrow \theta - \eta\, g$, and why one small step lowers the loss;
# * a complete training loop in ten lines: forward, loss, BPTT, update;
# * how to tell learning from memorising: the loss on sequences the model never saw;
# * what the learning rate does: too small, good, too large, divergent (with a slider);
# * the update equations of momentum, Adagrad, RMSprop and Adam, derived, then compared;
# * what gradient descent can and cannot promise about the minimum it finds.
#
# *About 55 minutes.*

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

import rnnlib
from rnnlib.checks.training import check_adam_step, check_momentum_step
from rnnlib.report import table
from rnnlib.viz import use_course_style
from rnnlib.viz.training import plot_loss_curves, plot_loss_slice, plot_predictions
from rnnlib.widgets.training import LearningRateExplorer

use_course_style()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The task: predict the next value of a sine wave
#
# Each sequence is a sine wave $s_t$ with a random phase and frequency; the input is
# $x_t = s_t$ and the target at every step is $y^\star_t = s_{t+1}$ (many-to-many). $T = 30$
# steps, $H = 8$ hidden units. The network trains on a batch of $B = 16$ sequences; 16
# **held-out** sequences, drawn with another seed, are never used for training: they tell
# us whether it learned sine waves or only these 16.

# %% slideshow={"slide_type": "fragment"}
xs, targets = rnnlib.sine_next_step(T=30, n=16, seed=0)  # training: (T, B, 1) each
xs_held, targets_held = rnnlib.sine_next_step(T=30, n=16, seed=1)  # held out
params0 = rnnlib.init_params(1, 8, 1, seed=0, scheme="xavier")
# no held-out sequence is (close to) a training one
closest = min(np.abs(xs_held[:, i] - xs[:, j]).max() for i in range(16) for j in range(16))
print("xs", xs.shape, "targets", targets.shape, "| held out", xs_held.shape)
print(f"closest pair (held-out, training): largest difference {closest:.2f}")
assert closest > 0.1

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Before training
#
# The first held-out sequence: input, target and the untrained network's outputs.

# %% slideshow={"slide_type": "fragment"}
trace = rnnlib.forward(params0, xs_held)
fig, ax = plt.subplots(figsize=(8, 3.5))
plot_predictions(xs_held[:, 0], targets_held[:, 0], trace.ys[:, 0], ax=ax, title="Before training")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The update rule
#
# Write $\theta$ for all five parameters $W_{xh}, W_{hh}, b_h, W_{hy}, b_y$ together and
# $g = \partial L/\partial\theta$ for the gradient BPTT returns. One step of gradient descent:
#
# $$\theta \leftarrow \theta - \eta\, g, \qquad g = \frac{\partial L}{\partial \theta}\Big|_{\theta}
# \quad (\text{evaluated at the current } \theta),$$
#
# with the learning rate $\eta > 0$. All five parameters move together, with gradients from
# one forward and one backward pass at the same $\theta$. The lecture notes write
# $W_\text{new} = W_\text{old} - \eta\, \partial\mathcal L/\partial W_\text{old}$; read
# $\partial\mathcal L/\partial W_\text{old}$ as this gradient evaluated at $W_\text{old}$
# ([ERRATA.md, entry 16](../ERRATA.md#erratum-16)).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why one small step lowers the loss

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** Does one step $\theta - \eta\, g$ always lower the loss? If so, by how much?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
#
# Only when $\eta$ is small enough; then by about $\eta\,\|g\|^2$ (derived next).
# A large $\eta$ can overshoot and raise the loss: the learning-rate section shows it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The first-order argument
#
# Expand $L$ around $\theta$ (Taylor, to first order in the step $-\eta g$):
#
# $$L(\theta - \eta g) = L(\theta) + g^\top(-\eta g) + O(\eta^2) = L(\theta) - \eta\,\|g\|^2 + O(\eta^2).$$
#
# $\|g\|^2 > 0$ unless $g = 0$, so for small enough $\eta$ the loss drops, by about
# $\eta\|g\|^2$; no other direction of the same length drops faster to first order
# (Cauchy–Schwarz: $g^\top d \le \|g\|\,\|d\|$). One step by hand, $\eta = 0.01$:

# %% slideshow={"slide_type": "fragment"}
eta = 0.01
loss, dys = rnnlib.mse(rnnlib.forward(params0, xs).ys, targets)
grads = rnnlib.bptt(params0, rnnlib.forward(params0, xs), dys)
stepped = {k: params0[k] - eta * grads[k] for k in rnnlib.PARAM_NAMES}  # theta <- theta - eta g
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
# $\theta \leftarrow \theta - \eta\, g$ in place. Here $L$ is the mean over the $N = TB$
# outputs, so $\partial L/\partial y_t = \frac{2}{N}(y_t - y^\star_t)$ (notebook 02).

# %% slideshow={"slide_type": "fragment"}
params = rnnlib.copy_params(params0)
optimizer = rnnlib.SGD(lr=0.1)
losses = []
for _ in range(200):
    trace = rnnlib.forward(params, xs)  # z_t, h_t, y_t for t = 1..T
    loss, dys = rnnlib.mse(trace.ys, targets)  # L and dL/dy_t
    grads = rnnlib.bptt(params, trace, dys)  # dL/dtheta for all five parameters
    optimizer.step(params, grads)  # theta <- theta - eta g
    losses.append(loss)
N = xs.shape[0] * xs.shape[1]
assert np.allclose(rnnlib.mse(trace.ys, targets)[1], 2 / N * (trace.ys - targets))
print(f"loss: step 1 {losses[0]:.4f}, step 200 {losses[-1]:.5f}")
assert losses[-1] < 0.01 * losses[0]

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The same loop, from the library
#
# `rnnlib.train` runs exactly these steps (and stops early if the loss stops being finite).
# From the same initial weights it gives the same losses. Its `callback` runs after every
# update: we use it to measure the loss on the held-out sequences as training goes.

# %% slideshow={"slide_type": "fragment"}
def held_out_loss(p):
    return rnnlib.mse(rnnlib.forward(p, xs_held).ys, targets_held)[0]


params_sgd = rnnlib.copy_params(params0)
held = [held_out_loss(params_sgd)]  # held[i]: after i updates, like history["loss"][i]
history = rnnlib.train(
    params_sgd,
    (xs, targets),
    "mse",
    rnnlib.SGD(lr=0.1),
    steps=200,
    callback=lambda step, loss, p: held.append(held_out_loss(p)),
)
assert np.allclose(history["loss"], losses, rtol=1e-12, atol=0)
print("same 200 losses as the loop above; diverged:", history["diverged"])

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Learning or memorising?
#
# A low training loss says the network fits its 16 training sequences. Does it also
# predict sine waves it has never seen?

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** After 200 steps, is the loss on the held-out sequences below, equal to, or
# above the training loss? Does it keep falling while the training loss falls?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
#
# Above, usually: the parameters were fitted to the training sequences, and
# others tend to fit a little worse. If it keeps falling with the training loss, the network
# learns what all sine waves share. The next cell measures both.

# %% slideshow={"slide_type": "fragment"}
train_loss, held_loss = np.array(history["loss"]), np.array(held[:200])
print(
    f"after 200 steps: training loss {train_loss[-1]:.5f}, held-out {held_loss[-1]:.5f} "
    f"({held_loss[-1] / train_loss[-1]:.1f} x); held-out rose at "
    f"{int(np.sum(np.diff(held_loss) > 0))} of 199 steps"
)
assert train_loss[-1] < held_loss[-1] < 2 * train_loss[-1]
assert np.all(np.diff(held_loss) < 0)  # falls at every step: no overfitting here

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Training and held-out loss
#
# Within 200 steps, for this seed, there is no overfitting: the held-out loss falls at
# every step, and ends within a factor 2 of the training loss.

# %% slideshow={"slide_type": "fragment"}
fig = plot_loss_curves(
    {"training (16 sequences)": train_loss, "held out (16 other sequences)": held_loss},
    title="SGD, learning rate 0.1: training and held-out loss",
)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### After training
#
# The same held-out sequence as before training: the network never saw it.

# %% slideshow={"slide_type": "fragment"}
trace = rnnlib.forward(params_sgd, xs_held)
fig, ax = plt.subplots(figsize=(8, 3.5))
plot_predictions(xs_held[:, 0], targets_held[:, 0], trace.ys[:, 0], ax=ax, title="After 200 steps")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## When the model memorises
#
# Now make memorising easy: only **2** training sequences, with noise of standard deviation
# $\kappa = 0.1$ added to every $s_t$, and 600 steps of Adam (introduced below). The
# held-out set: 64 other noisy sequences.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** The training loss will fall. Will the held-out loss follow it down?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
#
# Not for long. With two sequences the cheapest way to lower the training loss is
# to fit their particular noise, which says nothing about other sequences: the held-out
# loss reaches a minimum early and then rises. The next slides derive a test for it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A floor no honest model can beat
#
# The target is $y^\star_t = s_{t+1} + \nu_{t+1}$ with noise $\nu_{t+1}$ of
# variance $\kappa^2$, drawn independently of everything the network has read up to step $t$.
# So for any prediction $y_t$ made at step $t$, on fresh sequences:
#
# $$\mathbb E\big[(y_t - s_{t+1} - \nu_{t+1})^2\big] = \mathbb E\big[(y_t - s_{t+1})^2\big] + \kappa^2 \;\ge\; \kappa^2 = 0.01.$$
#
# (The cross term vanishes: $\mathbb E[\nu_{t+1}] = 0$ and it is independent of
# $y_t - s_{t+1}$.) Predicting the clean sine exactly reaches this floor; a *training* loss
# below it means the network predicts noise it could not have known: it memorised it.

# %% slideshow={"slide_type": "subslide"}
kappa = 0.1  # the noise's standard deviation
xs_few, targets_few = rnnlib.sine_next_step(T=30, n=2, seed=0, noise=kappa)
xs_new, targets_new = rnnlib.sine_next_step(T=30, n=64, seed=1, noise=kappa)
clean = rnnlib.sine_next_step(T=30, n=2, seed=0)[1]  # the same waves without noise
floor = rnnlib.mse(clean, targets_few)[0]  # the loss of predicting the clean sine exactly
params_few = rnnlib.init_params(1, 8, 1, seed=0, scheme="xavier")
held_few = [rnnlib.mse(rnnlib.forward(params_few, xs_new).ys, targets_new)[0]]
history_few = rnnlib.train(
    params_few,
    (xs_few, targets_few),
    "mse",
    rnnlib.Adam(0.01),
    steps=600,
    callback=lambda step, loss, p: held_few.append(
        rnnlib.mse(rnnlib.forward(p, xs_new).ys, targets_new)[0]
    ),
)
train_few, held_few = np.array(history_few["loss"]), np.array(held_few[:600])
best = int(np.argmin(held_few))
print(f"clean-sine loss on the 2 training sequences: {floor:.4f} (kappa^2 = {kappa**2:g})")
print(f"training loss after 600 steps: {train_few[-1]:.4f}")
print(
    f"held-out loss: lowest {held_few[best]:.4f} after {best} steps, {held_few[-1]:.4f} at the end"
)
assert train_few[-1] < floor / 2  # below the floor: noise memorised
assert best < 150 and held_few[-1] > 1.5 * held_few[best]  # held-out rises after its minimum

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Overfitting, measured
#
# The training loss ends below the clean-sine loss while the held-out loss climbs away from
# its minimum: overfitting (for this seed and budget). Remedies: more data, early stopping
# at the held-out minimum, a smaller model.

# %% slideshow={"slide_type": "fragment"}
fig, ax = plt.subplots(figsize=(8, 3.4))
plot_loss_curves({"training": train_few, "held out": held_few}, ax=ax, title="2 noisy sequences")
ax.axhline(floor, color="black", lw=1, ls=":", label="clean-sine loss (training)")
ax.plot(best + 1, held_few[best], "o", color="black", label="held-out minimum")
ax.legend(fontsize=10)
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The learning rate
#
# The same initial weights, 200 steps of SGD, four learning rates: 0.01, 0.1, 0.5 and 1.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** Which of the four ends lowest after 200 steps? What does the rate 1 do?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
#
# 0.01 moves too slowly; 0.1 and 0.5 make faster progress, and 0.5 ends lowest,
# though it jumps up on the way. At 1 the steps overshoot so far that the loss grows without
# bound: the $O(\eta^2)$ term of the expansion wins. `rnnlib.train` stops when the loss is
# no longer finite and sets `history["diverged"]`.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Four learning rates, measured

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
xs_small, targets_small = rnnlib.sine_next_step(T=20, n=8, seed=0)
explorer = LearningRateExplorer(xs_small, targets_small, steps=100, lr=0.1)
explorer

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Beyond plain gradient descent: the equations
#
# For the parameters $\theta$ and the gradient $g$, all operations entry by entry
# ($g^2 = g \odot g$; so the same lines serve any one parameter array on its own), state
# $m, v, G$ starting at 0, update number $n = 1, 2, \dots$:
#
# | optimiser | state update | step |
# |---|---|---|
# | SGD | | $\theta \leftarrow \theta - \eta\, g$ |
# | momentum | $m \leftarrow \beta m + g$ | $\theta \leftarrow \theta - \eta\, m$ |
# | Adagrad | $G \leftarrow G + g^2$ | $\theta \leftarrow \theta - \eta\, g / (\sqrt{G} + \epsilon)$ |
# | RMSprop | $v \leftarrow \beta v + (1 - \beta)\, g^2$ | $\theta \leftarrow \theta - \eta\, g / (\sqrt{v} + \epsilon)$ |
# | Adam | $m \leftarrow \beta_1 m + (1-\beta_1)\, g$, $\;v \leftarrow \beta_2 v + (1-\beta_2)\, g^2$ | $\theta \leftarrow \theta - \eta\, \hat m / (\sqrt{\hat v} + \epsilon)$ |
#
# with Adam's bias-corrected $\hat m = m / (1 - \beta_1^n)$, $\hat v = v / (1 - \beta_2^n)$.
# The state is updated first, then the step uses the new state. The next slides derive what
# each line does.

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** Read the table row by row: each optimiser keeps a little memory
# ($m$, $v$ or $G$) per parameter entry and reshapes the step from it. $m$ accumulates
# gradients (a direction; momentum's $m$ is a decayed sum, Adam's an average), $v$ and $G$
# average or sum squared gradients (a size per entry). For a steady gradient, dividing by
# $\sqrt{\hat v}$ (Adam) makes the step about $\eta$ whatever the gradient's size, and so does
# $\sqrt{v}$ (RMSprop) once $v$ has filled up (its first step is longer, as derived below);
# dividing by $\sqrt{G}$ makes it $\eta/\sqrt{n}$. $\epsilon$ only protects against division by zero.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Momentum: a constant gradient, amplified
#
# Unroll $m \leftarrow \beta m + g$ from $m = 0$: after $n$ updates
# $m_n = \sum_{i=1}^{n} \beta^{\,n-i} g_i$. If every $g_i = g$, the geometric sum gives
#
# $$m_n = \frac{1 - \beta^n}{1 - \beta}\, g \;\longrightarrow\; \frac{g}{1 - \beta},$$
#
# so in a direction where the gradient is consistent the step grows to $\eta\,g/(1-\beta)$,
# ten times the SGD step for $\beta = 0.9$; where gradients alternate in sign, they cancel in $m$.

# %% slideshow={"slide_type": "fragment"}
g_const = np.array([0.5, -2.0])  # a constant gradient, two entries
momentum = rnnlib.Momentum(0.1)  # beta = 0.9
theta = {"p": np.zeros(2)}
for _ in range(50):
    before = theta["p"].copy()
    momentum.step(theta, {"p": g_const})
beta = momentum.beta
assert np.allclose(before - theta["p"], 0.1 * (1 - beta**50) / (1 - beta) * g_const)
ratio = (before - theta["p"]) / (0.1 * g_const)  # step 50 / SGD step, per entry
print(
    f"beta = {beta}: step 50 = {ratio.round(3)} x the SGD step; 1/(1 - beta) = {1 / (1 - beta):g}"
)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Adagrad: steps that only shrink
#
# $G$ sums every squared gradient, so it never decreases. With a constant gradient $g$,
# $G_n = n\,g^2$ and the step is $\eta\, g/(\sqrt{n}\,|g| + \epsilon) \approx \eta/\sqrt n$
# per entry, whatever the size of $g$: after 100 updates the step is a tenth of the first.

# %% slideshow={"slide_type": "fragment"}
adagrad = rnnlib.Adagrad(0.1)
theta = {"p": np.zeros(2)}
steps = []
for _ in range(100):
    before = theta["p"].copy()
    adagrad.step(theta, {"p": g_const})
    steps.append(np.abs(before - theta["p"]))
print("step 1:", steps[0], " step 100:", steps[99])
assert np.allclose(steps[99], 0.1 / np.sqrt(100)) and np.allclose(steps[0], 0.1)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Adagrad in min-char-rnn
#
# min-char-rnn writes `mem += dparam * dparam` and `param += -learning_rate * dparam /
# np.sqrt(mem + 1e-8)`: the same $G$, but with $\epsilon$ **inside** the square root,
# $\theta \leftarrow \theta - \eta\, g / \sqrt{G + 10^{-8}}$, where `rnnlib.Adagrad` divides by
# $\sqrt{G} + \epsilon$ with $\epsilon = 10^{-8}$. The two agree while $G \gg 10^{-8}$; for
# tiny accumulated gradients min-char-rnn's step is smaller. The first step, per entry:

# %% slideshow={"slide_type": "fragment"}
rows = []
for size in [1.0, 1e-3, 1e-4, 1e-5]:
    theta = {"p": np.zeros(1)}
    rnnlib.Adagrad(1.0).step(theta, {"p": np.array([size])})
    ours = -theta["p"][0] / size  # step / (eta g) = 1 / (sqrt(G) + eps)
    minchar = 1 / np.sqrt(size**2 + 1e-8)  # min-char-rnn: 1 / sqrt(G + 1e-8)
    rows.append([size, ours * size, minchar * size])
print(table(rows, ["|g| = sqrt(G)", "rnnlib step / eta", "min-char-rnn step / eta"]))
assert abs(rows[0][2] - 1) < 1e-7 and abs(rows[2][2] - 2**-0.5) < 1e-6 and rows[3][2] < 0.1

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### RMSprop and Adam: averages that start at zero
#
# RMSprop replaces Adagrad's sum by a running average, so old gradients are forgotten and
# steps stop shrinking. But the average starts at $v = 0$.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** On the very first update, $v_1 = (1-\beta)\,g^2$. How long is RMSprop's first
# step per entry, for $\beta = 0.9$? And Adam's, with its bias correction?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
#
# RMSprop: $\eta\,|g|/\sqrt{(1-\beta)g^2} = \eta/\sqrt{1-\beta} \approx 3.16\,\eta$,
# too long, because $v_1$ underestimates $g^2$ tenfold. Adam: $\hat m_1 = g$ and
# $\hat v_1 = g^2$, so the step is $\eta\,|g|/(|g| + \epsilon)$: $\eta$, up to $\epsilon$,
# whatever the size of $g$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Deriving Adam's bias correction
#
# Unroll $m \leftarrow \beta_1 m + (1 - \beta_1) g$ from $m = 0$:
# $m_n = (1-\beta_1) \sum_{i=1}^{n} \beta_1^{\,n-i} g_i$. If every $g_i = g$:
#
# $$m_n = (1-\beta_1)\,\frac{1 - \beta_1^n}{1 - \beta_1}\, g = (1 - \beta_1^n)\, g .$$
#
# The average is too small by the factor $1 - \beta_1^n$ (0.1 at $n = 1$ for $\beta_1 = 0.9$),
# so $\hat m = m/(1-\beta_1^n)$ is exactly $g$; likewise $\hat v = v/(1-\beta_2^n)$ is $g^2$.
# As $n$ grows, $\beta^n \to 0$ and the correction fades.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The first steps, measured
#
# One update of rnnlib's RMSprop and Adam from zero state, on gradient entries of very
# different sizes: the step per entry, divided by $\eta$.

# %% slideshow={"slide_type": "fragment"}
g_rand = np.random.default_rng(0).normal(size=5) * np.array([1e-2, 1e-1, 1, 10, 1e3])
first = {}
for name in ["rmsprop", "adam"]:
    theta = {"p": np.zeros(5)}
    rnnlib.make_optimizer(name, 0.01).step(theta, {"p": g_rand})
    first[name] = np.abs(theta["p"]) / 0.01  # first step / eta, per entry
adam = rnnlib.Adam(0.01)
b1, b2 = adam.beta1, adam.beta2
print(
    table(
        [[abs(g), r, a] for g, r, a in zip(g_rand, first["rmsprop"], first["adam"], strict=True)],
        ["|g|", "RMSprop step / eta", "Adam step / eta"],
    )
)
assert np.allclose(first["rmsprop"], 1 / np.sqrt(1 - 0.9), rtol=1e-4)  # RMSprop's beta = 0.9
assert np.allclose(first["adam"], 1.0, rtol=1e-4)
# without the correction: m_1 = (1 - b1) g, v_1 = (1 - b2) g^2
uncorrected = (1 - b1) / np.sqrt(1 - b2)
print(f"Adam without bias correction: step / eta = {uncorrected:.2f}")
assert round(uncorrected, 2) == 3.16 == round(1 / np.sqrt(1 - 0.9), 2)  # as RMSprop's

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Five optimisers, one task
#
# Same initial weights, same 200 steps, the same learning rate 0.03 for all five (rnnlib's
# defaults: $\beta = 0.9$ for momentum and RMSprop, $\beta_1 = 0.9$, $\beta_2 = 0.999$,
# $\epsilon = 10^{-8}$).

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
assert (adam.beta1, adam.beta2, adam.eps, momentum.beta) == (0.9, 0.999, 1e-8, 0.9)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The five loss curves
#
# SGD and Adagrad never go up here; momentum, RMSprop and Adam have steps where the loss
# rises: their steps do not shrink with the gradient (momentum carries speed, RMSprop and
# Adam divide by the gradient's own size).

# %% slideshow={"slide_type": "fragment"}
rises = {n: int(np.sum(np.diff(h["loss"]) > 0)) for n, h in compare.items()}
assert rises["sgd"] == rises["adagrad"] == 0 and min(rises.values()) == 0 < rises["adam"]
assert rises["momentum"] > 0 and rises["rmsprop"] > 0
fig, ax = plt.subplots(figsize=(8, 3.4))
plot_loss_curves({names[n]: h for n, h in compare.items()}, ax=ax, title="Learning rate 0.03")
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
# The lecture notes promise to "reach a global minimum (or a good local minimum)"
# ([ERRATA.md, entry 3](../ERRATA.md#erratum-3)). Precisely: each small enough step lowers
# the loss, so with a small enough $\eta$ gradient descent slows down where the gradient is
# small: a minimum, a saddle point or a plateau, whatever its loss. For a non-convex loss nothing
# guarantees that this is the global minimum, nor that a local minimum it finds is a good
# one. The RNN's loss is not convex, as a symmetry shows.

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** A convex loss would make every local minimum global; an RNN's loss is
# not convex. The next slide proves it without any search: relabelling hidden units gives a
# second, equally good solution, and the loss is higher in between.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Two solutions with exactly the same loss
#
# Relabel the hidden units with a permutation $P$: $W_{xh} \to P W_{xh}$,
# $W_{hh} \to P W_{hh} P^\top$, $b_h \to P b_h$, $W_{hy} \to W_{hy} P^\top$. Because $f$ acts
# entry by entry, $f(Pz) = P f(z)$; with $h_0 = 0$ (so $P h_0 = h_0$), induction gives
# $h_t \to P h_t$ at every step, and $y_t$ is unchanged, so the loss is the same. On the
# straight line between the two, the loss rises: a convex function could not do that.

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
# ## Your turn 1: one momentum step
#
# Write `momentum_step(theta, m, g, eta, beta)` for one array, from the equations above:
# accumulate $m \leftarrow \beta m + g$, then step $\theta \leftarrow \theta - \eta\, m$.
# Return `(theta, m)`, both new. The checker names the usual slips (stepping with the old
# $m$, $\beta$ on the wrong term, Adam's averaged form).

# %% slideshow={"slide_type": "fragment"} tags=["exercise"]
def momentum_step(theta, m, g, eta, beta):
    """m <- beta m + g; theta <- theta - eta m. Returns (theta, m)."""
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "fragment"}
result = check_momentum_step(momentum_step)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def momentum_step_reference(theta, m, g, eta, beta):
    """m <- beta m + g; theta <- theta - eta m. Returns (theta, m)."""
    m = beta * m + g
    return theta - eta * m, m


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Your turn 2: one Adam step
#
# Write `adam_step(theta, m, v, g, n, eta, beta1, beta2, eps)` for one array: update both
# averages with this gradient, bias-correct them for update number $n$ (1 at the first
# update), then step. Return `(theta, m, v)` with the *uncorrected* new $m, v$ (the state
# for the next update). The checker names the mistake: a missing bias correction, $\epsilon$
# inside the square root, stepping before accumulating, ...

# %% slideshow={"slide_type": "fragment"} tags=["exercise"]
def adam_step(theta, m, v, g, n, eta, beta1, beta2, eps):
    """One Adam update of theta (update number n >= 1). Returns (theta, m, v)."""
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "fragment"}
result = check_adam_step(adam_step)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def adam_step_reference(theta, m, v, g, n, eta, beta1, beta2, eps):
    """One Adam update of theta (update number n >= 1). Returns (theta, m, v)."""
    m = beta1 * m + (1 - beta1) * g  # first moment: running average of g
    v = beta2 * v + (1 - beta2) * g**2  # second moment: running average of g^2
    m_hat = m / (1 - beta1**n)  # bias corrections (both averages start at 0)
    v_hat = v / (1 - beta2**n)
    return theta - eta * m_hat / (np.sqrt(v_hat) + eps), m, v


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# * One update: forward, loss, BPTT, then $\theta \leftarrow \theta - \eta\, g$ for all five parameters at once.
# * A small step lowers the loss by about $\eta \|g\|^2$; too large a step overshoots and can diverge.
# * Judge a model on held-out sequences: a training loss that falls while the held-out loss rises is overfitting.
# * Momentum accumulates gradients ($m$); Adagrad and RMSprop divide by the root of summed or averaged squares ($G$, $v$); Adam does both, bias-corrected.
# * Rankings of optimisers depend on rate and budget; gradient descent slows where the gradient is small, not necessarily at the global minimum.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check your understanding
#
# 1. Why do all five gradients come from one pass before any parameter changes?
# 2. Why does the loss at rate 0.5 jump up before falling?
# 3. Why is a training loss below the clean-sine loss a sign of memorising? When to stop?
# 4. Without bias correction, is Adam's first step too long or too short? By how much?
# 5. Why does relabelling hidden units keep the loss? What follows for the minima?
# 6. Why is "Adam beats SGD" incomplete?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["answers"]
# **Answers.**
#
# 1. The gradient is that of $L$ at the current parameters; changing $W_{hh}$ before computing
#    $\partial L/\partial W_{xh}$ would mix derivatives taken at two different points.
# 2. A large step overshoots along the most curved directions first (the largest second
#    derivative, a Hessian eigenvalue $\lambda$): along such a direction the step overshoots
#    the minimum once $\eta > 2/\lambda$, so the $O(\eta^2)$ term beats $-\eta\|g\|^2$, and the
#    loss rises until the iterates reach a less curved region.
# 3. On fresh sequences no prediction can beat $\kappa^2$ in expectation, because the noise of
#    the next value is unknown at step $t$; going below it on the training set means fitting
#    that particular noise. Stop at the held-out minimum (early stopping), which came early here.
# 4. Too long: $m_1 = (1-\beta_1)g$ and $v_1 = (1-\beta_2)g^2$ give a step
#    $\eta(1-\beta_1)/\sqrt{1-\beta_2} \approx 3.16\,\eta$ instead of $\eta$ (for rnnlib's
#    $\beta_1 = 0.9$, $\beta_2 = 0.999$).
# 5. Permuting the hidden units (rows of $W_{xh}$, $W_{hh}$, $b_h$, columns of $W_{hh}$ and
#    $W_{hy}$) computes the same function, so every minimum comes with up to $H!$ copies
#    (fewer when two units are identical), with higher loss in between: the loss is not convex.
# 6. The ranking depends on the learning rate, the budget and the task: here RMSprop goes
#    from better than SGD at 0.03 to the worst at 0.1.

# %% [markdown] slideshow={"slide_type": "-"}
# [← 04 · Per-weight gradients](04_per_weight_gradients.ipynb) | [Index](00_start_here.ipynb) | [06 · Vanishing and exploding gradients →](06_vanishing_and_exploding.ipynb)
