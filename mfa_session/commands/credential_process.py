"""Print the session as credential_process JSON for the AWS SDKs and CLI, logging in first when
it is missing or about to end. A login prompts on the terminal (/dev/tty), never on stdout,
which the SDK reads; with no terminal (and no code command) it fails with a message.

In ~/.aws/config:

    [profile admin-cp]
    credential_process = mfa-login credential-process --profile admin

then `aws --profile admin-cp ...`. Use a profile name of its own: the SDK reads a profile's
keys in ~/.aws/credentials before its credential_process.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from typing import TextIO

from mfa_session.commands.export import credential_process_json
from mfa_session.commands.session_flags import configure_session


def configure(parser: argparse.ArgumentParser) -> None:
    configure_session(parser, profile_required=True)


def run(
    args: argparse.Namespace,
    *,
    environ: Mapping[str, str],
    stdin: TextIO,
    stderr: TextIO,
) -> int:
    # The login machinery loads only when the command runs, never for --help.
    from mfa_session.usecases.session import Prompting, SessionOptions, obtain

    obtained = obtain(
        SessionOptions.from_args(args),
        environ=environ,
        stdin=stdin,
        stderr=stderr,
        prompting=Prompting.TTY,
    )
    sys.stdout.write(credential_process_json(obtained.credentials) + "\n")
    sys.stdout.flush()
    return 0
