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
# # 10 · A character-level language model
#
# **What you will learn**
#
# * how a long text becomes batches: $B$ streams, chunks of $k_1$ steps, the state carried;
# * bits per character, the unigram baseline, and perplexity;
# * how to assemble a language model from the pieces of notebooks 01–08, train it on real
#   English in under a minute, and let it write;
# * teacher forcing against free running, and why a sampler's errors compound;
# * what the trained network does with its gradients: Jacobian norms, singular values,
#   how far back each prediction looks, and what truncation costs.
#
# *About 60 minutes.*

# %% slideshow={"slide_type": "skip"}
import textwrap
import time

import matplotlib.pyplot as plt
import numpy as np

import rnnlib
from rnnlib import charlm
from rnnlib.checks.charlm import check_train_step, check_unigram_entropy
from rnnlib.report import table
from rnnlib.text import (
    RARE,
    Vocabulary,
    batch_positions,
    batches,
    generate,
    next_char_probabilities,
    one_hot,
    python_docs,
    sample,
    split,
    unigram_entropy,
)
from rnnlib.viz import charlm as vc
from rnnlib.viz import use_course_style
from rnnlib.widgets.charlm import SamplingExplorer

use_course_style()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The text
#
# Real English that is on every machine with Python: the help texts of the language
# reference (`pydoc_data.topics`, what `help("if")` prints). Each character gets an integer
# id; the few characters that occur fewer than 10 times share one id, the rare symbol.

# %% slideshow={"slide_type": "fragment"}
corpus = python_docs()
vocab = Vocabulary.from_text(corpus, min_count=10)
V = vocab.V
ids = vocab.encode(corpus)
train_ids, val_ids = split(ids, validation=0.1)  # the last 10 % is never trained on
print(f"{len(corpus):,} characters, V = {V} ids; rare, mapped to {RARE}: {sorted(vocab.rare)}")
print(f"training text {len(train_ids):,} characters, validation text {len(val_ids):,}")
start = corpus.index("Function call semantics")
print(corpus[start : start + 250])

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** The text changes slightly between Python versions, so the numbers
# below can differ a little on another Python. Ids are sorted by code point, with the rare
# symbol first.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Bits per character
#
# After reading $\chi_1, \dots, \chi_t$ a language model gives a probability
# $\hat y_t[i]$ to every character id $i$ as the next one. Its score on a text of $N$
# characters is the cross-entropy in bits:
#
# $$\text{bits per character} = -\frac{1}{N}\sum_{t} \log_2 \hat y_t[\chi_{t+1}]
# = \frac{\text{cross-entropy in nats}}{\ln 2}.$$
#
# It is the length of the code an ideal compressor built on the model would need per
# character: 8 bits is ASCII, 0 is a model that is always sure and right.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** An untrained network with small random weights gives nearly equal logits
# to all $V$ characters. How many bits per character?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
# Equal logits give $\hat y_t[i] = 1/V$ for every $i$, so every character
# costs $-\log_2(1/V) = \log_2 V$ bits (printed below).

# %% slideshow={"slide_type": "fragment"}
H_size = 128
params0 = rnnlib.init_params(V, H_size, V, seed=0, scheme="xavier", dtype=np.float32)
bpc0 = charlm.bits_per_character(params0, val_ids)
print(f"untrained: {bpc0:.3f} bits per character; log2 V = {np.log2(V):.3f}")
assert abs(bpc0 - np.log2(V)) < 0.1

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The baseline: the unigram entropy
#
# A model that ignores the context predicts the same distribution $q$ at every step.
# Grouping the $N$ terms of the sum by character, with $p_i$ the frequency of character $i$ in the
# text, its score is
#
# $$-\sum_i p_i\,\log_2 q_i \;\ge\; -\sum_i p_i\,\log_2 p_i = H(p),$$
#
# with equality only for $q = p$ (Gibbs' inequality: the difference is the
# Kullback–Leibler divergence of $p$ and $q$, never negative). So $H(p)$, the **unigram
# entropy**, is the best any context-free model can do: every bit below it comes from
# reading the context, which is the recurrent network's job.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn 1: the unigram entropy
#
# Write `unigram_entropy_student(ids, V)`: $H = -\sum_i p_i\log_2 p_i$ in bits, where $p_i$ is
# the frequency of id $i$ in `ids`. Ids that never occur contribute nothing
# ($p\log p \to 0$ as $p \to 0$). `np.bincount(ids, minlength=V)` counts.

