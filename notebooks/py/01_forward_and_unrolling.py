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
# # 01 · Forward pass and unrolling
#
# **What you will learn**
#
# * the recurrence of a simple RNN and its output layer;
# * how the weights start, and why small and random;
# * the shape of every vector and matrix, for a sequence and a batch;
# * why code multiplies `h @ W_hh.T` while the mathematics writes $W_{hh} h$;
# * what *unrolling* means, and why the unrolled network shares one set of weights;
# * a many-to-one and a many-to-many network, computed step by step;
# * to write one forward step and the whole forward loop yourself.
#
# *About 50 minutes.*

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

import rnnlib
from rnnlib.checks.forward import check_forward_loop, check_step_forward
from rnnlib.params import n_parameters
from rnnlib.report import table
from rnnlib.viz import use_course_style
from rnnlib.viz.graph import draw_unrolled
from rnnlib.widgets.unroll import UnrollExplorer

use_course_style()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The recurrence
#
# At every step $t = 1, \dots, T$ the network reads one input $x_t$ and updates its
# hidden state, its memory, from the previous one:
#
# $$z_t = W_{xh} x_t + W_{hh} h_{t-1} + b_h, \qquad h_t = \tanh(z_t)$$
#
# The state before the first input is the **initial state** $h_0$ (zeros unless we say otherwise).

# %% [markdown] slideshow={"slide_type": "fragment"}
# The output layer reads the state of the same step:
#
# $$y_t = W_{hy} h_t + b_y, \qquad \hat y_t = \phi(y_t)$$
#
# $y_t$ are the **logits**; the output activation $\phi$ (identity, sigmoid or softmax,
# notebook 02) turns them into the prediction $\hat y_t$. The target at step $t$ is
# $y^\star_t$: three names for three things (the lecture, implementation and intuitive notes write $y_t$ for both
# the output and the target, [ERRATA.md, entry 8](../ERRATA.md#erratum-8)).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Indexing: $x_1 \dots x_T$, and $h_0$ is the initial state
#
# Inputs $x_1, \dots, x_T$; the initial state $h_0$ comes before any input, and $h_t$ is the
# state **after** reading $x_t$. So $T$ inputs give $T + 1$ states. (One of the source notes
# numbers from $x_0$ and calls the first computed state $h_0$:
# [ERRATA.md, entry 10](../ERRATA.md#erratum-10).)

# %% slideshow={"slide_type": "fragment"}
params = rnnlib.init_params(n_in=2, n_hidden=3, n_out=1, seed=0)  # small random weights (below)
xs = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # xs[t-1] is x_t, t = 1..3
trace = rnnlib.forward(params, xs)  # h0 = zeros
print("inputs x_1..x_T:  ", xs.shape[0])
print("states h_0..h_T:  ", trace.hs.shape[0], " (trace.hs[0] is h_0)")
assert trace.hs.shape[0] == xs.shape[0] + 1 and np.all(trace.hs[0] == 0)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Where the weights start
#
# Before training, the weights need values. The implementation notes' recipe: **small
# random** weights, **biases at zero**. Both adjectives matter.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** Suppose instead that every weight starts at the same value, $0.1$, and the
# biases at $0$. After reading a sequence, how do the $H = 3$ hidden units differ? And
# their gradients?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
# Not at all. Every unit computes the same sum of the same inputs, so all
# entries of $h_t$ are equal at every step; by the same symmetry their gradients are
# equal, so gradient descent changes them equally and they stay equal for ever: $H$
# units act as one. Random starting weights break the symmetry.

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** Let the room answer before opening the answer. The cell below
# checks both halves of the claim: the states are equal column by column, and so are the
# gradient's rows (one row per hidden unit).

