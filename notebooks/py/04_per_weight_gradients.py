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
# # 04 · Per-weight gradients
#
# **What you will learn**
#
# * why $W_{hy}$ and $b_y$ get *local* gradients, while $W_{xh}$, $W_{hh}$ and $b_h$ collect one term per time step;
# * how big each time step's term is, for a many-to-one and a many-to-many loss;
# * that one term, written as an explicit chain-rule product of Jacobians, equals what BPTT computes;
# * the gradient with respect to the initial state $h_0$, and when learning $h_0$ pays;
# * how to check every gradient against finite differences, and when that check misleads;
# * to derive the gradient with respect to the inputs, and $\partial L/\partial W_{hh}$ as one product.
#
# *About 50 minutes.*

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

import rnnlib
from rnnlib.checks.gradients import check_dW_hh, check_input_gradients
from rnnlib.report import table
from rnnlib.viz import use_course_style
from rnnlib.viz.gradients import (
    plot_contribution_norms,
    plot_step_errors,
    plot_step_size_sweep,
)

use_course_style()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The running example
#
# A small network: $D = 2$ inputs, $H = 4$ hidden units, $O = 1$ output, $T = 10$ steps,
# $\tanh$ hidden units, a non-zero initial state $h_0$. Two losses on the same forward pass
# (mean squared error):
#
# * **many-to-one**: only $y_T$ is compared with a target (`mask="last"`);
# * **many-to-many**: every $y_t$ is compared with a target.

# %% slideshow={"slide_type": "fragment"}
D, H, O, T = 2, 4, 1, 10
rng = np.random.default_rng(2)
params = rnnlib.init_params(D, H, O, seed=2, scheme="xavier")
xs = rng.normal(size=(T, D))  # xs[t-1] = x_t
targets = rng.normal(size=(T, O))  # one target per step
h0 = rng.normal(scale=0.5, size=H)

trace = rnnlib.forward(params, xs, h0=h0)
loss_one, dys_one = rnnlib.mse(trace.ys, targets[-1], mask="last")  # many-to-one
loss_many, dys_many = rnnlib.mse(trace.ys, targets)  # many-to-many
g_one = rnnlib.bptt(params, trace, dys_one)
g_many = rnnlib.bptt(params, trace, dys_many)
print("many-to-one loss:", round(loss_one, 4), "  many-to-many loss:", round(loss_many, 4))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Output weights: a local gradient
#
# $y_t = W_{hy} h_t + b_y$ uses $W_{hy}$ once per step, and nothing later depends on
# that use. So each term needs only the output's own step:
#
# $$\frac{\partial L}{\partial W_{hy}} = \sum_{t=1}^{T} \frac{\partial L}{\partial y_t}\, h_t^\top, \qquad
# \frac{\partial L}{\partial b_y} = \sum_{t=1}^{T} \frac{\partial L}{\partial y_t}$$
#
# With a many-to-one loss, $\partial L/\partial y_t = 0$ for $t < T$: only the last term is left.

# %% slideshow={"slide_type": "fragment"}
dW_hy_last = np.outer(dys_one[-1], trace.hs[-1])  # dL/dy_T h_T^T
dW_hy_sum = sum(np.outer(dys_many[t - 1], trace.hs[t]) for t in range(1, T + 1))
err_one = rnnlib.rel_error(dW_hy_last, g_one["W_hy"])
err_many = rnnlib.rel_error(dW_hy_sum, g_many["W_hy"])
print("many-to-one : dL/dy_T h_T^T        vs bptt:", f"{err_one:.1e}")
print("many-to-many: sum_t dL/dy_t h_t^T  vs bptt:", f"{err_many:.1e}")
assert err_one < 1e-12 and err_many < 1e-12
assert rnnlib.rel_error(dys_one[-1], g_one["b_y"]) < 1e-12

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Shared weights: one term per time step
#
# $W_{xh}$, $W_{hh}$ and $b_h$ are used at **every** step. With
# $\delta_k = \partial L/\partial z_k = \frac{\partial L}{\partial h_k} \circ f'(z_k)$ (notebook 03),
# each use adds one term:
#
# $$\frac{\partial L}{\partial W_{hh}} = \sum_{k=1}^{T} \underbrace{\delta_k\, h_{k-1}^\top}_{W_{hh}\text{ at time }k}, \qquad
# \frac{\partial L}{\partial W_{xh}} = \sum_{k=1}^{T} \delta_k\, x_k^\top, \qquad
# \frac{\partial L}{\partial b_h} = \sum_{k=1}^{T} \delta_k$$
#
# `rnnlib.contributions` returns these terms, indexed by $k - 1$.

