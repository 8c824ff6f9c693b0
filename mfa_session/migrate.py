"""Moving a long-term key from the credentials file into the OS keyring without losing it.

The order is the safety: store the item, read it back, and only when it matches remove the
plaintext lines from the file (locked, verified, atomic, like every edit of that file). Any
failure before the removal leaves the file exactly as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from mfa_session.errors import KeyringUnusable
from mfa_session.flow import file_names_key, key_in_file
from mfa_session.journal import JOURNAL, WriteJournal
from mfa_session.models import KeySource, LongTermKey
from mfa_session.profiles import AwsFiles
from mfa_session.state import LayoutMemory
from mfa_session.store import WriteReport
from mfa_session.vault import SERVICE, FileOnly, KeyringFirst, KeyringVault

log = logging.getLogger("mfa_session")


class KeyKeeper(Protocol):
    @property
    def backend_name(self) -> str: ...

    def store(self, profile: str, key: LongTermKey) -> None: ...


class PlaintextRemover(Protocol):
    def remove_long_term(self, section: str, access_key_id: str) -> WriteReport: ...


class Confirm(Protocol):
    def confirm(self, message: str, *, default: bool) -> bool: ...


def move_into_keyring(
    profile: str,
    key: LongTermKey,
    keyring: KeyKeeper,
    store: PlaintextRemover,
    journal: WriteJournal = JOURNAL,
) -> list[str]:
    """Store and check the item, then drop the file's copy; returns what was done, in words."""
    with journal.writing(f"the long-term key of {profile}", "stored in the OS keyring"):
        keyring.store(profile, key)
    done = [
        f"stored the long-term key {key.access_key_id} in the OS keyring "
        f"({keyring.backend_name}, service {SERVICE}, item {profile}) and read it back"
    ]
    if key.source in (KeySource.LONG_TERM_SECTION, KeySource.PROFILE_SECTION):
        with journal.writing(
            f"the plaintext long-term key in [{key.section}]", "removed from the credentials file"
        ):
            report = store.remove_long_term(key.section, key.access_key_id)
        done.append(f"removed the plaintext key from [{key.section}] of the credentials file")
        done.extend(report.notices)
    return done


def login_vault(
    profile: str,
    *,
    files: AwsFiles,
    layout: LayoutMemory,
    keyring: KeyringVault,
    no_keyring: bool,
    warn: Callable[[KeyringUnusable], None],
) -> FileOnly | KeyringFirst:
    """The vault a login asks: none when the profile keeps the file layout (--no-keyring)."""
    if no_keyring:
        layout.keep_file(profile)
    if layout.keeps_file(profile):
        return FileOnly()
    return KeyringFirst(keyring, lambda name: file_names_key(name, files), warn)


def offer_move(
    profile: str,
    *,
    files: AwsFiles,
    vault: KeyringFirst,
    store: PlaintextRemover,
    layout: LayoutMemory,
    confirm: Confirm,
) -> list[str]:
    """After a login from a plaintext key, on a terminal: move it into the keyring?

    Both answers are kept: yes moves the key, no remembers the file layout for the profile.
    A keyring that fails the move leaves the file as it was and is said, not fatal: the
    session is written already. Returns the lines to show.
    """
    if vault.problem is not None or vault.found_in_keyring:
        return []
    key = key_in_file(profile, files)
    if key is None:
        return []
    wanted = confirm.confirm(
        f"Move the long-term key {key.access_key_id} from [{key.section}] of the credentials "
        "file into the OS keyring? (No keeps it in the file and is remembered)",
        default=True,
    )
    if not wanted:
        layout.keep_file(profile)
        return [
            f"the long-term key stays in [{key.section}]; you will not be asked again "
            f"(mfa-login setup --profile {profile} moves it later)"
        ]
    try:
        return move_into_keyring(profile, key, vault.keyring, store)
    except KeyringUnusable as problem:
        log.debug("moving the key into the keyring failed: %s", problem)
        return [f"{problem}; the key stays in [{key.section}]"]
