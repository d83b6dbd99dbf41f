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
# # 03 · BPTT by hand
#
# **What you will learn**
#
# * backpropagation in a two-layer network, recalled, and why a recurrent network needs
#   Backpropagation Through Time (BPTT);
# * BPTT on a one-unit network with pen and paper: predict every number, then check it;
# * the backward recursion, derived from the chain rule, and $\partial L/\partial W_{hh}$
#   entry by entry;
# * the notes' two examples, with sizes and numbers chosen here;
# * to write one backward step and the whole backward loop yourself.
#
# *About 60 minutes. Have pen, paper and a calculator ready.*

# %% slideshow={"slide_type": "skip"}
import inspect

import matplotlib.pyplot as plt
import numpy as np

import rnnlib
from rnnlib.checks.backward import check_backward_loop, check_step_backward
from rnnlib.report import side_by_side, table
from rnnlib.viz import use_course_style
from rnnlib.viz.graph import draw_unrolled

use_course_style()
np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap: backpropagation in a two-layer network
#
# A two-layer network is our RNN with a single step and no recurrence:
#
# $$z = W_{xh} x + b_h, \qquad h = \tanh(z), \qquad y = W_{hy} h + b_y, \qquad L = \tfrac12\lVert y - y^\star\rVert^2$$
#
# Backpropagation applies the chain rule from the loss backwards, one layer at a time:
#
# $$\frac{\partial L}{\partial y} = y - y^\star, \quad
# \frac{\partial L}{\partial h} = W_{hy}^\top \frac{\partial L}{\partial y}, \quad
# \delta = \frac{\partial L}{\partial z} = \frac{\partial L}{\partial h} \circ (1 - h^2)$$
#
# $$\frac{\partial L}{\partial W_{hy}} = \frac{\partial L}{\partial y}\, h^\top, \quad
# \frac{\partial L}{\partial b_y} = \frac{\partial L}{\partial y}, \quad
# \frac{\partial L}{\partial W_{xh}} = \delta\, x^\top, \quad
# \frac{\partial L}{\partial b_h} = \delta$$
#
# Every weight is used **once**, so its gradient has one term. (Where the transposes and
# outer products come from is derived entry by entry below, for the RNN.)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The recap, checked
#
# The four gradients of a small two-layer network ($D = 2$, $H = 3$, $O = 1$) against
# central finite differences.

# %% slideshow={"slide_type": "fragment"}
rng = np.random.default_rng(0)
net = {
    "W_xh": rng.normal(size=(3, 2)),
    "b_h": rng.normal(size=3),
    "W_hy": rng.normal(size=(1, 3)),
    "b_y": np.zeros(1),
}
x0, y_star0 = np.array([1.0, -2.0]), np.array([0.5])


def two_layer_loss():
    h = np.tanh(net["W_xh"] @ x0 + net["b_h"])
    return 0.5 * np.sum((net["W_hy"] @ h + net["b_y"] - y_star0) ** 2)


h = np.tanh(net["W_xh"] @ x0 + net["b_h"])
dy = net["W_hy"] @ h + net["b_y"] - y_star0  # dL/dy
delta = (net["W_hy"].T @ dy) * (1 - h**2)  # dL/dz
backprop = {"W_xh": np.outer(delta, x0), "b_h": delta, "W_hy": np.outer(dy, h), "b_y": dy}
errors = {
    k: rnnlib.rel_error(g, rnnlib.numerical_gradient(two_layer_loss, net[k]))
    for k, g in backprop.items()
}
print(
    "backpropagation vs finite differences, relative error:",
    {k: f"{v:.0e}" for k, v in errors.items()},
)
assert max(errors.values()) < 1e-7

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Why BPTT: one weight, used at every step
#
# In an RNN the same $W_{hh}$ (and $W_{xh}$, $b_h$) acts at **every** step. Take one unit
# without input or activation, $h_t = w\,h_{t-1}$, so $h_2 = w\,(w\,h_0) = w^2 h_0$.
# Give the two uses their own names, $h_2 = w^{(2)} w^{(1)} h_0$: the chain rule for a
# function of several variables adds one term per use,
#
# $$\frac{dh_2}{dw} = \frac{\partial h_2}{\partial w^{(1)}} + \frac{\partial h_2}{\partial w^{(2)}}
# = w^{(2)} h_0 + w^{(1)} h_0 = 2\,w\,h_0,$$
#
# which is indeed $\frac{d}{dw}(w^2 h_0)$.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** For $h_3 = w\,h_2$: how many terms does $dh_3/dw$ have, and what is each?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
# Three, one per use: $h_3 = w^{(3)} w^{(2)} w^{(1)} h_0$, and each partial
# derivative is the product of the other two factors, $w^2 h_0$. Sum: $3 w^2 h_0$, the
# derivative of $w^3 h_0$.