# %% slideshow={"slide_type": "fragment"} tags=["exercise"]
def unigram_entropy_student(ids, V):
    """H = -sum_i p_i log2 p_i for the ids (N,) of a text with V possible ids."""
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "-"}
result = check_unigram_entropy(unigram_entropy_student)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def unigram_entropy_student_reference(ids, V):
    """H = -sum_i p_i log2 p_i, over the ids that occur."""
    p = np.bincount(ids, minlength=V) / len(ids)  # frequencies p_i
    p = p[p > 0]  # 0 log 0 = 0: leave them out
    return float(-(p * np.log2(p)).sum())


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The baseline of this text
#
# `rnnlib.text.unigram_entropy` on the training text: the number the trained network
# must beat, next to $\log_2 V$, the score of a uniform guess.

# %% slideshow={"slide_type": "fragment"}
H_unigram = unigram_entropy(train_ids, V)
print(f"unigram entropy: {H_unigram:.2f} bits per character")
print(f"uniform guess:   {np.log2(V):.2f} bits per character")
assert H_unigram < np.log2(V)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Batching a long text
#
# The training text is far too long for one backward pass (notebook 08: memory grows
# with $T$). We cut the text into $B$ **streams** read in parallel, $k_1$ steps at a time:
# each **chunk** is an array of shape $(k_1, B)$, time down, streams across. Two ways to cut:
#
# * **sequential**: stream $b$ is the $b$-th of $B$ equal parts of the text, and chunk
#   $j+1$ continues every stream exactly where chunk $j$ stopped;
# * **random**: the text is cut into pieces of $k_1$ characters, shuffled, $B$ per chunk.

# %% slideshow={"slide_type": "fragment"}
sentence = "The network reads one character at a time and guesses the next one."
layouts = {
    "sequential: chunk j + 1 continues every stream of chunk j": batch_positions(
        len(sentence), 3, 5
    ),
    "random: pieces from anywhere, in random order": batch_positions(
        len(sentence), 3, 5, partition="random", seed=1
    ),
}
fig = vc.plot_partitions(sentence, layouts, n_show=4)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Which partition may carry the state?

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** At the end of a chunk, $h_{k_1}$ summarises the characters the network has read
# in that stream. Under which partition is it the right $h_0$ for the next chunk?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
# Only under the sequential one: there, the next chunk's first character
# directly follows the last one read, so $h_{k_1}$ is exactly the context it needs. Under the
# random partition the next piece comes from elsewhere in the text; the carried state would
# describe the wrong context, so each chunk starts from $h_0 = 0$ and its first characters
# are predicted with no context at all.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Carrying the state is truncated BPTT
#
# The state is carried as a **value**; the gradient stops at the chunk boundary. That is
# exactly notebook 08's BPTT($k_2$; $k_1$) with $k_2 = k_1$ (detach every $k_1$ steps), with
# one update per chunk. The real batches: $B = 32$ streams, chunks of $k_1 = 32$ steps.

# %% slideshow={"slide_type": "fragment"}
B, k1 = 32, 32
inputs, targets = batches(train_ids, B, k1)  # (n_chunks, k1, B) each
P = batch_positions(len(train_ids), B, k1)
print(f"inputs {inputs.shape}, targets {targets.shape}: {inputs.shape[0]} chunks per pass")
assert np.array_equal(inputs, train_ids[P]) and np.array_equal(targets, train_ids[P + 1])
assert np.array_equal(P[1:, 0], P[:-1, -1] + 1)  # chunk j + 1 continues every stream
print("stream 0, chunk 1:", repr(vocab.decode(inputs[0, :, 0])))
print("stream 0, chunk 2:", repr(vocab.decode(inputs[1, :, 0])))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The model, from your pieces
#
# $$x_t = \operatorname{onehot}(\chi_t), \quad z_t = W_{xh} x_t + W_{hh} h_{t-1} + b_h, \quad
# h_t = \tanh(z_t), \quad y_t = W_{hy} h_t + b_y, \quad \hat y_t = \operatorname{softmax}(y_t)$$
#
# with $D = O = V$ and the target $y^\star_t = \chi_{t+1}$, the next character. The loss of a
# chunk, per character, and its gradient (notebook 02: softmax with cross-entropy gives
# prediction minus target; here each term carries the factor $\frac{1}{k_1 B}$):
#
# $$L = -\frac{1}{k_1 B}\sum_{t=1}^{k_1}\sum_{b=1}^{B}\log \hat y_t[y^\star_t], \qquad
# \frac{\partial L}{\partial y_t} = \frac{\hat y_t - \operatorname{onehot}(y^\star_t)}{k_1 B}.$$

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A one-hot input selects a column
#
# $W_{xh}\,\operatorname{onehot}(i)$ is column $i$ of $W_{xh}$: the input layer is a table
# with one learned vector per character. So the one-hot vectors, all zeros but one entry,
# need not be built: `rnnlib.forward(params, ids, one_hot=True)` takes the ids of a chunk
# and looks the columns up. `rnnlib.softmax_ce` averages over the $B$ streams and sums
# over the $k_1$ steps; dividing by $k_1$ gives the loss per character.

