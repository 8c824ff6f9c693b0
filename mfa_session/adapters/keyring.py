"""Long-term keys kept outside the credentials file: the OS keyring, one item per profile of
each credentials file.

The item of profile NAME kept for the credentials file at PATH: service `mfa-session`,
username `NAME@PATH` (PATH the file's real path; `%` and `@` in NAME written `%25` and
`%40`, so the first `@` always ends the name), and as its secret a JSON object
`{"aws_access_key_id": "AKIA...", "aws_secret_access_key": "..."}`. With a Secret Service
(gnome-keyring, KeePassXC) it shows as `secret-tool search service mfa-session`. Two
projects (two AWS_SHARED_CREDENTIALS_FILE) with the same profile name never share an item.

Earlier versions named the item `NAME` alone; `load_legacy` and `delete_legacy` reach those,
so the login can move one to its new name (see `KeyringFirst`).

No item holding another key is ever overwritten unless the caller names that key
(`store(..., replacing=...)`, after asking), and a stored item counts as kept only once a
second process has read it back (the `second_reader`: keyring_probe's, given by the
composition root): a session-only collection or an unsaved KeePassXC database reads back
fine in the process that wrote it.

keyring is imported inside the methods: the still-valid path, `status` and `--help` never
load it. Every way a keyring fails becomes one `KeyringUnusable` error that names the backend
and says what to do; the cause stays chained.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from mfa_session.errors import (
    KeyringFailed,
    KeyringForgets,
    KeyringHoldsOtherKey,
    KeyringItemDamaged,
    KeyringLocked,
    KeyringLostItem,
    KeyringOutOfReach,
    KeyringPlaintext,
    KeyringSetting,
    KeyringUnusable,
    NoKeyring,
)
from mfa_session.interfaces import KeyRecords
from mfa_session.models import KeySource, LongTermKey
from mfa_session.rules.files import credentials_identity, credentials_path
from mfa_session.rules.sections import LONG_TERM_PREFIX

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SERVICE = "mfa-session"
"""The keyring service name of every item mfa-login writes."""

BACKEND_VARIABLE = "PYTHON_KEYRING_BACKEND"

log = logging.getLogger("mfa_session")

SecondReader = Callable[[Mapping[str, str], str, str], "str | None"]
"""(environ, username, expected secret) -> None when another process read it back, else
what went wrong, in words."""


def item_name(profile: str, credentials_file: str) -> str:
    """The keyring username of `profile`'s key kept for `credentials_file` (a real path)."""
    escaped = profile.replace("%", "%25").replace("@", "%40")
    return f"{escaped}@{credentials_file}"


class FileOnly:
    """The layout without a keyring: every key is read from the credentials file."""

    def load(self, profile: str) -> LongTermKey | None:  # noqa: ARG002 - nothing is kept here
        return None


