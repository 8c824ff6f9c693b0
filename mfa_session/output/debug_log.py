"""--debug: each step of a command explained on stderr, never a secret."""

from __future__ import annotations

import logging
from typing import TextIO

from mfa_session.visible import visible

LOGGER = "mfa_session"


class _Shown(logging.Formatter):
    """Debug lines name profiles, sections and devices: shown, not acted on."""

    def format(self, record: logging.LogRecord) -> str:
        return visible(super().format(record))


def debug_to(stderr: TextIO) -> None:
    """Send the package's debug lines to `stderr`, prefixed "mfa-login: debug:"."""
    handler = logging.StreamHandler(stderr)
    handler.setFormatter(_Shown("mfa-login: debug: %(message)s"))
    log = logging.getLogger(LOGGER)
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    # botocore's own debug output prints request and response bodies, secrets included.
    logging.getLogger("botocore").setLevel(logging.WARNING)
