"""The layers of rnnlib: the numpy core and the checkers never load matplotlib or ipywidgets.

Each check runs in a fresh interpreter, so that nothing imported by other tests counts.
"""

import pkgutil
import subprocess
import sys

import pytest

import rnnlib
import rnnlib.checks

CORE = sorted(
    f"rnnlib.{m.name}"
    for m in pkgutil.iter_modules(rnnlib.__path__)
    if not m.ispkg and not m.name.startswith("_")
)
CHECKS = sorted(f"rnnlib.checks.{m.name}" for m in pkgutil.iter_modules(rnnlib.checks.__path__))


FORBIDDEN = {"matplotlib", "ipywidgets", "PIL"}


def _loaded_after_import(*modules):
    """The top-level packages loaded by a fresh interpreter after importing ``modules``."""
    code = (
        "import sys, importlib\n"
        f"for m in {list(modules)!r}: importlib.import_module(m)\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return set(out.stdout.split())


def test_the_lists_are_not_empty():
    assert {"rnnlib.rnn", "rnnlib.truncation", "rnnlib.experiments"} <= set(CORE)
    assert {"rnnlib.checks.framework", "rnnlib.checks.truncation"} <= set(CHECKS)


def test_core_and_checkers_import_without_plotting():
    modules = ["rnnlib", *CORE, *CHECKS]
    loaded = _loaded_after_import(*modules)
    assert "numpy" in loaded and "rnnlib" in loaded  # the probe itself works
    if loaded & FORBIDDEN:  # name the culprits, one fresh interpreter per module
        culprits = {m: sorted(_loaded_after_import(m) & FORBIDDEN) for m in modules}
        culprits = {m: c for m, c in culprits.items() if c}
        pytest.fail(f"these modules load plotting packages: {culprits}")


def test_the_probe_sees_plotting_packages_when_they_are_loaded():
    assert {"matplotlib", "ipywidgets"} <= _loaded_after_import("rnnlib.widgets")