class KeyringVault:
    """The OS keyring as chosen by the `keyring` library, checked before every write."""

    def __init__(
        self,
        environ: Mapping[str, str],
        *,
        second_reader: SecondReader,
    ) -> None:
        self._environ = environ
        self._second_reader = second_reader
        self._backend: KeyringBackend | None = None
        self.credentials_file = credentials_identity(credentials_path(environ))
        """The credentials file the items belong to, as `credentials_identity` names it."""

    @property
    def backend_name(self) -> str:
        return _qualified_name(self._resolve())

    def item(self, profile: str) -> str:
        return item_name(profile, self.credentials_file)

    def load(self, profile: str) -> LongTermKey | None:
        return self._load_item(profile, self.item(profile))

    def load_legacy(self, profile: str) -> LongTermKey | None:
        """The item an earlier version wrote for `profile`, whatever file it came from."""
        return self._load_item(profile, profile)

    def lookup(
        self, profile: str, file_has_key: Callable[[str], bool]
    ) -> tuple[LongTermKey | None, bool]:
        """Where a login finds `profile`'s key, read only: this file's item, else the item of
        the old name when the file holds no key for the profile (with a key in the file, the
        old item may well be another file's). The key, and whether it is the old name's."""
        key = self.load(profile)
        if key is not None or file_has_key(profile):
            return key, False
        old = self.load_legacy(profile)
        return old, old is not None

    def check_storable(self) -> None:
        """A backend `store` would refuse for what it is (one that keeps secrets in a plain
        file), said before setup asks AWS anything; a missing, locked or failing one is
        said by the first read."""
        backend = self._resolve()
        if _is_plaintext(backend):
            raise KeyringPlaintext(backend=_qualified_name(backend))

    def store(self, profile: str, key: LongTermKey, *, replacing: str | None = None) -> None:
        """Write the item, then read it back here and from another process.

        An item that holds another key is replaced only when `replacing` names that key (the
        person was asked); otherwise `KeyringHoldsOtherKey`, and nothing is written.
        """
        self.check_storable()
        backend = self._resolve()
        item = self.item(profile)
        held = self._load_item(profile, item)
        if held is not None and held.access_key_id not in (key.access_key_id, replacing):
            raise KeyringHoldsOtherKey(
                profile=profile, item=item, held=held.access_key_id, new=key.access_key_id
            )
        payload = _encode(key)
        self._call(lambda b: b.set_password(SERVICE, item, payload))
        found = self._call(lambda b: b.get_password(SERVICE, item))
        if found != payload:
            outcome = "found nothing" if found is None else "found something else"
            raise KeyringForgets(
                backend=_qualified_name(backend), outcome=f"reading it back {outcome}"
            )
        # A session-only collection passes the read-back above and is empty for the next run.
        elsewhere = self._second_reader(self._environ, item, payload)
        if elsewhere is not None:
            raise KeyringForgets(backend=_qualified_name(backend), outcome=elsewhere)

    def delete(self, profile: str) -> bool:
        """Remove the item; False when there was none."""
        return self._delete_item(self.item(profile))

    def delete_legacy(self, profile: str) -> bool:
        return self._delete_item(profile)

    def _load_item(self, profile: str, item: str) -> LongTermKey | None:
        text = self._call(lambda backend: backend.get_password(SERVICE, item))
        if text is None:
            return None
        return _decode(profile, item, text)

    def _delete_item(self, item: str) -> bool:
        if self._call(lambda backend: backend.get_password(SERVICE, item)) is None:
            return False
        self._call(lambda backend: backend.delete_password(SERVICE, item))
        return True

    def read_raw(self, item: str) -> str | None:
        """The item's secret as stored, for the second process's check (keyring_probe)."""
        return self._call(lambda backend: backend.get_password(SERVICE, item))

    def _resolve(self) -> KeyringBackend:
        if self._backend is None:
            self._backend = _pick_backend(self._environ)
        return self._backend

    def _call(self, action: Callable[[KeyringBackend], str | None]) -> str | None:
        backend = self._resolve()
        from keyring.errors import KeyringLocked as Locked
        from keyring.errors import NoKeyringError, PasswordDeleteError

        name = _qualified_name(backend)
        try:
            return action(backend)
        except NoKeyringError as err:
            raise NoKeyring(backend=name) from err
        except Locked as err:
            raise KeyringLocked(backend=name) from err
        except PasswordDeleteError:
            return None  # gone already: what `delete` wanted
        except Exception as err:  # backends raise D-Bus, OS and their own errors
            raise KeyringFailed(backend=name, reason=_reason(err)) from err


class KeyringReader:
    """The keyring as `doctor` reads it: where the login looks (`KeyringVault.lookup`, the
    item of the old name included), nothing stored, renamed or removed; a profile that keeps
    its key in the file (--no-keyring, remembered) is not looked up."""

    def __init__(
        self,
        keyring: KeyringVault,
        keeps_file: Callable[[str], bool],
        file_has_key: Callable[[str], bool],
    ) -> None:
        self._keyring = keyring
        self._keeps_file = keeps_file
        self._file_has_key = file_has_key

    def load(self, profile: str) -> LongTermKey | None:
        if self._keeps_file(profile):
            return None
        return self._keyring.lookup(profile, self._file_has_key)[0]