# %% slideshow={"slide_type": "fragment"}
terms_one = rnnlib.contributions(trace, g_one)
terms_many = rnnlib.contributions(trace, g_many)
print("shape of the W_hh terms (T, H, H):", terms_one["W_hh"].shape)
for name in ("W_xh", "W_hh", "b_h"):
    err = rnnlib.rel_error(terms_many[name].sum(axis=0), g_many[name])
    print(f"sum of the {name} terms vs bptt: {err:.1e}")
    assert err < 1e-12

# %% [markdown] slideshow={"slide_type": "slide"}
# ## How much does each time step contribute?
#
# The norm $\|\delta_k h_{k-1}^\top\|_F$ of the term "$W_{hh}$ at time $k$", for both losses.
# In the many-to-one case every term has to travel back from the single loss at $T$; in the
# many-to-many case step $k$ also receives the losses of the steps right after it.

# %% slideshow={"slide_type": "fragment"}
norms = {
    "many-to-one (loss at T only)": np.linalg.norm(terms_one["W_hh"], axis=(1, 2)),
    "many-to-many (loss at every step)": np.linalg.norm(terms_many["W_hh"], axis=(1, 2)),
}
n_one = norms["many-to-one (loss at T only)"]
print(
    "many-to-one: largest term at k =",
    int(np.argmax(n_one)) + 1,
    "| term at k = 1 / term at k = T:",
    f"{n_one[0] / n_one[-1]:.1e}",
)
assert np.argmax(n_one) + 1 == T and n_one[0] < 0.01 * n_one[-1]
shrinks = n_one[:-1] < n_one[1:]  # going back from step k + 1 to step k, the term shrinks
print("steps back (k + 1 -> k) where the term shrinks:", int(shrinks.sum()), "of", T - 1)
assert T - 1 > shrinks.sum() > (T - 1) / 2  # overall, yes; at every step, no

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The terms, step by step
#
# A log scale: the many-to-one terms shrink, overall, towards $k = 1$, but not at every step
# (the count above).

# %% slideshow={"slide_type": "fragment"}
fig = plot_contribution_norms(norms, param="W_hh")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## One term, written as a chain-rule product
#
# Many-to-one, so $\partial L/\partial h_T = W_{hy}^\top \partial L/\partial y_T$. Written as a row
# vector (a gradient times Jacobians), the term of step $k$ is
#
# $$\frac{\partial L}{\partial W_{hh}}\Big|_{k} = \Big[\Big(\frac{\partial L}{\partial y_T} W_{hy}\Big)
# \frac{\partial h_T}{\partial h_{T-1}} \cdots \frac{\partial h_{k+1}}{\partial h_k} \circ f'(z_k)\Big]^\top h_{k-1}^\top,
# \qquad \frac{\partial h_j}{\partial h_{j-1}} = \operatorname{diag}(f'(z_j))\, W_{hh}$$
#
# `rnnlib.jacobian_product(params, trace, T, k)` multiplies the Jacobians: $\partial h_T / \partial h_k$.
# This is the lecture notes' chain for "$W_{hh}$ at time $k$", which they write, as they say,
# for a loss at the final step only ([ERRATA.md, entry 2](../ERRATA.md#erratum-2)).

# %% slideshow={"slide_type": "fragment"}
k = 3
row = dys_one[-1] @ params["W_hy"]  # dL/dy_T W_hy  = dL/dh_T (row vector)
row = row @ rnnlib.jacobian_product(params, trace, T, k)  # ... dh_T/dh_(T-1) ... dh_(k+1)/dh_k
delta_k = row * trace.dfs()[k - 1]  # o f'(z_k)
term_k = np.outer(delta_k, trace.hs[k - 1])  # [...]^T h_(k-1)^T
err = rnnlib.rel_error(term_k, terms_one["W_hh"][k - 1])
print(f"explicit product for k = {k} vs the BPTT term at k: rel. error {err:.1e}")
assert err < 1e-12

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### With a loss at every step
#
# Now every loss $L_t$ with $t \ge k$ reaches step $k$, each through its own product of
# Jacobians from $t$ down to $k$:
#
# $$\frac{\partial L}{\partial h_k} = \sum_{t=k}^{T} \frac{\partial L}{\partial y_t} W_{hy}\, \frac{\partial h_t}{\partial h_k}$$
#
# BPTT gets the same sum without forming any product: one step back at a time.