# %% slideshow={"slide_type": "fragment"}
same = {name: np.full_like(value, 0.1) for name, value in params.items()}
same["b_h"][:], same["b_y"][:] = 0.0, 0.0
tr_same = rnnlib.forward(same, xs)
g_same = rnnlib.bptt(same, tr_same, np.ones((3, 1)))  # some dL/dy_t
print("h_1..h_3 (one row per step):\n", np.round(tr_same.hs[1:], 4))
print("dL/dW_xh (one row per unit):\n", np.round(g_same["W_xh"], 4))
assert np.allclose(tr_same.hs, tr_same.hs[:, :1]) and np.allclose(g_same["W_xh"], g_same["W_xh"][0])

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why small, and the four schemes
#
# $W_{hh}$ multiplies the state at **every** step, so its size decides whether the state
# grows or fades as steps go by, and large $z_t$ push $\tanh$ into its flat ends, where
# its slope is near 0 (notebook 06). `rnnlib.init_params(..., scheme=...)` offers four
# starts, all with zero biases:
#
# * `"small"` (the default): every weight drawn from $\mathcal N(0, s^2)$ with
#   $s$ = `scale` = 0.01, as in min-char-rnn. Tiny: $\tanh$ starts in its linear range;
#   the state fades within a few steps until training grows the weights.
# * `"xavier"`: each matrix drawn from $\mathcal N(0, 1/n)$, $n$ its number of columns
#   (the inputs it sums). A sum of $n$ such terms has variance about 1 for inputs of
#   variance 1: $z_t$ starts neither tiny nor saturated.
# * `"orthogonal"`: $W_{hh}$ a random matrix with $W_{hh}^\top W_{hh} = I$, so
#   $\lVert W_{hh} v\rVert = \lVert v\rVert$ for every $v$: it turns the state without
#   stretching or shrinking it. $W_{xh}, W_{hy}$ as in `"small"`.
# * `"identity"`: $W_{hh} = I$, the state copied forward (with ReLU units: Le, Jaitly &
#   Hinton's IRNN). $W_{xh}, W_{hy}$ as in `"small"`.

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** The point is not to memorise schemes but to see that the start
# decides how far information travels before any training: the table that follows
# measures it. Orthogonal and identity starts return in notebooks 06 and 09.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The four starts, measured
#
# $H = D = 50$, inputs of variance 1. For each scheme: how much $W_{hh}$ can stretch or
# shrink a vector, the spread of $z_t$'s entries, and the size $\lVert h_t\rVert$ of a state
# that starts with $\lVert h_0\rVert = 1$ and then gets no input.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** Which start keeps the state's size over 20 steps without input?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
# Only the identity with ReLU keeps it exactly ($W_{hh} = I$ copies a state with no
# negative entries, which ReLU leaves alone). With $\tanh$, which shrinks every entry a
# little at each step, orthogonal and identity keep most of it: $\lVert h_{20}\rVert$ = 0.74
# and 0.81 for this seed (the table). Small weights lose the state almost at once;
# Xavier's $W_{hh}$ stretches some directions and shrinks others.

# %% slideshow={"slide_type": "skip"}
rng = np.random.default_rng(0)
x_batch = rng.normal(size=(200, 50))  # 200 inputs of variance 1, D = 50
h_start = np.abs(rng.normal(size=50))
h_start /= np.linalg.norm(h_start)  # ||h_0|| = 1, no negative entries
silence = np.zeros((20, 50))  # T = 20 steps without input
rows = []
for scheme, act in [(s, "tanh") for s in rnnlib.SCHEMES] + [("identity", "relu")]:
    p = rnnlib.init_params(50, 50, 1, seed=1, scheme=scheme)
    stretch = np.linalg.svd(p["W_hh"], compute_uv=False)  # all values of ||W_hh v|| / ||v||
    size = np.linalg.norm(rnnlib.forward(p, silence, h0=h_start, activation=act).hs, axis=1)
    spread = (x_batch @ p["W_xh"].T).std()  # std of the entries of W_xh x_t
    rows.append(
        [f"{scheme}, {act}", f"{stretch.min():.3f}..{stretch.max():.3f}", spread, *size[[1, 5, 20]]]
    )
columns = ["scheme", "||W_hh v||/||v||", "std of W_xh x_t", "||h_1||", "||h_5||", "||h_20||"]

# %% slideshow={"slide_type": "fragment"}
print(table(rows, columns, digits=3))
after_20 = [row[-1] for row in rows]  # small, xavier, orthogonal, identity (tanh, ReLU)
assert np.isclose(rows[1][2], 1.0, atol=0.05) and rows[0][3] < 0.1  # Xavier: std 1; small: fades
assert after_20[0] < after_20[1] < after_20[2] < after_20[3] < after_20[4]

# %% slideshow={"slide_type": "skip"}
# the numbers the answer quotes, and what the default scheme is
assert np.isclose(after_20[4], 1.0)  # identity with ReLU keeps the state exactly
assert (round(after_20[2], 2), round(after_20[3], 2)) == (0.74, 0.81)  # orthogonal, identity tanh
small = rnnlib.init_params(50, 50, 1, seed=1)  # the default: scheme "small", scale 0.01
assert all(
    np.array_equal(small[k], rnnlib.init_params(50, 50, 1, seed=1, scheme="small", scale=0.01)[k])
    for k in small
)

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** The middle column is the Xavier argument in numbers: 50 terms of
# variance $\frac{1}{50}$ each add up to variance 1. The identity row with ReLU keeps
# $\lVert h_t\rVert = 1$ exactly because the state has no negative entries.

