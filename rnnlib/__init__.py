"""rnnlib: a small, exact implementation of a simple RNN and Backpropagation Through Time.

Core (numpy only): parameters, forward pass, BPTT (full, truncated, randomized),
losses, Jacobians, gradient checking, clipping, optimisers, training loops and tasks.
Plotting lives in ``rnnlib.viz`` and widgets in ``rnnlib.widgets`` (matplotlib and
ipywidgets), imported only when used.
"""

from ._validate import PARAM_NAMES
from .activations import ACTIVATIONS, GAMMA, activate, activation_derivative, sigmoid
from .clip import clip_by_norm, clip_by_value, global_norm
from .data import (
    ADDING_BASELINE_MSE,
    adding_marked_values,
    adding_problem,
    delayed_echo,
    sine_next_step,
)
from .engine import bptt, bptt_randomized, forward
from .gradcheck import GradCheck, grad_check, numerical_gradient, rel_error
from .jacobians import (
    gradient_bound,
    jacobian_norms,
    jacobian_product,
    product_norms,
    recurrent_jacobians,
)
from .losses import LOSSES, log_softmax, mse, sigmoid_bce, sigmoid_mse, softmax, softmax_ce
from .optim import OPTIMIZERS, SGD, Adagrad, Adam, Momentum, Optimizer, RMSprop, make_optimizer
from .params import SCHEMES, copy_params, init_params, sigma_max, spectral_radius
from .rnn import (
    Gradients,
    Trace,
    bptt_reference,
    contributions,
    parse_truncate,
    step_backward,
    step_forward,
    truncation_blocks,
)
from .training import train, train_tbptt, update

__version__ = "0.1.0"
__all__ = [
    # parameters
    "PARAM_NAMES",
    "SCHEMES",
    "init_params",
    "copy_params",
    "sigma_max",
    "spectral_radius",
    # activations
    "ACTIVATIONS",
    "GAMMA",
    "activate",
    "activation_derivative",
    "sigmoid",
    # forward pass and BPTT
    "Trace",
    "Gradients",
    "step_forward",
    "step_backward",
    "forward",
    "bptt",
    "bptt_reference",
    "bptt_randomized",
    "contributions",
    "parse_truncate",
    "truncation_blocks",
    # losses
    "LOSSES",
    "mse",
    "sigmoid_bce",
    "sigmoid_mse",
    "softmax_ce",
    "softmax",
    "log_softmax",
    # Jacobians and the gradient bound
    "recurrent_jacobians",
    "jacobian_product",
    "jacobian_norms",
    "product_norms",
    "gradient_bound",
    # gradient checking
    "GradCheck",
    "grad_check",
    "numerical_gradient",
    "rel_error",
    # clipping and optimisers
    "clip_by_norm",
    "clip_by_value",
    "global_norm",
    "OPTIMIZERS",
    "Optimizer",
    "SGD",
    "Momentum",
    "Adagrad",
    "RMSprop",
    "Adam",
    "make_optimizer",
    # training loops
    "train",
    "train_tbptt",
    "update",
    # tasks
    "ADDING_BASELINE_MSE",
    "adding_marked_values",
    "adding_problem",
    "delayed_echo",
    "sine_next_step",
]
