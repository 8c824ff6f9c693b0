"""Long-term keys kept outside the credentials file.

`FileOnly` is the layout without a keyring: every key is read from the credentials file.
"""

from __future__ import annotations

from mfa_session.models import LongTermKey


class FileOnly:
    def load(self, profile: str) -> LongTermKey | None:  # noqa: ARG002 - nothing is kept here
        return None