# %% [markdown] slideshow={"slide_type": "fragment"}
# The rest of this notebook uses `"xavier"`, so that the states are neither tiny nor
# saturated and the printed numbers are easy to read.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Shapes of every tensor
#
# Sizes: $D$ inputs, $H$ hidden units, $O$ outputs, $T$ steps, $B$ sequences in a batch.
# In the mathematics every vector is a column; in code a batch stacks one sequence per
# **row**, and arrays are *time-major* (time first): `xs` is $T \times B \times D$.
# Weights have neither a time nor a batch axis.

# %% slideshow={"slide_type": "fragment"}
D, H, O, T, B = 3, 4, 2, 5, 8
params = rnnlib.init_params(D, H, O, seed=1, scheme="xavier")
xs = np.random.default_rng(1).normal(size=(T, B, D))
trace = rnnlib.forward(params, xs)
math = {"x_t": "D", "h_t": "H", "y_t": "O"}  # size in the mathematics
math |= {"W_xh": "H x D", "W_hh": "H x H", "W_hy": "O x H", "b_h": "H", "b_y": "O"}
arrays = {"x_t": xs, "h_t": trace.hs, "y_t": trace.ys} | params
print(
    table(
        [[k, size, str(arrays[k].shape)] for k, size in math.items()],
        ["tensor", "math", "numpy shape"],
    )
)
assert trace.hs.shape == (T + 1, B, H) and trace.ys.shape == (T, B, O)

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** Point at the `trace.hs` row: $T + 1$ states because $h_0$ is stored
# too. The weights have no time axis and no batch axis: one copy serves every step and
# every sequence. Matrices are (rows, columns) = (to, from): $W_{xh}$ maps $D$ numbers to
# $H$ numbers, so it is $H \times D$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Rows in code, columns in the mathematics
#
# With $B$ sequences as the rows of $X_t$ ($B\times D$) and $H_{t-1}$ ($B\times H$), the
# code computes $Z_t = X_t W_{xh}^\top + H_{t-1} W_{hh}^\top + b_h^\top$. Transposing gives
# $Z_t^\top = W_{xh} X_t^\top + W_{hh} H_{t-1}^\top + b_h$: the column formula, for all
# sequences at once.

# %% slideshow={"slide_type": "fragment"}
X1, H0 = xs[0], np.random.default_rng(2).normal(size=(B, H))  # x_1 and some h_0, B rows
Z_rows = X1 @ params["W_xh"].T + H0 @ params["W_hh"].T + params["b_h"]  # code: (B, H)
Z_cols = params["W_xh"] @ X1.T + params["W_hh"] @ H0.T + params["b_h"][:, None]  # math: (H, B)
h_b3, _ = rnnlib.step_forward(X1[3], H0[3], params)  # one sequence, a single step
print("row form", Z_rows.shape, " column form", Z_cols.shape)
print("row form = (column form) transposed:", np.allclose(Z_rows, Z_cols.T))
assert np.allclose(Z_rows, Z_cols.T) and np.allclose(np.tanh(Z_rows[3]), h_b3)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Unrolling through time
#
# Running the loop for $T$ steps is the same as evaluating a feedforward network with $T$
# layers, drawn below: one column per step. Every arrow is labelled with the matrix it
# multiplies by. **The labels repeat**: all steps use the same three matrices.

# %% slideshow={"slide_type": "fragment"}
draw_unrolled(4)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Explore: the sequence length $T$
#
# Move **T**: the graph grows by one column per step, the parameter count in the title does
# not. Switch **outputs** to "last step only" for a network that answers once, at the end.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
explorer = UnrollExplorer(T=3, T_max=10, D=D, H=H, O=O)
explorer

# %% slideshow={"slide_type": "skip"}
explorer.set(T=7)  # the slider moved to T = 7
print("explorer shows T =", explorer.graph.T, "| h_7 drawn:", explorer.graph.visible("h_7"))
assert explorer.graph.visible("h_7") and not explorer.graph.visible("h_8")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Weight sharing: count the parameters
#
# An RNN has $HD + HH + H + OH + O$ parameters, whatever $T$ is. A feedforward net with
# the unrolled graph's shape but **its own weights at every layer** would need $T$ times as
# many. Sharing is what lets one RNN read sequences of any length.

