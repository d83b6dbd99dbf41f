"""rnnlib.text: vocabulary, encoding, batching, entropy and sampling, with bad input."""

import numpy as np
import pytest

import rnnlib
from rnnlib import text as tx

TEXT = "abracadabra! a cab.\n"  # a 7, b 3, r 2, c 2, " " 2; d ! . and newline once


@pytest.fixture
def vocab():
    return tx.Vocabulary.from_text(TEXT, min_count=2)  # "d", "!", "." and "\n" are rare


# --- the vocabulary --------------------------------------------------------------------
def test_vocabulary_ids_sorted_with_rare_symbol_first(vocab):
    assert vocab.chars == (tx.RARE, " ", "a", "b", "c", "r")
    assert vocab.rare == frozenset("d!.\n")
    assert vocab.V == len(vocab) == 6


def test_encode_decode_round_trip_and_rare_characters(vocab):
    ids = vocab.encode(TEXT)
    assert ids.dtype == np.int64 and ids.shape == (len(TEXT),)
    assert ids[:4].tolist() == [2, 3, 5, 2]  # a b r a
    assert ids[6] == ids[11] == ids[-1] == 0  # "d", "!" and "\n" share the rare id
    rare_to_symbol = str.maketrans(dict.fromkeys("d!.\n", tx.RARE))
    assert vocab.decode(ids) == TEXT.translate(rare_to_symbol)
    assert vocab.decode(vocab.encode("abc")) == "abc"


def test_min_count_one_keeps_every_character():
    v = tx.Vocabulary.from_text(TEXT)
    assert v.rare == frozenset() and len(set(TEXT)) + 1 == v.V
    assert v.decode(v.encode(TEXT)) == TEXT


def test_unknown_character_is_a_clear_error_or_the_rare_symbol(vocab):
    with pytest.raises(ValueError, match=r"character 'z' \(position 2 of the text\) is not in"):
        vocab.encode("abz")
    assert vocab.encode("abz", unknown="rare").tolist() == [2, 3, 0]
    with pytest.raises(ValueError, match="unknown must be one of"):
        vocab.encode("ab", unknown="skip")
    # a character beyond every code point of the vocabulary
    assert vocab.encode("\N{GRINNING FACE}", unknown="rare").tolist() == [0]


@pytest.mark.parametrize(
    "bad, error, match",
    [
        ("", ValueError, "text is empty"),
        (b"abc", TypeError, "text must be a str, got bytes"),
        (None, TypeError, "text must be a str"),
    ],
)
def test_bad_text(vocab, bad, error, match):
    with pytest.raises(error, match=match):
        vocab.encode(bad)
    with pytest.raises(error, match=match):
        tx.Vocabulary.from_text(bad)


@pytest.mark.parametrize(
    "bad, error, match",
    [
        ([0, 6], ValueError, r"ids must lie in 0..5 \(V = 6 characters\), got values from 0 to 6"),
        ([-1], ValueError, "ids must lie in 0..5"),
        ([0.0, 1.0], TypeError, "integer character ids"),
        ([[0, 1]], ValueError, r"one-dimensional \(N,\), got shape \(1, 2\)"),
    ],
)
def test_bad_ids_for_decode(vocab, bad, error, match):
    with pytest.raises(error, match=match):
        vocab.decode(bad)


def test_vocabulary_rejects_inconsistent_tables():
    with pytest.raises(ValueError, match="start with the rare symbol"):
        tx.Vocabulary(("a", "b"))
    with pytest.raises(ValueError, match="must not repeat"):
        tx.Vocabulary((tx.RARE, "a", "a"))
    with pytest.raises(TypeError, match="chars must be a tuple of single characters"):
        tx.Vocabulary((tx.RARE, "ab"))
    with pytest.raises(TypeError, match="rare must be a set of single characters, got str 'b'"):
        tx.Vocabulary((tx.RARE, "a"), "b")
    with pytest.raises(ValueError, match="cannot also have its own id"):
        tx.Vocabulary((tx.RARE, "a"), frozenset("a"))
    with pytest.raises(TypeError, match="min_count must be a positive integer"):
        tx.Vocabulary.from_text("abc", min_count=1.5)


# --- the data --------------------------------------------------------------------------
def test_python_docs_is_english_prose_of_about_half_a_million_characters():
    text = tx.python_docs()
    assert isinstance(text, str) and 300_000 < len(text) < 1_000_000
    assert text.count(" the ") > 1000
    assert text == tx.python_docs()  # same order every time


def test_split_keeps_the_last_fraction_for_validation():
    ids = np.arange(100)
    train, val = tx.split(ids, validation=0.1)
    assert train.tolist() == list(range(90)) and val.tolist() == list(range(90, 100))
    for bad in (0, 1, 1.5, -0.1, np.nan):
        with pytest.raises(ValueError, match=r"validation must be a number in \(0, 1\)"):
            tx.split(ids, validation=bad)
    for bad in ("0.1", True, None):
        with pytest.raises(TypeError, match=r"validation must be a number in \(0, 1\)"):
            tx.split(ids, validation=bad)
    with pytest.raises(ValueError, match="each part needs at least 2"):
        tx.split(np.arange(10), validation=0.1)
    with pytest.raises(ValueError, match="need at least 4"):
        tx.split([1, 2])


