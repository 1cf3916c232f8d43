"""The README's first command installs from a wheel (`pip install .`), not from the
checkout: everything the package reads at run time must be inside that wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`python -m build`: the sdist, and the wheel built from it (once for the module)."""
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return out


def test_wheel_ships_schemas_and_every_template(dist: Path) -> None:
    [wheel] = dist.glob("socialops-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = [p for p in (ROOT / "socialops").rglob("*")
              if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]
    missing = [p.relative_to(ROOT).as_posix() for p in wanted if p.relative_to(ROOT).as_posix() not in names]
    assert missing == []


def _serve(folder: Path):  # type: ignore[no-untyped-def]
    """A static HTTP server on 127.0.0.1 for the built files (an archive URL, as a release
    page or an artifact store would give one)."""
    import functools
    import http.server
    import threading

    class Files(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Files, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _readme_main_command(venv: Path, where: Path) -> subprocess.CompletedProcess[str]:
    """The README's "Try it" after its install step: init a project, then publish in it."""
    from tests.conftest import GIT_ENV

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CI", "GITHUB_ACTIONS")}
    env.update(GIT_ENV)
    script = f"{venv}/bin/socialops init demo && cd demo && ../{venv.name}/bin/socialops publish"
    return subprocess.run(["bash", "-c", script], cwd=where, env=env, capture_output=True, text=True, timeout=300)


def test_the_wheel_and_the_sdist_build_install_and_run_the_readme_command(dist: Path, tmp_path: Path) -> None:
    """`python -m build` makes both; each installs into a fresh virtual environment and runs
    the README's first command. The wheel is installed from an archive URL with its hash, and
    the workflows `init` writes then install exactly that URL and hash (PEP 610)."""
    import hashlib
    import re

    readme = (ROOT / "README.md").read_text("utf-8")
    assert "socialops init demo && cd demo && ../.venv/bin/socialops publish" in readme
    [wheel] = dist.glob("socialops-*.whl")
    [sdist] = dist.glob("socialops-*.tar.gz")
    server = _serve(dist)
    try:
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        url = f"http://127.0.0.1:{server.server_address[1]}/{wheel.name}"
        for name, requirement in [("wheel", f"socialops @ {url}#sha256={digest}"), ("sdist", str(sdist))]:
            where = tmp_path / name
            where.mkdir()
            venv = where / ".venv"
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
            pip = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", requirement],
                                 capture_output=True, text=True, timeout=600)
            assert pip.returncode == 0, pip.stderr[-3000:]
            ran = _readme_main_command(venv, where)
            assert ran.returncode == 0, (name, ran.stdout[-2000:], ran.stderr[-2000:])
            feed = (where / "demo" / "feed.xml").read_text("utf-8")
            assert "<entry>" in feed, name
            workflow = (where / "demo" / ".github/workflows/publish.yml").read_text("utf-8")
            [source] = re.findall(r'SOCIALOPS_SOURCE: "([^"]*)"', workflow)
            if name == "wheel":
                assert source == f"socialops @ {url}#sha256={digest}"
                assert "The workflows install socialops @ " in ran.stdout
            else:  # a file on this machine: no CI can reach it, and init says so
                assert source.startswith("placeholder:")
                assert "which no CI runner can install" in ran.stderr
    finally:
        server.shutdown()
        server.server_close()
