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
# # 06 · Vanishing and exploding gradients
#
# **What you will learn**
#
# * the exact recurrent Jacobian $\partial h_j/\partial h_{j-1}$ and the transpose the backward pass uses;
# * why the gradient reaching step $k$ is a *product* of $T-k$ Jacobians;
# * how its norm shrinks or grows with the distance $T-k$, and the bound $(\gamma\,\sigma_{max})^{T-k}$;
# * what the eigenvalues of $W_{hh}$ tell you, and why a spectral radius below 1 is not enough;
# * which time steps actually contribute to $\partial L/\partial W_{hh}$.
#
# *About 45 minutes.*

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

import rnnlib
from rnnlib.checks.vanishing import check_jacobian_product
from rnnlib.report import table
from rnnlib.vanishing import decay_curves, power_norms
from rnnlib.viz import use_course_style
from rnnlib.viz import vanishing as viz
from rnnlib.widgets.vanishing import VanishingExplorer

use_course_style()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The recurrent Jacobian
#
# $h_j = f(z_j)$ with $z_j = W_{xh} x_j + W_{hh} h_{j-1} + b_h$. Entry $(i, m)$ of the
# Jacobian is $f'(z_{j,i})\,(W_{hh})_{im}$: row $i$ of $W_{hh}$ is scaled by $f'(z_{j,i})$.
#
# $$J_j = \frac{\partial h_j}{\partial h_{j-1}} = \operatorname{diag}\big(f'(z_j)\big)\, W_{hh} \qquad (H \times H)$$
#
# The notes write $\text{Activation}'(z_j)\cdot W_{hh}$; precisely, the vector $f'(z_j)$
# becomes a **diagonal matrix on the left**. For $\tanh$, $f'(z_j) = 1 - h_j^2$.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Stress the side: $\operatorname{diag}(f')\,W$ scales rows,
# $W\,\operatorname{diag}(f')$ scales columns. In numpy, `dfs[:, None] * W_hh` is the
# correct one; `W_hh * dfs` silently computes the other.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check it against finite differences
#
# A small $\tanh$ network ($H = 3$, $T = 5$). `rnnlib.recurrent_jacobians` returns
# $J_1, \dots, J_T$; we perturb $h_2$ and rerun one step to estimate $J_3$ numerically.

# %% slideshow={"slide_type": "fragment"}
D, H, T = 2, 3, 5
params = rnnlib.init_params(D, H, 1, seed=0, scheme="xavier")
xs = np.random.default_rng(1).normal(size=(T, D))  # xs[t-1] = x_t
trace = rnnlib.forward(params, xs)
J = rnnlib.recurrent_jacobians(params, trace)  # J[j-1] = dh_j/dh_{j-1}

j, eps = 3, 1e-6
J_num = np.zeros((H, H))
for m in range(H):  # column m: how h_j moves when h_{j-1} moves along e_m
    e = eps * np.eye(H)[m]
    h_plus, _ = rnnlib.step_forward(xs[j - 1], trace.hs[j - 1] + e, params)
    h_minus, _ = rnnlib.step_forward(xs[j - 1], trace.hs[j - 1] - e, params)
    J_num[:, m] = (h_plus - h_minus) / (2 * eps)

err = rnnlib.rel_error(J[j - 1], J_num)
err_wrong_side = rnnlib.rel_error(params["W_hh"] * trace.dfs()[j - 1], J_num)  # W diag(f')
print(f"diag(f') W_hh     vs finite differences: rel. error {err:.1e}")
print(f"W_hh diag(f')     vs finite differences: rel. error {err_wrong_side:.2f}")
assert err < 1e-8 and err_wrong_side > 0.01

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The backward pass multiplies by the transpose
#
# The detailed notes write $\partial h_{t+1}/\partial h_t = W_{hh}^\top (1 - h_{t+1}^2)$.
# Precisely, $\partial h_{t+1}/\partial h_t = \operatorname{diag}(1 - h_{t+1}^2)\,W_{hh}$,
# and BPTT applies its **transpose** to the gradient (a column vector):
#
# $$\frac{\partial L}{\partial h_t} = W_{hy}^\top \frac{\partial L}{\partial y_t} + \underbrace{W_{hh}^\top \operatorname{diag}(1 - h_{t+1}^2)}_{J_{t+1}^\top} \frac{\partial L}{\partial h_{t+1}}$$

