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
# * the exact recurrent Jacobian $\partial h_j/\partial h_{j-1}$, derived entry by entry;
# * why the gradient reaching step $k$ is a *product* of $T-k$ Jacobians;
# * the bound $(\gamma\,\sigma_{\max})^{T-k}$, derived step by step, and what it does and does not promise;
# * saturation: why $\tanh$ and the sigmoid can vanish even when the bound allows growth;
# * what the eigenvalues of $W_{hh}$ tell you, and why a spectral radius below 1 is not enough;
# * which time steps actually contribute to $\partial L/\partial W_{hh}$.
#
# *About 55 minutes.*

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
# $h_j = f(z_j)$ with $z_j = W_{xh} x_j + W_{hh} h_{j-1} + b_h$, $f$ applied entry by entry.
# How does $h_j$ move when $h_{j-1}$ moves? That is the $H \times H$ Jacobian
# $J_j = \partial h_j/\partial h_{j-1}$, whose entry $(i, m)$ is $\partial h_{j,i}/\partial h_{j-1,m}$.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** Entry $(i, m)$ contains $(W_{hh})_{im}$ times a derivative of $f$. Is it
# $f'(z_{j,i})$ or $f'(z_{j,m})$? So does $f'$ scale the rows or the columns of $W_{hh}$?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
#
# $f'(z_{j,i})$, the derivative at the unit being computed: row $i$ of $W_{hh}$ is
# scaled by $f'(z_{j,i})$. Derivation on the next slide.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Entry by entry
#
# Unit $i$ depends on $h_{j-1}$ only through its own pre-activation:
# $h_{j,i} = f(z_{j,i})$ with $z_{j,i} = \sum_m (W_{hh})_{im}\, h_{j-1,m} + (\text{terms without } h_{j-1})$.
# By the chain rule,
#
# $$\frac{\partial h_{j,i}}{\partial h_{j-1,m}} = f'(z_{j,i})\,\frac{\partial z_{j,i}}{\partial h_{j-1,m}} = f'(z_{j,i})\,(W_{hh})_{im}
# \quad\Longrightarrow\quad J_j = \operatorname{diag}\big(f'(z_j)\big)\, W_{hh}.$$
#
# The vector $f'(z_j)$ becomes a **diagonal matrix on the left**, as in notebook 03.
# For $\tanh$, $f'(z_j) = 1 - h_j^2$.

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** Stress the side: $\operatorname{diag}(f')\,W$ scales rows,
# $W\,\operatorname{diag}(f')$ scales columns. In numpy, `dfs[:, None] * W_hh` is the
# correct one; `W_hh * dfs` silently computes the other. The next cell shows that only
# the first agrees with finite differences.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check it against finite differences
#
# A small $\tanh$ network ($H = 3$, $T = 5$). `rnnlib.recurrent_jacobians` returns
# $J_1, \dots, J_T$; we perturb $h_2$ by $\pm\Delta$ along each axis (`delta` in the code,
# as in `rnnlib.numerical_gradient`) and rerun one step to estimate $J_3$ numerically.

# %% slideshow={"slide_type": "fragment"}
D, H, T = 2, 3, 5
params = rnnlib.init_params(D, H, 1, seed=0, scheme="xavier")
xs = np.random.default_rng(1).normal(size=(T, D))  # xs[t-1] = x_t
trace = rnnlib.forward(params, xs)
J = rnnlib.recurrent_jacobians(params, trace)  # J[j-1] = dh_j/dh_{j-1}

j, delta = 3, 1e-6
J_num = np.zeros((H, H))
for m in range(H):  # column m: how h_j moves when h_{j-1} moves along e_m
    e = delta * np.eye(H)[m]
    h_plus, _ = rnnlib.step_forward(xs[j - 1], trace.hs[j - 1] + e, params)
    h_minus, _ = rnnlib.step_forward(xs[j - 1], trace.hs[j - 1] - e, params)
    J_num[:, m] = (h_plus - h_minus) / (2 * delta)

err = rnnlib.rel_error(J[j - 1], J_num)
err_wrong_side = rnnlib.rel_error(params["W_hh"] * trace.dfs()[j - 1], J_num)  # W diag(f')
print(f"diag(f') W_hh     vs finite differences: rel. error {err:.1e}")
print(f"W_hh diag(f')     vs finite differences: rel. error {err_wrong_side:.2f}")
assert err < 1e-8 and err_wrong_side > 0.01

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The backward pass multiplies by the transpose
#
# $h_t$ reaches the loss directly through $y_t$ and through $h_{t+1}$. The chain rule for
# the second path uses the Jacobian $J_{t+1} = \partial h_{t+1}/\partial h_t$ transposed,
# because gradients are column vectors:
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

# %% [markdown] slideshow={"slide_type": "slide"}
# ## How large can a product of $T - k$ factors get?
#
# Two definitions first.
#
# * **Singular values.** $\sigma_1(W) \ge \sigma_2(W) \ge \dots \ge 0$ are the square roots of
#   the eigenvalues of $W^\top W$; $\sigma_{\max}(W) = \sigma_1(W)$ is the most $W$ stretches any vector.
# * **Spectral norm.** $\|W\|_2 = \max_{u \ne 0} \|Wu\| / \|u\|$, the largest stretch factor;
#   it equals $\sigma_{\max}(W)$. For a diagonal matrix $\operatorname{diag}(d)$ it is $\max_i |d_i|$.
#
# It is *submultiplicative*: $\|ABu\| \le \|A\|_2\,\|Bu\| \le \|A\|_2\,\|B\|_2\,\|u\|$, so
# $\|AB\|_2 \le \|A\|_2\,\|B\|_2$.

# %% slideshow={"slide_type": "fragment"}
W_hh = params["W_hh"]
sigmas = np.sqrt(np.linalg.eigvalsh(W_hh.T @ W_hh))[::-1]  # sqrt of eigenvalues of W^T W
d = trace.dfs()[2]  # f'(z_3)
assert np.allclose(sigmas, np.linalg.svd(W_hh, compute_uv=False))
assert np.isclose(np.linalg.norm(W_hh, 2), sigmas[0]) and np.isclose(
    rnnlib.sigma_max(W_hh), sigmas[0]
)
assert np.isclose(np.linalg.norm(np.diag(d), 2), np.abs(d).max())
assert np.linalg.norm(J[4] @ J[3], 2) <= np.linalg.norm(J[4], 2) * np.linalg.norm(J[3], 2)
print("singular values of W_hh:", sigmas.round(3), "| ||diag(f'(z_3))||_2 =", d.max().round(3))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The bound, step by step
#
# With $\gamma = \max_z |f'(z)|$ ($1$ for $\tanh$ and ReLU, $\tfrac14$ for the sigmoid).
#
# **1.** One factor, by submultiplicativity:
#
# $$\|J_j\|_2 = \|\operatorname{diag}(f'(z_j))\,W_{hh}\|_2 \le \|\operatorname{diag}(f'(z_j))\|_2\,\|W_{hh}\|_2$$
#
# **2.** The two norms: $\|\operatorname{diag}(f'(z_j))\|_2 = \max_i |f'(z_{j,i})| \le \gamma$ and $\|W_{hh}\|_2 = \sigma_{\max}(W_{hh})$, so
#
# $$\|J_j\|_2 \le \gamma\,\sigma_{\max}$$
#
# **3.** The product of the $T - k$ factors:
#
# $$\Big\|\frac{\partial h_T}{\partial h_k}\Big\|_2 \le \prod_{j=k+1}^{T} \|J_j\|_2 \le (\gamma\,\sigma_{\max})^{T-k}$$
#
# **4.** With a loss at step $T$ only, $\frac{\partial L}{\partial h_k} = \big(\frac{\partial h_T}{\partial h_k}\big)^\top \frac{\partial L}{\partial h_T}$,
# and a transpose has the same norm, so
# $\;\big\|\frac{\partial L}{\partial h_k}\big\| \le (\gamma\,\sigma_{\max})^{T-k}\,\big\|\frac{\partial L}{\partial h_T}\big\|$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the bound promises, and what it does not
#
# If $\gamma\,\sigma_{\max} < 1$, step 4 forces the gradient of a loss at $T$ to shrink
# geometrically with the distance $T - k$: it **must** vanish. If $\gamma\,\sigma_{\max} > 1$, the bound grows,
# but it is only an upper limit: the gradient **may** explode, or not. The lecture notes say
# the gradient vanishes when the recurrent term's magnitude stays below 1 and explodes when
# it stays above 1; precisely,
# below 1 is *sufficient* for vanishing and above 1 only *necessary* for exploding
# ([ERRATA.md, entry 14](../ERRATA.md#erratum-14)). (Pascanu, Mikolov & Bengio, 2013.)

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** The bound assumes every step hits the worst direction of $W_{hh}$
# and the largest $f'$ at once; real sequences rarely do both, so it can be very loose.
# The rest of the lesson measures how loose, and names the main reason the gradient falls
# below it (saturation).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Norms against the distance $T - k$
#
# A bigger network ($H = 16$, $T = 50$), $W_{hh}$ scaled so that its spectral radius
# $\rho(W_{hh})$ (the largest $|\lambda|$ of its eigenvalues) takes a chosen value.
# Two measured curves against $T - k$ (log scale): $\|\partial h_T/\partial h_k\|_2$
# (`rnnlib.jacobian_norms`) and $\|\partial L/\partial h_k\| / \|\partial L/\partial h_T\|$
# (from `bptt(...).dhs`), with the bound dashed.

# %% slideshow={"slide_type": "fragment"}
H, T = 16, 50
xs50 = np.random.default_rng(1).normal(size=(T, 2))


def network(rho):
    """Xavier weights with W_hh rescaled to spectral radius rho."""
    return rnnlib.init_params(2, H, 1, seed=0, scheme="xavier", radius=rho)


def measure(rho, activation):
    p = network(rho)
    tr = rnnlib.forward(p, xs50, activation=activation)
    _, d_ys = rnnlib.mse(tr.ys, np.ones(1), mask="last")
    dh = np.linalg.norm(rnnlib.bptt(p, tr, d_ys).dhs, axis=1)  # ||dL/dh_k||, k = 0..T
    return rnnlib.jacobian_norms(p, tr), dh / dh[T]


jac, grad = measure(0.9, "tanh")
print(f"tanh, rho = 0.9: ||dh_T/dh_0|| = {jac[0]:.1e}, ||dL/dh_0|| / ||dL/dh_T|| = {grad[0]:.1e}")
assert jac[0] < 1e-6 and grad[0] < 1e-6  # vanished over 50 steps

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Vanishing and exploding, side by side

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** Left: $\tanh$ with $\rho(W_{hh}) = 0.9$. Right: ReLU with $\rho(W_{hh}) = 2.5$.
# Which one vanishes and which explodes, and do both stay under their bound?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
#
# $\tanh$ at 0.9 vanishes; ReLU at 2.5 explodes (its active units pass $W_{hh}$
# through with $f' = 1$). Both stay under the bound, as the derivation requires.

# %% slideshow={"slide_type": "fragment"}
c = decay_curves(network(0.9), xs50, "tanh")
assert np.allclose(c["jacobian"][::-1], jac) and np.allclose(c["gradient"][::-1], grad)
panels = {
    rf"{a}, $\rho$ = {rho}": decay_curves(network(rho), xs50, a)
    for a, rho in [("tanh", 0.9), ("relu", 2.5)]
}
for c in panels.values():
    assert np.all(c["jacobian"] <= c["bound"]) and np.all(c["gradient"] <= c["bound"])
jac_relu = panels[r"relu, $\rho$ = 2.5"]["jacobian"][-1]
print(f"relu, rho = 2.5: ||dh_T/dh_0|| = {jac_relu:.1e}")
assert jac_relu > 1e6

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The two networks against the distance
#
# Solid: $\|\partial h_T/\partial h_k\|_2$; dotted: the gradient ratio; dashed: the bound.

# %% slideshow={"slide_type": "fragment"}
fig = viz.plot_decay_panels(panels)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Measured against the bound
#
# Four activations, two spectral radii, $T = 50$: every measured norm stays below the bound.

# %% slideshow={"slide_type": "fragment"}
rows, ok = [], True
for act in ["tanh", "sigmoid", "relu", "linear"]:
    for rho in [0.5, 1.5]:
        c = decay_curves(network(rho), xs50, act)
        gs = rnnlib.GAMMA[act] * rnnlib.sigma_max(network(rho)["W_hh"])
        ok &= bool(np.all(c["jacobian"] <= c["bound"]) and np.all(c["gradient"] <= c["bound"]))
        rows.append([act, rho, gs, c["jacobian"][-1], c["bound"][-1]])
print(
    table(rows, ["activation", "rho(W_hh)", "gamma*sigma_max", "||dh_T/dh_0||", "bound"], digits=3)
)
assert ok  # measured <= bound, at every distance, in all eight cases
assert all(r[3] < 1e-6 for r in rows if r[0] == "sigmoid")  # gamma = 1/4: vanishes at 1.5 too
at_15 = {r[0]: r for r in rows if r[1] == 1.5}
assert all(at_15[a][2] > 1 for a in ["tanh", "relu", "linear"])  # the bound allows growth ...
assert at_15["tanh"][3] < 1 < at_15["relu"][3] < at_15["linear"][3]  # ... tanh shrinks anyway
assert at_15["sigmoid"][2] < 1  # gamma = 1/4: vanishing guaranteed

# %% [markdown] slideshow={"slide_type": "fragment"}
# At $\rho(W_{hh}) = 1.5$, $\gamma\,\sigma_{\max} > 1$ for $\tanh$, ReLU and the linear network
# (the sigmoid's $\gamma = \tfrac14$ keeps it below 1: it must vanish). ReLU and the linear
# network grow over 50 steps, yet $\tanh$, with the same $\gamma$, shrinks. Why?

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Saturation
#
# $\tanh'(z) = 1 - \tanh^2(z)$ and $\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$ are largest at
# $z = 0$ ($1$ and $\tfrac14$: the $\gamma$ of the bound) and fall towards 0 as $|z|$ grows:
# the unit **saturates**, its output barely moves when its input moves. A saturated unit
# puts a near-zero entry into $\operatorname{diag}(f'(z_j))$ and blocks the gradient through
# it, whatever $W_{hh}$ does. The bound assumes $f' = \gamma$ everywhere.

# %% slideshow={"slide_type": "fragment"}
z = np.array([0.0, 1.0, 2.0, 3.0])
tanh_d, sig_d = rnnlib.activation_derivative(z, "tanh"), rnnlib.activation_derivative(z, "sigmoid")
print(table(np.column_stack([z, tanh_d, sig_d]), ["z", "tanh'(z)", "sigmoid'(z)"], digits=3))
assert tanh_d[0] == 1 and sig_d[0] == 0.25 and tanh_d[3] < 0.01 and sig_d[3] < 0.05

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### $\tanh$ with $\rho(W_{hh}) = 1.5$ over $T = 100$ steps
#
# Here $\gamma\,\sigma_{\max}(W_{hh}) > 1$: the bound allows the gradient to grow.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** Without the $f'$ factors (a linear RNN, the same weights), $\|\partial h_T/\partial h_0\|$
# would grow enormously. With $\tanh$, does it explode or vanish over 100 steps?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
#
# It vanishes: the values $f'(z_{j,i})$ are well below 1 on average and some
# units are saturated, and a hundred such diagonal factors outweigh the growth of $W_{hh}$.
# The next cell measures both networks.

# %% slideshow={"slide_type": "fragment"}
xs100 = np.random.default_rng(1).normal(size=(100, 2))
p15 = network(1.5)
tr_tanh = rnnlib.forward(p15, xs100, activation="tanh")
tr_lin = rnnlib.forward(p15, xs100, activation="linear")
n_tanh = rnnlib.jacobian_norms(p15, tr_tanh)[0]  # ||dh_T/dh_0||
n_lin = rnnlib.jacobian_norms(p15, tr_lin)[0]
print(f"gamma * sigma_max = {rnnlib.sigma_max(p15['W_hh']):.2f} (tanh: gamma = 1)")
print(f"||dh_T/dh_0|| over 100 steps: linear {n_lin:.1e}, tanh {n_tanh:.1e}")
assert rnnlib.sigma_max(p15["W_hh"]) > 1 and n_lin > 1e10 and n_tanh < 1e-3

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Where the values of $f'(z_t)$ fall
#
# Left: $f'(z)$ for $\tanh$ and the sigmoid ($\gamma$ dotted). Right: every $f'(z_{t,i})$ of the
# $\tanh$ network over the 100 steps, for three spectral radii. A larger $W_{hh}$ makes
# larger $|z_t|$, so more of the values sit near 0.

# %% slideshow={"slide_type": "fragment"}
z = np.linspace(-5, 5, 401)
derivatives = {a: rnnlib.activation_derivative(z, a) for a in ["tanh", "sigmoid"]}
radii = [0.5, 1.5, 3.0]
traces = {rho: rnnlib.forward(network(rho), xs100, activation="tanh") for rho in radii}
dfs = {rho: tr.dfs() for rho, tr in traces.items()}  # f'(z_t), shape (T, H)
fig = viz.plot_saturation(
    z, derivatives, {rf"$\rho$ = {rho}": dfs[rho] for rho in radii}, gamma=rnnlib.GAMMA
)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Saturation against the gradient
#
# For the same three networks: the mean of $f'(z_{t,i})$, the share of values below 0.1, and
# $\|\partial h_T/\partial h_0\|$ over the 100 steps.

# %% slideshow={"slide_type": "fragment"}
rows = [
    [rho, dfs[rho].mean(), np.mean(dfs[rho] < 0.1), rnnlib.jacobian_norms(network(rho), tr)[0]]
    for rho, tr in traces.items()
]
print(table(rows, ["rho(W_hh)", "mean f'", "share f' < 0.1", "||dh_T/dh_0||"], digits=3))
assert rows[0][2] < rows[1][2] < rows[2][2] and rows[2][2] > 0.4  # saturation grows with rho
assert rows[1][3] < 1e-3 < 1e3 < rows[2][3]  # rho = 1.5 vanishes, rho = 3 still grows

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What saturation does, and what it does not
#
# For this network and these inputs: at $\rho(W_{hh}) = 1.5$ the small $f'$ values win and the
# gradient vanishes although the bound allows growth. At $\rho(W_{hh}) = 3$ more units saturate,
# yet the remaining ones carry a $W_{hh}$ twice as large and the gradient grows. Saturation
# pulls the product down; whether it wins depends on the weights and the inputs, so measure.
# For the sigmoid, $\gamma = \tfrac14$ adds to it: the table above vanished at both radii.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Eigenvalues of $W_{hh}$
#
# For a *linear* RNN, $\partial h_T/\partial h_k = W_{hh}^{T-k}$. An eigenvector $u$ with
# $W_{hh} u = \lambda u$ gives $W_{hh}^{T-k} u = \lambda^{T-k} u$: along it the gradient
# shrinks or grows like $|\lambda|^{T-k}$. For large $T - k$ the largest $|\lambda|$, the
# spectral radius $\rho(W_{hh})$, decides: eigenvalues inside or outside the unit circle.

# %% slideshow={"slide_type": "fragment"}
Ws = {rf"$\rho$ = {rho}": network(rho)["W_hh"] for rho in [0.8, 1.3]}
assert np.allclose([rnnlib.spectral_radius(W) for W in Ws.values()], [0.8, 1.3])
fig = viz.plot_eigenvalue_panels(Ws)
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Explore: length, scale and activation
#
# Move **T**, **W_hh scale** (the spectral radius $\rho(W_{hh})$) and **activation** (what
# to try: next slide).

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
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
# A matrix is **normal** when $W W^\top = W^\top W$ (symmetric and orthogonal matrices are);
# then $\sigma_{\max}(W) = \rho(W)$ and $\|W^{T-k}\|_2 = \rho^{T-k}$ exactly. A **non-normal**
# matrix can have $\sigma_{\max}$ far above $\rho$.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** $W = \begin{pmatrix}0.9 & 4\\ 0 & 0.9\end{pmatrix}$ has both eigenvalues 0.9. Does
# $\|W^{T-k}\|$ shrink from the first power on?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
#
# No. By induction $W^{n} = \begin{pmatrix}0.9^{n} & 4n\,0.9^{n-1}\\ 0 & 0.9^{n}\end{pmatrix}$:
# the off-diagonal entry first grows like $n$, and only later does $0.9^{n}$ win. With a small
# off-diagonal entry ($0.05$), $\sigma_{\max} < 1$ and $\|W^n\| \le \sigma_{\max}^n$ shrinks from the start.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Two matrices with the same eigenvalues

# %% slideshow={"slide_type": "fragment"}
W_big = np.array([[0.9, 4.0], [0.0, 0.9]])  # eigenvalues 0.9, 0.9
W_small = np.array([[0.9, 0.05], [0.0, 0.9]])  # same eigenvalues, sigma_max < 1
T_lin = 60
n_big, n_small = power_norms(W_big, T_lin), power_norms(W_small, T_lin)
d_peak = int(np.argmax(n_big))
for name, W in [("W_big", W_big), ("W_small", W_small)]:
    normal = np.allclose(W @ W.T, W.T @ W)
    print(
        f"{name}: rho = {rnnlib.spectral_radius(W):.2f}, "
        f"sigma_max = {rnnlib.sigma_max(W):.3f}, normal: {normal}"
    )
print(
    f"||W_big^(T-k)|| peaks at T - k = {d_peak}: {n_big[d_peak]:.1f}; at {T_lin}: {n_big[-1]:.2f}"
)
assert rnnlib.spectral_radius(W_big) < 1 and n_big[d_peak] > 10 and d_peak >= 5
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
tr = rnnlib.forward(lin, np.zeros((T_lin, 1)), h0=np.array([0.0, 1.0]), activation="linear")
_, d_ys = rnnlib.mse(tr.ys, np.ones(1), mask="last")
dh = np.linalg.norm(rnnlib.bptt(lin, tr, d_ys).dhs, axis=1)[::-1]  # index: distance T - k
g_lin = dh / dh[0]
print(f"gradient at distance T - k = {int(np.argmax(g_lin))}: {g_lin.max():.1f} x its value at T")
assert g_lin.max() > 10 and 5 <= np.argmax(g_lin) <= 15 and g_lin[-1] < g_lin.max() / 10

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Growth, then decay
#
# $\|W^{T-k}\|$ for both matrices (lines), $\rho^{T-k}$ (dashed) and the measured gradient (dots).

# %% slideshow={"slide_type": "fragment"}
fig, ax = plt.subplots(figsize=(8, 3.5))
viz.plot_power_norms(
    ax,
    {"W_big": W_big, "W_small": W_small},
    T_lin,
    gradients={r"linear RNN $\|\partial L/\partial h_k\|$ (rel.)": g_lin},
)
plt.show()

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** Real $W_{hh}$ are rarely normal (the Xavier matrices above have
# $\sigma_{\max}$ well above $\rho$), so the eigenvalues alone can mislead over short and
# medium horizons; the singular values bound every horizon.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Which time steps teach $W_{hh}$?
#
# $\frac{\partial L}{\partial W_{hh}} = \sum_{t=1}^T \delta_t\, h_{t-1}^\top$ with
# $\delta_t = \frac{\partial L}{\partial h_t} \circ f'(z_t)$ (`rnnlib.contributions`).
# For a loss at step $T$ only, $\delta_t$ carries the product back from $T$ to $t$. For
# this vanishing network ($\tanh$, $\rho = 0.9$) the terms of early steps fade: the
# weights learn almost nothing from the distant past.

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
assert tr.activation == "tanh" and np.isclose(rnnlib.spectral_radius(p["W_hh"]), 0.9)

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
# wrong factor or step (a missing derivative, $\operatorname{diag}(f')$ on the wrong side, ...).


# %% slideshow={"slide_type": "fragment"} tags=["exercise"]
def jacobian_product(W_hh, dfs, t, k):
    """dh_t/dh_k = J_t J_{t-1} ... J_{k+1}, J_j = diag(f'(z_j)) W_hh.

    W_hh (H, H); dfs (T, H) with dfs[j-1] = f'(z_j); 0 <= k <= t <= T. Returns (H, H).
    """
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "-"}
result = check_jacobian_product(jacobian_product)


# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def jacobian_product_reference(W_hh, dfs, t, k):
    """dh_t/dh_k = J_t J_{t-1} ... J_{k+1}, J_j = diag(f'(z_j)) W_hh."""
    P = np.eye(W_hh.shape[0])
    for j in range(k + 1, t + 1):
        P = (dfs[j - 1][:, None] * W_hh) @ P  # J_j on the left
    return P


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# * $\partial h_j/\partial h_{j-1} = \operatorname{diag}(f'(z_j))\,W_{hh}$ (rows scaled); BPTT multiplies by its transpose.
# * The gradient reaching step $k$ carries a product of $T-k$ such factors: it can shrink or grow geometrically with the distance.
# * $\|\partial h_T/\partial h_k\| \le (\gamma\,\sigma_{\max})^{T-k}$: below 1 it must vanish; above 1 it *may* explode.
# * Saturated units ($|z|$ large, $f' \approx 0$) can make $\tanh$ and sigmoid gradients vanish even when the bound allows growth.
# * Eigenvalues describe the long run only: a non-normal $W_{hh}$ can grow first with $\rho < 1$.
# * Loss at the end, $\tanh$, $\rho = 0.9$: early steps added almost nothing to $\partial L/\partial W_{hh}$.
#
# Next: clipping tames explosions (07); vanishing needs other remedies (08, 09).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check your understanding
#
# 1. Why is $W_{hh}\operatorname{diag}(f'(z_j))$ wrong, and how would you notice in code?
# 2. For the sigmoid, how large must $\sigma_{\max}(W_{hh})$ be before explosion is even possible?
# 3. A linear RNN has $\rho(W_{hh}) = 0.95$. Can $\|\partial L/\partial h_k\|$ still grow as $k$ moves back? When must it decay?
# 4. ReLU has $\gamma = 1$, like $\tanh$. Why does a ReLU network explode more easily in practice?
# 5. Why can a $\tanh$ network with $\gamma\,\sigma_{\max} > 1$ still have vanishing gradients?
# 6. Why is the contribution of step $t = 1$ to $\partial L/\partial W_{hh}$ exactly zero here?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["answers"]
# **Answers.**
#
# 1. $h_{j,i}$ depends on $z_{j,i}$ alone, so $f'(z_{j,i})$ must scale row $i$; the wrong
#    product scales columns. The finite-difference check above exposes it (relative error
#    far above $10^{-8}$); in numpy `W_hh * dfs` broadcasts over columns, `dfs[:, None] * W_hh` over rows.
# 2. $\gamma = \tfrac14$, so the bound $(\sigma_{\max}/4)^{T-k}$ forces vanishing unless
#    $\sigma_{\max}(W_{hh}) > 4$.
# 3. Yes, if $W_{hh}$ is not normal: $\sigma_{\max}$ can exceed 1 and $\|W^{T-k}\|$ grows for a
#    while, as `W_big` showed. It must decay eventually (like $0.95^{T-k}$ times a polynomial),
#    and from the first step on if $\sigma_{\max}(W_{hh}) < 1$.
# 4. ReLU's derivative is exactly 1 for every active unit: active units never saturate, so
#    nothing pulls the product below $W_{hh}$'s own growth; $\tanh'$ is below 1 everywhere except at 0.
# 5. The bound assumes $f' = \gamma$ at every step; in a real sequence many $|z_{t,i}|$ are
#    large, their $f'$ near 0 (saturation), and the product of those diagonal factors can
#    outweigh $W_{hh}$, as at $\rho(W_{hh}) = 1.5$ above.
# 6. Its term is $\delta_1 h_0^\top$ and $h_0 = 0$.

# %% [markdown] slideshow={"slide_type": "-"}
# [← 05 · Training with gradient descent](05_training_with_gradient_descent.ipynb) | [Index](00_start_here.ipynb) | [07 · Gradient clipping →](07_gradient_clipping.ipynb)
