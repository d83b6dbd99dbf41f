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
# * the gradient with respect to the initial state $h_0$;
# * how to check every gradient against finite differences.
#
# *About 35 minutes.*

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

import rnnlib
from rnnlib.checks.gradients import check_dW_hh, check_dW_xh
from rnnlib.report import table
from rnnlib.viz import use_course_style
from rnnlib.viz.gradients import plot_contribution_norms, plot_h0_gradient_parts

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
# This is the case the lecture notes write out.

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
# $W_{xh}$, $W_{hh}$ and $b_h$ are used at **every** step. With $\delta_t = \partial L/\partial z_t$
# (the implementation notes' $dh_\text{raw}$), each use adds one term:
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

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Where the factor $f'(z_t)$ goes
#
# For $\tanh$, $\delta_t = \dfrac{\partial L}{\partial h_t} \circ (1 - h_t^2)$: the derivative multiplies
# $\partial L/\partial h_t$ **elementwise, before** the outer product:
#
# $$\frac{\partial L}{\partial W_{hh}} = \sum_{t=1}^{T} \Big[\frac{\partial L}{\partial h_t} \circ (1 - h_t^2)\Big]\, h_{t-1}^\top$$
#
# The detailed notes write $\sum_t \frac{\partial L}{\partial h_t} \cdot h_{t-1}^\top \cdot (1 - h_t^2)$, which
# puts the factor after the outer product, where its shape does not fit. The same holds for $W_{xh}$ with $x_t^\top$.

# %% slideshow={"slide_type": "fragment"}
dh = g_many.dhs[1:]  # dL/dh_t for t = 1..T
hs = trace.hs
dW_hh = sum(np.outer(dh[t - 1] * (1 - hs[t] ** 2), hs[t - 1]) for t in range(1, T + 1))
err = rnnlib.rel_error(dW_hh, g_many["W_hh"])
print(f"sum_t [dL/dh_t * (1 - h_t^2)] h_(t-1)^T vs bptt: {err:.1e}")
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

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The terms, step by step
#
# A log scale: the many-to-one terms shrink steadily towards $k = 1$.

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
# ### The Jacobian needs a diagonal
#
# The lecture notes write $\partial h_j/\partial h_{j-1} = \text{Activation}'(z_j) \cdot W_{hh}$.
# Precisely it is $\operatorname{diag}(f'(z_j))\, W_{hh}$: row $i$ of $W_{hh}$ is scaled by $f'(z_j)_i$.
# Scaling the columns instead, $W_{hh} \operatorname{diag}(f'(z_j))$, is a different matrix.
# Finite differences of $h_j$ with respect to $h_{j-1}$ decide.

# %% slideshow={"slide_type": "fragment"}
j = 4
J = rnnlib.recurrent_jacobians(params, trace)[j - 1]  # diag(f'(z_j)) W_hh
x_j, h_prev = trace.xs[j - 1], trace.hs[j - 1].copy()
J_num = np.stack(
    [
        rnnlib.numerical_gradient(
            lambda i=i: rnnlib.step_forward(x_j, h_prev, params)[0][i], h_prev
        )
        for i in range(H)
    ]
)
cols = params["W_hh"] @ np.diag(trace.dfs()[j - 1])  # columns scaled: wrong
print(f"diag(f'(z_j)) W_hh vs finite differences: {rnnlib.rel_error(J, J_num):.1e}")
print(f"W_hh diag(f'(z_j)) vs finite differences: {rnnlib.rel_error(cols, J_num):.1e}")
assert rnnlib.rel_error(J, J_num) < 1e-8 and rnnlib.rel_error(cols, J_num) > 1e-2

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Every term carries the whole product
#
# For three steps the intuitive notes write
#
# $$\frac{\partial L}{\partial W} = \frac{\partial L}{\partial \hat y_2}\frac{\partial \hat y_2}{\partial h_2}\frac{\partial h_2}{\partial W} + \frac{\partial h_2}{\partial h_1}\frac{\partial h_1}{\partial W} + \frac{\partial h_1}{\partial h_0}\frac{\partial h_0}{\partial W}$$
#
# Precisely, with steps $1..3$, $h_0$ the initial state and $\partial^+ h_k/\partial W$ the use of $W$ at step $k$ alone:
#
# $$\frac{\partial L_3}{\partial W} = \frac{\partial L_3}{\partial h_3}\Big[\frac{\partial^+ h_3}{\partial W} + \frac{\partial h_3}{\partial h_2}\frac{\partial^+ h_2}{\partial W} + \frac{\partial h_3}{\partial h_2}\frac{\partial h_2}{\partial h_1}\frac{\partial^+ h_1}{\partial W}\Big]$$
#
# Every term carries the *whole* product back to its step $k$. With a loss at every step,
# $L_1$ and $L_2$ add sums of their own.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Three differences to point out: the notes drop the common factor
# $\partial L/\partial h_3$ from the second and third terms, they stop each product after one
# Jacobian, and they use $h_0$ both for the first computed state and for the initial state.
# The path-product cells above (one loss, then a loss at every step) check the correct form numerically.

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
assert np.argmax(part_norms) == 0  # here the loss of step 1 reaches h_0 most strongly
fig = plot_h0_gradient_parts(part_norms)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Learning $h_0$
#
# Instead of $h_0 = 0$, the initial state can be a parameter: one more array updated with
# $h_0 \leftarrow h_0 - \eta\, \partial L/\partial h_0$. Here the weights stay fixed and only $h_0$ moves.

