"""Dependencies: ranges in pyproject.toml, exact versions in constraints.txt, and
environment.yml (conda / Binder) pinning exactly what constraints.txt pins."""

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def _norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements():
    """Every requirement of pyproject.toml (core and extras), rnnlib's own extras left out."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += [r for r in extra if not r.startswith("rnnlib")]
    return [Requirement(r) for r in reqs]


def locked():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, version = line.split("==")
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


def test_pyproject_states_ranges_not_pins():
    for req in requirements():
        assert req.specifier, f"{req.name} has no version range"
        assert not any(s.operator == "==" for s in req.specifier), (
            f"{req} pins an exact version; pyproject.toml states ranges "
            "(exact versions go to constraints.txt)"
        )


def test_constraints_pin_every_requirement_within_its_range():
    pins = locked()
    for req in requirements():
        name = _norm(req.name)
        assert name in pins, f"constraints.txt does not pin {req.name}"
        assert req.specifier.contains(pins[name]), (
            f"constraints.txt pins {req.name}=={pins[name]}, outside pyproject.toml's {req}"
        )
    for name, version in pins.items():
        assert re.fullmatch(r"\d+(\.\d+)*([a-z]+\d+)?(\.post\d+)?", version), (name, version)


def test_environment_yml_matches_constraints():
    direct = {_norm(r.name) for r in requirements()}
    pins = locked()
    assert conda_pins() == {name: pins[name] for name in direct}