# %% slideshow={"slide_type": "fragment"}
w, h_init = np.array([0.9]), 2.0  # w as a 1-element array, so that it can be perturbed
per_use = [w[0] * w[0] * h_init] * 3  # d h_3 / d w^(k), one term for each use k = 1, 2, 3
numeric = rnnlib.numerical_gradient(lambda: w[0] ** 3 * h_init, w)[0]  # d(w^3 h_0)/dw
print(f"sum of the three terms: {sum(per_use):.6f}   finite differences: {numeric:.6f}")
assert np.isclose(sum(per_use), numeric)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What BPTT is
#
# Unroll the network over its $T$ steps: it becomes a feedforward network of $T$ layers
# whose layers share their weights (notebook 01). **BPTT is ordinary backpropagation on
# that unrolled graph**, with one addition: a shared weight's gradient is the **sum** of
# the gradients of its copies, one per step. The error of a late output flows back
# through the hidden states to every earlier step; that is how the network learns what
# to keep in its memory.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A one-unit RNN on paper
#
# $H = D = O = 1$: every quantity is a number. $\tanh$ hidden unit, identity output,
# two steps with a loss at each:
#
# $$z_t = w_{xh} x_t + w_{hh} h_{t-1}, \qquad h_t = \tanh(z_t), \qquad y_t = w_{hy} h_t,
# \qquad L = \tfrac12\big[(y_1 - y^\star_1)^2 + (y_2 - y^\star_2)^2\big]$$
#
# | $w_{xh}$ | $w_{hh}$ | $w_{hy}$ | $b_h, b_y$ | $h_0$ | $x_1, x_2$ | $y^\star_1, y^\star_2$ |
# |---|---|---|---|---|---|---|
# | 0.5 | 0.8 | 2 | 0 | 0 | 1, 0.5 | 1.5, 0.5 |
#
# Work each step on paper (4 decimals; your last digit may differ by rounding), then
# open the answer and run the cell.

# %% slideshow={"slide_type": "fragment"}
w_xh, w_hh, w_hy = 0.5, 0.8, 2.0  # b_h = b_y = 0
x1, x2, y1_star, y2_star = 1.0, 0.5, 1.5, 0.5
h0 = 0.0

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Forward

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** $z_1, h_1, y_1$, then $z_2, h_2, y_2$, and the loss $L$.

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
# $z_1 = 0.5$, $h_1 = \tanh 0.5 = 0.4621$, $y_1 = 0.9242$;
# $z_2 = 0.25 + 0.8 \cdot 0.4621 = 0.6197$, $h_2 = 0.5509$, $y_2 = 1.1018$;
# $L = \frac12(0.5758^2 + 0.6018^2) = 0.3469$.

# %% slideshow={"slide_type": "fragment"}
z1 = w_xh * x1 + w_hh * h0
h1 = np.tanh(z1)
y1 = w_hy * h1
z2 = w_xh * x2 + w_hh * h1
h2 = np.tanh(z2)
y2 = w_hy * h2
L = 0.5 * ((y1 - y1_star) ** 2 + (y2 - y2_star) ** 2)
forward_numbers = [z1, h1, y1, z2, h2, y2, L]
print(
    side_by_side(
        dict(zip(["z_1", "h_1", "y_1", "z_2", "h_2", "y_2", "L"], forward_numbers, strict=True))
    )
)
assert np.allclose(
    forward_numbers, [0.5, 0.4621, 0.9242, 0.6197, 0.5509, 1.1018, 0.3469], atol=5e-5
)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Backward at the last step, $t = 2$
#
# $y_2$ appears only in the second term of $L$; $h_2$ only in $y_2$ (there is no step 3);
# $z_2$ only in $h_2 = \tanh(z_2)$, whose derivative is $1 - h_2^2$. One path each:
#
# $$\frac{\partial L}{\partial y_2} = y_2 - y^\star_2, \qquad
# \frac{\partial L}{\partial h_2} = w_{hy}\,\frac{\partial L}{\partial y_2}, \qquad
# \delta_2 = \frac{\partial L}{\partial z_2} = \frac{\partial L}{\partial h_2}\,(1 - h_2^2)$$

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** The three numbers.

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
# $\partial L/\partial y_2 = 1.1018 - 0.5 = 0.6018$;
# $\partial L/\partial h_2 = 2 \cdot 0.6018 = 1.2037$; $1 - h_2^2 = 0.6965$, so $\delta_2 = 0.8383$.

# %% slideshow={"slide_type": "fragment"}
dy2 = y2 - y2_star
dh2 = w_hy * dy2
delta2 = dh2 * (1 - h2**2)
print(side_by_side({"dL/dy_2": dy2, "dL/dh_2": dh2, "1 - h_2^2": 1 - h2**2, "delta_2": delta2}))
assert np.allclose([dy2, dh2, delta2], [0.6018, 1.2037, 0.8383], atol=5e-5)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Step 1: $h_1$ has two children
#
# $h_1$ is used by $y_1 = w_{hy} h_1$ and by $z_2 = w_{xh} x_2 + w_{hh} h_1$. The
# multivariable chain rule **adds** the two paths:
#
# $$\frac{\partial L}{\partial h_1} = \frac{\partial y_1}{\partial h_1}\frac{\partial L}{\partial y_1}
# + \frac{\partial z_2}{\partial h_1}\frac{\partial L}{\partial z_2}
# = w_{hy}\,\frac{\partial L}{\partial y_1} + w_{hh}\,\delta_2$$

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** Each path's term, their sum, and $\delta_1 = \frac{\partial L}{\partial h_1}(1 - h_1^2)$.
# Do the two paths agree on the direction in which $h_1$ should move?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
# Through $y_1$: $2 \cdot (0.9242 - 1.5) = -1.1515$ ($y_1$ is too small: raise
# $h_1$). Through $h_2$: $0.8 \cdot 0.8383 = 0.6707$ ($y_2$ is too large: lower $h_1$). Sum
# $-0.4809$; $1 - h_1^2 = 0.7864$, so $\delta_1 = -0.3782$. They disagree; the first path wins.

