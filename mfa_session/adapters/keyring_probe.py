"""Does the keyring keep an item beyond this process? Ask a second process to read it.

A Secret Service session collection, an unsaved KeePassXC database or an in-memory backend
reads an item back in the process that wrote it and has forgotten it by the next run. So
before the plaintext copy of a key is removed, a child Python reads the item through the same
backend choice and answers with a digest of what it found, salted with a random nonce: the
secret never travels on a command line, in the environment or in the answer.

The child is `sys.executable` with this process's own import path (never the current
folder unless this process had it on its path), the environment it was given, and the
request on its standard input.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import subprocess
import sys
from collections.abc import Mapping

ANSWER_TIMEOUT = 30.0
"""Seconds the second process may take (a Secret Service may need to start)."""

_CHILD = (
    "import sys\n"
    "sys.path[:] = sys.argv[1:]\n"
    "from mfa_session.adapters.keyring_probe import answer\n"
    "sys.exit(answer())\n"
)


def read_in_another_process(environ: Mapping[str, str], item: str, expected: str) -> str | None:
    """None when a second process reads `expected` from `item`; else what it found, in words."""
    nonce = secrets.token_hex(16)
    request = json.dumps({"item": item, "nonce": nonce})
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and program, no shell
            [sys.executable, "-c", _CHILD, *sys.path],
            input=request + "\n",
            capture_output=True,
            text=True,
            env=dict(environ),
            timeout=ANSWER_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"a second process reading it gave no answer in {ANSWER_TIMEOUT:.0f}s"
    except OSError as err:
        return f"a second process could not be started ({err.strerror or type(err).__name__})"
    try:
        reply = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return f"a second process reading it failed (exit status {done.returncode})"
    if not isinstance(reply, dict):
        return f"a second process reading it failed (exit status {done.returncode})"
    problem, digest = reply.get("problem"), reply.get("digest")
    if isinstance(problem, str):
        return f"a second process reading it found {problem}"
    if digest is None:
        return "a second process reading it found nothing"
    if not isinstance(digest, str) or not hmac.compare_digest(digest, _digest(nonce, expected)):
        return "a second process reading it found something else"
    return None


def answer() -> int:
    """The second process: read the item named on stdin, print its salted digest as JSON."""
    from mfa_session.adapters.keyring import KeyringVault
    from mfa_session.errors import KeyringLocked, MfaSessionError, NoKeyring

    request = json.loads(sys.stdin.readline())
    reply: dict[str, str | None]
    try:
        keyring = KeyringVault(os.environ, second_reader=read_in_another_process)
        text = keyring.read_raw(str(request["item"]))
    except NoKeyring:
        reply = {"problem": "no keyring backend"}
    except KeyringLocked:
        reply = {"problem": "the keyring locked"}
    except MfaSessionError as problem:  # a failing backend, or a setting the child cannot load
        reply = {"problem": f"an error ({type(problem).__name__})"}
    else:
        reply = {"digest": None if text is None else _digest(str(request["nonce"]), text)}
    print(json.dumps(reply))
    return 0


def _digest(nonce: str, text: str) -> str:
    return hashlib.sha256(f"{nonce}\n{text}".encode()).hexdigest()