# %% slideshow={"slide_type": "fragment"}
n_rnn = sum(p.size for p in params.values())  # count the arrays themselves
assert n_rnn == n_parameters(D, H, O)
assert n_parameters(10, 20, 5) == 20 * 10 + 20 * 20 + 20 + 5 * 20 + 5 == 725  # question 1 below
rows = [[T_, n_rnn, T_ * n_rnn] for T_ in (1, 5, 10, 100)]
print(f"D = {D}, H = {H}, O = {O}")
print(table(rows, ["T", "RNN (shared)", "unrolled, unshared"]))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Sharing is also why training must **add up** a weight's gradient over all the steps
# that used it (notebooks 03 and 04).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Many-to-one: three words, one answer
#
# A toy sentiment model reads three words, each a one-hot vector over a 4-word vocabulary,
# and answers once, after the last word:
#
# $$\hat y = \operatorname{sigmoid}(W_{hy} h_3 + b_y)$$

# %% slideshow={"slide_type": "fragment"}
vocab = ["the", "movie", "was", "great"]
words = ["movie", "was", "great"]
xs_words = np.eye(len(vocab))[[vocab.index(w) for w in words]]  # (T=3, D=4) one-hot rows
p_words = rnnlib.init_params(n_in=4, n_hidden=3, n_out=1, seed=3, scheme="xavier")
tr = rnnlib.forward(p_words, xs_words)
y_hat = rnnlib.sigmoid(tr.ys[-1])  # only the last step's output is used
rows = [[f"t = {t}", words[t - 1], tr.xs[t - 1], tr.hs[t]] for t in (1, 2, 3)]
print(table(rows, ["step", "word", "x_t", "h_t"], digits=3))
print("y_hat = sigmoid(W_hy h_3 + b_y) =", np.round(y_hat, 4))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The same answer, written out
#
# A one-hot $x_t$ just **selects a column** of $W_{xh}$. Recomputing $\hat y$ with the
# formulas of the recurrence gives the same number as `rnnlib.forward`.

# %% slideshow={"slide_type": "fragment"}
W_xh, W_hh, b_h = p_words["W_xh"], p_words["W_hh"], p_words["b_h"]
h = np.zeros(3)  # h_0
for w in words:
    column = W_xh[:, vocab.index(w)]  # W_xh x_t for a one-hot x_t
    h = np.tanh(column + W_hh @ h + b_h)  # h_t
y_hat_manual = 1 / (1 + np.exp(-(p_words["W_hy"] @ h + p_words["b_y"])))
print("by hand:", np.round(y_hat_manual, 4), " rnnlib:", np.round(y_hat, 4))
assert np.allclose(y_hat_manual, y_hat) and 0 < y_hat[0] < 1

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The many-to-one graph
#
# Only the last step has an output node; the earlier states still matter, through $W_{hh}$.

# %% slideshow={"slide_type": "fragment"}
draw_unrolled(3, outputs="last", title="Many-to-one: one output, after the last input")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Many-to-many: an output at every step
#
# The same network can answer after **every** word, e.g. to guess the next word: $O = 4$
# logits per step and a softmax $\hat y_t = \operatorname{softmax}(y_t)$ over the vocabulary.
# Nothing in the recurrence changes; only the output layer is used $T$ times.

# %% slideshow={"slide_type": "fragment"}
p_next = rnnlib.init_params(n_in=4, n_hidden=3, n_out=4, seed=4, scheme="xavier")
tr_next = rnnlib.forward(p_next, xs_words)
probs = rnnlib.softmax(tr_next.ys)  # (T, O): one distribution per step
rows = [[f"t = {t}", words[t - 1], *probs[t - 1]] for t in (1, 2, 3)]
print(table(rows, ["step", "read", *[f"p({v})" for v in vocab]], digits=3))
assert tr_next.ys.shape == (3, 4) and np.allclose(probs.sum(axis=1), 1)

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** The weights are random, so these guesses mean nothing yet: the
# network has not been trained. The point is the shapes: one output vector per
# step, $T \times O$ numbers in total. Notebook 02 attaches a loss to each of them.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn 1: one forward step
#
# Write $h_t = \tanh(W_{xh} x_t + W_{hh} h_{t-1} + b_h)$ for **one** sequence (column
# vectors as 1-D arrays). The checker compares with `rnnlib.step_forward` and tells you
# which entry of $h_t$ is wrong.

