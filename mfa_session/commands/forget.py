"""Remove a profile's long-term key from the OS keyring (asks first on a terminal)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import TextIO

from mfa_session.errors import NoKeyringItem, UsageError
from mfa_session.flow import file_names_key
from mfa_session.profiles import AwsFiles
from mfa_session.prompts import QuestionaryPrompter
from mfa_session.session_flags import profile
from mfa_session.vault import SERVICE, KeyringVault


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile", type=profile, metavar="NAME", required=True, help="profile to forget"
    )
    parser.add_argument(
        "--yes",
        action="store_true",
        help="do not ask for a confirmation (needed without a terminal)",
    )


def run(
    args: argparse.Namespace,
    *,
    environ: Mapping[str, str],
    stdin: TextIO,
    stderr: TextIO,
) -> int:
    profile: str = args.profile
    keyring = KeyringVault(environ)
    key = keyring.load(profile)
    if key is None:
        raise NoKeyringItem(profile=profile, service=SERVICE)
    terminal = stdin.isatty() and stderr.isatty()
    if not terminal and not args.yes:
        # No one to ask: a script must say so, since the item may be the only copy.
        raise UsageError(
            detail=f"forget asks before removing the key of {profile}; without a terminal, "
            "confirm with --yes (nothing was removed)"
        )
    if terminal and not args.yes:
        elsewhere = (
            "the credentials file keeps a copy"
            if file_names_key(profile, AwsFiles.from_environment(environ))
            else "no other copy is kept on this machine"
        )
        question = (
            f"Remove the long-term key {key.access_key_id} of {profile} from the OS keyring? "
            f"({elsewhere})"
        )
        if not QuestionaryPrompter().confirm(question, default=False):
            print("mfa-login: the keyring item was left as it was", file=stderr)
            return 0
    keyring.delete(profile)
    print(
        f"mfa-login: removed the long-term key {key.access_key_id} of {profile} from the OS "
        f"keyring ({keyring.backend_name}, service {SERVICE}, item {profile})",
        file=stderr,
    )
    return 0
