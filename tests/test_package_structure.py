"""The package's namespaces: no name hides a submodule, __all__ is written out and exports
no modules, and no module holds a name equal to its own."""

import importlib
import inspect
import pkgutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

PACKAGES = ["rnnlib", "rnnlib.viz", "rnnlib.widgets", "rnnlib.checks"]


def _submodules(package):
    pkg = importlib.import_module(package)
    return {
        m.name: importlib.import_module(f"{package}.{m.name}")
        for m in pkgutil.iter_modules(pkg.__path__)
    }


def test_every_package_is_listed():
    found = {"rnnlib"} | {
        f"rnnlib.{m.name}"
        for m in pkgutil.iter_modules(importlib.import_module("rnnlib").__path__)
        if m.ispkg
    }
    assert found == set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_no_name_hides_a_submodule(package):
    pkg = importlib.import_module(package)
    for name, module in _submodules(package).items():
        assert getattr(pkg, name) is module, f"{package}.{name} is {getattr(pkg, name)!r}"


def test_no_package_defines_a_name_of_a_submodule_it_has_not_imported():
    # in a fresh interpreter, before anything imports the submodules: a function ``cliff``
    # defined in rnnlib/__init__.py would be replaced only once rnnlib.cliff is imported
    code = (
        "import importlib, pkgutil, types\n"
        f"for p in {PACKAGES!r}:\n"
        "    pkg = importlib.import_module(p)\n"
        "    for m in pkgutil.iter_modules(pkg.__path__):\n"
        "        v = getattr(pkg, m.name, None)\n"
        "        if v is not None and not isinstance(v, types.ModuleType):\n"
        "            print(f'{p}.{m.name}')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == []


@pytest.mark.parametrize("package", PACKAGES)
def test_all_is_written_out_and_exports_no_module(package):
    pkg = importlib.import_module(package)
    assert isinstance(pkg.__all__, list) and len(set(pkg.__all__)) == len(pkg.__all__)
    for name in pkg.__all__:
        assert not isinstance(getattr(pkg, name), types.ModuleType), f"{package}.{name}"
    public = {
        n
        for n, v in vars(pkg).items()
        if not n.startswith("_") and not isinstance(v, types.ModuleType)
    }
    public -= {"annotations"}  # from __future__
    assert public == set(pkg.__all__), (
        f"{package}: names not in __all__: {public - set(pkg.__all__)}"
    )


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_holds_its_own_name(package):
    for name, module in _submodules(package).items():
        assert not hasattr(module, name), f"{module.__name__}.{name} is {getattr(module, name)!r}"


TYPED = [
    "rnnlib.activations",
    "rnnlib.clip",
    "rnnlib.data",
    "rnnlib.gradcheck",
    "rnnlib.jacobians",
    "rnnlib.losses",
    "rnnlib.optim",
    "rnnlib.params",
    "rnnlib.rnn",
    "rnnlib.engine",
    "rnnlib.training",
    "rnnlib.truncation",
    "rnnlib.vanishing",
    "rnnlib.experiments",
    "rnnlib.gated",
    "rnnlib.cliff",
    "rnnlib.report",
    "rnnlib.checks.framework",
    *[f"rnnlib.viz.{m}" for m in _submodules("rnnlib.viz")],
    *[f"rnnlib.widgets.{m}" for m in _submodules("rnnlib.widgets")],
]


@pytest.mark.parametrize("module", TYPED)
def test_public_functions_have_type_hints(module):
    mod = importlib.import_module(module)
    missing = []
    for name, obj in vars(mod).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module:
            continue
        funcs = [(name, obj)] if inspect.isfunction(obj) else []
        if inspect.isclass(obj):
            funcs = [
                (f"{name}.{m}", f)
                for m, f in vars(obj).items()
                if inspect.isfunction(f) and (not m.startswith("_") or m == "__init__")
            ]
        for label, f in funcs:
            sig = inspect.signature(f)
            params = [
                p
                for p in sig.parameters.values()
                if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            ]
            if any(p.annotation is p.empty for p in params) or (
                sig.return_annotation is sig.empty and not label.endswith("__init__")
            ):
                missing.append(label)
    assert missing == [], f"{module}: no type hints on {missing}"


def test_one_integer_check():
    # an integer argument is checked by _validate.check_int (bools refused, numpy's
    # integers accepted), not by a hand-written isinstance test in each module
    root = Path(importlib.import_module("rnnlib").__file__).parent
    found = [
        str(path.relative_to(root))
        for path in sorted(root.rglob("*.py"))
        if path.name != "_validate.py" and "numbers.Integral" in path.read_text()
    ]
    assert found == []
