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
# # 02 · Outputs and losses
#
# **What you will learn**
#
# * the three output activations: identity, sigmoid, softmax;
# * the losses that go with them: squared error (two forms), binary and multi-class cross-entropy;
# * the total loss as a sum over time steps, and the many-to-one case;
# * $\partial L/\partial y_t$ for each loss, derived and checked against finite differences;
# * why the output's derivative cancels for the usual pairs, and a pair where it does not;
# * why the naive formulas overflow, and the stable forms rnnlib uses.
#
# *About 45 minutes.*

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

import rnnlib
from rnnlib.checks.losses import check_sigmoid_mse_grad, check_softmax_ce_grad
from rnnlib.report import table
from rnnlib.viz import use_course_style
from rnnlib.viz.losses import plot_loss_and_gradient, plot_output_activations

use_course_style()
np.set_printoptions(precision=4, suppress=True)


def below(err):
    """'< 1e-10' for err = 3e-11: tiny errors shown by their power of ten (stable output)."""
    return "0" if err == 0 else f"< 1e{int(np.ceil(np.log10(err)))}"

# %% [markdown] slideshow={"slide_type": "slide"}
# ## From logits to predictions
#
# The network produces logits $y_t = W_{hy} h_t + b_y$. An output activation $\phi$ turns them
# into the prediction $\hat y_t = \phi(y_t)$, chosen by the task:
#
# | task | $\phi$ | $\hat y_t$ |
# |---|---|---|
# | regression | identity | $y_t$ |
# | yes / no | sigmoid | $\sigma(y_t) = 1/(1 + e^{-y_t})$, a probability |
# | one of $O$ classes | softmax | $\hat y_{t,i} = e^{y_{t,i}} / \sum_j e^{y_{t,j}}$, a distribution |

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The activations, drawn
#
# Left: a single logit. Right: three logits, with $y_1$ varied and the other two fixed.

# %% slideshow={"slide_type": "fragment"}
plot_output_activations()
plt.show()

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** Sigmoid squashes any logit into $(0, 1)$. Softmax does the same for a
# whole vector and makes the entries sum to one; raising one logit takes probability from
# all the others. Only differences between logits matter for softmax.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Losses, summed over time
#
# With a target $y^\star_t$ at step $t$ (a number, a 0/1 label, or a class $c_t$):
#
# $$L = \sum_{t=1}^{T} L_t, \qquad L_t = \begin{cases}
# \tfrac12 \lVert y_t - y^\star_t\rVert^2 & \text{squared error, identity output}\\
# -y^\star_t \log \hat y_t - (1 - y^\star_t)\log(1 - \hat y_t) & \text{binary cross-entropy, } \hat y_t = \sigma(y_t)\\
# -\log \hat y_{t, c_t} & \text{cross-entropy, } \hat y_t = \operatorname{softmax}(y_t)
# \end{cases}$$

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Two forms of the squared error
#
# Two versions of the squared error are in common use, both fine for training:
#
# $$L^{\text{mean}} = \frac{1}{T}\sum_{t=1}^{T} (\hat y_t - y^\star_t)^2, \qquad
# L^{\text{half}} = \frac{1}{2}\sum_{t=1}^{T} (\hat y_t - y^\star_t)^2$$
#
# They differ by the constant factor $T/2$ (so only the learning rate changes), and so do their gradients.

# %% slideshow={"slide_type": "fragment"}
T = 4
rng = np.random.default_rng(0)
ys = rng.normal(size=(T, 1))  # logits of one sequence, O = 1 (identity output)
targets = rng.normal(size=(T, 1))
L_mean, _ = rnnlib.mse(ys, targets, form="mean")
L_half, _ = rnnlib.mse(ys, targets, form="half_sum")
print(
    "L_mean =",
    round(L_mean, 6),
    "  L_half =",
    round(L_half, 6),
    "  ratio =",
    round(L_half / L_mean, 6),
)
assert np.isclose(L_mean, np.mean((ys - targets) ** 2)) and np.isclose(L_half / L_mean, T / 2)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Every loss in rnnlib, against its formula
#
# rnnlib's losses take the **logits** and return `(loss, dL/dys)`. Computing the formulas
# above directly gives the same numbers.

