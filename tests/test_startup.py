"""Importing klyngepakke and asking for ``--help`` stay light: no heavy libraries load."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = ("pluggy", "cattrs", "yaml", "questionary")


def imported_in_child(code: str) -> list[str]:
    """Run ``code`` in a fresh interpreter; return the heavy modules it left in sys.modules."""
    probe = (
        f"{code}\n"
        "import sys, json\n"
        f"watched = {[*HEAVY, 'klyngepakke.model', 'klyngepakke.plugins']!r}\n"
        "print('@@' + json.dumps([m for m in watched if m in sys.modules]))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLYNGEPAKKE_")}
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    marker = result.stdout.rindex("@@")
    return json.loads(result.stdout[marker + 2 :])


def test_import_klyngepakke_is_light():
    loaded = imported_in_child("import klyngepakke\nassert klyngepakke.__version__")
    assert loaded == []


def test_help_is_light():
    code = (
        "from klyngepakke.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
    )
    loaded = imported_in_child(code)
    assert [m for m in loaded if m in HEAVY] == []


def test_subcommand_help_is_light():
    code = (
        "from klyngepakke.cli import main\n"
        "try:\n"
        "    main(['export', '--help'])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
    )
    assert [m for m in imported_in_child(code) if m in HEAVY] == []


def test_the_probe_does_see_heavy_imports():
    # Guard against a probe that can never fail.
    loaded = imported_in_child("import klyngepakke.plugins")
    assert {"pluggy", "klyngepakke.model", "klyngepakke.plugins"} <= set(loaded)
    assert "cattrs" in imported_in_child("import klyngepakke.conversion")