# %% slideshow={"slide_type": "fragment"}
dy1 = y1 - y1_star
via_y1, via_h2 = w_hy * dy1, w_hh * delta2  # the two children's shares
dh1 = via_y1 + via_h2
delta1 = dh1 * (1 - h1**2)
print(
    side_by_side(
        {
            "via y_1": via_y1,
            "via h_2": via_h2,
            "dL/dh_1": dh1,
            "1 - h_1^2": 1 - h1**2,
            "delta_1": delta1,
        }
    )
)
assert np.allclose([via_y1, via_h2, dh1, delta1], [-1.1515, 0.6707, -0.4809, -0.3782], atol=5e-5)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The two paths, drawn
#
# Shading: $\lvert\partial L/\partial h_t\rvert$. Arrows: the size of what each path sends
# back, $\lvert w_{hy}\,\partial L/\partial y_t\rvert$ from $y_t$ and
# $\lvert w_{hh}\,\delta_t\rvert$ from $h_t$ to $h_{t-1}$.

# %% slideshow={"slide_type": "fragment"}
draw_unrolled(
    2,
    node_values={"h": [abs(w_hh * delta1), abs(dh1), abs(dh2)], "y": [abs(dy1), abs(dy2)]},
    edge_values={"W_hh": [abs(w_hh * delta1), abs(via_h2)], "W_hy": [abs(via_y1), abs(dh2)]},
    backward=True,
    title="$h_1$ receives from $y_1$ and from $h_2$",
)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The weights: one term per use
#
# $w_{hh}$ is used at step 1 (multiplying $h_0$) and at step 2 (multiplying $h_1$). As in
# the warm-up, its gradient adds one term per use, each "what the use multiplied" times
# "the gradient arriving at its $z_t$":
#
# $$\frac{\partial L}{\partial w_{hh}} = \delta_1 h_0 + \delta_2 h_1, \qquad
# \frac{\partial L}{\partial w_{xh}} = \delta_1 x_1 + \delta_2 x_2, \qquad
# \frac{\partial L}{\partial w_{hy}} = \frac{\partial L}{\partial y_1} h_1 + \frac{\partial L}{\partial y_2} h_2$$
#
# and $\partial L/\partial b_h = \delta_1 + \delta_2$, $\partial L/\partial b_y = \partial L/\partial y_1 + \partial L/\partial y_2$.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** The five numbers. Why is the first term of $\partial L/\partial w_{hh}$ zero?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
# $\partial L/\partial w_{hh} = 0 + 0.8383 \cdot 0.4621 = 0.3874$ (at step 1,
# $w_{hh}$ multiplied $h_0 = 0$: it had no effect to blame);
# $\partial L/\partial w_{xh} = -0.3782 + 0.4192 = 0.0410$;
# $\partial L/\partial w_{hy} = -0.2661 + 0.3316 = 0.0655$;
# $\partial L/\partial b_h = 0.4602$; $\partial L/\partial b_y = 0.0261$.

# %% slideshow={"slide_type": "fragment"}
by_hand = {
    "w_hh": delta1 * h0 + delta2 * h1,
    "w_xh": delta1 * x1 + delta2 * x2,
    "w_hy": dy1 * h1 + dy2 * h2,
    "b_h": delta1 + delta2,
    "b_y": dy1 + dy2,
}
print(side_by_side({f"dL/d{k}": v for k, v in by_hand.items()}))
assert np.allclose(list(by_hand.values()), [0.3874, 0.0410, 0.0655, 0.4602, 0.0261], atol=5e-5)
answer_terms = [delta2 * h1, delta1 * x1, delta2 * x2, dy1 * h1, dy2 * h2]
assert np.allclose(answer_terms, [0.3874, -0.3782, 0.4192, -0.2661, 0.3316], atol=5e-5)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Checked: finite differences and rnnlib
#
# The same network as rnnlib parameters ($1 \times 1$ matrices): central finite
# differences of $L$ and `rnnlib.bptt` both agree with the hand computation.

# %% slideshow={"slide_type": "fragment"}
one_unit = {k: np.array([[v]]) for k, v in {"W_xh": w_xh, "W_hh": w_hh, "W_hy": w_hy}.items()}
one_unit |= {"b_h": np.zeros(1), "b_y": np.zeros(1)}
xs_1, targets_1 = np.array([[x1], [x2]]), np.array([[y1_star], [y2_star]])


def loss_one_unit():
    return rnnlib.mse(rnnlib.forward(one_unit, xs_1).ys, targets_1, form="half_sum")[0]


tr_1 = rnnlib.forward(one_unit, xs_1)
g_1 = rnnlib.bptt(one_unit, tr_1, rnnlib.mse(tr_1.ys, targets_1, form="half_sum")[1])
rows = []
for (name, value), key in zip(by_hand.items(), ["W_hh", "W_xh", "W_hy", "b_h", "b_y"], strict=True):
    numeric = rnnlib.numerical_gradient(loss_one_unit, one_unit[key]).item()
    rows.append([name, value, numeric, g_1[key].item()])
