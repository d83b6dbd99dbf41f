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
# * to run Backpropagation Through Time step by step, with every number on the page;
# * the two-step example of the implementation notes (squared error at every step);
# * the three-word, many-to-one example of the lecture (sigmoid output, cross-entropy);
# * where the notes' backward formulas are imprecise, and the exact forms;
# * to write one backward step and the whole backward loop yourself.
#
# *About 45 minutes.*

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

import rnnlib
from rnnlib.checks.backward import check_backward_loop, check_step_backward
from rnnlib.report import table
from rnnlib.viz import use_course_style
from rnnlib.viz.graph import draw_unrolled

use_course_style()
np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The backward recursion
#
# BPTT visits the steps in reverse, $t = T, \dots, 1$, carrying one vector back in time:
#
# $$\frac{\partial L}{\partial h_t} = W_{hy}^\top \frac{\partial L}{\partial y_t} + W_{hh}^\top \delta_{t+1}, \qquad
# \delta_t = \frac{\partial L}{\partial z_t} = \frac{\partial L}{\partial h_t} \circ (1 - h_t^2), \qquad \delta_{T+1} = 0$$
#
# Each step adds its share to the shared weights' gradients:
# $\Delta W_{hy} = \frac{\partial L}{\partial y_t} h_t^\top$, $\Delta b_y = \frac{\partial L}{\partial y_t}$,
# $\Delta W_{xh} = \delta_t x_t^\top$, $\Delta W_{hh} = \delta_t h_{t-1}^\top$, $\Delta b_h = \delta_t$.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** $\delta_t$ is what the implementation notes call $dh_{\text{raw}}$ and
# min-char-rnn calls `dhraw`. The first term of $\partial L/\partial h_t$ is the loss at
# step $t$ itself; the second is everything later, sent back through $W_{hh}$. With $\tanh$,
# $f'(z_t) = 1 - h_t^2$, which reuses the stored state.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Example 1: two steps, squared error at each step
#
# $D = 2$, $H = 2$, $O = 1$, $\tanh$ hidden units, identity output, $h_0 = 0$, and the loss of
# the implementation notes' example: $L = \frac12\big[(\hat y_1 - y^\star_1)^2 + (\hat y_2 - y^\star_2)^2\big]$.
# Weights are chosen by hand so that every number stays readable.

# %% slideshow={"slide_type": "fragment"}
W_xh = np.array([[0.5, -0.3], [0.2, 0.4]])  # H x D
W_hh = np.array([[0.1, -0.4], [0.3, 0.2]])  # H x H (not symmetric: transposes matter)
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

# %% slideshow={"slide_type": "fragment"}
z, y = {}, {}
for t in (1, 2):
    z[t] = W_xh @ x[t] + W_hh @ h[t - 1] + b_h
    h[t] = np.tanh(z[t])
    y[t] = W_hy @ h[t] + b_y
L = 0.5 * sum(float((y[t] - target[t]) @ (y[t] - target[t])) for t in (1, 2))
rows = [[f"t = {t}", x[t], z[t], h[t], y[t], target[t]] for t in (1, 2)]
print(table(rows, ["step", "x_t", "z_t", "h_t", "y_t", "target"]))
print("L =", round(L, 6))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Backward at $t = 2$ (the last step)
#
# Nothing comes from a step 3, so $\partial L/\partial h_2$ has only the output term.

# %% slideshow={"slide_type": "fragment"}
dy, dh, dz = {}, {}, {}
dy[2] = y[2] - target[2]  # dL/dy_2 for the 1/2-sum form
dh[2] = W_hy.T @ dy[2]  # + W_hh^T delta_3, which is 0
dz[2] = dh[2] * (1 - h[2] ** 2)  # delta_2 = dL/dz_2
print(
    table(
        [["t = 2", dy[2], dh[2], 1 - h[2] ** 2, dz[2]]],
        ["step", "dL/dy_t", "dL/dh_t", "1 - h_t^2", "delta_t"],
    )
)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Backward at $t = 1$
#
# Now $h_1$ influenced the loss twice: through $y_1$ and through $h_2$. The second path
# arrives as $W_{hh}^\top \delta_2$.

