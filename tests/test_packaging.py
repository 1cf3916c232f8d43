"""The README's first command installs from a wheel (`pip install .`), not from the
checkout: everything the package reads at run time must be inside that wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_schemas_and_every_template(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)]
    subprocess.run(cmd, check=True, capture_output=True, cwd=tmp_path, timeout=300)
    [wheel] = tmp_path.glob("socialops-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = [p for p in (ROOT / "socialops").rglob("*")
              if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]
    missing = [p.relative_to(ROOT).as_posix() for p in wanted if p.relative_to(ROOT).as_posix() not in names]
    assert missing == []