class KeyringFirst:
    """The login's vault: the keyring, or the file layout when the keyring cannot be used.

    A keyring failure stops the login only when the file has no key to go on with; otherwise
    `warn` is told, and the login reads the credentials file as before. No keyring at all
    is not a failure, unless the state file says this profile's key went into the keyring:
    then the login says the keyring cannot be reached (rather than "put the key in the
    file"). `found(key)` hears of every key read from the keyring.

    An item of the old name (the profile alone) is used when this file's own item is
    missing and the file holds no key for the profile (with a key in the file, the old item
    may well be another file's): it is copied to this file's name, checked, and the old one
    removed.
    """

    def __init__(
        self,
        keyring: KeyringVault,
        file_has_key: Callable[[str], bool],
        warn: Callable[[KeyringUnusable], None],
        *,
        records: KeyRecords,
        found: Callable[[LongTermKey], None] = lambda _key: None,
    ) -> None:
        self.keyring = keyring
        self._file_has_key = file_has_key
        self._warn = warn
        self._records = records
        self._found = found
        self.problem: KeyringUnusable | None = None
        self.found_in_keyring = False

    def load(self, profile: str) -> LongTermKey | None:
        credentials = self.keyring.credentials_file
        try:
            key, legacy = self.keyring.lookup(profile, self._file_has_key)
            if key is not None and legacy:
                key = self._adopt_legacy(profile, key)
        except NoKeyring as problem:
            log.debug("keyring: %s", problem)
            self.problem = problem
            if self._file_has_key(profile):
                self._warn(problem)
                return None
            moved = self._records.moved_key(credentials, profile)
            if moved is not None:
                raise KeyringOutOfReach(
                    profile=profile,
                    key_id=moved,
                    backend=problem.fields["backend"],
                    uid=os.getuid(),
                ) from problem
            # This machine never had a keyring for it: "no long-term key" (from the flow)
            # is the useful answer when the file has none either.
            return None
        except KeyringUnusable as problem:
            log.debug("keyring: %s", problem)
            if not self._file_has_key(profile):
                raise
            self.problem = problem
            self._warn(problem)
            return None
        if key is None:
            moved = self._records.moved_key(credentials, profile)
            if moved is not None and not self._file_has_key(profile):
                raise KeyringLostItem(
                    profile=profile,
                    key_id=moved,
                    backend=self.keyring.backend_name,
                    item=self.keyring.item(profile),
                    way_back=self._way_back(profile, moved),
                )
            return None
        self.found_in_keyring = True
        self._found(key)
        return key

    def _way_back(self, profile: str, key_id: str) -> str:
        from mfa_session.store.files import BACKUP_SUFFIX

        again = f"mfa-login setup --profile {profile}"
        if key_id in self._records.backup_keeps(self.keyring.credentials_file):
            backup = self.keyring.credentials_file + BACKUP_SUFFIX
            return (
                f"its last plaintext copy is in {backup}: copy that key's two lines from it "
                f"back into the credentials file, then run {again}"
            )
        return f"run {again} with that key, or with a new one from IAM"

    def _adopt_legacy(self, profile: str, old: LongTermKey) -> LongTermKey:
        """Copy the old name's item to this file's name, check it, remove the old one."""
        try:
            self.keyring.store(profile, old)
        except KeyringUnusable as problem:
            # The old item still holds it: this login goes on, the next one tries again.
            log.debug("keyring: item %s not renamed: %s", profile, problem)
            return old
        self._records.record_moved(self.keyring.credentials_file, profile, old.access_key_id)
        self.keyring.delete_legacy(profile)
        log.debug("keyring: item %s renamed to %s", profile, self.keyring.item(profile))
        return old


def _pick_backend(environ: Mapping[str, str]) -> KeyringBackend:
    skip_macos_bindings()
    if environ.get(BACKEND_VARIABLE) is None:
        skip_secret_service_without_a_bus(environ)
    import keyring
    from keyring.backends import chainer

    chosen = environ.get(BACKEND_VARIABLE)
    if chosen is not None:
        backend = _named_backend(chosen)
    else:
        try:
            backend = keyring.get_keyring()
        except Exception as err:  # a keyringrc.cfg can name anything
            raise KeyringFailed(backend="chosen by keyringrc.cfg", reason=_reason(err)) from err
    if isinstance(backend, chainer.ChainerBackend):
        # The chainer writes into the first member that does not raise: a locked Secret
        # Service would send the key on to the next one, a plain file perhaps, unannounced.
        # Only its first choice is used, so a failure is seen and said.
        members = chainer.ChainerBackend.backends
        if members:
            backend = members[0]
    return backend


def skip_macos_bindings() -> None:
    """Off macOS, mark keyring's macOS ctypes bindings as absent before keyring loads.

    keyring imports every backend to ask its priority. The macOS one imports its bindings
    first, which off macOS runs `ctypes.util.find_library` three times (ldconfig, gcc and ld
    subprocesses: 60-70 ms, more than a third of keyring's start) only to fail; the backend
    catches that failure, and its priority says "macOS required" before it looks at them.
    An absent module fails the same import at once, so every backend's answer is unchanged.
    """
    if sys.platform != "darwin":
        # None in sys.modules is Python's own mark for "cannot be imported".
        sys.modules.setdefault("keyring.backends.macOS.api", None)  # type: ignore[arg-type]


