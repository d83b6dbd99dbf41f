"""environment.yml (conda/Binder) must pin exactly what pyproject.toml pins."""
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pip_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += [r for r in extra if not r.startswith("rnnlib")]
    pins = {}
    for r in reqs:
        name, version = r.split("==")
        pins[_norm(name)] = version
    return pins


def conda_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for r in dep["pip"]:
                if "==" in r:
                    name, version = r.split("==")
                    pins[_norm(name)] = version
        elif "=" in dep and not dep.startswith("python="):
            name, version = dep.split("=")
            pins[_norm(name)] = version
    return pins


def test_every_pin_is_exact():
    assert pip_pins(), "pyproject.toml pins nothing"
    for name, version in pip_pins().items():
        assert re.fullmatch(r"\d+(\.\d+)*", version), (name, version)


def test_environment_yml_matches_pyproject():
    assert conda_pins() == pip_pins()