# %% slideshow={"slide_type": "fragment"}
h0_learned = np.zeros(H)
losses = []
for _ in range(30):
    tr = rnnlib.forward(params, xs, h0=h0_learned)
    loss, dys = rnnlib.mse(tr.ys, targets)
    h0_learned -= 0.5 * rnnlib.bptt(params, tr, dys)["h0"]  # gradient step on h0 only
    losses.append(loss)
print("loss with h0 = 0:", round(losses[0], 4), "  after 30 steps on h0:", round(losses[-1], 4))
assert losses[-1] < losses[0]

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Checking every gradient numerically
#
# Central differences $\frac{L(\theta + \epsilon e_i) - L(\theta - \epsilon e_i)}{2\epsilon}$ for every
# entry of every parameter and of $h_0$, compared with BPTT by the relative error
# $\frac{\|a - b\|}{\|a\| + \|b\|}$. In float64 a correct gradient gives about $10^{-9}$ or less;
# above $10^{-7}$ means a bug.

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
# ## Your turn 1: $\partial L/\partial W_{hh}$ from the $\delta_t$'s
#
# Write `dW_hh_from_deltas(dzs, hs)`: `dzs[t-1]` $= \delta_t$ (shape `(T, H)`), `hs[t]` $= h_t$
# (shape `(T+1, H)`, `hs[0]` $= h_0$). Return $\sum_t \delta_t h_{t-1}^\top$.
# If the sum is wrong, the checker finds the first time step whose term is wrong.

# %% slideshow={"slide_type": "fragment"}
def dW_hh_from_deltas(dzs, hs):
    """dL/dW_hh = sum_{t=1}^T delta_t h_{t-1}^T; dzs (T, H), hs (T+1, H) -> (H, H)."""
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "fragment"}
result = check_dW_hh(dW_hh_from_deltas)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def dW_hh_from_deltas(dzs, hs):
    """dL/dW_hh = sum_{t=1}^T delta_t h_{t-1}^T; dzs (T, H), hs (T+1, H) -> (H, H)."""
    T = len(dzs)
    return sum(np.outer(dzs[t - 1], hs[t - 1]) for t in range(1, T + 1))


result = check_dW_hh(dW_hh_from_deltas)
assert result.passed

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Your turn 2: $\partial L/\partial W_{xh}$
#
# Write `dW_xh_from_deltas(dzs, xs)` with `xs[t-1]` $= x_t$ (shape `(T, D)`): return
# $\sum_t \delta_t x_t^\top$. Bonus: write it as one matrix product, without a loop.

# %% slideshow={"slide_type": "fragment"}
def dW_xh_from_deltas(dzs, xs):
    """dL/dW_xh = sum_{t=1}^T delta_t x_t^T; dzs (T, H), xs (T, D) -> (H, D)."""
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "fragment"}
result = check_dW_xh(dW_xh_from_deltas)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def dW_xh_from_deltas(dzs, xs):
    """dL/dW_xh = sum_{t=1}^T delta_t x_t^T; dzs (T, H), xs (T, D) -> (H, D)."""
    return dzs.T @ xs  # row t-1 of dzs times row t-1 of xs, summed over t


result = check_dW_xh(dW_xh_from_deltas)
assert result.passed

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# * $W_{hy}, b_y$: $\sum_t \frac{\partial L}{\partial y_t} h_t^\top$ and $\sum_t \frac{\partial L}{\partial y_t}$, one local term per output.
# * $W_{hh}, W_{xh}, b_h$: one term per step, $\delta_k h_{k-1}^\top$, $\delta_k x_k^\top$, $\delta_k$, with $\delta_k = \frac{\partial L}{\partial h_k} \circ f'(z_k)$.
# * Each term is a product of Jacobians $\operatorname{diag}(f'(z_j)) W_{hh}$ from every loss back to step $k$; BPTT sums all of them in one backward sweep.
# * $\partial L/\partial h_0 = W_{hh}^\top \delta_1$ collects every step's loss; $h_0$ can be learned.
# * Finite differences confirm every gradient to better than $10^{-7}$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check your understanding
#
# 1. Why does $\partial L/\partial W_{hy}$ need no product of Jacobians, while $\partial L/\partial W_{hh}$ does?
# 2. With a many-to-one loss, which time step's term of $\partial L/\partial W_{hh}$ is usually the largest, and why?
# 3. Where exactly does $f'(z_k)$ enter the term "$W_{hh}$ at time $k$"? What goes wrong if it is applied after the outer product?
# 4. Is $\operatorname{diag}(f'(z)) W_{hh}$ the same as $W_{hh} \operatorname{diag}(f'(z))$? Which one is $\partial h_j/\partial h_{j-1}$?
# 5. Why is the relative error, not the absolute error, the right measure in a gradient check?
#
# [← 03 · BPTT by hand](03_bptt_by_hand.ipynb) | [Index](00_start_here.ipynb) | [05 · Training with gradient descent →](05_training_with_gradient_descent.ipynb)