# %% slideshow={"slide_type": "fragment"}
_, dys = rnnlib.mse(trace.ys, np.zeros((T, 1)))  # a loss at every step
grads = rnnlib.bptt(params, trace, dys)
dhs = grads.dhs  # dhs[t] = dL/dh_t, t = 0..T
W_hy = params["W_hy"]
for t in range(1, T):
    from_later = dhs[t] - W_hy.T @ dys[t - 1]  # dL/dh_t minus the direct term
    assert np.allclose(from_later, J[t].T @ dhs[t + 1])  # J[t] = J_{t+1}
print("dL/dh_t = W_hy^T dL/dy_t + J_{t+1}^T dL/dh_{t+1} holds for t = 1 ..", T - 1)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A product of Jacobians
#
# Chaining steps, the sensitivity of $h_t$ to an earlier state $h_k$ is
#
# $$\frac{\partial h_t}{\partial h_k} = J_t\, J_{t-1} \cdots J_{k+1} = \prod_{j=t}^{k+1} \operatorname{diag}\big(f'(z_j)\big) W_{hh}$$
#
# ($t-k$ factors, the latest on the left; the identity when $t = k$). For a loss on the
# last output only, BPTT's $\partial L/\partial h_k$ is this product, transposed, applied
# to $\partial L/\partial h_T$:
# $\;\frac{\partial L}{\partial h_k} = \big(\frac{\partial h_T}{\partial h_k}\big)^\top \frac{\partial L}{\partial h_T}$.

# %% slideshow={"slide_type": "fragment"}
_, dys_last = rnnlib.mse(trace.ys, np.zeros(1), mask="last")  # many-to-one
g_last = rnnlib.bptt(params, trace, dys_last)
for k in range(T + 1):
    P = rnnlib.jacobian_product(params, trace, T, k)  # dh_T/dh_k
    assert np.allclose(P.T @ g_last.dhs[T], g_last.dhs[k])
print("dL/dh_k = (dh_T/dh_k)^T dL/dh_T for every k = 0 ..", T)

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** The intuitive notes sum terms like $\frac{\partial h_2}{\partial h_1}
# \frac{\partial h_1}{\partial W}$ without the factors from the loss down to $h_2$; each
# term must carry the whole product back to its step. This is why the product matters:
# every term of $\partial L/\partial W_{hh}$ at step $k$ is multiplied by it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Norms against the distance $T - k$
#
# A bigger network ($H = 16$, $T = 50$), $W_{hh} = s\,W_0$ with $\rho(W_0) = 1$, so the
# scale $s$ is the spectral radius. Two measured curves against $T-k$ (log scale):
# $\|\partial h_T/\partial h_k\|_2$ (`rnnlib.jacobian_norms`) and
# $\|\partial L/\partial h_k\| / \|\partial L/\partial h_T\|$ (from `bptt(...).dhs`).

# %% slideshow={"slide_type": "fragment"}
H, T = 16, 50
xs50 = np.random.default_rng(1).normal(size=(T, 2))


def network(scale):
    return rnnlib.init_params(2, H, 1, seed=0, scheme="xavier", radius=scale)


def measure(scale, activation):
    p = network(scale)
    tr = rnnlib.forward(p, xs50, activation=activation)
    _, d_ys = rnnlib.mse(tr.ys, np.ones(1), mask="last")
    dh = np.linalg.norm(rnnlib.bptt(p, tr, d_ys).dhs, axis=1)  # ||dL/dh_k||, k = 0..T
    return rnnlib.jacobian_norms(p, tr), dh / dh[T]


jac, grad = measure(0.9, "tanh")
print(f"tanh, s = 0.9: ||dh_T/dh_0|| = {jac[0]:.1e}, ||dL/dh_0|| / ||dL/dh_T|| = {grad[0]:.1e}")
assert jac[0] < 1e-6 and grad[0] < 1e-6  # vanished over 50 steps

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Vanishing and exploding, side by side
#
# `decay_curves` makes these same calls (checked below). Dashed: the bound (next slide).

# %% slideshow={"slide_type": "fragment"}
c = decay_curves(network(0.9), xs50, "tanh")
assert np.allclose(c["jacobian"][::-1], jac) and np.allclose(c["gradient"][::-1], grad)
panels = {
    f"{a}, s = {s}": decay_curves(network(s), xs50, a) for a, s in [("tanh", 0.9), ("relu", 2.5)]
}
for c in panels.values():
    assert np.all(c["jacobian"] <= c["bound"]) and np.all(c["gradient"] <= c["bound"])