print(table(rows, ["gradient", "by hand", "finite differences", "rnnlib.bptt"], digits=6))
assert all(np.isclose(r[1], r[2], atol=1e-8) and np.isclose(r[1], r[3], rtol=1e-12) for r in rows)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The backward recursion, for vectors
#
# Now $h_t$ has $H$ entries. Entry $j$ of $h_t$ has the same two children as before,
# entry by entry: it enters every output $y_{t,i} = \sum_j (W_{hy})_{ij} h_{t,j} + b_{y,i}$
# with coefficient $(W_{hy})_{ij}$, and every $z_{t+1,i} = \sum_j (W_{hh})_{ij} h_{t,j} + \dots$
# with coefficient $(W_{hh})_{ij}$. The chain rule adds all these paths:
#
# $$\frac{\partial L}{\partial h_{t,j}} = \sum_i (W_{hy})_{ij}\,\frac{\partial L}{\partial y_{t,i}}
# + \sum_i (W_{hh})_{ij}\,\delta_{t+1,i}$$
#
# A sum over the **row** index $i$ of a matrix is a product with its **transpose**:
#
# $$\frac{\partial L}{\partial h_t} = W_{hy}^\top \frac{\partial L}{\partial y_t} + W_{hh}^\top \delta_{t+1},
# \qquad \delta_t = \frac{\partial L}{\partial z_t} = \frac{\partial L}{\partial h_t} \circ f'(z_t),
# \qquad \delta_{T+1} = 0$$
#
# $\delta_t$ is an elementwise product ($\circ$) because $h_{t,i}$ depends on $z_{t,i}$ alone.

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** This is the one-unit computation again, with indices. The second
# term is what step $t+1$ sends back: $W_{hh}^\top \delta_{t+1}$, the implementation
# notes' $W_{hh}^\top dh_{\text{raw},t+1}$ and min-char-rnn's `dhnext`. $\delta_t$ is their
# $dh_{\text{raw}}$ and min-char-rnn's `dhraw`. With $\tanh$, $f'(z_t) = 1 - h_t^2$ reuses
# the stored state.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The step-to-step Jacobian
#
# Entry by entry, $\partial h_{t+1,i}/\partial h_{t,j} = f'(z_{t+1,i})\,(W_{hh})_{ij}$: row $i$
# of $W_{hh}$ scaled by $f'(z_{t+1,i})$, so
#
# $$\frac{\partial h_{t+1}}{\partial h_t} = \operatorname{diag}\big(f'(z_{t+1})\big)\, W_{hh},
# \qquad \Big(\frac{\partial h_{t+1}}{\partial h_t}\Big)^{\!\top} \frac{\partial L}{\partial h_{t+1}}
# = W_{hh}^\top \delta_{t+1}$$
#
# The Jacobian scales **rows**; what carries the gradient back is its **transpose**. The
# lecture notes write "$\text{Activation}'(z_j) \cdot W_{hh}$", which leaves the side open
# ([ERRATA.md, entry 1](../ERRATA.md#erratum-1)); the detailed notes call the transpose the
# Jacobian ([entry 5](../ERRATA.md#erratum-5)).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Rows or columns? Finite differences decide
#
# One step with $H = 3$: the Jacobian by finite differences, and three candidates.

# %% slideshow={"slide_type": "fragment"}
p_j = rnnlib.init_params(2, 3, 1, seed=5, scheme="xavier")
x_j, h_j = np.array([0.5, -1.0]), np.array([0.3, -0.2, 0.6])  # x_{t+1} and h_t
f_prime = 1 - rnnlib.step_forward(x_j, h_j, p_j)[0] ** 2  # f'(z_{t+1}) for tanh
jac_fd = np.stack(
    [
        rnnlib.numerical_gradient(lambda i=i: rnnlib.step_forward(x_j, h_j, p_j)[0][i], h_j)
        for i in range(3)
    ]
)
print(
    side_by_side(
        {
            "finite differences": jac_fd,
            "diag(f') W_hh (rows)": np.diag(f_prime) @ p_j["W_hh"],
            "W_hh diag(f') (columns)": p_j["W_hh"] @ np.diag(f_prime),
            "W_hh^T diag(f')": p_j["W_hh"].T @ np.diag(f_prime),
        }
    )
)
assert rnnlib.rel_error(np.diag(f_prime) @ p_j["W_hh"], jac_fd) < 1e-8
assert rnnlib.rel_error(p_j["W_hh"] @ np.diag(f_prime), jac_fd) > 1e-2

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### $\partial L/\partial W_{hh}$, entry by entry
#
# The weight $(W_{hh})_{ij}$ appears in $z_{t,i} = \sum_j (W_{hh})_{ij}\, h_{t-1,j} + \dots$
# for **every** $t$, with coefficient $h_{t-1,j}$, and nowhere else. One term per use:
#
# $$\frac{\partial L}{\partial (W_{hh})_{ij}} = \sum_{t=1}^{T} \delta_{t,i}\; h_{t-1,j}
# \qquad\Longleftrightarrow\qquad
# \frac{\partial L}{\partial W_{hh}} = \sum_{t=1}^{T} \delta_t\, h_{t-1}^\top$$
#
# Entry $(i, j)$ of the outer product $\delta_t h_{t-1}^\top$ is $\delta_{t,i} h_{t-1,j}$: row
# $i$ belongs to hidden unit $i$ of $z_t$. In the same way $\partial L/\partial W_{xh} = \sum_t \delta_t x_t^\top$,
# $\partial L/\partial b_h = \sum_t \delta_t$, $\partial L/\partial W_{hy} = \sum_t \frac{\partial L}{\partial y_t} h_t^\top$
# and $\partial L/\partial b_y = \sum_t \frac{\partial L}{\partial y_t}$.
# (The detailed notes only say the biases are "similarly accumulated":
# [ERRATA.md, entry 6](../ERRATA.md#erratum-6).) We write
# $\frac{\partial L}{\partial W_{hh}}\big|_t = \delta_t h_{t-1}^\top$ for **the term of step $t$**.

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** Stress "row $i$ belongs to unit $i$": it decides where the
# derivative $f'(z_{t,i})$ goes (inside $\delta_t$, so it scales row $i$); example 1
# prints both placements. The biases follow from the same
# argument: $b_h$ enters every $z_t$ with derivative 1, $b_y$ every $y_t$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Example 1: two steps, squared error at each step
#
# The implementation notes' example with vectors, with sizes and numbers chosen here:
# $D = 2$, $H = 2$, $O = 1$, $\tanh$ hidden units, identity output, $h_0 = 0$ and
# $L = \frac12\big[(\hat y_1 - y^\star_1)^2 + (\hat y_2 - y^\star_2)^2\big]$. Weights chosen by
# hand; $W_{hh}$ is not symmetric, so a forgotten transpose shows.