# %% slideshow={"slide_type": "fragment"}
i = int(train_ids[0])
assert np.array_equal(params0["W_xh"] @ one_hot(i, V), params0["W_xh"][:, i])
xs0 = one_hot(inputs[0], V)  # (k1, B, V): the one-hot vectors
trace0 = rnnlib.forward(params0, xs0)
assert np.allclose(rnnlib.forward(params0, inputs[0], one_hot=True).ys, trace0.ys, atol=1e-6)
print(f"one chunk: {xs0.size:,} numbers as one-hot vectors, {inputs[0].size:,} as ids")
loss0, dys0 = rnnlib.softmax_ce(trace0.ys, targets[0])
expected = (rnnlib.softmax(trace0.ys) - one_hot(targets[0], V)) / B  # (y_hat - onehot) / B
assert np.allclose(dys0, expected, atol=1e-6)
n_params = sum(params0[n].size for n in rnnlib.PARAM_NAMES)
print(f"{n_params:,} parameters; first chunk: {loss0 / k1:.3f} nats per character")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One update
#
# Forward from the carried state, the loss per character, BPTT inside the chunk (notebook
# 03), clipping by **one global norm** with threshold $\tau$ (notebook 07), and an Adam step
# (notebook 05). The state $h_{k_1}$ returned goes into the next chunk.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn 2: the training step
#
# Write `train_step(params, optimizer, xs, targets, h0, tau)` with `rnnlib.forward`,
# `rnnlib.softmax_ce`, `rnnlib.bptt`, `rnnlib.clip_by_norm` and `optimizer.step`. Return
# the loss per character, $h_{k_1}$ and the clipped gradients. The checker hands you an
# optimizer that records what it receives, so it can tell which part is wrong.

# %% slideshow={"slide_type": "fragment"} tags=["exercise"]
def train_step(params, optimizer, xs, targets, h0, tau):
    """One update on one chunk.

    xs (k1, B, V) one-hot inputs; targets (k1, B) next-character ids; h0 (B, H) the carried
    state; tau the clipping threshold. Updates params in place (optimizer.step) and
    returns (loss per character in nats, h_k1 (B, H), the clipped gradients).
    """
    raise NotImplementedError  # your code here


# %% slideshow={"slide_type": "-"}
result = check_train_step(train_step)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def train_step_reference(params, optimizer, xs, targets, h0, tau):
    """One update on one chunk (forward, loss, BPTT, clip, step)."""
    trace = rnnlib.forward(params, xs, h0=h0)  # from the carried state
    loss, dys = rnnlib.softmax_ce(trace.ys, targets)  # summed over k1 steps, mean over B
    k1 = xs.shape[0]
    grads = rnnlib.bptt(params, trace, dys / k1)  # per character; h0 is a constant
    clipped, _ = rnnlib.clip_by_norm(grads, tau)  # one global norm
    optimizer.step(params, clipped)  # in place
    return loss / k1, trace.hs[-1], clipped


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Training
#
# `rnnlib.charlm.train` runs `rnnlib.charlm.train_step` (the same five lines as your
# step, given the chunk's ids with `one_hot=True`) over the chunks in order, carrying $h$
# from chunk to chunk and starting every stream again from $h_0 = 0$ at the start of each
# pass. $H = 128$, Adam with $\eta = 0.01$,
# $\tau = 1$, float32, 800 updates. Every 100 updates we score a sample of the validation
# text: the first 400 characters of each of 32 streams spread over it.