# %% slideshow={"slide_type": "fragment"}
dy[1] = y[1] - target[1]
from_later = W_hh.T @ dz[2]  # gradient sent back from step 2
dh[1] = W_hy.T @ dy[1] + from_later
dz[1] = dh[1] * (1 - h[1] ** 2)
dh0 = W_hh.T @ dz[1]  # dL/dh_0, if h_0 were a parameter
print(
    table(
        [["t = 1", dy[1], W_hy.T @ dy[1], from_later, dh[1], dz[1]]],
        ["step", "dL/dy_t", "W_hy^T dy_t", "W_hh^T delta_2", "dL/dh_t", "delta_t"],
    )
)

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** The detailed notes write the hidden-state Jacobian as
# "$\partial h_{t+1}/\partial h_t = W_{hh}^\top (1 - h_{t+1}^2)$". Precisely, the Jacobian is
# $\operatorname{diag}(1 - h_{t+1}^2)\, W_{hh}$, and the gradient it carries back is its
# transpose applied to $\partial L/\partial h_{t+1}$: $W_{hh}^\top\big[(1 - h_{t+1}^2) \circ \partial L/\partial h_{t+1}\big]
# = W_{hh}^\top \delta_{t+1}$. The next slide checks that the order matters.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Erratum: what exactly is sent back from step $t + 1$
#
# The implementation notes write $dh_t = W_{hy}^\top \frac{dL}{dy_t} + dh_{t+1}$. Adding
# $dh_{t+1}$ itself is not right: precisely, the term is $W_{hh}^\top dh_{\text{raw},t+1} = W_{hh}^\top \delta_{t+1}$,
# and the Jacobian $\partial h_2/\partial h_1 = \operatorname{diag}(1 - h_2^2)\,W_{hh}$ enters transposed.

# %% slideshow={"slide_type": "fragment"}
J21 = np.diag(1 - h[2] ** 2) @ W_hh  # dh_2/dh_1, H x H
variants = {
    "W_hh^T delta_2 (correct)": from_later,
    "J^T dL/dh_2 (same thing)": J21.T @ dh[2],
    "dh_2 as written in the notes": dh[2],
    "J dL/dh_2 (not transposed)": J21 @ dh[2],
}
print(
    table(
        [[k, v, round(rnnlib.rel_error(v, from_later), 4)] for k, v in variants.items()],
        ["term added to dL/dh_1", "value", "rel. error"],
    )
)
assert np.allclose(J21.T @ dh[2], from_later)
assert rnnlib.rel_error(dh[2], from_later) > 0.1 and rnnlib.rel_error(J21 @ dh[2], from_later) > 0.1

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Adding up the weight gradients
#
# Every shared weight collects one term per step. Note where $1 - h_t^2$ sits: inside
# $\delta_t$, **before** the outer product. (Matrices print row by row: `[a, b, c, d]` is
# $\begin{pmatrix} a & b\\ c & d\end{pmatrix}$.)

# %% slideshow={"slide_type": "fragment"}
terms = {  # parameter -> {t: term of step t}
    "W_hy": {t: np.outer(dy[t], h[t]) for t in (1, 2)},
    "b_y": {t: dy[t] for t in (1, 2)},
    "W_xh": {t: np.outer(dz[t], x[t]) for t in (1, 2)},
    "W_hh": {t: np.outer(dz[t], h[t - 1]) for t in (1, 2)},
    "b_h": {t: dz[t] for t in (1, 2)},
}
grads = {name: by_t[1] + by_t[2] for name, by_t in terms.items()}
assert np.all(terms["W_hh"][1] == 0)  # h_0 = 0: nothing for W_hh to multiply at t = 1
print(
    table(
        [[name, by_t[2], by_t[1], grads[name]] for name, by_t in terms.items()],
        ["gradient", "from t = 2", "from t = 1", "total"],
    )
)

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** The $W_{hh}$ term of step 1 is zero because $h_0 = 0$: the recurrent
# weights had nothing to multiply at the first step.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Erratum: where the factor $(1 - h_t^2)$ goes
#
# The detailed notes write $\;\frac{\partial L}{\partial W_{hh}} = \sum_t \frac{\partial L}{\partial h_t}\, h_{t-1}^\top\, (1 - h_t^2)\;$
# (and the same with $x_t^\top$ for $W_{xh}$). Precisely, the factor multiplies
# $\frac{\partial L}{\partial h_t}$ elementwise **before** the outer product:
#
# $$\frac{\partial L}{\partial W_{hh}} = \sum_t \Big[\frac{\partial L}{\partial h_t} \circ (1 - h_t^2)\Big]\, h_{t-1}^\top$$
#
# It scales row $i$ (hidden unit $i$); applied after the outer product it would scale the columns.

