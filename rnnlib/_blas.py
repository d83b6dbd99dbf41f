"""One BLAS thread for the recurrent loops.

A recurrence makes T small matrix products, h_{t-1}^T W_hh^T of (B, H) by (H, H), one
after the other. When numpy's OpenBLAS splits such a product over several threads,
the threads must meet T times per pass, and on a machine whose cores are busy with
other work every step waits for a core: on a shared 2-core machine a (64, 256) by
(256, 256) product took about 4 ms with two threads and 0.5 ms with one.
``one_blas_thread()`` runs a block with one BLAS thread and then restores the previous
setting. It does nothing when numpy's BLAS is not the OpenBLAS that numpy's wheels
bundle (then the BLAS's own settings apply, e.g. OPENBLAS_NUM_THREADS or
MKL_NUM_THREADS).
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import os

import numpy as np


def _openblas_thread_functions():
    """(get_num_threads, set_num_threads) of numpy's bundled OpenBLAS, or None."""
    root = os.path.dirname(os.path.dirname(np.__file__))
    for path in sorted(
        glob.glob(os.path.join(root, "numpy.libs", "libscipy_openblas*"))
        + glob.glob(os.path.join(os.path.dirname(np.__file__), ".dylibs", "libscipy_openblas*"))
    ):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix, suffix in (("scipy_openblas", "64_"), ("scipy_openblas", "")):
            get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
            set_ = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
            if get is not None and set_ is not None:
                get.restype, set_.argtypes = ctypes.c_int, [ctypes.c_int]
                return get, set_
    return None


_THREADS = _openblas_thread_functions()


#: products of (B, H) by (H, H) with B H^2 below this many multiply-adds run on one
#: thread; larger ones are worth the threads' meeting (the BLAS's own settings apply)
SMALL_PRODUCT = 2**26


@contextlib.contextmanager
def one_blas_thread(step_size: int = 0):
    """Run the block with one OpenBLAS thread when ``step_size`` (the multiply-adds of one
    recurrent product, B H^2) is below SMALL_PRODUCT; then restore the previous count."""
    if _THREADS is None or step_size >= SMALL_PRODUCT:
        yield
        return
    get, set_ = _THREADS
    before = get()
    if before == 1:
        yield
        return
    set_(1)
    try:
        yield
    finally:
        set_(before)
