"""Text for a character-level language model: vocabulary, encoding, batching, sampling.

A text of N characters becomes N integer ids chi_1, ..., chi_N from a vocabulary of V
characters. The network reads one character per step and predicts the next one:

    x_t = onehot(chi_t)      (D = V)
    y_t = W_hy h_t + b_y     (O = V logits),  p_t = softmax(y_t)
    y*_t = chi_{t+1}         (the target: the character that follows)

Characters that occur fewer than ``min_count`` times in the text share one id, the
rare symbol ``RARE`` (id 0), so that the model does not spend outputs on them.

Arrays of ids are integers; batches are time-major like every array of the course:
inputs and targets of one chunk have shape (k, B), k steps of B parallel streams.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ._blas import one_blas_thread
from ._validate import (
    as_float_array,
    check_choice,
    check_finite,
    check_float_dtype,
    check_int,
    check_params,
    check_positive_int,
    check_real,
    check_seed,
    describe,
)
from .activations import get_activation
from .engine import forward
from .losses import softmax

#: the symbol that stands for every rare character (id 0 of every vocabulary)
RARE = "\N{REPLACEMENT CHARACTER}"
PARTITIONS = ("sequential", "random")


def _check_text(text, name: str = "text") -> str:
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str, got {describe(text)}")
    if not text:
        raise ValueError(f"{name} is empty; need at least one character")
    return text


def _check_ids(ids, V: int | None = None, name: str = "ids", min_length: int = 1) -> np.ndarray:
    """ids as a 1-D integer array of at least ``min_length`` entries (in 0..V-1)."""
    arr = np.asarray(ids)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must be an array of integer character ids, got {describe(ids)}")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (N,), got shape {arr.shape}")
    if arr.size < min_length:
        raise ValueError(f"{name} has {arr.size} characters; need at least {min_length}")
    if V is not None and arr.size and (arr.min() < 0 or arr.max() >= V):
        raise ValueError(
            f"{name} must lie in 0..{V - 1} (V = {V} characters), "
            f"got values from {arr.min()} to {arr.max()}"
        )
    return arr


def _check_count(value, name: str, minimum: int) -> int:
    value = check_int(value, name)
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


# ---------------------------------------------------------------------------
# the vocabulary
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Vocabulary:
    """Characters <-> ids. ``chars[i]`` is the character of id i; ``chars[0]`` is RARE.

    ``rare`` holds the characters of the text that were mapped to RARE. Build one with
    ``Vocabulary.from_text(text, min_count)``.
    """

    chars: tuple[str, ...]
    rare: frozenset[str] = frozenset()

    def __post_init__(self):
        for name, value, kind in (("chars", self.chars, "a tuple"), ("rare", self.rare, "a set")):
            if not isinstance(value, tuple if name == "chars" else (set, frozenset)) or not all(
                isinstance(c, str) and len(c) == 1 for c in value
            ):
                raise TypeError(
                    f"{name} must be {kind} of single characters, got {describe(value)}"
                )
        if not self.chars or self.chars[0] != RARE:
            raise ValueError(f"chars must start with the rare symbol RARE = {RARE!r}")
        if len(set(self.chars)) != len(self.chars):
            raise ValueError("chars must not repeat a character")
        if self.rare & set(self.chars):
            raise ValueError("a rare character cannot also have its own id")
        ids = {c: i for i, c in enumerate(self.chars)}
        ids.update(dict.fromkeys(self.rare, 0))
        top = max(map(ord, ids))
        table = np.full(top + 1, -1, dtype=np.int64)  # code point -> id (-1: unknown)
        table[[ord(c) for c in ids]] = list(ids.values())
        object.__setattr__(self, "_table", table)

    @classmethod
    def from_text(cls, text: str, min_count: int = 1) -> Vocabulary:
        """Every character of ``text`` gets its own id (sorted by code point) if it
        occurs at least ``min_count`` times; the others share id 0, RARE."""
        _check_text(text)
        min_count = check_positive_int(min_count, "min_count")
        points, counts = np.unique(_code_points(text), return_counts=True)
        chars = [chr(c) for c in points]
        keep = [c for c, n in zip(chars, counts, strict=True) if n >= min_count and c != RARE]
        rare = {c for c, n in zip(chars, counts, strict=True) if n < min_count and c != RARE}
        return cls((RARE, *keep), frozenset(rare))

    @property
    def V(self) -> int:
        """The number of ids (the rare symbol included)."""
        return len(self.chars)

    def __len__(self) -> int:
        return self.V

    def encode(self, text: str, unknown: str = "error") -> np.ndarray:
        """The ids of the characters of ``text``, shape (N,), dtype int64.

        Rare characters become id 0. A character the vocabulary has never seen raises a
        ValueError naming it (``unknown="error"``) or becomes id 0 (``unknown="rare"``).
        """
        _check_text(text)
        check_choice(unknown, "unknown", ("error", "rare"))
        points = _code_points(text)
        table = self._table
        inside = points < len(table)
        ids = np.full(points.shape, -1, dtype=np.int64)
        ids[inside] = table[points[inside]]
        missing = ids < 0
        if missing.any():
            if unknown == "error":
                i = int(np.argmax(missing))
                raise ValueError(
                    f"character {text[i]!r} (position {i} of the text) is not in the "
                    f"vocabulary of {self.V} characters; pass unknown='rare' to map such "
                    "characters to the rare symbol"
                )
            ids[missing] = 0
        return ids

    def decode(self, ids) -> str:
        """The text of a sequence of ids (N,)."""
        arr = _check_ids(ids, self.V, min_length=0)
        return "".join(self.chars[i] for i in arr)

    def __repr__(self) -> str:
        return f"Vocabulary(V={self.V}, rare characters: {len(self.rare)})"


def _code_points(text: str) -> np.ndarray:
    """The Unicode code points of text, (N,) uint32, without a Python loop."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