# %% slideshow={"slide_type": "fragment"}
labels01 = np.array([[1.0], [0.0], [1.0], [1.0]])  # binary targets
ys3 = rng.normal(size=(T, 3))  # logits over O = 3 classes
classes = np.array([2, 0, 1, 2])  # c_t
p = rnnlib.sigmoid(ys)
bce_formula = np.sum(-labels01 * np.log(p) - (1 - labels01) * np.log(1 - p))
ce_formula = -np.sum(np.log(rnnlib.softmax(ys3)[np.arange(T), classes]))
rows = [
    ["squared error, 1/2 sum", L_half, 0.5 * np.sum((ys - targets) ** 2)],
    ["sigmoid + BCE", rnnlib.sigmoid_bce(ys, labels01)[0], bce_formula],
    ["softmax + CE", rnnlib.softmax_ce(ys3, classes)[0], ce_formula],
]
print(table(rows, ["loss", "rnnlib", "formula"], digits=6))
assert all(np.isclose(r[1], r[2]) for r in rows)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The gradient $\partial L/\partial y_t$: squared error
#
# $L$ is a sum over steps and $y_t$ appears only in $L_t$, so $\partial L/\partial y_t = \partial L_t/\partial y_t$.
# With the identity output $\hat y_t = y_t$:
#
# $$\frac{\partial L^{\text{half}}}{\partial y_t} = \hat y_t - y^\star_t, \qquad
# \frac{\partial L^{\text{mean}}}{\partial y_t} = \frac{2}{T}\,(\hat y_t - y^\star_t)$$

# %% [markdown] slideshow={"slide_type": "fragment"}
# Derived: $y_t$ appears in one term, and $\frac{d}{dy}(y - y^\star)^2 = 2(y - y^\star)$;
# the mean form then divides by $T$, the half form multiplies by $\frac12$. (The
# implementation notes give the half form's gradient for the mean form:
# [ERRATA.md, entry 7](../ERRATA.md#erratum-7).)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Which factor? Checked
#
# Central finite differences of $L^{\text{mean}}$ agree with $\frac{2}{T}(\hat y_t - y^\star_t)$;
# $\hat y_t - y^\star_t$ alone is off by the factor $T/2$ at every step.

# %% slideshow={"slide_type": "fragment"}
def loss_mean():
    return rnnlib.mse(ys, targets, form="mean")[0]


numeric = rnnlib.numerical_gradient(loss_mean, ys)  # central differences, ys perturbed in place
half_form = ys - targets  # the half form's gradient
mean_form = 2 / T * (ys - targets)
print("rel. error, y_hat - y*         :", round(rnnlib.rel_error(half_form, numeric), 4))
print("rel. error, (2/T)(y_hat - y*)  :", below(rnnlib.rel_error(mean_form, numeric)))
print("numeric / (y_hat - y*), by step:", np.round((numeric / half_form).ravel(), 6))
assert rnnlib.rel_error(mean_form, numeric) < 1e-7
assert np.allclose(numeric / half_form, 2 / T)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The gradient: sigmoid with binary cross-entropy
#
# With $\hat y = \sigma(y)$ and $\sigma'(y) = \hat y (1 - \hat y)$ (dropping the index $t$):
#
# $$\frac{\partial L_t}{\partial y} = \Big(-\frac{y^\star}{\hat y} + \frac{1 - y^\star}{1 - \hat y}\Big)\,\hat y (1 - \hat y)
# = -y^\star (1 - \hat y) + (1 - y^\star)\,\hat y = \hat y - y^\star$$
#
# The sigmoid's slope cancels: the gradient is simply *prediction minus target*.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The gradient: softmax with cross-entropy
#
# $L_t = -\log \hat y_{c} = -y_{c} + \log \sum_j e^{y_j}$, so for every logit $y_i$:
#
# $$\frac{\partial L_t}{\partial y_i} = -[i = c] + \frac{e^{y_i}}{\sum_j e^{y_j}} = \hat y_i - [i = c],
# \qquad \frac{\partial L_t}{\partial y_t} = \hat y_t - \operatorname{onehot}(c_t)$$
#
# Again prediction minus target, with the target written as a one-hot vector.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## When the derivative does not cancel: sigmoid with squared error
#
# Cross-entropy is not the only loss one can put after a sigmoid. With the squared error
# $L_t = \frac12(\hat y - y^\star)^2$ and $\hat y = \sigma(y)$, the chain rule gives
#
# $$\frac{\partial L_t}{\partial y} = \frac{\partial L_t}{\partial \hat y}\,\frac{d\hat y}{dy}
# = (\hat y - y^\star)\,\sigma'(y) = (\hat y - y^\star)\,\hat y\,(1 - \hat y)$$
#
# Nothing divides out: the sigmoid's slope stays in the gradient.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** Target $y^\star = 1$, logit $y = -6$: the network is confidently wrong
# ($\hat y \approx 0.0025$). Which gradient is larger in size, sigmoid with cross-entropy
# or sigmoid with squared error, and by roughly what factor?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
# Cross-entropy: $\hat y - 1 \approx -0.998$. Squared error: the same times
# $\sigma'(-6) = \hat y(1 - \hat y) \approx 0.0025$, about $-0.0025$: some 400 times
# smaller. Where the sigmoid is flat the squared error learns slowly, even when it is
# most wrong; cross-entropy's $\log$ undoes the flatness.

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** Ask for the factor before opening the answer: most people expect
# the squared error to "push harder" because it is the loss they know. The cell below
# computes both gradients with rnnlib and their ratio.