def test_unigram_entropy():
    assert tx.unigram_entropy([0, 1, 2, 3], 4) == pytest.approx(2.0)  # uniform over 4
    assert tx.unigram_entropy([5, 5, 5], 6) == 0.0  # always the same character
    ids = np.array([0, 0, 0, 1])  # p = (3/4, 1/4)
    expected = -(0.75 * np.log2(0.75) + 0.25 * np.log2(0.25))
    assert tx.unigram_entropy(ids, 2) == pytest.approx(expected)
    with pytest.raises(ValueError, match="ids must lie in 0..1"):
        tx.unigram_entropy([0, 2], 2)
    with pytest.raises(ValueError, match="need at least 1"):
        tx.unigram_entropy(np.array([], dtype=int), 2)


def test_one_hot():
    x = tx.one_hot(np.array([[2, 0], [1, 1]]), 3)
    assert x.shape == (2, 2, 3) and x.dtype == np.float32
    assert np.array_equal(x.argmax(-1), [[2, 0], [1, 1]]) and np.all(x.sum(-1) == 1)
    assert tx.one_hot([1], 2, dtype=np.float64).dtype == np.float64
    with pytest.raises(ValueError, match=r"ids must lie in 0..2, got values from 0 to 3"):
        tx.one_hot([0, 3], 3)
    with pytest.raises(TypeError, match="integer character ids"):
        tx.one_hot([0.5], 3)
    with pytest.raises(ValueError, match="V must be a positive integer"):
        tx.one_hot([0], 0)