# ---------------------------------------------------------------------------
# the data
# ---------------------------------------------------------------------------
def python_docs() -> str:
    """English prose that ships with Python: the help texts of ``pydoc_data.topics``
    (the language reference's topics, about 465 000 characters), joined in the sorted
    order of their names. The text differs slightly between Python versions."""
    try:
        from pydoc_data.topics import topics
    except ImportError as exc:  # pragma: no cover - every CPython ships it
        raise RuntimeError(
            "this Python has no pydoc_data module (its documentation texts were left out "
            "of the installation); use another text, e.g. python_docs() from a standard "
            "CPython"
        ) from exc
    return "".join(topics[name] for name in sorted(topics))


def split(ids, validation: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """(train, validation): the text cut in two; the validation part is its last
    ``validation`` fraction, which the model never trains on."""
    arr = _check_ids(ids, min_length=4)
    validation = check_real(validation, "validation", low=0, high=1, low_open=True, high_open=True)
    n_val = round(validation * arr.size)
    if n_val < 2 or arr.size - n_val < 2:
        raise ValueError(
            f"validation = {validation} leaves {arr.size - n_val} training and {n_val} "
            f"validation characters of {arr.size}; each part needs at least 2"
        )
    return arr[: arr.size - n_val], arr[arr.size - n_val :]


def unigram_entropy(ids, V: int) -> float:
    """H = -sum_i p_i log2 p_i in bits per character, p_i the frequency of id i.

    The cross-entropy of the best model that ignores context (it always predicts the
    frequencies): the baseline a language model must beat.
    """
    V = check_positive_int(V, "V")
    arr = _check_ids(ids, V)
    p = np.bincount(arr, minlength=V) / arr.size
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


def one_hot(ids, V: int, dtype=np.float32) -> np.ndarray:
    """x with x[..., c] = 1 for the id c of each entry: shape ids.shape + (V,)."""
    V = check_positive_int(V, "V")
    dtype = check_float_dtype(dtype)
    arr = np.asarray(ids)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"ids must be integer character ids, got {describe(ids)}")
    if arr.size and (arr.min() < 0 or arr.max() >= V):
        raise ValueError(f"ids must lie in 0..{V - 1}, got values from {arr.min()} to {arr.max()}")
    return np.eye(V, dtype=dtype)[arr]


