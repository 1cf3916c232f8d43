"""A ledger that cannot be written in the middle of a run (a full disk, a read-only
folder), with a real process: the run starts no further call, says which posts went out,
exits non-zero and leaves a ledger the next run settles without sending anything twice."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest

from tests.conftest import GIT_ENV, REPO_ROOT
from tests.fakes.servers import Fakes
from tests.publish.conftest import NOW, Site, at, socialops_cmd

#: root writes through a read-only folder: the run is made without that one capability
AS_A_USER = ["setpriv", "--inh-caps=-dac_override", "--bounding-set=-dac_override"] \
    if os.geteuid() == 0 else []


@pytest.fixture
def mastodon_site(site: Site, fakes: Fakes) -> Site:
    if AS_A_USER and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: a read-only folder stops nothing")
    site.configure({"mastodon": fakes.channels()["mastodon"]})
    site.env = fakes.env()
    return site


def _start(site: Site) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI")}
    env.update(GIT_ENV, **site.env, COLUMNS="120",
               PYTHONPATH=str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
    return subprocess.Popen([*AS_A_USER, *socialops_cmd("publish", "--now", NOW, "--timeout", "10")],
                            cwd=site.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def test_a_ledger_that_cannot_be_written_mid_run_says_what_went_out(mastodon_site: Site, fakes: Fakes) -> None:
    site = mastodon_site
    site.post("first", ["mastodon"], "The first post.\n", at=at(-30))
    site.post("second", ["mastodon"], "The second post.\n", at=at(-20))
    site.commit()
    fakes.mastodon.accept_then_timeout(hang=2)  # the first create answers late (within the timeout)
    ledger = site.root / ".socialops" / "ledger"
    run = _start(site)
    try:
        deadline = time.monotonic() + 60
        while not fakes.mastodon.calls("create") and time.monotonic() < deadline:
            time.sleep(0.02)
        assert fakes.mastodon.calls("create"), "the run never sent the first post"
        ledger.chmod(0o555)  # from now on nothing can be written there
        out, err = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
        ledger.chmod(0o755)
    said = out + err
    assert run.returncode == 1, said
    assert "Traceback" not in said and "unexpected error" not in said, said
    assert "could not write the ledger (.socialops/ledger/first.yaml: Permission denied)" in said, said
    assert "these went out (or may have) and are not in the ledger: first on mastodon (" in said, said
    assert "second" in said and "not sent: the ledger could not be written" in said, said
    assert fakes.mastodon.texts() == ["The first post."]  # the second was not sent
    # the ledger as pushed still holds the claim on the first post: nothing else changed it
    pushed = site.remote_file(".socialops/ledger/first.yaml")
    assert "status: intent" in pushed
    # the next run (the disk is fine again) asks Mastodon about the first and sends the second
    again = _start(site)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, out + err
    assert fakes.mastodon.texts() == ["The first post.", "The second post."]  # nothing twice
    assert len(fakes.mastodon.calls("create")) == 2
    assert site.ledger("first")["channels"]["mastodon"]["status"] == "published"
    assert site.ledger("second")["channels"]["mastodon"]["status"] == "published"


def test_a_ledger_that_cannot_be_written_before_the_claim_sends_nothing(mastodon_site: Site, fakes: Fakes) -> None:
    site = mastodon_site
    site.write(".socialops/ledger/old.yaml", "post: old\nchannels: {}\n")
    site.post("first", ["mastodon"], "The first post.\n", at=at(-30))
    site.commit()
    ledger = site.root / ".socialops" / "ledger"
    ledger.chmod(0o555)
    try:
        run = _start(site)
        out, err = run.communicate(timeout=60)
    finally:
        ledger.chmod(0o755)
    assert run.returncode == 2 and "Traceback" not in out + err, out + err  # a SocialopsError
    assert "could not write the ledger (.socialops/ledger/first.yaml: Permission denied); nothing was " \
        "claimed or sent" in out + err
    assert fakes.mastodon.calls("create") == [] and site.clean()
