"""`make lab` (tools/lab.py): root or not, extra arguments, the course's JupyterLab
settings, and a presentation left open last time switched off.

The browser tests start their JupyterLab through the same launcher (tests/browser)."""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import lab  # noqa: E402

DECK_ON = """{
    // Decks
    // jupyterlab-slideshow:plugin
    // Activate Deck
    // Whether presentation mode is currently active.
    "active": true,
    "showCodeCellPrompt": true
}"""


def test_root_gets_allow_root_and_a_normal_user_does_not():
    as_root = lab.lab_command([], is_root=True)
    as_user = lab.lab_command([], is_root=False)
    assert as_root[1] == "lab" and "--allow-root" in as_root
    assert "--allow-root" not in as_user
    assert f"--notebook-dir={ROOT / 'notebooks'}" in as_user
    assert lab.lab_command(["--allow-root"], is_root=True).count("--allow-root") == 1


def test_extra_arguments_reach_jupyter_lab_last():
    command = lab.lab_command(["--port", "8890", "--no-browser"], is_root=False)
    assert command[-3:] == ["--port", "8890", "--no-browser"]
    other = lab.lab_command(["--ServerApp.root_dir=/tmp/elsewhere"], is_root=False)
    assert not any(a.startswith("--notebook-dir") for a in other)  # one root only


def test_course_settings_turn_news_off_and_keep_other_overrides(tmp_path):
    (tmp_path / "overrides.json").write_text(
        json.dumps(
            {
                "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
                "@jupyterlab/apputils-extension:notification": {"doNotDisturbMode": True},
            }
        )
    )
    assert lab.install_overrides(tmp_path)
    merged = json.loads((tmp_path / "overrides.json").read_text())
    news = merged["@jupyterlab/apputils-extension:notification"]
    assert news["fetchNews"] == "false" and news["checkForUpdates"] is False
    assert news["doNotDisturbMode"] is True  # the environment's own values stay
    assert merged["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    assert merged["@jupyter-widgets/jupyterlab-manager:plugin"] == {"saveState": True}
    assert not lab.install_overrides(tmp_path)  # already there: nothing rewritten


def test_a_deck_left_open_is_switched_off_comments_and_all(tmp_path):
    path = tmp_path / "jupyterlab-slideshow" / "plugin.jupyterlab-settings"
    path.parent.mkdir()
    path.write_text(DECK_ON)
    assert lab.switch_off_deck(tmp_path)
    text = path.read_text()
    assert '"active": false' in text and '"showCodeCellPrompt": true' in text
    assert text.replace('"active": false', '"active": true') == DECK_ON
    assert not lab.switch_off_deck(tmp_path)  # already off
    assert not lab.switch_off_deck(tmp_path / "nowhere")  # never presented