# %% slideshow={"slide_type": "fragment"}
literal = sum(np.outer(dh[t], h[t - 1]) * (1 - h[t] ** 2) for t in (1, 2))  # scales columns
literal_xh = sum(np.outer(dh[t], x[t]) * (1 - h[t] ** 2) for t in (1, 2))
print(
    table(
        [
            ["W_hh", grads["W_hh"], literal, rnnlib.rel_error(literal, grads["W_hh"])],
            ["W_xh", grads["W_xh"], literal_xh, rnnlib.rel_error(literal_xh, grads["W_xh"])],
        ],
        ["gradient", "correct (row by row)", "factor after the outer product", "rel. error"],
    )
)
assert (
    rnnlib.rel_error(literal, grads["W_hh"]) > 0.01
    and rnnlib.rel_error(literal_xh, grads["W_xh"]) > 0.01
)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The same numbers from rnnlib
#
# `rnnlib.forward`, `rnnlib.mse(form="half_sum")` and `rnnlib.bptt` do exactly these steps
# (for whole batches). The hand computation agrees to rounding error, gradient by gradient
# and step by step.

# %% slideshow={"slide_type": "fragment"}
params = {"W_xh": W_xh, "W_hh": W_hh, "b_h": b_h, "W_hy": W_hy, "b_y": b_y}
trace = rnnlib.forward(params, np.array([x[1], x[2]]))
loss, dys = rnnlib.mse(trace.ys, np.array([target[1], target[2]]), form="half_sum")
g = rnnlib.bptt(params, trace, dys)
checks = {name: rnnlib.rel_error(grads[name], g[name]) for name in grads}
checks["h0"] = rnnlib.rel_error(dh0, g["h0"])
checks["dL/dh_t"] = rnnlib.rel_error(np.array([dh[1], dh[2]]), g.dhs[1:])
checks["delta_t"] = rnnlib.rel_error(np.array([dz[1], dz[2]]), g.dzs)
print(
    table(
        [[k, "yes" if v < 1e-12 else f"NO ({v:.1e})"] for k, v in checks.items()],
        ["quantity", "by hand = rnnlib (rel. error < 1e-12)"],
    )
)
assert np.isclose(loss, L) and all(v < 1e-12 for v in checks.values())

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
print(table([[f"t = {t}", words[t - 1], s[t]] for t in (1, 2, 3)], ["step", "x_t", "h_t"]))
print("y_3 =", y3, " y_hat = sigmoid(y_3) =", p3, " L =", round(bce, 6))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Backward through three steps
#
# $\frac{\partial L}{\partial y_3} = \hat y - y^\star$ (notebook 02) and $\frac{\partial L}{\partial y_t} = 0$ for $t < 3$:
# below step 3 the only input to $\frac{\partial L}{\partial h_t}$ is $W_{hh}^\top \delta_{t+1}$.

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
rows = [[f"t = {t}", dy3 if t == 3 else np.zeros(1), ds[t], dd[t], terms_hh[t]] for t in (3, 2, 1)]
print(table(rows, ["step", "dL/dy_t", "dL/dh_t", "delta_t", "W_hh term (delta_t h_{t-1}^T)"]))
assert np.linalg.norm(ds[3]) > np.linalg.norm(ds[2]) > np.linalg.norm(ds[1])  # weakens going back

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Gradient flow on the unrolled graph
#
# Shading: $\lVert \partial L/\partial h_t \rVert$. Arrow width: $\lVert W_{hh}^\top \delta_t\rVert$, sent from $h_t$ back to $h_{t-1}$.

# %% slideshow={"slide_type": "fragment"}
norms_h = [np.linalg.norm(ds[t]) for t in (0, 1, 2, 3)]  # ||dL/dh_t||, t = 0..3
norms_back = [np.linalg.norm(V_hh.T @ dd[t]) for t in (1, 2, 3)]  # into h_{t-1}, t = 1..3
draw_unrolled(
    3,
    outputs="last",
    node_values={"h": norms_h, "y": [0, 0, abs(dy3[0])]},
    edge_values={"W_hh": norms_back, "W_hy": [0, 0, abs(dy3[0])]},
    backward=True,
    title="Many-to-one: the gradient enters at $y_3$ and flows back",
)
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
by_hand = {
    "W_hh": sum(terms_hh.values()),
    "W_xh": sum(np.outer(dd[t], words[t - 1]) for t in (1, 2, 3)),
    "b_h": sum(dd.values()),
    "W_hy": np.outer(dy3, s[3]),
    "b_y": dy3,
}
errs = {k: rnnlib.rel_error(v, g2[k]) for k, v in by_hand.items()}
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
# $\partial L/\partial b_h$, and the gradient sent back, $W_{hh}^\top \delta_t$. The checker names the
# gradient that is wrong and by how much.

