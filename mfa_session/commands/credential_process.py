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
from typing import TYPE_CHECKING

from mfa_session.commands.session_flags import configure_session
from mfa_session.output.session_formats import credential_process_json
from mfa_session.visible import visible

if TYPE_CHECKING:
    from mfa_session.wiring import Wiring


def configure(parser: argparse.ArgumentParser) -> None:
    configure_session(parser, profile_required=True)


def run(args: argparse.Namespace, wiring: Wiring) -> int:
    # The login machinery loads only when the command runs, never for --help.
    from mfa_session.usecases.session import SessionOptions

    obtained = wiring.session(
        SessionOptions.from_args(args, "credential-process"), tty_only=True
    ).obtain()
    # stdout is the SDK's; what a person should know (--code in ps, a key moved) goes to
    # stderr: seen when run by hand, dropped by an SDK.
    for notice in obtained.result.notices:
        print(f"mfa-login: {visible(notice)}", file=wiring.stderr)
    wiring.stdout.write(credential_process_json(obtained.credentials) + "\n")
    wiring.stdout.flush()
    return 0