fig = viz.plot_decay_panels(panels)
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The bound (Pascanu, Mikolov & Bengio, 2013)
#
# With $\gamma = \max_z |f'(z)|$ ($1$ for $\tanh$ and ReLU, $\tfrac14$ for the sigmoid) and
# $\sigma_{max}$ the largest singular value of $W_{hh}$:
#
# $$\|J_j\|_2 \le \|\operatorname{diag}(f'(z_j))\|_2\,\|W_{hh}\|_2 \le \gamma\,\sigma_{max}
# \quad\Longrightarrow\quad \Big\|\frac{\partial h_T}{\partial h_k}\Big\|_2 \le (\gamma\,\sigma_{max})^{T-k}$$
#
# The notes say the gradient vanishes when the "magnitude" of this factor stays below 1 and
# explodes when it stays above. Precisely: $\gamma\,\sigma_{max} < 1$ is *sufficient* for
# vanishing; $\gamma\,\sigma_{max} > 1$ is only *necessary* for exploding.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Measured against the bound
#
# Four activations, two scales, $T = 50$: every measured norm stays below the bound.

# %% slideshow={"slide_type": "fragment"}
rows, ok = [], True
for act in ["tanh", "sigmoid", "relu", "linear"]:
    for s in [0.5, 1.5]:
        c = decay_curves(network(s), xs50, act)
        gs = rnnlib.GAMMA[act] * rnnlib.sigma_max(network(s)["W_hh"])
        ok &= bool(np.all(c["jacobian"] <= c["bound"]) and np.all(c["gradient"] <= c["bound"]))
        rows.append([act, s, gs, c["jacobian"][-1], c["bound"][-1]])
print(table(rows, ["activation", "s", "gamma*sigma_max", "||dh_T/dh_0||", "bound"], digits=3))
assert ok  # measured <= bound, at every distance, in all eight cases
assert all(r[3] < 1e-6 for r in rows if r[0] == "sigmoid")  # gamma = 1/4: vanishes even at s = 1.5

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** The bound uses the largest singular value, as in the ICML version of
# the paper. It can be very loose: it assumes every step hits the worst direction and the
# largest $f'$. The sigmoid rows show $\gamma = 1/4$ at work: even $s = 1.5$ vanishes.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Eigenvalues of $W_{hh}$
#
# For a *linear* RNN, $\partial h_T/\partial h_k = W_{hh}^{T-k}$: for large $T-k$ it shrinks
# or grows like $\rho(W_{hh})^{T-k}$, $\rho$ the largest eigenvalue modulus (inside or outside the unit circle).

# %% slideshow={"slide_type": "fragment"}
Ws = {f"s = {s}": network(s)["W_hh"] for s in [0.8, 1.3]}
assert np.allclose([rnnlib.spectral_radius(W) for W in Ws.values()], [0.8, 1.3])
fig = viz.plot_eigenvalue_panels(Ws)
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Explore: length, scale and activation
#
# Move **T**, **W_hh scale** and **activation** (what to try: next slide).

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
# nbval-ignore-output: the explorer is a live widget (its output is front-end state)
explorer = VanishingExplorer(T=50, scale=1.0, activation="tanh")
explorer

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What to try
#
# * $\tanh$ at scales 0.5, 1 and 2; the sigmoid at scale 3 (still vanishing);
# * ReLU at scale 3 with $T = 100$;
# * the same scale with a growing $T$: the curves only get longer.
#
# The explorer runs in float32, the precision of GPU training; when a number exceeds its
# largest value, the figure says where the gradient overflowed.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The extremes, from code
#
# `explorer.set(...)` moves the controls as you would. At ReLU, scale 3, $T = 100$ the
# float32 gradient overflows; the sigmoid at scale 0.5 underflows to exactly zero.