# ---------------------------------------------------------------------------
# batching a long text
# ---------------------------------------------------------------------------
def batch_positions(N: int, B: int, k: int, partition: str = "sequential", seed=None):
    """Where in a text of N characters each input of each chunk comes from.

    Returns P (n_chunks, k, B): the input of stream b at step t of chunk j is character
    P[j, t, b]; its target is the next character, P[j, t, b] + 1.

    "sequential": the text is cut into B streams of L = (N - 1) // B characters, stream
    b starting at b L; chunk j holds steps j k .. j k + k - 1 of every stream, so chunk
    j + 1 continues exactly where chunk j stopped and the hidden state can be carried.
    "random": the text is cut into pieces of k characters, shuffled (``seed``), and
    each chunk takes B of them: consecutive chunks are unrelated, so every chunk must
    start from a fresh state.
    """
    N = _check_count(N, "N", 2)
    B = check_positive_int(B, "B")
    k = check_positive_int(k, "k")
    check_choice(partition, "partition", PARTITIONS)
    if seed is not None:
        seed = check_seed(seed)
    if partition == "sequential":
        L = (N - 1) // B
        n_chunks = L // k
        starts = np.arange(B) * L  # (B,)
        offsets = np.arange(n_chunks * k).reshape(n_chunks, k)  # steps of each stream
        P = offsets[:, :, None] + starts[None, None, :]
    else:
        pieces = np.arange((N - 1) // k) * k
        np.random.default_rng(seed).shuffle(pieces)
        n_chunks = pieces.size // B
        starts = pieces[: n_chunks * B].reshape(n_chunks, 1, B)
        P = starts + np.arange(k)[None, :, None]
    if n_chunks == 0:
        raise ValueError(
            f"a text of N = {N} characters is too short for B = {B} streams of chunks of "
            f"k = {k} steps; need N >= B k + 1 = {B * k + 1}"
        )
    return P


def batches(ids, B: int, k: int, partition: str = "sequential", seed=None):
    """(inputs, targets), each (n_chunks, k, B) integer ids: chunk j is inputs[j] with
    targets[j] = the characters that follow (see ``batch_positions``)."""
    arr = _check_ids(ids, min_length=2)
    P = batch_positions(arr.size, B, k, partition, seed)
    return arr[P], arr[P + 1]


# ---------------------------------------------------------------------------
# sampling
# ---------------------------------------------------------------------------
def _check_model(params: Mapping[str, np.ndarray], vocab: Vocabulary) -> dict:
    if not isinstance(vocab, Vocabulary):
        raise TypeError(f"vocab must be an rnnlib.text.Vocabulary, got {describe(vocab)}")
    p = check_params(params)
    D, O = p["W_xh"].shape[1], p["W_hy"].shape[0]
    if D != vocab.V or O != vocab.V:
        raise ValueError(
            f"a character model needs D = O = V = {vocab.V} (the vocabulary's size), got "
            f"W_xh of shape {p['W_xh'].shape} and W_hy of shape {p['W_hy'].shape}"
        )
    return p


def check_temperature(temperature: object) -> float:
    """The sampling temperature: a finite number > 0."""
    return check_real(temperature, "temperature", low=0, low_open=True)


def next_char_probabilities(y: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """p = softmax(y / temperature) over the last axis, in float64.

    temperature 1 is the model's own distribution; below 1 it sharpens towards the most
    likely character (the limit 0 is argmax), above 1 it flattens towards uniform.
    """
    temperature = check_temperature(temperature)
    y = as_float_array(y, "y", np.float64)
    if y.ndim == 0 or y.shape[-1] == 0:
        raise ValueError(f"y must hold V >= 1 logits in its last axis, got shape {y.shape}")
    check_finite(y, "y")
    return softmax(y / temperature)


def generate(
    params: Mapping[str, np.ndarray],
    prefixes,
    n: int,
    temperature: float | None = 1.0,
    seed: int | None = 0,
    activation: str = "tanh",
) -> np.ndarray:
    """(n, S) ids written by the model after each of S prefixes (P, S) (free running).

    The prefixes are read with teacher forcing (their own characters as inputs); then at
    each step every stream's next character is drawn from softmax(y_t / temperature)
    (``temperature=None``: the most likely character, greedy) and fed back as its next
    input. ``seed`` seeds the draws: one uniform number per stream and step.
    """
    p = check_params(params)
    V = p["W_xh"].shape[1]
    if p["W_hy"].shape[0] != V:
        raise ValueError(
            f"a character model needs D = O (one-hot in, one logit per character out), got "
            f"W_xh of shape {p['W_xh'].shape} and W_hy of shape {p['W_hy'].shape}"
        )
    arr = np.asarray(prefixes)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"prefixes must be integer character ids, got {describe(prefixes)}")
    if arr.ndim != 2 or 0 in arr.shape:
        raise ValueError(f"prefixes must have shape (P, S) with P, S >= 1, got shape {arr.shape}")
    if arr.min() < 0 or arr.max() >= V:
        raise ValueError(f"prefixes must lie in 0..{V - 1} (V = {V} from the parameters)")
    n = _check_count(n, "n", 0)
    if temperature is not None:
        temperature = check_temperature(temperature)
    if seed is not None:
        seed = check_seed(seed)
    rng = np.random.default_rng(seed)
    trace = forward(p, arr, one_hot=True, activation=activation)  # the prefixes
    h, y = trace.hs[-1], trace.ys[-1]  # (S, H), (S, V)
    # the steps after the prefix, one character at a time (as forward computes them, without
    # checking the checked parameters again at every step): W_xh onehot(c) is column c of W_xh
    f, _ = get_activation(activation)
    W_xh_T_b_h = p["W_xh"].T + p["b_h"]  # row c: W_xh onehot(c) + b_h
    W_hh_T, W_hy_T = np.ascontiguousarray(p["W_hh"].T), np.ascontiguousarray(p["W_hy"].T)
    out = np.empty((n, arr.shape[1]), dtype=np.int64)
    with one_blas_thread():
        for i in range(n):
            if temperature is None:
                c = np.argmax(y, axis=-1)
            else:
                cdf = np.cumsum(softmax(y.astype(np.float64) / temperature), axis=-1)
                u = rng.random(len(cdf)) * cdf[:, -1]
                c = np.minimum((cdf <= u[:, None]).sum(axis=-1), V - 1)  # inverse CDF
            out[i] = c
            h = f(W_xh_T_b_h[c] + np.dot(h, W_hh_T))  # h_t = f(W_xh x_t + b_h + W_hh h_{t-1})
            y = np.dot(h, W_hy_T) + p["b_y"]  # y_t = W_hy h_t + b_y
    return out


def sample(
    params: Mapping[str, np.ndarray],
    vocab: Vocabulary,
    prefix: str,
    n: int,
    temperature: float = 1.0,
    seed: int | None = 0,
    activation: str = "tanh",
) -> str:
    """n characters written by the model after reading ``prefix`` (see ``generate``):
    each drawn from softmax(y_t / temperature) and fed back as the next input."""
    _check_model(params, vocab)
    prefix_ids = vocab.encode(_check_text(prefix, "prefix"))
    temperature = check_temperature(temperature)
    ids = generate(params, prefix_ids[:, None], n, temperature, seed, activation)
    return vocab.decode(ids[:, 0])


__all__ = [
    "RARE",
    "PARTITIONS",
    "Vocabulary",
    "python_docs",
    "split",
    "unigram_entropy",
    "one_hot",
    "batch_positions",
    "batches",
    "check_temperature",
    "next_char_probabilities",
    "generate",
    "sample",
]