# --- batching --------------------------------------------------------------------------
def test_sequential_chunks_continue_each_stream():
    N, B, k = 103, 4, 5
    P = tx.batch_positions(N, B, k)
    L = (N - 1) // B  # 25 characters per stream, 5 chunks
    assert P.shape == (L // k, k, B)
    assert np.array_equal(P[0, :, 1], np.arange(L, L + k))  # stream 1 starts at L
    assert np.array_equal(P[1:, 0], P[:-1, -1] + 1)  # chunk j + 1 continues chunk j
    assert np.array_equal(np.diff(P, axis=1), np.ones((L // k, k - 1, B)))
    assert P.max() + 1 <= N - 1  # every target exists
    assert len(np.unique(P)) == P.size  # every character used once at most


def test_random_chunks_are_shuffled_pieces():
    N, B, k = 103, 4, 5
    P = tx.batch_positions(N, B, k, partition="random", seed=0)
    assert P.shape == ((N - 1) // k // B, k, B)
    assert np.all(P[:, 0] % k == 0) and np.array_equal(np.diff(P, axis=1), np.ones((5, 4, 4)))
    assert len(np.unique(P)) == P.size and P.max() + 1 <= N - 1
    assert np.array_equal(P, tx.batch_positions(N, B, k, "random", seed=0))
    assert not np.array_equal(P, tx.batch_positions(N, B, k, "random", seed=1))
    assert not np.array_equal(P[1:, 0], P[:-1, -1] + 1)  # chunks do not continue


def test_batches_pair_each_input_with_the_next_character():
    ids = np.arange(50) * 3
    inputs, targets = tx.batches(ids, 2, 4)
    assert inputs.shape == targets.shape == (6, 4, 2)
    assert np.array_equal(targets, inputs + 3)  # the next character of the text
    inputs_r, targets_r = tx.batches(ids, 2, 4, partition="random", seed=3)
    assert np.array_equal(targets_r, inputs_r + 3)


@pytest.mark.parametrize(
    "args, error, match",
    [
        (
            (10, 4, 3),
            ValueError,
            r"too short for B = 4 streams .*need N >= B k \+ 1 = 13",
        ),
        ((1, 1, 1), ValueError, "N must be at least 2"),
        ((10, 0, 3), ValueError, "B must be a positive integer"),
        ((10, 2, 1.0), TypeError, "k must be a positive integer"),
    ],
)
def test_bad_batching(args, error, match):
    with pytest.raises(error, match=match):
        tx.batch_positions(*args)


def test_bad_partition():
    with pytest.raises(ValueError, match="partition must be one of 'sequential', 'random'"):
        tx.batch_positions(100, 2, 3, partition="shuffled")


# --- sampling --------------------------------------------------------------------------
@pytest.fixture
def model(vocab):
    return rnnlib.init_params(vocab.V, 6, vocab.V, seed=1, scheme="xavier")


def test_sample_is_reproducible_and_has_n_characters(vocab, model):
    text = tx.sample(model, vocab, "abra", 30, temperature=0.8, seed=5)
    assert len(text) == 30 and set(text) <= set(vocab.chars)
    assert text == tx.sample(model, vocab, "abra", 30, temperature=0.8, seed=5)
    assert text != tx.sample(model, vocab, "abra", 30, temperature=0.8, seed=6)
    assert tx.sample(model, vocab, "a", 0) == ""


def test_sample_draws_from_softmax_of_logits_over_temperature(vocab, model):
    """Replay the draws: each character is the inverse CDF of softmax(y_t / temperature)
    at the uniform number the seeded generator gave, where y_t is the output of the
    network fed the prefix and then its own characters."""
    prefix, n, temperature, seed = "cab", 12, 0.7, 3
    text = tx.sample(model, vocab, prefix, n, temperature=temperature, seed=seed)
    ids = vocab.encode(prefix + text)
    ys = rnnlib.forward(model, tx.one_hot(ids, vocab.V, np.float64)).ys
    u = np.random.default_rng(seed).random(n)
    for i in range(n):
        p = tx.next_char_probabilities(ys[len(prefix) - 1 + i], temperature)
        assert ids[len(prefix) + i] == np.searchsorted(np.cumsum(p), u[i], side="right")


def test_temperature_sharpens_and_flattens():
    y = np.array([2.0, 1.0, 0.0])
    assert np.allclose(tx.next_char_probabilities(y), rnnlib.softmax(y))
    assert tx.next_char_probabilities(y, 0.05)[0] > 0.999  # towards argmax
    assert np.allclose(tx.next_char_probabilities(y, 1e6), 1 / 3)  # towards uniform


@pytest.mark.parametrize(
    "bad, exc",
    [
        (0, ValueError),
        (-1.0, ValueError),
        (np.nan, ValueError),
        (np.inf, ValueError),
        ("1", TypeError),
        (True, TypeError),
        (None, TypeError),
    ],
)
def test_bad_temperature(vocab, model, bad, exc):
    with pytest.raises(exc, match="temperature must be a positive finite number"):
        tx.sample(model, vocab, "ab", 5, temperature=bad)


def test_bad_sampling_arguments(vocab, model):
    with pytest.raises(ValueError, match="prefix is empty"):
        tx.sample(model, vocab, "", 5)
    with pytest.raises(ValueError, match=r"character 'z' \(position 1 of the text\)"):
        tx.sample(model, vocab, "az", 5)
    with pytest.raises(ValueError, match="n must be at least 0, got -1"):
        tx.sample(model, vocab, "ab", -1)
    with pytest.raises(TypeError, match="vocab must be an rnnlib.text.Vocabulary"):
        tx.sample(model, "abc", "ab", 5)
    small = rnnlib.init_params(3, 4, 3, seed=0)
    with pytest.raises(ValueError, match=r"needs D = O = V = 6 .*W_xh of shape \(4, 3\)"):
        tx.sample(small, vocab, "ab", 5)


def test_greedy_generation_follows_the_argmax_of_its_own_outputs(vocab, model):
    prefixes = np.array([[2, 3], [5, 1], [2, 4]])  # P = 3 characters, S = 2 streams
    out = tx.generate(model, prefixes, 8, temperature=None)
    assert out.shape == (8, 2)
    for s in range(2):
        ids = np.concatenate([prefixes[:, s], out[:, s]])
        ys = rnnlib.forward(model, tx.one_hot(ids, vocab.V, np.float64)).ys
        assert np.array_equal(out[:, s], ys[2:-1].argmax(-1))  # each is the argmax so far
        alone = tx.generate(model, prefixes[:, s : s + 1], 8, temperature=None)
        assert np.array_equal(alone[:, 0], out[:, s])  # the streams do not interact


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_generation_replays_with_forward_for_every_activation(vocab, model, activation):
    """generate's steps after the prefix compute what forward computes on the whole text."""
    prefixes = np.array([[2, 3], [5, 1]])
    out = tx.generate(model, prefixes, 10, temperature=0.9, seed=2, activation=activation)
    u = np.random.default_rng(2).random((10, 2))
    for s in range(2):
        ids = np.concatenate([prefixes[:, s], out[:, s]])
        ys = rnnlib.forward(model, tx.one_hot(ids, vocab.V, np.float64), activation=activation).ys
        for i in range(10):
            cdf = np.cumsum(tx.next_char_probabilities(ys[1 + i], 0.9))
            assert out[i, s] == np.searchsorted(cdf, u[i, s] * cdf[-1], side="right")


@pytest.mark.parametrize(
    "prefixes, error, match",
    [
        (np.array([0, 1]), ValueError, r"prefixes must have shape \(P, S\)"),
        (np.zeros((0, 2), int), ValueError, r"prefixes must have shape \(P, S\)"),
        (np.array([[0.5]]), TypeError, "prefixes must be integer character ids"),
        (np.array([[6]]), ValueError, r"prefixes must lie in 0..5"),
    ],
)
def test_bad_prefixes(model, prefixes, error, match):
    with pytest.raises(error, match=match):
        tx.generate(model, prefixes, 3)
    with pytest.raises(ValueError, match="D = O"):
        tx.generate(rnnlib.init_params(6, 4, 2, seed=0), np.array([[0]]), 3)