# %% slideshow={"slide_type": "fragment"}
STEPS, TAU, ETA = 800, 1.0, 0.01
SNAPSHOTS = (25, 100, 300, STEPS)
params = rnnlib.copy_params(params0)


def monitor(p):
    """Bits per character on 32 x 400 characters spread over the validation text."""
    return charlm.bits_per_character(p, val_ids, max_steps=400)


snapshots, curve = {0: rnnlib.copy_params(params)}, {0: monitor(params)}


def record(step, p):
    if step in SNAPSHOTS:
        snapshots[step] = rnnlib.copy_params(p)
    if step % 100 == 0 or step in SNAPSHOTS:
        curve[step] = monitor(p)


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 800 updates
#
# The run, with the validation sample every 100 updates.

# %% slideshow={"slide_type": "fragment"}
history = charlm.train(
    params, inputs, targets, rnnlib.Adam(ETA), STEPS, clip_norm=TAU, callback=record
)
print(table([[s, s * k1 * B, b] for s, b in curve.items()], ["update", "characters", "bpc"]))
print(f"{STEPS * k1 * B:,} characters: {STEPS / inputs.shape[0]:.2f} passes over the text")

# %% slideshow={"slide_type": "skip"} tags=["nbval-ignore-output"]
print(f"{STEPS} updates in {history['seconds']:.1f} s on this machine")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The training curve
#
# Thin: the loss of each training chunk in bits; dots: the sample of the validation text.

# %% slideshow={"slide_type": "fragment"}
train_bpc = np.array(history["loss"]) / np.log(2)
fig = vc.plot_bpc_curve(
    np.arange(1, STEPS + 1) * k1 * B,
    train_bpc,
    np.array(list(curve)) * k1 * B,
    np.array(list(curve.values())),
    H_unigram,
)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### On the whole validation text

# %% slideshow={"slide_type": "fragment"}
bpc = charlm.bits_per_character(params, val_ids)
print(f"unigram entropy: {H_unigram:.2f} bits per character")
print(f"validation bits per character: {bpc:.2f}")
assert bpc <= H_unigram - 2.0  # more than 2 bits per character from reading the context
clipped = np.array(history["clipped"])
print(
    f"clipping was active in {clipped[:100].mean():.0%} of the first 100 updates "
    f"and {clipped[100:].mean():.0%} of the others"
)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The network uses the context for more than two bits per character, on text it has never
# trained on, after less than a minute of training.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Train longer (optional)
#
# Set `TRAIN_LONGER = True` and run this cell for about five more minutes of training:
# the samples and the temperature explorer below then use the longer-trained network
# (everything else keeps the 800-update network the text describes).

# %% slideshow={"slide_type": "fragment"}
TRAIN_LONGER = False  # the switch: True = about 5 minutes more training, better samples
sampler = params
if TRAIN_LONGER:
    sampler = rnnlib.copy_params(params)
    more = charlm.train(sampler, inputs, targets, rnnlib.Adam(ETA / 3), seconds=300, clip_norm=TAU)
    print(f"{more['steps']} more updates: {charlm.bits_per_character(sampler, val_ids):.2f} bpc")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The network writes
#
# `rnnlib.text.sample` reads a prefix, then draws each next character from $\hat y_t$ and
# feeds it back as the next input. The same seed and prefix at four points of training
# (temperature 0.7, explained next):

# %% slideshow={"slide_type": "fragment"}
samples = []
for step in SNAPSHOTS:
    model = sampler if step == STEPS else snapshots[step]
    text = sample(model, vocab, "The ", 120, temperature=0.7, seed=1)
    samples.append(f"after {step} updates:\n" + textwrap.indent("The " + text, "    "))
print("\n".join(samples))

