"""Start JupyterLab on the course's notebooks: what `make lab` runs.

    python tools/lab.py                          # JupyterLab on notebooks/
    python tools/lab.py --port 8890 --no-browser # any further arguments go to `jupyter lab`

Before it starts JupyterLab it
* adds ``--allow-root`` when run as root (containers, cloud machines, CI images), where
  JupyterLab otherwise refuses to start;
* installs the course's JupyterLab settings (tools/jupyterlab/overrides.json: no "Jupyter
  news" pop-up, widget state saved with the notebook) as defaults of this environment;
  your own settings still take precedence;
* switches off a presentation left running last time: the deck extension remembers in
  your user settings that a deck was open and would otherwise reopen it, menus hidden,
  on every later start.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OVERRIDES = Path(__file__).resolve().parent / "jupyterlab" / "overrides.json"
#: where jupyterlab-slideshow stores "active": true while a deck is presented
DECK_SETTINGS = Path("jupyterlab-slideshow") / "plugin.jupyterlab-settings"
DECK_ACTIVE = re.compile(r'("active"\s*:\s*)true\b')
#: options that choose the directory JupyterLab serves (only one may be given)
ROOT_DIR_OPTIONS = ("--notebook-dir", "--ServerApp.root_dir", "--ServerApp.notebook_dir")


def lab_command(args: list[str], is_root: bool) -> list[str]:
    """The `jupyter lab` command line for these extra arguments."""
    jupyter = Path(sys.executable).with_name("jupyter")
    command = [str(jupyter), "lab"]
    if not any(a.startswith(ROOT_DIR_OPTIONS) for a in args):
        command.append(f"--notebook-dir={ROOT / 'notebooks'}")
    if is_root and "--allow-root" not in args:
        command.append("--allow-root")
    return command + list(args)


def install_overrides(app_settings_dir: Path) -> bool:
    """Merge the course's settings into the environment's overrides.json; True if changed."""
    course = json.loads(OVERRIDES.read_text())
    target = app_settings_dir / "overrides.json"
    current = json.loads(target.read_text()) if target.exists() else {}
    merged = {**current}
    for plugin, values in course.items():
        merged[plugin] = {**current.get(plugin, {}), **values}
    if merged == current:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(merged, indent=2) + "\n")
    return True


def switch_off_deck(user_settings_dir: Path) -> bool:
    """Set the deck extension's remembered "active" flag to false; True if it was on."""
    path = user_settings_dir / DECK_SETTINGS
    if not path.exists():
        return False
    text = path.read_text()
    new = DECK_ACTIVE.sub(r"\1false", text)
    if new == text:
        return False
    path.write_text(new)
    return True


def main(args: list[str]) -> None:
    from jupyterlab.commands import get_app_dir, get_user_settings_dir

    app_settings = Path(get_app_dir()) / "settings"
    try:
        if install_overrides(app_settings):
            print(f"lab: course settings installed in {app_settings / 'overrides.json'}")
    except OSError as error:  # a read-only system-wide JupyterLab: run without them
        print(f"lab: could not install the course settings ({error}); continuing")
    if switch_off_deck(Path(get_user_settings_dir())):
        print("lab: the presentation left open last time is switched off")
    command = lab_command(args, is_root=os.geteuid() == 0)
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