# %% slideshow={"slide_type": "fragment"}
row = sum(
    dys_many[t - 1] @ params["W_hy"] @ rnnlib.jacobian_product(params, trace, t, k)
    for t in range(k, T + 1)
)  # dL/dh_k, one path per loss
term_k = np.outer(row * trace.dfs()[k - 1], trace.hs[k - 1])
err = rnnlib.rel_error(term_k, terms_many["W_hh"][k - 1])
print(f"sum of {T - k + 1} paths for k = {k} vs the BPTT term at k: rel. error {err:.1e}")
assert err < 1e-12

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Every term carries the whole product
#
# For three steps, with $\partial^+ h_k/\partial W$ the use of $W$ at step $k$ alone (its
# direct effect, with $h_{k-1}$ held fixed):
#
# $$\frac{\partial L_3}{\partial W} = \frac{\partial L_3}{\partial h_3}\Big[\frac{\partial^+ h_3}{\partial W} + \frac{\partial h_3}{\partial h_2}\frac{\partial^+ h_2}{\partial W} + \frac{\partial h_3}{\partial h_2}\frac{\partial h_2}{\partial h_1}\frac{\partial^+ h_1}{\partial W}\Big]$$
#
# Every term carries the *whole* product back to its step $k$. With a loss at every step,
# $L_1$ and $L_2$ add sums of their own. (The intuitive notes drop the common factor and
# stop each product after one Jacobian: [ERRATA.md, entry 11](../ERRATA.md#erratum-11).)

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** The two path-product cells above (one loss, then a loss at every
# step) check exactly this form numerically.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The gradient with respect to $h_0$
#
# $h_0$ enters only through $z_1 = W_{xh} x_1 + W_{hh} h_0 + b_h$, so
# $\dfrac{\partial L}{\partial h_0} = W_{hh}^\top \delta_1$.
# But $\delta_1$ already holds the effect of *every* later loss:
# $\dfrac{\partial L}{\partial h_0} = \sum_t \dfrac{\partial L_t}{\partial h_0}$.
# We split it by running BPTT with the loss of one step at a time.

# %% slideshow={"slide_type": "fragment"}
assert rnnlib.rel_error(g_many["h0"], params["W_hh"].T @ g_many.dzs[0]) < 1e-12
parts = []
for t in range(1, T + 1):
    dys_t = np.zeros_like(dys_many)
    dys_t[t - 1] = dys_many[t - 1]  # only the loss of step t
    parts.append(rnnlib.bptt(params, trace, dys_t)["h0"])
err = rnnlib.rel_error(sum(parts), g_many["h0"])
print(f"sum_t dL_t/dh_0 vs dL/dh_0: {err:.1e}")
assert err < 1e-12

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Which losses reach $h_0$?
#
# The size of $\partial L_t/\partial h_0$ for every step's loss. The loss of step $t$ reaches $h_0$
# through $t$ Jacobians, so late losses usually arrive weakened (notebook 06 explains
# when and why).

# %% slideshow={"slide_type": "fragment"}
part_norms = np.linalg.norm(parts, axis=1)
print(table([part_norms], [f"t = {t}" for t in range(1, T + 1)], digits=1))  # ||dL_t/dh_0||
assert np.argmax(part_norms) == 0  # here the loss of step 1 reaches h_0 most strongly
assert part_norms[-1] < 0.01 * part_norms[0]

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Learning $h_0$: when it pays
#
# $h_0 = 0$ is right for a sequence that starts from rest, not for a window cut from the
# middle of a stream. There $h_0$ can be **learned**: $h_0 \leftarrow h_0 - \eta\, \partial L/\partial h_0$.
# A test: a network that remembers longer ($W_{hh}$ = 0.95 × an orthogonal matrix, notebook
# 01), $D = 2$, $H = 4$, $O = 2$, $T = 20$, whose targets are its own outputs from a hidden
# true start $h_0^\star$. The weights stay fixed; only $h_0$ moves.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** Starting from $h_0 = 0$: at which steps are the outputs most wrong? And
# after gradient descent on $h_0$ alone?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
# The early ones: the missing state matters most before the inputs have
# overwritten it, and the error fades over the steps. Learning $h_0$ removes it from
# every step: it recovers the true state, up to what the outputs reveal.

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** For this network and seed: the error with $h_0 = 0$ peaks in the
# first two steps and stays below 1% of that peak over the last five (the network forgets
# its start, though not monotonically: $W_{hh}$ also rotates the state); 100
# steps of gradient descent on $h_0$ remove it from every step. With $O = 2$ outputs and
# $H = 4$ states the true state is recovered here.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Gradient descent on $h_0$ alone

# %% slideshow={"slide_type": "fragment"}
p_mem = rnnlib.init_params(2, 4, 2, seed=5, scheme="orthogonal", scale=0.5)
p_mem["W_hh"] = 0.95 * p_mem["W_hh"]  # shrinks every state by 5% per step, before tanh
rng_mem = np.random.default_rng(5)
xs_mem = rng_mem.normal(scale=0.5, size=(20, 2))
h0_true = rng_mem.uniform(-1, 1, size=4)  # the state the window started from
targets_mem = rnnlib.forward(p_mem, xs_mem, h0=h0_true).ys
h0_learned, losses = np.zeros(4), []
for _ in range(100):  # gradient descent on h_0 alone, eta = 2
    tr = rnnlib.forward(p_mem, xs_mem, h0=h0_learned)
    loss, dys = rnnlib.mse(tr.ys, targets_mem)
    losses.append(loss)
    h0_learned = h0_learned - 2.0 * rnnlib.bptt(p_mem, tr, dys)["h0"]
step_error = {
    label: np.sum((rnnlib.forward(p_mem, xs_mem, h0=start).ys - targets_mem) ** 2, axis=1)
    for label, start in [("$h_0 = 0$", np.zeros(4)), ("learned $h_0$ (100 steps)", h0_learned)]
}
print(f"loss with h_0 = 0: {losses[0]:.2e}   after 100 steps on h_0: {losses[-1]:.1e}")
print(f"||learned h_0 - true h_0|| = {np.linalg.norm(h0_learned - h0_true):.1e}")
before = step_error["$h_0 = 0$"]
assert losses[-1] < 1e-6 * losses[0] and np.linalg.norm(h0_learned - h0_true) < 1e-3
assert np.argmax(before) < 2 and before[-5:].max() < 0.01 * before.max()  # early, then fading

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The error of every step, before and after

# %% slideshow={"slide_type": "fragment"}
fig = plot_step_errors(step_error)
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Checking every gradient numerically
#
# Central differences $\frac{L(\theta + \Delta e_i) - L(\theta - \Delta e_i)}{2\Delta}$ with the
# step $\Delta = 10^{-6}$, for every entry of every parameter and of $h_0$, compared with
# BPTT by the relative error $\frac{\|a - b\|}{\|a\| + \|b\|}$. In float64 the correct gradient
# of this section's $\tanh$ network gives less than $10^{-9}$ at that step (the sweep below), and
# the usual rule is: above $10^{-7}$, suspect a bug.

# %% slideshow={"slide_type": "fragment"}
def loss_fn(ys):
    return rnnlib.mse(ys, targets)  # many-to-many MSE: (loss, dL/dy_t)


check_tanh = rnnlib.grad_check(params, xs, loss_fn, h0=h0, activation="tanh")
print(check_tanh.table())
assert check_tanh.passed  # every relative error < 1e-7

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Other activations
#
# The same check with sigmoid and ReLU hidden units: only $f'$ changes in BPTT.

# %% slideshow={"slide_type": "fragment"}
checks = {
    a: rnnlib.grad_check(params, xs, loss_fn, h0=h0, activation=a) for a in ("sigmoid", "relu")
}
for activation, result in checks.items():
    assert result.passed, activation
print(
    table(
        [[name] + [checks[a][name] for a in checks] for name in check_tanh],
        ["gradient"] + [f"{a} rel. error" for a in checks],
        digits=2,
    )
)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## When a correct gradient fails the check
#
# The difference quotient is not the derivative. By Taylor's theorem,
#
# $$\frac{L(\theta + \Delta e_i) - L(\theta - \Delta e_i)}{2\Delta} = \frac{\partial L}{\partial \theta_i}
# + \frac{\Delta^2}{6}\,\frac{\partial^3 L}{\partial \theta_i^3} + \dots$$
#
# so a large $\Delta$ adds an error that grows like $\Delta^2$. A small $\Delta$ has another
# problem: $L$ is computed with a rounding error of about $10^{-16} |L|$, and dividing the
# difference by $2\Delta$ magnifies it to about $10^{-16} |L| / \Delta$. And both assume that
# $L$ is smooth between $\theta - \Delta e_i$ and $\theta + \Delta e_i$.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** A correct tanh gradient, checked with $\Delta$ from $10^{-13}$ to $10^{-1}$:
# where is the relative error smallest, and does it stay below $10^{-7}$ everywhere?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
# Where the two errors balance, $\Delta^2 \approx 10^{-16}/\Delta$, around
# $\Delta \approx 10^{-5}$. Far from there a correct gradient fails the rule: round-off for
# tiny $\Delta$, the $\Delta^2$ term for large $\Delta$.

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** The argument needs nothing beyond Taylor's theorem and the fact
# that float64 keeps about 16 significant digits. The sweep below checks it, and adds two
# cases that matter in practice: a real bug, and a ReLU unit sitting right at its kink.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The sweep: a correct gradient, a bug, and a kink
#
# Three gradients of the same loss, $W_{hh}$ and $b_h$ as one vector, against central
# differences with step $\Delta$:
#
# * **tanh, correct**: `rnnlib.bptt`;
# * **tanh, a bug**: the same, but $\partial L/\partial W_{hh}$ with the factor $1 - h_t^2$
#   applied after the outer product (notebook 03);
# * **ReLU, correct**, for a network where one pre-activation $z_{t,i}$ sits $3 \times 10^{-7}$
#   from ReLU's kink at 0 (we moved $b_h$ to put it there).

# %% slideshow={"slide_type": "skip"}
def relative_error_at(delta, p, activation, grads):
    """Relative error of grads of W_hh and b_h (as one vector) against central
    differences with step delta."""

    def loss():
        return loss_fn(rnnlib.forward(p, xs, h0=h0, activation=activation).ys)[0]

    numeric = [rnnlib.numerical_gradient(loss, p[k], delta).ravel() for k in ("W_hh", "b_h")]
    analytic = [grads[k].ravel() for k in ("W_hh", "b_h")]
    return rnnlib.rel_error(np.concatenate(analytic), np.concatenate(numeric))


g_bug = dict(g_many)  # a bug: (1 - h_t^2) applied after the outer product
g_bug["W_hh"] = sum(
    np.outer(dh_t, h_prev) * (1 - h_t**2)
    for dh_t, h_prev, h_t in zip(g_many.dhs[1:], trace.hs[:-1], trace.hs[1:], strict=True)
)
p_kink = {k: v.copy() for k, v in params.items()}
zs_relu = rnnlib.forward(p_kink, xs, h0=h0, activation="relu").zs
t_k, i_k = np.unravel_index(np.argmin(np.abs(zs_relu)), zs_relu.shape)  # closest to the kink
p_kink["b_h"][i_k] -= zs_relu[t_k, i_k] - 3e-7  # move z_{t,i} to 3e-7
tr_kink = rnnlib.forward(p_kink, xs, h0=h0, activation="relu")
g_kink = rnnlib.bptt(p_kink, tr_kink, loss_fn(tr_kink.ys)[1])

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
deltas = 10.0 ** np.arange(-13, 0)
sweep = {
    "tanh, correct": [relative_error_at(d, params, "tanh", g_many) for d in deltas],
    "tanh, a bug": [relative_error_at(d, params, "tanh", g_bug) for d in deltas],
    "ReLU at a kink, correct": [relative_error_at(d, p_kink, "relu", g_kink) for d in deltas],
}
print(f"smallest |z_t,i| of the ReLU network: {np.abs(tr_kink.zs).min():.1e}")
rows = [[f"{d:.0e}", *(sweep[k][n] for k in sweep)] for n, d in enumerate(deltas)]
print(table(rows, ["Delta", *sweep], digits=2))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The sweep, drawn

# %% slideshow={"slide_type": "fragment"}
fig = plot_step_size_sweep(deltas, sweep, tol=1e-7)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How to tell
#
# * **A bug** gives an error that does not depend on $\Delta$: flat, far above $10^{-7}$.
# * **Round-off and truncation** give a V: a correct gradient fails for $\Delta$ far from
#   the bottom ($\approx 10^{-5}$ here). Try $10^{-5}$ and $10^{-6}$ before suspecting the code.
# * **A kink** (ReLU, and anything with $\max$ or $\lvert\cdot\rvert$) fails while $\Delta$ is larger
#   than the distance to the kink, and passes below it. Print the smallest $\lvert z_{t,i}\rvert$:
#   $3\times10^{-7}$ here, below rnnlib's default $\Delta = 10^{-6}$; or nudge the parameters and
#   check again.

# %% slideshow={"slide_type": "fragment"}
tanh_ok, bug, kink = (np.array(sweep[k]) for k in sweep)
at = {e: n for n, e in enumerate(range(-13, 0))}  # Delta = 10**e is deltas[at[e]]
assert np.all(bug > 1e-2)  # flat: fails at every step size
assert np.argmin(tanh_ok) == at[-5]  # the bottom of the V: Delta = 1e-5
assert tanh_ok[at[-6]] < 1e-9  # correct, at Delta = 1e-6
z_min = np.abs(tr_kink.zs).min()
assert f"{z_min:.0e}" == "3e-07"  # the distance to the kink, as printed above
assert tanh_ok[at[-13]] > 1e-7 and tanh_ok[at[-1]] > 1e-7  # both arms fail the rule
assert kink[at[-6]] > 1e-3 and kink[at[-8]] < 1e-7  # fails above the kink's distance only
print(
    f"ReLU at the default Delta = 1e-6: relative error {kink[at[-6]]:.1e} (fails, gradient correct)"
)
print(f"ReLU at Delta = 1e-8:             relative error {kink[at[-8]]:.1e} (passes)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn 1: the gradient with respect to the inputs
#
# Inputs are not trained, but $\partial L/\partial x_t$ says how much each input moved the
# loss, and it is what a layer below the RNN (an embedding, another RNN) would receive.
# Derive it on paper first: where does $x_t$ enter the network? Which gradient of notebook
# 03 has the same structure? Then write `input_gradients(params, hs, dys)`, returning all
# $T$ of them as rows. You need the $\delta_t$, so run the backward recursion ($\tanh$
# units). Why are the inputs `xs` themselves not needed?

# %% slideshow={"slide_type": "fragment"} tags=["exercise"]
def input_gradients(params, hs, dys):
    """dL/dx_t for t = 1..T, tanh hidden units.

    hs (T+1, H) with hs[t] = h_t (hs[0] = h_0), dys (T, O) = dL/dy_t.
    Returns dxs (T, D) with dxs[t-1] = dL/dx_t.
    """
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "-"}
result = check_input_gradients(input_gradients)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def input_gradients_reference(params, hs, dys):
    """dL/dx_t = W_xh^T delta_t.

    x_t enters only z_t = W_xh x_t + W_hh h_{t-1} + b_h, entry j with coefficient
    (W_xh)_ij in z_{t,i}: dL/dx_{t,j} = sum_i (W_xh)_ij delta_{t,i}, the same structure as
    W_hh^T delta_t for h_{t-1}. z_t is linear in x_t, so x_t itself does not appear.
    """
    T = len(dys)
    dxs = np.zeros((T, params["W_xh"].shape[1]))
    from_later = np.zeros(hs.shape[1])  # W_hh^T delta_{t+1}
    for t in range(T, 0, -1):
        dh = params["W_hy"].T @ dys[t - 1] + from_later  # dL/dh_t
        delta = dh * (1 - hs[t] ** 2)  # delta_t
        dxs[t - 1] = params["W_xh"].T @ delta  # dL/dx_t
        from_later = params["W_hh"].T @ delta
    return dxs


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Your turn 2: $\partial L/\partial W_{hh}$ in one matrix product
#
# Stack the $\delta_t$ as the rows of `dzs` ($T \times H$) and the states as the rows of `hs`
# ($(T+1) \times H$, `hs[0]` $= h_0$). Show on paper that $\sum_t \delta_t h_{t-1}^\top$ is one
# matrix product of `dzs` and rows of `hs` (compare entry $(i, j)$ on both sides, as in
# notebook 03), then write it without a loop. This is how rnnlib computes every weight
# gradient.

# %% slideshow={"slide_type": "fragment"} tags=["exercise"]
def dW_hh_from_deltas(dzs, hs):
    """dL/dW_hh = sum_{t=1}^T delta_t h_{t-1}^T as one matrix product.

    dzs (T, H) with dzs[t-1] = delta_t; hs (T+1, H) with hs[t] = h_t. Returns (H, H).
    """
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "-"}
result = check_dW_hh(dW_hh_from_deltas)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def dW_hh_from_deltas_reference(dzs, hs):
    """Entry (i, j): sum_t dzs[t-1, i] * hs[t-1, j] = (dzs^T hs[:-1])_ij."""
    return dzs.T @ hs[:-1]  # hs[:-1] holds h_0..h_{T-1}, the states W_hh multiplied


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# * $W_{hy}, b_y$: $\sum_t \frac{\partial L}{\partial y_t} h_t^\top$ and $\sum_t \frac{\partial L}{\partial y_t}$, one local term per output.
# * $W_{hh}, W_{xh}, b_h$: one term per step, $\delta_k h_{k-1}^\top$, $\delta_k x_k^\top$, $\delta_k$, with $\delta_k = \frac{\partial L}{\partial h_k} \circ f'(z_k)$.
# * Each term is a product of Jacobians $\operatorname{diag}(f'(z_j)) W_{hh}$ from every loss back to step $k$; BPTT sums all of them in one backward sweep.
# * $\partial L/\partial h_0 = W_{hh}^\top \delta_1$ collects every step's loss; learning $h_0$ pays when the true start is not 0.
# * A gradient check passes below $10^{-7}$ for a well-chosen $\Delta$; a bug fails at every $\Delta$, a kink only above its distance.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check your understanding
#
# 1. Why does $\partial L/\partial W_{hy}$ need no product of Jacobians, while $\partial L/\partial W_{hh}$ does?
# 2. With a many-to-one loss, which time step's term of $\partial L/\partial W_{hh}$ is usually the largest, and why?
# 3. Why is $\partial L/\partial h_0 = W_{hh}^\top \delta_1$ although every step's loss reaches $h_0$?
# 4. In the $h_0$ test, why are the late steps' errors small even with $h_0 = 0$?
# 5. Why is the relative error, not the absolute error, the right measure in a gradient check?
# 6. A check gives $10^{-2}$ at $\Delta = 10^{-6}$ and $10^{-9}$ at $\Delta = 10^{-8}$. Bug or kink?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["answers"]
# **Answers.**
#
# 1. $W_{hy}$ acts on $h_t$ to give $y_t$, and nothing later depends on $y_t$: its use at step
#    $t$ affects only $L_t$. $W_{hh}$'s use at step $k$ changes $h_k$, which changes every
#    later state, so the loss of step $t$ reaches it through $\partial h_t/\partial h_k$.
# 2. Usually the last one, $k = T$: it needs no Jacobian, and each step further back
#    multiplies by another $\operatorname{diag}(f') W_{hh}$, which here shrinks the gradient.
# 3. $\delta_1$ already holds every later loss: BPTT added them on the way back, step by step.
# 4. The network forgets its start: each step multiplies the difference between the two
#    states by a Jacobian that shrinks it (0.95 × orthogonal, times $\tanh'$ ≤ 1).
# 5. Gradients range over many orders of magnitude; an absolute error of $10^{-8}$ is
#    negligible for a gradient of size 1 and everything for one of size $10^{-8}$.
# 6. A kink (or a similar non-smooth point): a bug would fail at both step sizes.

# %% [markdown] slideshow={"slide_type": "-"}
# [← 03 · BPTT by hand](03_bptt_by_hand.ipynb) | [Index](00_start_here.ipynb) | [05 · Training with gradient descent →](05_training_with_gradient_descent.ipynb)