# %% [markdown] slideshow={"slide_type": "fragment"}
# First letters in plausible proportions and spaces, then words and common endings, then
# the text's own layout: quotes around names, punctuation, line breaks and indentation.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Temperature
#
# Sampling divides the logits by a **temperature** before the softmax:
# $\hat y_t[i] \propto \exp(y_t[i]/\text{temperature})$. At 1 it is the model's own
# distribution; below 1 the largest logits win more often (the limit 0 always takes the
# most likely character); above 1 the distribution flattens towards uniform.

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** What will a sample at temperature 0.2 look like, and one at 1.5?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
# At 0.2 the sampler almost always takes the most likely character: safe,
# common words that soon repeat in loops. At 1.5 unlikely characters get real weight:
# invented words and stray symbols. In between lies the most readable text.

# %% slideshow={"slide_type": "fragment"}
prefix = "The "
y_prefix = rnnlib.forward(sampler, vocab.encode(prefix), one_hot=True).ys[-1]
rows = [
    (temp, next_char_probabilities(y_prefix, temp), sample(sampler, vocab, prefix, 200, temp))
    for temp in (0.2, 0.7, 1.5)
]
fig, _ = vc.plot_temperature_rows(rows, vocab.chars, prefix)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Explore the temperature
#
# The slider goes from 0.2 to 1.5; the seed stays the same, so only the temperature changes.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
explorer = SamplingExplorer(sampler, vocab, prefix="The ", n=200, temperature=0.7)
explorer

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** Drag to 0.2: the text collapses into a few frequent words repeated.
# Drag to 1.5: letters and symbols in the wrong places. Ask which temperature a
# compressor would use (1: the model's own probabilities), and which a writer would.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Teacher forcing and free running
#
# In training every input is the **true** character (teacher forcing). A sampler feeds
# back its **own** output (free running). Take the most likely character at each step
# (greedy) after a prefix of real text: as long as its output agrees with the text, its
# inputs are the true characters, so it is still being teacher-forced. Hence, for every
# stream, "still on the text after $n$ characters" is exactly the product of the first $n$
# teacher-forced hits; if every step were right with probability $a$, independently, that
# would be $a^n$.

# %% slideshow={"slide_type": "fragment"}
P_len, n_gen, S = 20, 30, 64
starts = np.linspace(0, len(val_ids) - P_len - n_gen - 1, S).astype(int)
windows = val_ids[starts[None, :] + np.arange(P_len + n_gen + 1)[:, None]]  # (P+n+1, S)
ys = rnnlib.forward(params, windows[:-1], one_hot=True).ys
hits = ys.argmax(axis=-1) == windows[1:]  # teacher forcing: right at each step
tf_hits = hits[P_len - 1 : P_len - 1 + n_gen]  # the n characters after the prefix
free = generate(params, windows[:P_len], n_gen, temperature=None)  # greedy, free running
on_text = np.cumprod(free == windows[P_len:-1], axis=0).astype(bool)
assert np.array_equal(on_text, np.cumprod(tf_hits, axis=0).astype(bool))  # the identity
a = tf_hits.mean()
print(f"teacher forcing: {a:.0%} of next characters right")
print(f"free running: {on_text[4].mean():.0%} of streams still on the text after 5 characters,")
print(f"{on_text[-1].mean():.0%} after {n_gen}; a^5 = {a**5:.0%} if the hits were independent")
after_hit = (tf_hits[1:] & tf_hits[:-1]).sum() / tf_hits[:-1].sum()  # P(hit | hit before)
print(f"after a hit, the next character is right {after_hit:.0%} of the time")
assert on_text[4].mean() > a**5 and after_hit > a  # hits are positively correlated

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Errors compound

# %% slideshow={"slide_type": "fragment"}
fig = vc.plot_survival(tf_hits.mean(axis=1), on_text.mean(axis=1), a ** np.arange(1, n_gen + 1))
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The streams stay on the text longer than $a^n$ predicts: the hits are positively
# correlated, not independent (after a hit, the next one is more likely than $a$: printed).
# After its first miss the free-running network reads its own characters: inputs that
# training never showed it, since every training input was the true text. Teacher forcing
# never shows the model its own mistakes; that mismatch is called **exposure bias**.

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** Not every departure from the text is a bad sentence: the sampler may
# write something else that is fine. The point is that the model is evaluated on inputs of
# a kind it was never trained on. Scheduled sampling and other remedies are beyond the course.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Perplexity
#
# A model that needs $b$ bits per character is, on average, as uncertain as a uniform
# choice among $2^b$ characters (a uniform choice among $m$ costs $\log_2 m$ bits). That
# number, $2^{\text{bits per character}}$, is the **perplexity**.

