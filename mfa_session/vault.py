"""Long-term keys kept outside the credentials file: the OS keyring, one item per profile.

The item of profile NAME: service `mfa-session`, username `NAME`, and as its secret a JSON
object `{"aws_access_key_id": "AKIA...", "aws_secret_access_key": "..."}`. With a Secret
Service (gnome-keyring, KeePassXC) it shows as `secret-tool search service mfa-session`.

keyring is imported inside the methods: the still-valid path, `status` and `--help` never
load it. Every way a keyring fails becomes one `KeyringUnusable` error that names the backend
and says what to do; the cause stays chained.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from mfa_session.errors import (
    KeyringFailed,
    KeyringForgets,
    KeyringItemDamaged,
    KeyringLocked,
    KeyringPlaintext,
    KeyringSetting,
    KeyringUnusable,
    NoKeyring,
)
from mfa_session.models import LONG_TERM_PREFIX, KeySource, LongTermKey

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SERVICE = "mfa-session"
"""The keyring service name of every item mfa-login writes."""

BACKEND_VARIABLE = "PYTHON_KEYRING_BACKEND"


class FileOnly:
    """The layout without a keyring: every key is read from the credentials file."""

    def load(self, profile: str) -> LongTermKey | None:  # noqa: ARG002 - nothing is kept here
        return None


class KeyringVault:
    """The OS keyring as chosen by the `keyring` library, checked before every write."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ
        self._backend: KeyringBackend | None = None

    @property
    def backend_name(self) -> str:
        return _qualified_name(self._resolve())

    def load(self, profile: str) -> LongTermKey | None:
        text = self._call(lambda backend: backend.get_password(SERVICE, profile))
        if text is None:
            return None
        return _decode(profile, text)

    def store(self, profile: str, key: LongTermKey) -> None:
        """Write the item, then read it back: a backend that keeps nothing is found here."""
        backend = self._resolve()
        if _is_plaintext(backend):
            raise KeyringPlaintext(backend=_qualified_name(backend))
        payload = _encode(key)
        self._call(lambda b: b.set_password(SERVICE, profile, payload))
        found = self._call(lambda b: b.get_password(SERVICE, profile))
        if found != payload:
            outcome = "found nothing" if found is None else "found something else"
            raise KeyringForgets(backend=_qualified_name(backend), outcome=outcome)

    def delete(self, profile: str) -> bool:
        """Remove the item; False when there was none."""
        if self.load(profile) is None:
            return False
        self._call(lambda backend: backend.delete_password(SERVICE, profile))
        return True

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


class KeyringFirst:
    """The login's vault: the keyring, or the file layout when the keyring cannot be used.

    A keyring failure stops the login only when the file has no key to go on with; otherwise
    `warn` is told, and the login reads the credentials file as before. No keyring at all
    is not a failure: the flow then says that the profile has no long-term key.
    """

    def __init__(
        self,
        keyring: KeyringVault,
        file_has_key: Callable[[str], bool],
        warn: Callable[[KeyringUnusable], None],
    ) -> None:
        self.keyring = keyring
        self._file_has_key = file_has_key
        self._warn = warn
        self.problem: KeyringUnusable | None = None
        self.found_in_keyring = False

    def load(self, profile: str) -> LongTermKey | None:
        try:
            key = self.keyring.load(profile)
        except NoKeyring as problem:
            # No backend at all: this machine never had a keyring, so "no long-term key"
            # (from the flow) is the useful answer when the file has none either.
            self.problem = problem
            if self._file_has_key(profile):
                self._warn(problem)
            return None
        except KeyringUnusable as problem:
            if not self._file_has_key(profile):
                raise
            self.problem = problem
            self._warn(problem)
            return None
        self.found_in_keyring = key is not None
        return key


def _pick_backend(environ: Mapping[str, str]) -> KeyringBackend:
    skip_macos_bindings()
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


def _decode(profile: str, text: str) -> LongTermKey:
    try:
        values = json.loads(text)
        key_id = values["aws_access_key_id"]
        secret = values["aws_secret_access_key"]
    except (ValueError, TypeError, KeyError) as err:
        raise KeyringItemDamaged(profile=profile, service=SERVICE) from err
    valid = isinstance(key_id, str) and isinstance(secret, str) and bool(secret)
    if not valid or not key_id.startswith(LONG_TERM_PREFIX):
        raise KeyringItemDamaged(profile=profile, service=SERVICE)
    return LongTermKey(key_id, secret, KeySource.KEYRING, profile)
