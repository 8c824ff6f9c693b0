"""Remove a profile's long-term key from the OS keyring (asks first on a terminal, and says
whether the credentials file keeps a copy of that very key)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from mfa_session.adapters.keyring import SERVICE
from mfa_session.commands.session_flags import profile
from mfa_session.errors import KeyringItemDamaged, KeyringUnusable, NoKeyringItem, UsageError
from mfa_session.usecases.login import no_copy_in_file
from mfa_session.visible import visible

if TYPE_CHECKING:
    from mfa_session.wiring import Wiring


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile", type=profile, metavar="NAME", required=True, help="profile to forget"
    )
    parser.add_argument(
        "--yes",
        action="store_true",
        help="do not ask for a confirmation (needed without a terminal)",
    )


FORGET_INSTEAD = (
    "or run mfa-login forget where the keyring that holds the key can be reached; "
    "nothing was removed"
)
"""forget's way out of a keyring it cannot use: --no-keyring would mean nothing here."""


def run(args: argparse.Namespace, wiring: Wiring) -> int:
    try:
        return _forget(args, wiring)
    except KeyringUnusable as problem:
        raise problem.elsewhere(FORGET_INSTEAD) from problem


def _forget(args: argparse.Namespace, wiring: Wiring) -> int:
    stdin, stderr = wiring.stdin, wiring.stderr
    profile: str = args.profile
    keyring = wiring.keyring()
    own_item = keyring.item(profile)
    item = own_item
    try:
        key = keyring.load(profile)
        if key is None:
            item = profile  # an earlier version's item, named after the profile alone
            key = keyring.load_legacy(profile)
    except KeyringItemDamaged as damaged:
        # Nothing readable to keep: the item goes (after the same question), as its message says.
        key, item = None, str(damaged.fields["item"])
        what, copy_note = f"the damaged keyring item {item}", "it holds no key mfa-login can read"
    else:
        if key is None:
            raise NoKeyringItem(profile=profile, service=SERVICE, item=own_item)
        what = f"the long-term key {key.access_key_id} of {profile}"
        why_not = no_copy_in_file(profile, key, wiring.files().credentials)
        copy_note = (
            "the credentials file keeps a copy"
            if why_not is None
            else f"this is the only copy of it on this machine: {why_not}"
        )
    terminal = stdin.isatty() and stderr.isatty()
    if not terminal and not args.yes:
        # No one to ask: a script must say so, since the item may be the only copy.
        raise UsageError(
            detail=f"forget asks before removing the key of {profile}; without a terminal, "
            "confirm with --yes (nothing was removed)"
        )
    if terminal and not args.yes:
        question = f"Remove {what} from the OS keyring? ({copy_note})"
        if not wiring.prompter().confirm(question, default=False):
            print("mfa-login: the keyring item was left as it was", file=stderr)
            return 0
    if item == own_item:
        keyring.delete(profile)
    else:
        keyring.delete_legacy(profile)
    records = wiring.keyring_records()
    records.forget_moved(keyring.credentials_file, profile)
    if key is not None:
        # No later run can read it from the keyring now: the backup goes back to its daily turn.
        records.release_backup(keyring.credentials_file, key.access_key_id)
    print(
        visible(
            f"mfa-login: removed {what} from the OS keyring ({keyring.backend_name}, service "
            f"{SERVICE}, item {item}); {copy_note}"
        ),
        file=stderr,
    )
    return 0