# %% slideshow={"slide_type": "fragment"}
W_xh = np.array([[0.5, -0.3], [0.2, 0.4]])  # H x D
W_hh = np.array([[0.1, -0.4], [0.3, 0.2]])  # H x H
b_h = np.array([0.0, 0.1])
W_hy = np.array([[1.0, -0.5]])  # O x H
b_y = np.array([0.2])
x = {1: np.array([1.0, 0.0]), 2: np.array([0.5, -1.0])}  # x_1, x_2
target = {1: np.array([0.5]), 2: np.array([-0.5])}  # y*_1, y*_2
h = {0: np.zeros(2)}  # h_0

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Forward pass
#
# $z_t = W_{xh} x_t + W_{hh} h_{t-1} + b_h$, $h_t = \tanh(z_t)$, $\hat y_t = y_t = W_{hy} h_t + b_y$.
# Vectors print as columns.

# %% slideshow={"slide_type": "fragment"}
z, y = {}, {}
for t in (1, 2):
    z[t] = W_xh @ x[t] + W_hh @ h[t - 1] + b_h
    h[t] = np.tanh(z[t])
    y[t] = W_hy @ h[t] + b_y
    print(
        side_by_side(
            {f"x_{t}": x[t], f"z_{t}": z[t], f"h_{t}": h[t], f"y_{t}": y[t], f"y*_{t}": target[t]}
        )
    )
L = 0.5 * sum(float((y[t] - target[t]) @ (y[t] - target[t])) for t in (1, 2))
print("L =", round(L, 6))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Backward at $t = 2$, then $t = 1$
#
# At $t = 2$ nothing comes from a step 3. At $t = 1$, $h_1$'s two children send
# $W_{hy}^\top \frac{\partial L}{\partial y_1}$ and $W_{hh}^\top \delta_2$.

# %% slideshow={"slide_type": "fragment"}
dy, dh, dz = {}, {}, {}
from_later = {2: np.zeros(2)}  # W_hh^T delta_{t+1}: zero after the last step
for t in (2, 1):
    dy[t] = y[t] - target[t]  # dL/dy_t for the 1/2-sum form
    dh[t] = W_hy.T @ dy[t] + from_later[t]  # dL/dh_t: two children
    dz[t] = dh[t] * (1 - h[t] ** 2)  # delta_t
    from_later[t - 1] = W_hh.T @ dz[t]  # sent back to step t - 1
    blocks = {f"W_hy^T dL/dy_{t}": W_hy.T @ dy[t], f"W_hh^T delta_{t + 1}": from_later[t]}
    blocks |= {f"dL/dh_{t}": dh[t], f"1 - h_{t}^2": 1 - h[t] ** 2, f"delta_{t}": dz[t]}
    print(side_by_side(blocks))
dh0 = from_later[0]  # dL/dh_0, if h_0 were a parameter

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What step 2 sends back, precisely
#
# The term added to $\partial L/\partial h_1$ is $W_{hh}^\top \delta_2$, the Jacobian
# $\partial h_2/\partial h_1 = \operatorname{diag}(1 - h_2^2)\, W_{hh}$ transposed and applied to
# $\partial L/\partial h_2$. The implementation notes add $dh_{t+1}$ itself
# ([ERRATA.md, entry 9](../ERRATA.md#erratum-9)); the Jacobian without its transpose is the
# other common slip.

# %% slideshow={"slide_type": "fragment"}
J21 = np.diag(1 - h[2] ** 2) @ W_hh  # dh_2/dh_1, H x H
variants = {
    "W_hh^T delta_2 (correct)": from_later[1],
    "J^T dL/dh_2 (the same)": J21.T @ dh[2],
    "dL/dh_2 itself": dh[2],
    "J dL/dh_2 (no transpose)": J21 @ dh[2],
}
print(
    table(
        [[k, v, round(rnnlib.rel_error(v, from_later[1]), 4)] for k, v in variants.items()],
        ["term added to dL/dh_1", "value", "rel. error"],
    )
)
assert np.allclose(J21.T @ dh[2], from_later[1])
assert (
    rnnlib.rel_error(dh[2], from_later[1]) > 0.1
    and rnnlib.rel_error(J21 @ dh[2], from_later[1]) > 0.1
)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Adding up the weight gradients
#
# Each shared weight collects the term of every step. For $W_{hh}$, printed as matrices:

# %% slideshow={"slide_type": "fragment"}
terms = {  # parameter -> {t: the term of step t}
    "W_hy": {t: np.outer(dy[t], h[t]) for t in (1, 2)},
    "b_y": {t: dy[t] for t in (1, 2)},
    "W_xh": {t: np.outer(dz[t], x[t]) for t in (1, 2)},
    "W_hh": {t: np.outer(dz[t], h[t - 1]) for t in (1, 2)},
    "b_h": {t: dz[t] for t in (1, 2)},
}
grads = {name: by_t[1] + by_t[2] for name, by_t in terms.items()}
hh = terms["W_hh"]
print(
    side_by_side(
        {"delta_2 h_1^T (t = 2)": hh[2], "delta_1 h_0^T (t = 1)": hh[1], "dL/dW_hh": grads["W_hh"]}
    )
)
assert np.all(hh[1] == 0)  # h_0 = 0: nothing for W_hh to multiply at t = 1

# %% [markdown] slideshow={"slide_type": "fragment"}
# The other four, each as the sum of its two terms:

# %% slideshow={"slide_type": "fragment"}
print(side_by_side({f"dL/d{name}": grads[name] for name in ("W_xh", "b_h", "W_hy", "b_y")}))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Entry by entry, the same matrix
#
# $\sum_t \delta_{t,i}\, h_{t-1,j}$ computed one entry at a time, with three plain loops,
# gives the sum of outer products.

# %% slideshow={"slide_type": "fragment"}
entrywise = np.zeros((2, 2))
for i in range(2):  # row: hidden unit i of z_t
    for j in range(2):  # column: unit j of h_{t-1}
        entrywise[i, j] = sum(dz[t][i] * h[t - 1][j] for t in (1, 2))
print(side_by_side({"sum_t delta_t,i h_t-1,j": entrywise, "sum_t delta_t h_t-1^T": grads["W_hh"]}))
assert np.allclose(entrywise, grads["W_hh"])

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Where the factor $(1 - h_t^2)$ goes
#
# $1 - h_{t,i}^2$ belongs to unit $i$ of $z_t$, that is to **row** $i$: it sits inside
# $\delta_t$, before the outer product. The detailed notes write
# $\sum_t \frac{\partial L}{\partial h_t}\, h_{t-1}^\top\, (1 - h_t^2)$, the factor after the
# outer product ([ERRATA.md, entry 4](../ERRATA.md#erratum-4)); taken elementwise, that
# scales the **columns**. The term of step 2 both ways:

# %% slideshow={"slide_type": "fragment"}
after = np.outer(dh[2], h[1]) * (1 - h[2] ** 2)  # factor after the outer product: columns
blocks = {"1 - h_2^2": 1 - h[2] ** 2, "rows scaled (correct)": hh[2], "columns scaled": after}
print(side_by_side(blocks))
literal = sum(np.outer(dh[t], h[t - 1]) * (1 - h[t] ** 2) for t in (1, 2))
literal_xh = sum(np.outer(dh[t], x[t]) * (1 - h[t] ** 2) for t in (1, 2))
errs = [rnnlib.rel_error(literal, grads["W_hh"]), rnnlib.rel_error(literal_xh, grads["W_xh"])]
print(f"relative error of the columns-scaled sums: W_hh {errs[0]:.3f}, W_xh {errs[1]:.3f}")
assert np.allclose(after, np.outer(dh[2], h[1]) @ np.diag(1 - h[2] ** 2)) and min(errs) > 0.01

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The same numbers from rnnlib
#
# `rnnlib.bptt_reference` is this backward pass as written here: one loop from $t = T$
# down to 1, each step done by `rnnlib.step_backward`, one equation per line (its source
# is printed below, in the notebook). `rnnlib.bptt`, the fast version used everywhere
# else, agrees with it. Both agree with the hand computation to rounding error.

# %% slideshow={"slide_type": "fragment"}
params = {"W_xh": W_xh, "W_hh": W_hh, "b_h": b_h, "W_hy": W_hy, "b_y": b_y}
trace = rnnlib.forward(params, np.array([x[1], x[2]]))
loss, dys = rnnlib.mse(trace.ys, np.array([target[1], target[2]]), form="half_sum")
rows = []
for g in (rnnlib.bptt_reference(params, trace, dys), rnnlib.bptt(params, trace, dys)):
    errs = [rnnlib.rel_error(grads[k], g[k]) for k in grads] + [rnnlib.rel_error(dh0, g["h0"])]
    errs.append(rnnlib.rel_error(np.array([dh[1], dh[2]]), g.dhs[1:]))  # dL/dh_t
    errs.append(rnnlib.rel_error(np.array([dz[1], dz[2]]), g.dzs))  # delta_t
    rows.append(["yes" if e < 1e-12 else f"NO ({e:.1e})" for e in errs])
names = [*grads, "h0", "dL/dh_t", "delta_t"]
print(
    table(
        [[n, a, b] for n, a, b in zip(names, *rows, strict=True)],
        ["= by hand?", "bptt_reference", "bptt"],
    )
)
assert np.isclose(loss, L) and all(r == "yes" for row in rows for r in row)

# %% slideshow={"slide_type": "skip"} tags=["nbval-ignore-output"]
print(
    inspect.getsource(rnnlib.bptt_reference)
)  # rnnlib's readable BPTT, to read with the derivation

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Example 2: three words, one answer
#
# The lecture's many-to-one example: three words (one-hot over a 3-word vocabulary),
# $H = 2$, and after the last word $\hat y = \sigma(y_3) = \sigma(W_{hy} h_3 + b_y)$ with binary
# cross-entropy against the label $y^\star = 1$. Only step 3 has a loss.

# %% slideshow={"slide_type": "fragment"}
V_xh = np.array([[0.6, -0.4, 0.3], [-0.2, 0.5, 0.8]])  # H x D: column k is word k's effect
V_hh = np.array([[0.5, -0.3], [0.4, 0.2]])
c_h, V_hy, c_y = np.array([0.0, -0.1]), np.array([[1.2, -0.7]]), np.array([0.1])
words = np.eye(3)  # x_1, x_2, x_3: the words 0, 1, 2 in this order
label = 1.0

s = {0: np.zeros(2)}  # hidden states of this example
for t in (1, 2, 3):
    s[t] = np.tanh(V_xh @ words[t - 1] + V_hh @ s[t - 1] + c_h)