# %% slideshow={"slide_type": "fragment"}
rows = [
    ["uniform guess", np.log2(V), V],
    ["unigram frequencies", H_unigram, 2**H_unigram],
    ["trained network", bpc, 2**bpc],
]
print(table(rows, ["model", "bits per character", "perplexity"], digits=3))
assert 2**bpc < 2**H_unigram < V  # each model less perplexed than the one above it

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Dissection 1: how fast does the trained network forget?
#
# Notebook 06's instrument: $\|\partial h_T/\partial h_k\|_2$ against the distance $T - k$
# on a stretch of validation text, for the network at initialisation and after training,
# each with its bound $(\gamma\,\sigma_{max})^{T-k}$ ($\gamma = 1$ for tanh).

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** Training makes $W_{hh}$ much larger. Will the trained network's Jacobian
# norms decay more slowly than at initialisation (longer memory), or faster?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
# Faster, for this seed and 800 updates: $\sigma_{max}(W_{hh})$ grew several
# times, yet the norms at distance 50 are orders of magnitude smaller. The units saturate
# (the mean slope $f'(z) = 1 - h^2$ fell), and the diagonal factors $\operatorname{diag}(f')$
# shrink the product much more than the larger $W_{hh}$ stretches it.

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** Ask the class to predict before revealing: most expect a larger
# $W_{hh}$ to mean longer memory.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Norms, largest singular value and mean slope
#
# One stretch of $T = 100$ characters; the Jacobian norms at distances 10 and 50.

# %% slideshow={"slide_type": "fragment"}
stretch = val_ids[2000:2100]  # T = 100 steps, one sequence
distances = np.arange(100 + 1)
decay, rows = {}, []
for name, p in [("initialisation", params0), (f"after {STEPS} updates", params)]:
    tr = rnnlib.forward(p, stretch, one_hot=True)
    norms = rnnlib.jacobian_norms(p, tr)[::-1]  # index: distance T - k
    decay[name] = (norms, rnnlib.gradient_bound(p, "tanh", distances))
    mean_slope = float(tr.dfs().mean())  # mean f'(z_t) = 1 - h_t^2
    rows.append([name, rnnlib.sigma_max(p["W_hh"]), mean_slope, norms[10], norms[50]])
print(table(rows, ["network", "sigma_max", "mean f'", "distance 10", "distance 50"], digits=3))
assert rows[1][1] > 2 * rows[0][1] and rows[1][4] < rows[0][4] / 100
assert rows[1][2] < rows[0][2] / 2  # the mean slope f' fell: saturated units
assert decay["initialisation"][0][-1] > 0.1  # at initialisation: order one after 100 steps
norms, bound = decay[f"after {STEPS} updates"]
assert np.all(norms <= bound * (1 + 1e-6)) and bound[-1] > 1e10  # far below a growing bound

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The norms against their bounds

# %% slideshow={"slide_type": "fragment"}
fig = vc.plot_decay_comparison(distances, decay)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The initialisation sits near the edge of chaos (norms of order one over 100 steps);
# training moved the network away from it, into fast forgetting, and far below its bound,
# which grows: $\gamma\,\sigma_{max} > 1$ allows explosion but does not cause it.

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** The previous slide's table has the mechanism: the mean slope $f'$
# falls because trained units sit in tanh's flat tails. Point at the dashed bounds: they
# climb while the measured norms fall, the clearest picture of how loose the bound can be.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The singular values of $W_{hh}$ during training
#
# All 128 singular values, largest first, at the snapshots.

# %% slideshow={"slide_type": "fragment"}
spectra = {
    f"{s} updates": np.linalg.svd(snap["W_hh"], compute_uv=False) for s, snap in snapshots.items()
}
fig = vc.plot_singular_values(spectra)
plt.show()
rows = [[label, sv[0], int((sv > 1).sum())] for label, sv in spectra.items()]
print(table(rows, ["W_hh", "sigma_max", "sigma_i > 1"], digits=3))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Dissection 2: what does a prediction depend on?
#
# Backpropagating one loss $L_t$ alone (full BPTT, no truncation), `rnnlib.bptt` returns
# the input gradients (`grads.dxs`) $\partial L_t/\partial x_s = W_{xh}^\top \delta_s^{(t)}$,
# with $\delta_s^{(t)} = \partial L_t/\partial z_s$ (the $\delta_s$ of that single loss).
# One pass per $t$ gives $\|\partial L_t/\partial x_s\|$ for every earlier input $s \le t$: how
# strongly the prediction at step $t$ would change with the character read at step $s$.

