"""README and CI stay in step with the code (sqlite-utils' test_docs idea)."""
from __future__ import annotations

import re
from pathlib import Path

from pipeline.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _readme_commands() -> list[str]:
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", README, flags=re.S)
    return [line.strip() for b in blocks for line in b.splitlines() if line.strip()]


def test_readme_starts_with_the_two_commands():
    cmds = _readme_commands()
    assert cmds[0].endswith("kornews run"), cmds[0]
    assert "pip install -e ." in cmds[0]
    assert cmds[1].endswith('pip install -e ".[test]" && python -m pytest -q'), cmds[1]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_cmd = _readme_commands()[1].split(" && ", 2)[2]  # after venv creation and activation
    assert test_cmd in ci.splitlines(), test_cmd


def _commands() -> dict:
    import click

    ctx = click.Context(cli)
    return {name: cli.get_command(ctx, name) for name in cli.list_commands(ctx)}


def test_every_command_is_documented():
    cmds = _commands()
    assert {"run", "tag", "eval", "serve", "reprocess", "compact", "train"} <= set(cmds)
    for name in cmds:
        assert f"kornews {name}" in README, f"`kornews {name}` is not in README.md"


def test_every_command_has_an_example():
    for name, cmd in _commands().items():
        assert "Example:" in (cmd.help or ""), name