# %% slideshow={"slide_type": "fragment"}
y_wrong, y_star = np.array([[-6.0]]), np.array([[1.0]])
g_bce = rnnlib.sigmoid_bce(y_wrong, y_star)[1].item()
g_se = rnnlib.sigmoid_mse(y_wrong, y_star, form="half_sum")[1].item()
p_wrong = rnnlib.sigmoid(y_wrong).item()
print(f"y_hat = {p_wrong:.4f}, sigma'(y) = {p_wrong * (1 - p_wrong):.4f}")
print(
    f"sigmoid + BCE: {g_bce:.4f}   sigmoid + squared error: {g_se:.5f}   ratio {g_bce / g_se:.0f}"
)
assert np.isclose(g_se, (p_wrong - 1) * p_wrong * (1 - p_wrong)) and 350 < g_bce / g_se < 450

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Loss and gradient for one step
#
# Target $y^\star = 1$: the squared error on the raw logit, and the sigmoid output with
# cross-entropy or with the squared error.

# %% slideshow={"slide_type": "fragment"}
plot_loss_and_gradient(target=1.0)
plt.show()

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** Compare the right panel: the squared-error gradient on the raw
# logit grows without bound with the error; the cross-entropy gradient $\sigma(y) - 1$
# stays between $-1$ and $0$; the dashed sigmoid + squared error gradient is near 0 at both
# ends, also on the left, where the prediction is most wrong.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Every gradient, checked numerically
#
# Each formula derived above against central finite differences with a small step $\Delta$,
# $\frac{L(y + \Delta e_i) - L(y - \Delta e_i)}{2\Delta}$ (a relative error below $10^{-7}$
# means the derivation is right; notebook 04 says when this test can mislead), and
# against rnnlib.

# %% slideshow={"slide_type": "skip"}
p_hat = rnnlib.sigmoid(ys)  # y_hat for the sigmoid outputs
cases = {  # name: (loss as a function of the logits, logits, the derived dL/dy)
    "MSE mean": (lambda y: rnnlib.mse(y, targets), ys, 2 / T * (ys - targets)),
    "MSE 1/2 sum": (lambda y: rnnlib.mse(y, targets, form="half_sum"), ys, ys - targets),
    "sigmoid + BCE": (lambda y: rnnlib.sigmoid_bce(y, labels01), ys, p_hat - labels01),
    "sigmoid + sq. error, 1/2 sum": (
        lambda y: rnnlib.sigmoid_mse(y, labels01, form="half_sum"),
        ys,
        (p_hat - labels01) * p_hat * (1 - p_hat),  # sigma'(y) survives
    ),
    "softmax + CE": (
        lambda y: rnnlib.softmax_ce(y, classes),
        ys3,
        rnnlib.softmax(ys3) - np.eye(3)[classes],
    ),
}

# %% slideshow={"slide_type": "fragment"}
rows = []
for name, (fn, y, formula) in cases.items():
    y = y.copy()
    numeric = rnnlib.numerical_gradient(lambda fn=fn, y=y: fn(y)[0], y)
    rows.append([name, rnnlib.rel_error(formula, numeric), rnnlib.rel_error(fn(y)[1], formula)])
columns = ["loss", "formula vs numeric (rel. error)", "rnnlib = formula (1e-12)"]
print(table([[r[0], below(r[1]), "yes" if r[2] < 1e-12 else "NO"] for r in rows], columns))
assert all(r[1] < 1e-7 and r[2] < 1e-12 for r in rows)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Many-to-one: a loss at the last step only
#
# If only $\hat y_T$ is compared with a target, $L = L_T$ and every other output has no
# effect on the loss: $\partial L/\partial y_t = 0$ for $t < T$. rnnlib selects the step with
# `mask="last"`; the zero rows are exactly what BPTT (notebook 03) starts from.

