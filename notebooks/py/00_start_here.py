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
# # BPTT, interactively
#
# **How a simple recurrent neural network computes, and how it learns.**
#
# A course in ten short notebooks and a capstone. You will run a recurrent network by
# hand, unroll it through time, derive and check every gradient of Backpropagation Through
# Time (BPTT), train it, and then see with your own sliders why gradients vanish or explode
# and what clipping and truncation do about it. The last notebook trains a character-level
# language model on real English text and takes it apart with the same instruments.
#
# *This notebook: 5 minutes. It checks that your setup works.*

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How to use the course
#
# * `make lab` installs everything (the first time) and opens JupyterLab.
# * Work through the notebooks in order; each ends with questions and answers.
# * **Predict**: guess, then click the collapsed answer's bar. Run All opens every
#   answer: step with **Shift+Enter** to guess first.
# * **Your turn**: write a small function; the checker names the usual mistakes.
#   A collapsed reference solution follows: try first.
# * Where the source lecture notes are vague or slightly wrong, the notebook says so once
#   and links [ERRATA.md](../ERRATA.md).
# * Every notebook is also a slide deck (README).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Notation used everywhere
#
# Column vectors, one sequence $x_1, \dots, x_T$, initial state $h_0$:
#
# $$z_t = W_{xh} x_t + W_{hh} h_{t-1} + b_h, \qquad h_t = f(z_t), \qquad y_t = W_{hy} h_t + b_y$$
#
# * $x_t$ ($D$): the input at step $t$; $h_t$ ($H$): the hidden state, the network's memory;
# * $y_t$ ($O$): the output logits; a prediction $\hat y_t$ applies an output activation;
#   $y^\star_t$ is the target at step $t$;
# * $W_{xh}$ ($H\times D$), $W_{hh}$ ($H\times H$), $W_{hy}$ ($O\times H$): the weights, shared by all steps;
# * $b_h$ ($H$), $b_y$ ($O$): the biases.
#
# In code, arrays are *time-major*: `xs` has shape `(T, B, D)` for a batch of `B` sequences.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Check your setup
#
# The course library `rnnlib` is installed in the course environment. This cell imports
# it and runs a tiny network for three steps.

# %% slideshow={"slide_type": "fragment"}
import numpy as np

import rnnlib

params = rnnlib.init_params(n_in=2, n_hidden=3, n_out=1, seed=0, scale=0.5)
xs = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # T = 3 steps, D = 2
trace = rnnlib.forward(params, xs)
print("hidden states h_0..h_3, shape", trace.hs.shape)
print(np.round(trace.hs, 4))
assert trace.hs.shape == (4, 3) and np.allclose(trace.hs[0], 0)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check the sliders
#
# Run the cell below (**Shift+Enter**) and move the slider: the printed state changes.
# Until the cell has run, JupyterLab shows a line of text where the slider will be; that
# is normal, not a broken setup. If the text is still there after the cell has run,
# reload the browser tab, and if that does not help, restart JupyterLab with `make lab`.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
from ipywidgets import FloatSlider, interact


@interact(scale=FloatSlider(value=1.0, min=0.0, max=3.0, step=0.1, description="W_hh scale"))
def _smoke(scale):
    p = dict(params, W_hh=scale * params["W_hh"])
    print("h_3 =", np.round(rnnlib.forward(p, xs).hs[-1], 4))


# %% [markdown] slideshow={"slide_type": "slide"}
# ## The notebooks
#
# | # | notebook | you will learn |
# |---|---|---|
# | 01 | [Forward pass and unrolling](01_forward_and_unrolling.ipynb) | the recurrence, shapes, weight sharing, the unrolled graph |
# | 02 | [Outputs and losses](02_outputs_and_losses.ipynb) | output activations, losses summed over time, $\partial L/\partial y_t$ |
# | 03 | [BPTT by hand](03_bptt_by_hand.ipynb) | backpropagation recalled, a one-unit network on paper, the backward recursion derived, the worked examples |
# | 04 | [Per-weight gradients](04_per_weight_gradients.ipynb) | each parameter's gradient and the input gradient, summed over time; gradient checks and when they mislead |
# | 05 | [Training with gradient descent](05_training_with_gradient_descent.ipynb) | the update rule, learning rates, momentum to Adam from their equations, held-out loss and overfitting |
# | 06 | [Vanishing and exploding gradients](06_vanishing_and_exploding.ipynb) | products of Jacobians, the $(\gamma\,\sigma_{\max})^{T-k}$ bound derived, saturation, non-normal matrices, the explorer |
# | 07 | [Gradient clipping](07_gradient_clipping.ipynb) | clipping by norm and by value, the cliff |
# | 08 | [Truncated BPTT](08_truncated_bptt.ipynb) | BPTT($k_2$; $k_1$) and detaching, what a window cannot learn, cost per update, randomized truncation |
# | 09 | [Long-term dependencies](09_long_term_dependencies.ipynb) | the adding problem, what each model learned, a gated cell and its backward step, four misconceptions tested |
# | 10 | [A character-level language model](10_character_language_model.ipynb) | training on real English, sampling, the trained network dissected |
#
# Next: [01 · Forward pass and unrolling](01_forward_and_unrolling.ipynb)

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "notes"}
# **Presenter notes.** A lecture of about 90 minutes covers 01–04 (the forward pass and
# every gradient); a second covers 05–09 (training and what goes wrong over long
# distances); 10 fills a third session or a project. The widgets in 01, 05, 06, 07, 08 and
# 10 are the ones worth moving live.
# The source notes' errata, with exact quotes: ERRATA.md in the repository.