y3 = V_hy @ s[3] + c_y
p3 = 1 / (1 + np.exp(-y3))  # y_hat
bce = float(-label * np.log(p3[0]) - (1 - label) * np.log(1 - p3[0]))
print(side_by_side({f"h_{t}": s[t] for t in (1, 2, 3)} | {"y_3": y3, "y_hat": p3}))
print("L =", round(bce, 6))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Backward through three steps
#
# $\frac{\partial L}{\partial y_3} = \hat y - y^\star$ (notebook 02) and $\frac{\partial L}{\partial y_t} = 0$ for $t < 3$:
# below step 3, $h_t$'s only child that carries gradient is $h_{t+1}$.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** Which of $\lVert\partial L/\partial h_3\rVert$, $\lVert\partial L/\partial h_2\rVert$,
# $\lVert\partial L/\partial h_1\rVert$ is largest here, and why?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
# $\partial L/\partial h_3$. Each step back multiplies by $1 - h_t^2 \le 1$ and by
# $W_{hh}^\top$, whose largest singular value $\sigma_{\max}(W_{hh})$ is below 1 here (printed
# below), so it shortens every vector: the gradient weakens on its way back (notebook 06
# makes "weakens" precise).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Three steps back, in numbers

# %% slideshow={"slide_type": "fragment"}
dy3 = p3 - label
ds, dd = {}, {}  # dL/dh_t and delta_t of this example
carry = np.zeros(2)  # W_hh^T delta_{t+1}; zero beyond the last step
for t in (3, 2, 1):
    ds[t] = (V_hy.T @ dy3 if t == 3 else 0) + carry
    dd[t] = ds[t] * (1 - s[t] ** 2)
    carry = V_hh.T @ dd[t]
ds[0] = carry  # dL/dh_0
terms_hh = {t: np.outer(dd[t], s[t - 1]) for t in (1, 2, 3)}
for t in (3, 2, 1):
    print(
        side_by_side(
            {f"dL/dh_{t}": ds[t], f"delta_{t}": dd[t], f"delta_{t} h_{t - 1}^T": terms_hh[t]}
        )
    )
print("||dL/dh_t||, t = 3, 2, 1:", [round(float(np.linalg.norm(ds[t])), 4) for t in (3, 2, 1)])
assert np.linalg.norm(ds[3]) > np.linalg.norm(ds[2]) > np.linalg.norm(ds[1])  # weakens going back
sigma_max = np.linalg.norm(V_hh, 2)  # largest singular value of W_hh (and of W_hh^T)
print(f"sigma_max(W_hh) = {sigma_max:.3f}")
assert sigma_max < 1

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Gradient flow on the unrolled graph
#
# Shading: $\lVert \partial L/\partial h_t \rVert$. Arrow width: $\lVert W_{hh}^\top \delta_t\rVert$, sent from $h_t$ back to $h_{t-1}$.

# %% slideshow={"slide_type": "fragment"}
nodes = {"h": [np.linalg.norm(ds[t]) for t in (0, 1, 2, 3)], "y": [0, 0, abs(dy3[0])]}
edges = {"W_hh": [np.linalg.norm(V_hh.T @ dd[t]) for t in (1, 2, 3)], "W_hy": [0, 0, abs(dy3[0])]}
title = "Many-to-one: the gradient enters at $y_3$ and flows back"
draw_unrolled(3, outputs="last", node_values=nodes, edge_values=edges, backward=True, title=title)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Checked against rnnlib
#
# `sigmoid_bce(..., mask="last")` gives $\partial L/\partial y_t$ with zeros before step 3;
# `bptt` then reproduces every number above.

# %% slideshow={"slide_type": "fragment"}
p2 = {"W_xh": V_xh, "W_hh": V_hh, "b_h": c_h, "W_hy": V_hy, "b_y": c_y}
tr2 = rnnlib.forward(p2, words)
loss2, dys2 = rnnlib.sigmoid_bce(tr2.ys, np.array([label]), mask="last")
g2 = rnnlib.bptt(p2, tr2, dys2)
by_hand_2 = {
    "W_hh": sum(terms_hh.values()),
    "W_xh": sum(np.outer(dd[t], words[t - 1]) for t in (1, 2, 3)),
    "b_h": sum(dd.values()),
    "W_hy": np.outer(dy3, s[3]),
    "b_y": dy3,
}
errs = {k: rnnlib.rel_error(v, g2[k]) for k, v in by_hand_2.items()}
errs["dL/dh_t"] = rnnlib.rel_error(np.array([ds[t] for t in (1, 2, 3)]), g2.dhs[1:])
print(
    table(
        [[k, "yes" if v < 1e-12 else f"NO ({v:.1e})"] for k, v in errs.items()],
        ["quantity", "by hand = rnnlib (rel. error < 1e-12)"],
    )
)
assert np.isclose(loss2, bce) and all(v < 1e-12 for v in errs.values())
assert np.all(dys2[:2] == 0)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn 1: one backward step
#
# Given $\partial L/\partial h_t$ (total: from the output and from later steps) and the cache of
# the step, return $\delta_t$, this step's terms of $\partial L/\partial W_{xh}$, $\partial L/\partial W_{hh}$,
# $\partial L/\partial b_h$, and what the step sends back, $W_{hh}^\top \delta_t$. The checker names
# the gradient that is wrong and, for the slips this notebook warns about, which one.

