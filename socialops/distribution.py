"""Where the running socialops came from, as a pip requirement that a CI runner can install.

pip records how it installed a distribution in `direct_url.json` (PEP 610, the "Direct URL
Data Structure"): a VCS URL with the commit it resolved, an archive URL with its hash, or a
local folder (editable or not). A distribution installed from a package index has no such
file: its version names it. The workflows `socialops init` writes install exactly this, so
CI runs the socialops that wrote them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DIST = "socialops"


@dataclass(frozen=True)
class InstallSource:
    """Where the running socialops was installed from: `requirement` installs exactly it, or
    is None when CI cannot reach it (an editable or local-folder install); `why` says which,
    for people."""

    requirement: str | None
    why: str
    exact: bool = True  # False: an archive without a recorded hash (the URL is all there is)


def running_source() -> InstallSource:
    """How the socialops running now was installed."""
    from importlib import metadata

    import socialops

    try:
        dist = metadata.distribution(DIST)
    except metadata.PackageNotFoundError:
        return InstallSource(None, "socialops runs from a source folder, not from an installed package")
    source = from_direct_url(dist.read_text("direct_url.json"), dist.version)
    running = Path(socialops.__file__).resolve()
    installed = Path(str(dist.locate_file("socialops/__init__.py"))).resolve()
    if source.requirement is not None and (dist.read_text("RECORD") is None or installed != running):
        # metadata without an install record (an .egg-info in a checkout on sys.path), or
        # another copy of socialops than the one running: neither names this code
        return InstallSource(None, f"socialops runs from the folder {running.parent.parent}, not from an installed package")
    return source


def from_direct_url(text: str | None, version: str) -> InstallSource:
    """The requirement for a distribution of `version` whose direct_url.json holds `text`
    (None: installed from a package index)."""
    if text is None:
        return InstallSource(f"{DIST}=={version}", f"socialops {version} from the package index")
    try:
        data = json.loads(text)
        url = str(data["url"])
    except (ValueError, KeyError, TypeError):
        return InstallSource(None, "socialops's install record (direct_url.json) cannot be read")
    local = url.startswith("file:")
    if isinstance(data.get("vcs_info"), dict):
        vcs = data["vcs_info"]
        commit = str(vcs.get("commit_id") or "")
        if local:
            return InstallSource(None, f"socialops was installed from a repository on this machine ({url})")
        requirement = f"{DIST} @ {vcs.get('vcs', 'git')}+{url}@{commit}" + _subdirectory(data)
        asked = vcs.get("requested_revision")
        return InstallSource(requirement, f"socialops from {url} at commit {commit}" + (f" ({asked})" if asked else ""))
    if isinstance(data.get("archive_info"), dict):
        if local:
            return InstallSource(None, f"socialops was installed from a file on this machine ({url})")
        algorithm, digest = _archive_hash(data["archive_info"])
        if digest:
            return InstallSource(f"{DIST} @ {url}#{algorithm}={digest}" + _subdirectory(data, "&"),
                          f"socialops from {url} ({algorithm} {digest[:12]}...)")
        return InstallSource(f"{DIST} @ {url}" + _subdirectory(data), f"socialops from {url} (no hash recorded)",
                      exact=False)
    if isinstance(data.get("dir_info"), dict):
        kind = "an editable install of" if data["dir_info"].get("editable") else "installed from"
        return InstallSource(None, f"socialops is {kind} the folder {url.removeprefix('file://')}")
    return InstallSource(None, f"socialops's install record names {url} in a way socialops does not know")


def _archive_hash(info: dict[str, object]) -> tuple[str, str]:
    hashes = info.get("hashes")
    if isinstance(hashes, dict) and hashes:
        algorithm = "sha256" if "sha256" in hashes else sorted(hashes)[0]
        return algorithm, str(hashes[algorithm])
    legacy = info.get("hash")  # PEP 610's older form: "sha256=..."
    if isinstance(legacy, str) and "=" in legacy:
        algorithm, _, digest = legacy.partition("=")
        return algorithm, digest
    return "", ""


def _subdirectory(data: dict[str, object], joiner: str = "#") -> str:
    sub = data.get("subdirectory")
    return f"{joiner}subdirectory={sub}" if isinstance(sub, str) and sub else ""


def check_requirement(spec: str) -> str:
    """A `--source` given by a person: a pip requirement for socialops (a bare URL or a
    version is made into one). Raises ValueError with what is wrong."""
    spec = spec.strip()
    if not spec:
        raise ValueError("--source is empty; give a pip requirement such as "
                         "'socialops @ git+https://github.com/OWNER/socialops@COMMIT'")
    if "\n" in spec or '"' in spec or "\\" in spec:
        raise ValueError("--source must be one line without quotes or backslashes")
    if "://" in spec and "@" not in spec.split("://")[0] and not spec.startswith(DIST):
        spec = f"{DIST} @ {spec}"  # a bare URL
    elif spec[:1].isdigit():
        spec = f"{DIST}=={spec}"  # a bare version
    name = spec.split("@")[0].split("=")[0].split("[")[0].strip().lower().replace("_", "-")
    if name != DIST:
        raise ValueError(f"--source must install socialops, not '{name}'")
    if spec.split("://")[-1].startswith("/") or "file:" in spec:
        raise ValueError("--source names a path on this machine, which CI cannot reach; "
                         "give a repository URL with a commit, an archive URL or a released version")
    return spec
