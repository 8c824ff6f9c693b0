"""`doctor` reads each AWS file once: counted by the `open` audit event in a process of its
own (an audit hook cannot be removed, so it never runs inside pytest's process)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import Home
from tests.e2e.formats_helpers import write_session

COUNTING_RUN = textwrap.dedent(
    """
    import json, os, sys

    names = {
        os.path.realpath(os.environ["AWS_CONFIG_FILE"]): "config",
        os.path.realpath(os.environ["AWS_SHARED_CREDENTIALS_FILE"]): "credentials",
    }
    opens = dict.fromkeys(names.values(), 0)

    def count(event, args):
        if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            name = names.get(os.path.realpath(os.fsdecode(args[0])))
            if name is not None:
                opens[name] += 1

    sys.addaudithook(count)
    from mfa_session import cli

    try:
        code = cli.main(sys.argv[2:])
    finally:
        with open(sys.argv[1], "w", encoding="utf-8") as out:
            json.dump(opens, out)
    sys.exit(code)
    """
)


def test_doctor_reads_the_config_file_once(home: Home, tmp_path: Path) -> None:
    """doctor read the config file twice (once for the headers as written, once through the
    snapshot): the snapshot's `config_sections` is the one read."""
    from datetime import timedelta

    write_session(home, "admin", timedelta(hours=4))
    home.config.write_text(
        "[profile admin]\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n\n"
        "[admin]\nregion = eu-west-1\n",
        encoding="utf-8",
    )
    counts = tmp_path / "opens.json"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            COUNTING_RUN,
            str(counts),
            "doctor",
            "--profile",
            "admin",
            "--offline",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # [admin] in the config file is a problem doctor names: the headers as written were read.
    assert done.returncode == 14, done.stdout + done.stderr
    assert "section-names: the config file has [admin]" in done.stdout
    assert json.loads(counts.read_text(encoding="utf-8")) == {"config": 1, "credentials": 1}
