"""Moving a long-term key from the credentials file into the OS keyring without losing it.

The order is the safety: store the item, read it back here and from a second process, and
only when both match remove the plaintext lines from the file (locked, verified, atomic,
like every edit of that file). Any failure before the removal leaves the file exactly as it
was. The backup beside the file keeps the last plaintext copy until a later run has read the
key from the keyring (`BackupRelease`); the state file records both facts (KeyringRecords).
"""

from __future__ import annotations

import logging

from mfa_session.adapters.keyring import SERVICE, KeyringFirst
from mfa_session.adapters.state_file import KeyringRecords, LayoutMemory
from mfa_session.errors import MfaSessionError
from mfa_session.interfaces import BackupEditor, Confirm, KeyKeeper, PlaintextRemover
from mfa_session.journal import JOURNAL, WriteJournal
from mfa_session.models import KeySource, LongTermKey
from mfa_session.rules.files import AwsSnapshot
from mfa_session.rules.sections import key_section
from mfa_session.store.files import BACKUP_SUFFIX
from mfa_session.usecases.login import key_in_file

log = logging.getLogger("mfa_session")


def move_into_keyring(
    profile: str,
    key: LongTermKey,
    keyring: KeyKeeper,
    store: PlaintextRemover,
    records: KeyringRecords,
    *,
    replacing: str | None = None,
    journal: WriteJournal = JOURNAL,
) -> list[str]:
    """Store and check the item, then drop the file's copy; returns what was done, in words.

    `replacing` names the key an existing item holds that the person agreed to replace.
    Each write is in the journal: an interrupt afterwards says it happened.
    """
    with journal.writing(f"the long-term key of {profile}", "stored in the OS keyring"):
        keyring.store(profile, key, replacing=replacing)
    credentials = keyring.credentials_file
    records.record_moved(credentials, profile, key.access_key_id)
    if replacing is not None:
        # The person let the replaced key go: the backup need not keep it any longer.
        records.release_backup(credentials, replacing)
    done = [
        f"stored the long-term key {key.access_key_id} in the OS keyring "
        f"({keyring.backend_name}, service {SERVICE}, item {keyring.item(profile)}) and read "
        "it back, also from a second process"
    ]
    if key.source in (KeySource.LONG_TERM_SECTION, KeySource.PROFILE_SECTION):
        # Recorded first: the store keeps the backup from being replaced while it holds this.
        records.keep_in_backup(credentials, key.access_key_id)
        try:
            with journal.writing(
                f"the plaintext long-term key in [{key.section}]",
                "removed from the credentials file",
            ):
                report = store.remove_long_term(key)
        except BaseException:
            records.release_backup(credentials, key.access_key_id)
            raise
        done.append(
            f"removed the plaintext key from [{key.section}] of the credentials file "
            f"({credentials}{BACKUP_SUFFIX} keeps a copy until a later login has read the key "
            "from the keyring)"
        )
        done.extend(report.notices)
    return done


class BackupRelease:
    """Told of each key a login read from the keyring (always one an earlier run stored):
    the backup's plaintext copy of it, if the records say the backup keeps one, can go."""

    def __init__(self, records: KeyringRecords, store: BackupEditor, credentials: str) -> None:
        self._records = records
        self._store = store
        self._credentials = credentials

    def __call__(self, key: LongTermKey) -> None:
        if key.access_key_id not in self._records.backup_keeps(self._credentials):
            return
        try:
            gone = self._store.drop_from_backup(key)
        except MfaSessionError as problem:
            # The record stays, and the next login tries again; this one goes on.
            log.debug("the backup still holds %s: %s", key.access_key_id, problem)
            return
        if gone:
            self._records.release_backup(self._credentials, key.access_key_id)
            log.debug("removed the plaintext copy of %s from the backup", key.access_key_id)
        else:
            log.debug("the backup still holds %s outside its key lines", key.access_key_id)


def keyring_has_nothing_to_add(
    profile: str,
    files: AwsSnapshot,
    records: KeyringRecords,
    credentials: str,
    *,
    anyone_told: bool,
) -> bool:
    """True when a login need not ask the keyring at all: the credentials file holds the
    profile's long-term key, the state file records no move of this file's key for the
    profile into the keyring, and no one is told anything (no terminal, or --quiet).

    Every key mfa-login puts into the keyring is recorded (`move_into_keyring`, and the
    rename of an item of the old name), so without a record the keyring holds no key of this
    file's profile that the file lacks. What else a keyring could give such a login is
    for a person at a terminal only: the offer to move the key (`offer_move`) and the line
    saying the keyring is locked or failing. Off a terminal the login reads the file's key
    as it would after any keyring failure, and the keyring library is never loaded.
    """
    if anyone_told:
        return False
    if key_section(profile, files.credentials) is None:
        return False
    return records.moved_key(credentials, profile) is None


def offer_move(
    profile: str,
    *,
    files: AwsSnapshot,
    vault: KeyringFirst,
    store: PlaintextRemover,
    layout: LayoutMemory,
    records: KeyringRecords,
    confirm: Confirm,
) -> list[str]:
    """After a login from a plaintext key, on a terminal: move it into the keyring?

    Both answers are kept: yes moves the key, no remembers the file layout for the profile.
    A keyring that fails the move leaves the file as it was and is said, not fatal: the
    session is written already. Returns the lines to show.
    """
    if vault.problem is not None or vault.found_in_keyring:
        return []
    # The login has just written the file: read as it is now (where the key is now).
    key = key_in_file(profile, files.fresh())
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
        return move_into_keyring(profile, key, vault.keyring, store, records)
    except MfaSessionError as problem:  # the session is written already: said, not fatal
        log.debug("moving the key into the keyring failed: %s", problem)
        return [f"{problem}; the key stays in [{key.section}]"]