# %% slideshow={"slide_type": "fragment"}
piece = val_ids[6000:6041]  # 40 inputs and their targets
M = charlm.input_gradient_norms(params, piece)  # M[t-1, s-1] = ||dL_t/dx_s||
windows_dx = [
    charlm.input_gradient_norms(params, val_ids[i : i + 65]) for i in range(0, 32_000, 1000)
]
by_distance = np.mean([[np.diagonal(W, -d).mean() for d in range(64)] for W in windows_dx], axis=0)
relative = by_distance / by_distance[0]
reach_1, reach_01 = int(np.argmax(relative < 0.01)), int(np.argmax(relative < 0.001))
print(f"mean ||dL_t/dx_s|| falls below 1 % of its value at s = t from t - s = {reach_1} on,")
print(f"below 0.1 % from t - s = {reach_01} on; training cut the gradient every k1 = {k1} steps")
factors = relative[1 : reach_01 + 1] / relative[:reach_01]  # per step back, up to 0.1 %
print(f"one step back it is {relative[1]:.2f} of its value at s = t; each further step")
print(f"back multiplies it by {factors[1:].min():.2f} to {factors[1:].max():.2f}")
assert factors[1:].min() > 0.6 and factors[1:].max() < 0.9  # a similar factor each step
assert reach_1 < k1

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Where each prediction looks
#
# Row $t$: $\|\partial L_t/\partial x_s\|$ over the earlier inputs $s$ of one stretch.

# %% slideshow={"slide_type": "fragment"}
fig = vc.plot_input_gradients(M, vocab.decode(piece), window=k1, mean_by_distance=relative)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The prediction leans on the last few characters, fading by a similar factor at each
# step back (printed above): well inside the 32-step window that training
# backpropagated through.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Dissection 3: what does truncation cost here?
#
# The same start, 32-step chunks and number of updates, but the hidden state detached every
# 4 steps inside each chunk (`truncate=4`: BPTT($k_2$; $k_1$) with $k_1 = k_2 = 4$, eight
# backward passes summed into one update per chunk), or every step ($k_1 = k_2 = 1$),
# instead of once per chunk ($k_1 = k_2 = 32$). Every step is still computed forward and
# backward once, so equal updates cost equal work. Two scores: the validation sample, and
# the mean loss of chunks 301–400, each measured before the network trained on it (first
# pass: unseen text).

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Predict.** The prediction's sensitivity falls by a similar factor at each step back
# (previous slides). After 400 updates, how much worse is detaching every 4 steps than
# every 32? And detaching every step?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["answer"]
# **Answer.**
# For this seed, after 400 updates, detaching every 4 steps is at most 0.05 bits per
# character worse than every 32 on both measures (the differences are printed), while
# detaching every step is worse by more than 0.1 bits per character on both. What the network has learnt so far needs only a few steps of gradient; the
# carried state still passes older context forward, it is only not trained through it.

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** This is the honest answer for this model and this budget, not a
# general law: a task with dependencies longer than the window (notebook 09's adding
# problem, or matching brackets over a long line) would show the cost. Ask why detaching
# every 4 steps can do as well as every 32 here: the heat map showed that the predictions depend on the last few
# characters, and the carried state still brings older context forward.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Detaching every 32, 4 or 1 steps, 400 updates each

# %% slideshow={"slide_type": "fragment"}
CMP = 400
label32 = "k1 = k2 = 32 (the run above)"
chunk_bpc = {label32: np.array(history["loss"][:CMP]) / np.log(2)}
sample_bpc = {label32: curve[CMP]}
assert len(rnnlib.truncation_blocks(k1, 4)) == 8  # truncate=4: 8 passes in a 32-step chunk
for window in (4, 1):  # detach every 4 steps, every step: one update per 32-step chunk
    p_cut = rnnlib.copy_params(params0)
    h_cut = charlm.train(
        p_cut, inputs, targets, rnnlib.Adam(ETA), CMP, clip_norm=TAU, truncate=window
    )
    chunk_bpc[f"k1 = k2 = {window}"] = np.array(h_cut["loss"]) / np.log(2)
    sample_bpc[f"k1 = k2 = {window}"] = monitor(p_cut)
