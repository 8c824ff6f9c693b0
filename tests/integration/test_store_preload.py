"""The store's machinery loads while the code is typed; a failure there changes nothing."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path


def run_child(body: str) -> subprocess.CompletedProcess[str]:
    # A child process: the module table starts without the store's edit machinery.
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(body)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_preload_loads_the_edit_machinery_off_the_main_thread() -> None:
    done = run_child(
        """
        import sys, threading
        from mfa_session.store import credentials as store
        assert "configobj" not in sys.modules
        store.preload()
        for thread in threading.enumerate():
            if thread.name == "store-preload":
                thread.join()
        assert "mfa_session.store.edit" in sys.modules
        assert "configobj" in sys.modules
        print("ok")
        """
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "ok\n", "")


def test_a_failed_preload_is_silent_and_fails_again_where_the_edit_runs(tmp_path: Path) -> None:
    done = run_child(
        f"""
        import sys, threading
        from datetime import datetime, timezone
        from pathlib import Path

        class Refuse:
            def find_spec(self, name, path=None, target=None):
                if name == "configobj":
                    raise ImportError("configobj is broken here")
                return None

        sys.meta_path.insert(0, Refuse())
        from mfa_session.store import credentials as store
        from mfa_session.models import SessionCredentials
        store.preload()
        for thread in threading.enumerate():
            if thread.name == "store-preload":
                thread.join()
        session = SessionCredentials("ASIAX", "s", "t", datetime.now(timezone.utc))
        try:
            store.CredentialsStore(Path({str(tmp_path)!r}) / "credentials").write_session(
                "p", session
            )
        except ImportError as error:
            print("raised:", error)
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # nothing from the background thread
    assert done.stdout == "raised: configobj is broken here\n"