def skip_secret_service_without_a_bus(environ: Mapping[str, str]) -> None:
    """Without a D-Bus session, mark SecretStorage as absent before keyring loads.

    keyring imports every backend to ask its priority; the Secret Service one imports
    SecretStorage, which imports `cryptography` (8 MB, the largest part of a login's peak
    memory) only to find no bus: jeepney reads the bus only from DBUS_SESSION_BUS_ADDRESS,
    so without it that backend can never be chosen. keyring then picks what it would
    have picked. Left alone when a backend is named (PYTHON_KEYRING_BACKEND, or a
    keyringrc.cfg), so a named backend's own failure is what is said.
    """
    if environ.get("DBUS_SESSION_BUS_ADDRESS", "").strip():
        return
    from keyring.util import platform_

    if os.path.exists(os.path.join(platform_.config_root(), "keyringrc.cfg")):
        return
    sys.modules.setdefault("secretstorage", None)  # type: ignore[arg-type]


def _named_backend(chosen: str) -> KeyringBackend:
    from keyring.backend import KeyringBackend

    shown = repr(chosen)
    module_name, _, class_name = chosen.strip().rpartition(".")
    if not chosen.strip():
        raise KeyringSetting(value=shown, reason="it is empty")
    if not module_name:
        raise KeyringSetting(value=shown, reason="expected module.Class")
    try:
        found = getattr(importlib.import_module(module_name), class_name)
    except ImportError as err:
        # The module named in the variable itself, or one it imports: a name, no data.
        missing = f": No module named {err.name!r}" if err.name else ""
        raise KeyringSetting(value=shown, reason=f"{type(err).__name__}{missing}") from err
    except AttributeError as err:
        reason = f"{module_name} has no {class_name}"
        raise KeyringSetting(value=shown, reason=reason) from err
    except ValueError as err:
        raise KeyringSetting(value=shown, reason=_reason(err)) from err
    if not (isinstance(found, type) and issubclass(found, KeyringBackend)):
        raise KeyringSetting(value=shown, reason="not a keyring backend class")
    try:
        # keyring asks a backend's priority to learn whether it can work here at all.
        _ = found.priority
        return found()
    except Exception as err:  # each backend fails in its own way here
        raise KeyringFailed(backend=chosen.strip(), reason=_reason(err)) from err


def _is_plaintext(backend: KeyringBackend) -> bool:
    # keyrings.alt's PlaintextKeyring (file and pyfs) keeps secrets base64-encoded in a file,
    # and keyring picks it silently whenever keyrings.alt is installed.
    return "plaintext" in type(backend).__name__.lower()


def _qualified_name(backend: KeyringBackend) -> str:
    kind = type(backend)
    return f"{kind.__module__}.{kind.__qualname__}"


_DBUS_ERROR_NAME = re.compile(r"org\.freedesktop\.[A-Za-z0-9_.]+")


def _reason(err: BaseException) -> str:
    """An exception named by its class, and a D-Bus error name when it carries one
    (`org.freedesktop.DBus.Error.ServiceUnknown` says what went wrong and holds no data).

    Never its text: a backend's message can quote the item it was handed, and a key
    payload can reach a message in pieces or escaped, past any blanking of the exact one."""
    name = getattr(err, "name", None)
    candidates = [name] if isinstance(name, str) else []
    candidates.append(str(err).strip())
    for text in candidates:
        if _DBUS_ERROR_NAME.fullmatch(text):
            return f"{type(err).__name__}: {text}"
    return type(err).__name__


def _encode(key: LongTermKey) -> str:
    return json.dumps(
        {"aws_access_key_id": key.access_key_id, "aws_secret_access_key": key.secret_access_key}
    )


def _decode(profile: str, item: str, text: str) -> LongTermKey:
    try:
        values = json.loads(text)
        key_id = values["aws_access_key_id"]
        secret = values["aws_secret_access_key"]
    except (ValueError, TypeError, KeyError) as err:
        raise KeyringItemDamaged(profile=profile, item=item, service=SERVICE) from err
    valid = isinstance(key_id, str) and isinstance(secret, str) and bool(secret)
    if not valid or not key_id.startswith(LONG_TERM_PREFIX):
        raise KeyringItemDamaged(profile=profile, item=item, service=SERVICE)
    return LongTermKey(key_id, secret, KeySource.KEYRING, profile)