# %% slideshow={"slide_type": "fragment"}
explorer.set(activation="relu", scale=3.0, T=100)
exploded = explorer.last_curves["overflow_step"]
print("relu, scale 3, T = 100:", explorer.art_decay["status"].get_text())
explorer.set(activation="sigmoid", scale=0.5, T=100)
vanished = explorer.last_curves["vanish_distance"]
print("sigmoid, scale 0.5, T = 100:", explorer.art_decay["status"].get_text())
explorer.set(activation="sigmoid", scale=3.0, T=50)
print(f"sigmoid, scale 3, T = 50: ||dh_T/dh_0|| = {explorer.last_curves['jacobian'][-1]:.1e}")
assert exploded is not None and vanished is not None
assert explorer.last_curves["jacobian"][-1] < 1e-3  # the sigmoid still vanishes at scale 3
explorer.set(activation="tanh", scale=1.0, T=50)  # back to the start

# %% [markdown] slideshow={"slide_type": "slide"}
# ## $\rho(W_{hh}) < 1$ is not enough
#
# A non-normal matrix can have every eigenvalue inside the unit circle and still make
# $\|W^k\|$ grow for many steps before it decays. Take both eigenvalues $0.9$ and a large
# off-diagonal entry; contrast with a small one, where $\sigma_{max} < 1$ forces decay
# from the first step ($\|W^k\| \le \sigma_{max}^k$).

# %% slideshow={"slide_type": "fragment"}
W_big = np.array([[0.9, 4.0], [0.0, 0.9]])  # eigenvalues 0.9, 0.9
W_small = np.array([[0.9, 0.05], [0.0, 0.9]])  # same eigenvalues, sigma_max < 1
K = 60
n_big, n_small = power_norms(W_big, K), power_norms(W_small, K)
k_peak = int(np.argmax(n_big))
for name, W in [("W_big", W_big), ("W_small", W_small)]:
    print(f"{name}: rho = {rnnlib.spectral_radius(W):.2f}, sigma_max = {rnnlib.sigma_max(W):.3f}")
print(f"||W_big^k|| peaks at k = {k_peak}: {n_big[k_peak]:.1f}; at k = {K}: {n_big[K]:.2f}")
assert rnnlib.spectral_radius(W_big) < 1 and n_big[k_peak] > 10 and k_peak >= 5
assert rnnlib.sigma_max(W_small) < 1 and np.all(np.diff(n_small) <= 0)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The linear RNN's gradient does the same
#
# A linear RNN with $W_{hh} = $ `W_big`, $W_{hy} = [1\;\, 0]$ and a loss at the last step:
# $\partial L/\partial h_k = (W_{hh}^\top)^{T-k}\,\partial L/\partial h_T$ grows for about ten
# steps back in time before it decays (dots: measured by `bptt`).

# %% slideshow={"slide_type": "fragment"}
lin = {
    "W_xh": np.ones((2, 1)),
    "W_hh": W_big,
    "b_h": np.zeros(2),
    "W_hy": np.array([[1.0, 0.0]]),
    "b_y": np.zeros(1),
}
tr = rnnlib.forward(lin, np.zeros((K, 1)), h0=np.array([0.0, 1.0]), activation="linear")
_, d_ys = rnnlib.mse(tr.ys, np.ones(1), mask="last")
dh = np.linalg.norm(rnnlib.bptt(lin, tr, d_ys).dhs, axis=1)[::-1]  # index: distance T - k
g_lin = dh / dh[0]
print(f"gradient at distance {int(np.argmax(g_lin))}: {g_lin.max():.1f} x its value at T")
assert g_lin.max() > 10 and 5 <= np.argmax(g_lin) <= 15 and g_lin[-1] < g_lin.max() / 10

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Growth, then decay
#
# $\|W^k\|$ for both matrices (lines), $\rho^k$ (dashed) and the measured gradient (dots).

# %% slideshow={"slide_type": "fragment"}
fig, ax = plt.subplots(figsize=(8, 3.5))
viz.plot_power_norms(
    ax,
    {"W_big": W_big, "W_small": W_small},
    K,
    gradients={r"linear RNN $\|\partial L/\partial h_k\|$ (rel.)": g_lin},
)
ax.set_xlabel("k = number of factors = distance T - k")
plt.show()

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** $W^k = \begin{pmatrix}0.9^k & 4k\,0.9^{k-1}\\ 0 & 0.9^k\end{pmatrix}$:
# the off-diagonal term grows linearly before the geometric factor wins. Real $W_{hh}$
# are rarely normal, so the eigenvalues alone can mislead over short and medium horizons.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Which time steps teach $W_{hh}$?
#
# $\frac{\partial L}{\partial W_{hh}} = \sum_{t=1}^T \delta_t\, h_{t-1}^\top$ with
# $\delta_t = \frac{\partial L}{\partial h_t} \circ f'(z_t)$ (`rnnlib.contributions`).
# For a loss at step $T$ only, $\delta_t$ carries the product back from $T$ to $t$, so the
# terms of early steps fade: the weights learn almost nothing from the distant past.