# %% slideshow={"slide_type": "fragment"}
def rnn_step_backward(dh, cache):
    """Backward through h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h).

    dh (H,) = dL/dh_t. cache: dict with x (D,), h_prev (H,), h (H,), W_xh (H, D), W_hh (H, H).
    Returns dict: dz = delta_t (H,), W_xh (H, D), W_hh (H, H), b_h (H,), dh_prev (H,).
    """
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "-"}
result = check_step_backward(rnn_step_backward)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def rnn_step_backward(dh, cache):
    """delta_t = dh * (1 - h_t^2); its outer products; W_hh^T delta_t."""
    dz = dh * (1 - cache["h"] ** 2)  # delta_t: the factor goes here, before any outer product
    return {
        "dz": dz,
        "W_xh": np.outer(dz, cache["x"]),  # delta_t x_t^T
        "W_hh": np.outer(dz, cache["h_prev"]),  # delta_t h_{t-1}^T
        "b_h": dz,
        "dh_prev": cache["W_hh"].T @ dz,  # sent back to step t - 1
    }


result = check_step_backward(rnn_step_backward)
assert result.passed

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Your turn 2: the whole backward loop
#
# Run BPTT over a sequence: from $t = T$ down to 1, add the output term and the gradient
# from step $t + 1$, call your step, accumulate. Return the five gradients and
# `dhs` ($T + 1$ rows, `dhs[t]` $= \partial L/\partial h_t$, `dhs[0]` $= \partial L/\partial h_0$). The checker
# names the first step (in backward order) whose $\partial L/\partial h_t$ is wrong, then any wrong gradient.

# %% slideshow={"slide_type": "fragment"}
def rnn_backward(params, xs, hs, dys):
    """BPTT for one sequence with tanh hidden units.

    xs (T, D), hs (T+1, H) with hs[0] = h_0, dys (T, O) = dL/dy_t.
    Returns dict with W_xh, W_hh, b_h, W_hy, b_y and dhs (T+1, H).
    """
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "-"}
result = check_backward_loop(rnn_backward)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def rnn_backward(params, xs, hs, dys):
    """Loop t = T..1 around rnn_step_backward, summing the per-step terms."""
    T = len(xs)
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    dhs = np.zeros_like(hs)
    from_later = np.zeros(hs.shape[1])  # W_hh^T delta_{t+1}, zero after the last step
    for t in range(T, 0, -1):
        dhs[t] = params["W_hy"].T @ dys[t - 1] + from_later  # dL/dh_t
        cache = {
            "x": xs[t - 1],
            "h_prev": hs[t - 1],
            "h": hs[t],
            "W_xh": params["W_xh"],
            "W_hh": params["W_hh"],
        }
        step = rnn_step_backward(dhs[t], cache)
        for name in ("W_xh", "W_hh", "b_h"):
            grads[name] += step[name]
        grads["W_hy"] += np.outer(dys[t - 1], hs[t])  # dL/dy_t h_t^T
        grads["b_y"] += dys[t - 1]
        from_later = step["dh_prev"]
    dhs[0] = from_later  # dL/dh_0
    grads["dhs"] = dhs
    return grads


result = check_backward_loop(rnn_backward)
assert result.passed

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# * BPTT runs $t = T \dots 1$ carrying $W_{hh}^\top \delta_{t+1}$ back; $\partial L/\partial h_t$ adds the output term $W_{hy}^\top \partial L/\partial y_t$.
# * $\delta_t = \partial L/\partial h_t \circ (1 - h_t^2)$ comes **before** the outer products $\delta_t x_t^\top$, $\delta_t h_{t-1}^\top$.
# * Shared weights sum one term per step; with $h_0 = 0$ the first $W_{hh}$ term vanishes.
# * Many-to-one: below the last step, only the recurrent path carries gradient.
# * Every hand-computed number equals `rnnlib.bptt` to rounding error.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check your understanding
#
# 1. In example 1, why does $\partial L/\partial h_1$ have two terms but $\partial L/\partial h_2$ only one?
# 2. What is sent from step $t + 1$ to step $t$: $\partial L/\partial h_{t+1}$, $\delta_{t+1}$, or $W_{hh}^\top \delta_{t+1}$?
# 3. Which hidden unit's row of $\partial L/\partial W_{hh}$ does the factor $1 - h_{t,i}^2$ scale?
# 4. In example 2, what would $\partial L/\partial W_{hy}$ be if the label were $y^\star = \hat y$?
# 5. How many matrix-vector products with $W_{hh}^\top$ does one backward pass over $T$ steps need?
#
# [← 02 · Outputs and losses](02_outputs_and_losses.ipynb) | [Index](00_start_here.ipynb) | [04 · Per-weight gradients →](04_per_weight_gradients.ipynb)