# %% slideshow={"slide_type": "fragment"} tags=["exercise"]
def rnn_step_backward(dh, cache):
    """Backward through h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h).

    dh (H,) = dL/dh_t. cache: dict with x (D,), h_prev (H,), h (H,), W_xh (H, D), W_hh (H, H).
    Returns dict: dz = delta_t (H,), W_xh (H, D), W_hh (H, H), b_h (H,), dh_prev (H,).
    """
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "-"}
result = check_step_backward(rnn_step_backward)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def rnn_step_backward_reference(dh, cache):
    """delta_t = dh * (1 - h_t^2); its outer products; W_hh^T delta_t."""
    dz = dh * (1 - cache["h"] ** 2)  # delta_t: the factor goes here, before any outer product
    return {
        "dz": dz,
        "W_xh": np.outer(dz, cache["x"]),  # delta_t x_t^T
        "W_hh": np.outer(dz, cache["h_prev"]),  # delta_t h_{t-1}^T
        "b_h": dz,
        "dh_prev": cache["W_hh"].T @ dz,  # sent back to step t - 1
    }


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Your turn 2: the whole backward loop
#
# Run BPTT over a sequence: from $t = T$ down to 1, add the output term and what step
# $t + 1$ sent back, call your step, accumulate. Return the five gradients and `dhs`
# ($T + 1$ rows, `dhs[t]` $= \partial L/\partial h_t$, `dhs[0]` $= \partial L/\partial h_0$). The checker
# names the first step (in backward order) whose $\partial L/\partial h_t$ is wrong, then any wrong gradient.

# %% slideshow={"slide_type": "fragment"} tags=["exercise"]
def rnn_backward(params, xs, hs, dys):
    """BPTT for one sequence with tanh hidden units.

    xs (T, D), hs (T+1, H) with hs[0] = h_0, dys (T, O) = dL/dy_t.
    Returns dict with W_xh, W_hh, b_h, W_hy, b_y and dhs (T+1, H).
    """
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "-"}
result = check_backward_loop(rnn_backward)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def rnn_backward_reference(params, xs, hs, dys):
    """Loop t = T..1 around rnn_step_backward_reference, summing the per-step terms."""
    T = len(xs)
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    dhs = np.zeros_like(hs)
    from_later = np.zeros(hs.shape[1])  # W_hh^T delta_{t+1}, zero after the last step
    for t in range(T, 0, -1):
        dhs[t] = params["W_hy"].T @ dys[t - 1] + from_later  # dL/dh_t: two children
        cache = {
            "x": xs[t - 1],
            "h_prev": hs[t - 1],
            "h": hs[t],
            "W_xh": params["W_xh"],
            "W_hh": params["W_hh"],
        }
        step = rnn_step_backward_reference(dhs[t], cache)
        for name in ("W_xh", "W_hh", "b_h"):
            grads[name] += step[name]
        grads["W_hy"] += np.outer(dys[t - 1], hs[t])  # dL/dy_t h_t^T
        grads["b_y"] += dys[t - 1]
        from_later = step["dh_prev"]
    dhs[0] = from_later  # dL/dh_0
    grads["dhs"] = dhs
    return grads


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# * Backpropagation is the chain rule applied backwards; a weight used at several steps gets
#   one term per use, so BPTT **sums** over time.
# * $h_t$ has two children, $y_t$ and $h_{t+1}$: $\partial L/\partial h_t = W_{hy}^\top \partial L/\partial y_t + W_{hh}^\top \delta_{t+1}$.
# * $\delta_t = \partial L/\partial h_t \circ (1 - h_t^2)$ comes **before** the outer products: it scales rows.
# * $\partial L/\partial (W_{hh})_{ij} = \sum_t \delta_{t,i} h_{t-1,j}$, i.e. $\sum_t \delta_t h_{t-1}^\top$; with $h_0 = 0$ the first term vanishes.
# * The Jacobian $\partial h_{t+1}/\partial h_t = \operatorname{diag}(f') W_{hh}$; the gradient goes back through its transpose.
# * Every hand-computed number equals finite differences and `rnnlib.bptt`.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check your understanding
#
# 1. In example 1, why does $\partial L/\partial h_1$ have two terms but $\partial L/\partial h_2$ only one?
# 2. What is sent from step $t + 1$ to step $t$: $\partial L/\partial h_{t+1}$, $\delta_{t+1}$, or $W_{hh}^\top \delta_{t+1}$?
# 3. Which row or column of $\partial L/\partial W_{hh}|_t$ does the factor $1 - h_{t,i}^2$ scale?
# 4. In example 2, what would $\partial L/\partial W_{hy}$ be if the label were $y^\star = \hat y$?
# 5. How many matrix-vector products with $W_{hh}^\top$ does one backward pass over $T$ steps need?
# 6. In the one-unit network, why is $\partial L/\partial w_{xh}$ so small although both $\delta_t$ are not?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["answers"]
# **Answers.**
#
# 1. $h_1$ has two children, $y_1$ and $h_2$; $h_2$ has only $y_2$, because there is no step 3.
# 2. $W_{hh}^\top \delta_{t+1}$: the gradient of $\partial L/\partial h_{t+1}$ must still pass
#    through step $t+1$'s derivative (giving $\delta_{t+1}$) and through $W_{hh}^\top$.
# 3. Row $i$: it belongs to unit $i$ of $z_t$, and $\delta_{t,i}$ multiplies row $i$ of the
#    outer product $\delta_t h_{t-1}^\top$.
# 4. Zero: $\partial L/\partial y_3 = \hat y - y^\star = 0$, and $\partial L/\partial W_{hy} = \frac{\partial L}{\partial y_3} h_3^\top$.
#    (Every other gradient is zero too: nothing is sent back.)
# 5. $T$: one per step, $W_{hh}^\top \delta_t$ for $t = T, \dots, 1$ (the last one gives $\partial L/\partial h_0$;
#    without $h_0$ as a parameter, $T - 1$ suffice).
# 6. Its two terms have opposite signs: $\delta_1 x_1 = -0.3782$ and $\delta_2 x_2 = 0.4192$
#    nearly cancel, because the two steps' errors pull in opposite directions.

# %% [markdown] slideshow={"slide_type": "-"}
# [← 02 · Outputs and losses](02_outputs_and_losses.ipynb) | [Index](00_start_here.ipynb) | [04 · Per-weight gradients →](04_per_weight_gradients.ipynb)