# %% slideshow={"slide_type": "fragment"}
p = network(0.9)
tr = rnnlib.forward(p, xs50)
_, d_ys = rnnlib.mse(tr.ys, np.ones(1), mask="last")
g = rnnlib.bptt(p, tr, d_ys)
terms = rnnlib.contributions(tr, g)["W_hh"]  # terms[t-1] = delta_t h_{t-1}^T
assert np.allclose(terms.sum(axis=0), g["W_hh"])
norms = np.linalg.norm(terms, axis=(1, 2))
ratio = norms[-1] / norms[1]
print(f"||term at t = 1|| = {norms[0]:.1f} (h_0 = 0), term at t = {T} / term at t = 2: {ratio:.1e}")
assert norms[0] == 0 and ratio > 1e6

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Contributions fade with the distance to the loss
#
# One bar per step $t$ (log scale); step 1 has none, since $h_0 = 0$.

# %% slideshow={"slide_type": "fragment"}
fig, ax = plt.subplots(figsize=(8, 3.5))
viz.plot_contributions(ax, norms)
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn: the product of Jacobians
#
# Write `jacobian_product(W_hh, dfs, t, k)` returning $\partial h_t/\partial h_k =
# J_t \cdots J_{k+1}$ with $J_j = \operatorname{diag}(f'(z_j))\,W_{hh}$. `dfs[j-1]` holds
# $f'(z_j)$ (shape `(T, H)`); for $t = k$ return the identity. The checker names the
# wrong factor or step.

# %% slideshow={"slide_type": "fragment"}
def jacobian_product(W_hh, dfs, t, k):
    """dh_t/dh_k = J_t J_{t-1} ... J_{k+1}, J_j = diag(f'(z_j)) W_hh.

    W_hh (H, H); dfs (T, H) with dfs[j-1] = f'(z_j); 0 <= k <= t <= T. Returns (H, H).
    """
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "-"}
result = check_jacobian_product(jacobian_product)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def jacobian_product(W_hh, dfs, t, k):
    """dh_t/dh_k = J_t J_{t-1} ... J_{k+1}, J_j = diag(f'(z_j)) W_hh."""
    P = np.eye(W_hh.shape[0])
    for j in range(k + 1, t + 1):
        P = (dfs[j - 1][:, None] * W_hh) @ P  # J_j on the left
    return P


result = check_jacobian_product(jacobian_product)
assert result.passed

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# * $\partial h_j/\partial h_{j-1} = \operatorname{diag}(f'(z_j))\,W_{hh}$; BPTT multiplies by its transpose.
# * The gradient reaching step $k$ carries a product of $T-k$ such factors, so it shrinks or grows geometrically with the distance.
# * $\|\partial h_T/\partial h_k\| \le (\gamma\,\sigma_{max})^{T-k}$: below 1 it must vanish; above 1 it *may* explode.
# * Eigenvalues describe the long run only: non-normal $W_{hh}$ can grow first with $\rho < 1$.
# * With a loss at the end, early steps contribute almost nothing to $\partial L/\partial W_{hh}$.
#
# Next: clipping tames explosions; vanishing needs other remedies (notebooks 08 and 09).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check your understanding
#
# 1. Why is $W_{hh}\operatorname{diag}(f'(z_j))$ wrong, and how would you notice in code?
# 2. For the sigmoid, how large must $\sigma_{max}(W_{hh})$ be before explosion is even possible?
# 3. A linear RNN has $\rho(W_{hh}) = 0.95$. Can $\|\partial L/\partial h_k\|$ still grow as $k$ moves back? When must it decay?
# 4. ReLU has $\gamma = 1$, like $\tanh$. Why does a ReLU network explode more easily in practice?
# 5. Why is the contribution of step $t = 1$ to $\partial L/\partial W_{hh}$ exactly zero here?
#
# [← 05 · Training with gradient descent](05_training_with_gradient_descent.ipynb) | [Index](00_start_here.ipynb) | [07 · Gradient clipping →](07_gradient_clipping.ipynb)