# %% slideshow={"slide_type": "fragment"}
loss_last, dys_last = rnnlib.softmax_ce(ys3, classes[-1], mask="last")  # target of step T only
rows = [[f"t = {t}", dys_last[t - 1]] for t in range(1, T + 1)]
print(table(rows, ["step", "dL/dy_t"], digits=3))
numeric = rnnlib.numerical_gradient(
    lambda: rnnlib.softmax_ce(ys3, classes[-1], mask="last")[0], ys3
)
print("rel. error vs finite differences:", below(rnnlib.rel_error(dys_last, numeric)))
assert np.all(dys_last[:-1] == 0) and rnnlib.rel_error(dys_last, numeric) < 1e-7

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Numerical stability
#
# $e^{y}$ overflows double precision for $y > 709$. Logits that large appear when training
# goes wrong (or with unscaled inputs), and the textbook formulas then return `nan` or $-\infty$.
# The fix is algebra, not more precision:
#
# $$\operatorname{softmax}(y) = \operatorname{softmax}(y - \max_j y_j), \qquad
# \log \sigma(y) = -\big(\max(-y, 0) + \log(1 + e^{-|y|})\big)$$

# %% slideshow={"slide_type": "fragment"}
big = np.array([1000.0, 0.0, -1000.0])
with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # the overflow is the point
    assert np.isfinite(np.exp(709.0)) and np.isinf(np.exp(710.0))  # the float64 limit
    naive_softmax = np.exp(big) / np.exp(big).sum()
    naive_log_sigmoid = np.log(1 / (1 + np.exp(-big)))
stable_log_sigmoid = (
    -(np.maximum(-big, 0) + np.log1p(np.exp(-np.abs(big)))) + 0.0
)  # + 0.0: no "-0."
print("logits                  :", big)
print("softmax, naive          :", naive_softmax)
print("softmax, rnnlib (stable):", rnnlib.softmax(big))
print("log sigmoid, naive      :", naive_log_sigmoid)
print("log sigmoid, stable     :", stable_log_sigmoid)
assert np.isnan(naive_softmax).any() and np.isinf(naive_log_sigmoid).any()
assert np.all(np.isfinite(rnnlib.softmax(big))) and np.allclose(
    stable_log_sigmoid, [0, np.log(0.5), -1000]
)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The losses stay finite
#
# rnnlib computes binary cross-entropy as $\max(y, 0) - y\,y^\star + \log(1 + e^{-|y|})$ and
# cross-entropy with $\log\operatorname{softmax}$ shifted by the maximum, so even absurd logits
# give the right, finite loss and gradient.

# %% slideshow={"slide_type": "fragment"}
bce_big, dbce_big = rnnlib.sigmoid_bce(np.array([[-1000.0]]), np.array([[1.0]]))
ce_big, dce_big = rnnlib.softmax_ce(big[None, :], np.array([2]))  # the class with logit -1000
print("BCE, logit -1000, target 1:", bce_big, "  gradient:", dbce_big.ravel())
print("CE, true class at -1000   :", ce_big, "  gradient:", dce_big.ravel())
assert np.isclose(bce_big, 1000) and np.isclose(ce_big, 2000)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn 1: the softmax cross-entropy gradient
#
# Write $\partial L/\partial y_t = \operatorname{softmax}(y_t) - \operatorname{onehot}(c_t)$ for a
# whole sequence, **stably**: one of the checker's cases has logits in the thousands. The
# checker reports the first time step whose gradient is wrong.

# %% slideshow={"slide_type": "fragment"} tags=["exercise"]
def softmax_ce_grad(ys, labels):
    """dL/dy_t for L = -sum_t log softmax(y_t)[c_t].

    ys (T, O) logits, labels (T,) integer classes c_t. Returns dys (T, O).
    """
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "-"}
result = check_softmax_ce_grad(softmax_ce_grad)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def softmax_ce_grad_reference(ys, labels):
    """dL/dy_t = softmax(y_t) - onehot(c_t), row by row."""
    e = np.exp(ys - ys.max(axis=1, keepdims=True))  # shift: the largest exponent is 0
    probs = e / e.sum(axis=1, keepdims=True)  # y_hat_t
    probs[np.arange(len(labels)), labels] -= 1.0  # minus onehot(c_t)
    return probs


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Your turn 2: sigmoid output, mean squared error
#
# For one sequence with a sigmoid output and the **mean** squared error
# $L = \frac1T\sum_{t=1}^{T}\lVert \sigma(y_t) - y^\star_t\rVert^2$, derive
# $\partial L/\partial y_t$ on paper first (which factors survive? which one does the mean
# add?), then write it. The checker names the first wrong step and, if your answer is a
# known slip, which one.