rows = [[label, sample_bpc[label], chunk_bpc[label][-100:].mean()] for label in chunk_bpc]
print(table(rows, ["truncation", f"validation sample at {CMP}", "chunks 301-400"]))
worse = np.array([[r[1] - rows[0][1], r[2] - rows[0][2]] for r in rows[1:]])  # vs every 32
for window, (d_sample, d_chunks) in zip((4, 1), worse, strict=True):
    print(f"every {window} minus every 32: {d_sample:+.3f} and {d_chunks:+.3f} bits per character")
assert np.all(worse[0] < 0.05)  # detaching every 4 steps: at most 0.05 bits worse
assert np.all(worse[1] > 0.1)  # detaching every step: more than 0.1 bits worse

# %% slideshow={"slide_type": "skip"} tags=["nbval-ignore-output"]
# processor time of one update on this machine: the median of 20, the three interleaved
cost = {32: [], 4: [], 1: []}
p_time, opt_time = rnnlib.copy_params(params), rnnlib.Adam(ETA)
for _ in range(20):
    for window, times in cost.items():
        t0 = time.process_time()
        charlm.train_step(p_time, opt_time, inputs[0], targets[0], None, TAU, window)
        times.append(time.process_time() - t0)
ms = {w: 1e3 * np.median(t) for w, t in cost.items()}
print(table([[f"k1 = k2 = {w}", m] for w, m in ms.items()], ["truncation", "ms per update"]))
ratio = max(ms.values()) / min(ms.values())
print(f"slowest / fastest: {ratio:.2f}")
assert ratio < 1.5, f"equal updates should cost about equal time, got a ratio of {ratio:.2f}"

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The training loss of the three runs

# %% slideshow={"slide_type": "fragment"}
fig = vc.plot_truncation_runs(chunk_bpc, smooth=50)
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# * A long text becomes $B$ streams read in chunks of $k_1$ steps; only sequential
#   partitioning may carry the state (truncated BPTT).
# * Bits per character $= -\frac1N\sum_t\log_2\hat y_t[\chi_{t+1}]$; the unigram entropy
#   bounds every context-free model; perplexity $= 2^{\text{bits}}$.
# * Notebooks 01–08 assembled and trained for 800 updates beat the unigram baseline by
#   more than 2 bits per character, and write words, punctuation and layout.
# * Free running feeds back its own errors, so they compound.
# * Dissected: the trained network forgets faster than at initialisation and looks back a
#   few characters, well inside its truncation window.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check your understanding
#
# 1. Why can no model that ignores the context beat the unigram entropy?
# 2. A model needs 2.3 bits per character. What is its perplexity, and what does it mean?
# 3. Why must each chunk start from $h_0 = 0$ under random partitioning?
# 4. What does clipping each parameter by its own norm change that global clipping does not?
# 5. Why is "still on the text after $n$ greedy characters" exactly the product of $n$ teacher-forced hits?
# 6. The trained network's bound $(\gamma\,\sigma_{max})^{T-k}$ grows. Why do its gradients not explode?
#
# [← 09 · Long-term dependencies](09_long_term_dependencies.ipynb) | [Index](00_start_here.ipynb)

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["answers"]
# **Answers.**
#
# 1. Its score is $-\sum_i p_i\log_2 q_i$, which Gibbs' inequality bounds below by $H(p)$.
# 2. $2^{2.3} \approx 4.9$: on average it is as unsure as a fair choice among about five characters.
# 3. The next piece does not follow the last one in the text, so the carried state would describe the wrong context.
# 4. The direction: each parameter's gradient is scaled by its own factor, so the update no longer points along the gradient.
# 5. While the greedy output equals the text, its inputs are the true characters, i.e. it is teacher-forced; it stays on the text exactly as long as every prediction so far was a hit.
# 6. The bound assumes every factor $\operatorname{diag}(f')\,W_{hh}$ stretches by $\sigma_{max}$; saturated units ($f'$ small) and directions that $W_{hh}$ shrinks make the real product decay.