# %% slideshow={"slide_type": "fragment"} tags=["exercise"]
def rnn_step(x, h_prev, params):
    """h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h).

    x (D,), h_prev (H,), params: dict with W_xh (H, D), W_hh (H, H), b_h (H,).
    Returns h (H,).
    """
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "-"}
result = check_step_forward(rnn_step)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def rnn_step_reference(x, h_prev, params):
    """h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)."""
    z = params["W_xh"] @ x + params["W_hh"] @ h_prev + params["b_h"]  # z_t
    return np.tanh(z)  # h_t

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Your turn 2: the forward loop
#
# Use your step to run a whole sequence. Return `hs` with $T + 1$ rows ($h_0$ first) and the
# logits `ys` ($T$ rows). The checker names the **first** time step whose $h_t$ is wrong:
# every later state inherits the error, so that step is where to look.

# %% slideshow={"slide_type": "fragment"} tags=["exercise"]
def rnn_forward(xs, h0, params):
    """Run the RNN over one sequence.

    xs (T, D) with xs[t-1] = x_t; h0 (H,). Returns (hs, ys):
    hs (T+1, H) with hs[t] = h_t (hs[0] = h0), ys (T, O) with ys[t-1] = W_hy h_t + b_y.
    """
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "-"}
result = check_forward_loop(rnn_forward)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def rnn_forward_reference(xs, h0, params):
    """hs (T+1, H) and logits ys (T, O) for one sequence."""
    hs = [h0]
    for x in xs:  # t = 1..T
        hs.append(rnn_step_reference(x, hs[-1], params))  # h_t from x_t and h_{t-1}
    hs = np.array(hs)
    ys = hs[1:] @ params["W_hy"].T + params["b_y"]  # row t-1: W_hy h_t + b_y
    return hs, ys

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# * $z_t = W_{xh} x_t + W_{hh} h_{t-1} + b_h$, $h_t = \tanh(z_t)$, $y_t = W_{hy} h_t + b_y$, $\hat y_t = \phi(y_t)$.
# * Inputs $x_1..x_T$, states $h_0..h_T$: $h_0$ is the initial state, $h_t$ the state after $x_t$.
# * Weights start small and random (equal weights would keep all units equal), biases at zero;
#   the scheme decides how fast an unfed state fades.
# * Code stacks sequences as rows (`h @ W_hh.T`); it is the column formula transposed.
# * Unrolled, an RNN is a $T$-layer network whose layers all share $W_{xh}, W_{hh}, W_{hy}$:
#   the parameter count does not depend on $T$.
# * Many-to-one uses only $y_T$; many-to-many uses every $y_t$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check your understanding
#
# 1. With $D = 10$, $H = 20$, $O = 5$, how many parameters does the RNN have for $T = 50$?
# 2. Why does `trace.hs` have one more row than `xs`?
# 3. Which column of $W_{xh}$ does a one-hot $x_t$ with a 1 in position 2 select?
# 4. In a batch, why is it `H @ W_hh.T` and not `H @ W_hh`?
# 5. In the many-to-one example, which weights influence $\hat y$ only through $h_3$?
# 6. Why would a network whose weights all start at 0.1 never use more than one hidden unit?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["answers"]
# **Answers.**
#
# 1. $HD + HH + H + OH + O = 200 + 400 + 20 + 100 + 5 = 725$, for $T = 50$ as for any $T$:
#    the weights are shared by all steps.
# 2. It also stores the initial state $h_0$: $T$ inputs give $T + 1$ states $h_0, \dots, h_T$.
# 3. Column 2 (counting from 0): $W_{xh} x_t = \sum_j (W_{xh})_{:,j}\, x_{t,j}$ keeps only
#    the column where $x_t$ has its 1.
# 4. Each row of `H` is one sequence's $h^\top$, and $(W_{hh} h)^\top = h^\top W_{hh}^\top$:
#    the row form needs the transpose.
# 5. $W_{xh}$, $W_{hh}$ and $b_h$: they act at every step, but the output reads only $h_3$,
#    so all their effects reach $\hat y$ through it. $W_{hy}$ and $b_y$ act on $\hat y$ directly.
# 6. All units compute the same sum of the same inputs, so they are equal at every step, and
#    their gradients are equal too: every update keeps them equal.

# %% [markdown] slideshow={"slide_type": "-"}
# [← 00 · Start here](00_start_here.ipynb) | [Index](00_start_here.ipynb) | [02 · Outputs and losses →](02_outputs_and_losses.ipynb)
