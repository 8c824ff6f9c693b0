"""AssumeRole with a session's credentials: the role's credentials, written like a session.

boto3 is imported on first use only, like in aws.py, whose client settings and answers it
shares.
"""

from __future__ import annotations

import re
from typing import Any

from mfa_session.adapters.aws import build_client, session_from, translated
from mfa_session.adapters.client_settings import ClientSettings
from mfa_session.models import SessionCredentials

ROLE_DURATION = 3600
_NAME_CHARS = re.compile(r"[^\w+=,.@-]")


def default_session_name(profile: str) -> str:
    """RoleSessionName allows [\\w+=,.@-], 2 to 64 characters; CloudTrail shows it."""
    return _NAME_CHARS.sub("-", f"mfa-login-{profile}")[:64]


def assume_role(
    session: SessionCredentials,
    settings: ClientSettings,
    region: str,
    role_arn: str,
    session_name: str,
    duration: int = ROLE_DURATION,
) -> SessionCredentials:
    client: Any = build_client(
        "sts",
        region,
        settings,
        session.access_key_id,
        session.secret_access_key,
        session.session_token,
    )
    with translated(f"AssumeRole of {role_arn}", key=None, client=client):
        answer = client.assume_role(
            RoleArn=role_arn, RoleSessionName=session_name, DurationSeconds=duration
        )
        return session_from(answer)