# %% slideshow={"slide_type": "fragment"} tags=["exercise"]
def sigmoid_mse_grad(ys, targets):
    """dL/dy_t for L = (1/T) sum_t ||sigmoid(y_t) - target_t||^2.

    ys (T, O) logits, targets (T, O) in [0, 1]. Returns dys (T, O).
    """
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "-"}
result = check_sigmoid_mse_grad(sigmoid_mse_grad)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def sigmoid_mse_grad_reference(ys, targets):
    """dL/dy_t = (2/T) (y_hat_t - y*_t) * sigma'(y_t), with sigma'(y_t) = y_hat_t (1 - y_hat_t).

    L has T terms (y_hat_t - y*_t)^2 / T; y_t appears in term t only. Its derivative with
    respect to y_hat_t is 2 (y_hat_t - y*_t) / T, and d y_hat_t / d y_t = sigma'(y_t).
    """
    T = len(ys)
    y_hat = 1 / (1 + np.exp(-ys))  # sigma(y_t)
    return 2 / T * (y_hat - targets) * y_hat * (1 - y_hat)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# * Identity, sigmoid and softmax outputs pair with squared error, binary and multi-class cross-entropy.
# * $L = \sum_t L_t$, so $\partial L/\partial y_t = \partial L_t/\partial y_t$; many-to-one: zero for $t < T$.
# * $\partial L/\partial y_t = \hat y_t - y^\star_t$ for the $\tfrac12$-sum squared error, sigmoid + BCE and softmax + CE;
#   the mean squared error gives $\tfrac{2}{T}(\hat y_t - y^\star_t)$.
# * Sigmoid + squared error keeps $\sigma'(y_t)$: tiny gradients where the sigmoid is flat.
# * Finite differences confirm each derivation (relative error below $10^{-7}$).
# * Shift logits by their maximum and use $\log(1 + e^{-|y|})$: no overflow.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check your understanding
#
# 1. Why does the factor $\sigma'(y)$ disappear from the gradient of sigmoid + BCE?
# 2. Switching from $L^{\text{mean}}$ to $L^{\text{half}}$, how must the learning rate change to take the same steps?
# 3. With a many-to-one loss, which rows of `dys` are zero, and why?
# 4. Why is $\operatorname{softmax}(y - \max_j y_j)$ equal to $\operatorname{softmax}(y)$?
# 5. What does `np.log(sigmoid(-1000.0))` return in float64, and what should it be?
# 6. Sigmoid output, squared error, $\hat y = 0.001$, target 1: why is learning slow?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["answers"]
# **Answers.**
#
# 1. Because $\partial L/\partial \hat y = -\frac{y^\star}{\hat y} + \frac{1 - y^\star}{1 - \hat y}
#    = \frac{\hat y - y^\star}{\hat y(1 - \hat y)}$ has exactly $\sigma'(y) = \hat y(1 - \hat y)$ in its
#    denominator: the product leaves $\hat y - y^\star$.
# 2. $L^{\text{half}} = \frac{T}{2} L^{\text{mean}}$, so its gradient is $T/2$ times larger: divide
#    the learning rate by $T/2$ (multiply it by $2/T$).
# 3. Every row but the last: $y_t$ for $t < T$ does not enter $L = L_T$, so $\partial L/\partial y_t = 0$.
# 4. $e^{y_i - m}/\sum_j e^{y_j - m} = e^{-m} e^{y_i}/(e^{-m}\sum_j e^{y_j})$: the common factor
#    $e^{-m}$ cancels.
# 5. `sigmoid(-1000.0)` underflows to 0 and the log returns $-\infty$ (with a warning); the
#    true value is $\log\sigma(-1000) = -1000 - \log(1 + e^{-1000}) \approx -1000$.
# 6. Its gradient $(\hat y - 1)\,\hat y(1 - \hat y) \approx -0.001$ carries the sigmoid's slope,
#    which is nearly 0 where the sigmoid is flat; with cross-entropy it would be
#    $\hat y - 1 \approx -1$.

# %% [markdown] slideshow={"slide_type": "-"}
# [← 01 · Forward pass and unrolling](01_forward_and_unrolling.ipynb) | [Index](00_start_here.ipynb) | [03 · BPTT by hand →](03_bptt_by_hand.ipynb)
