"""AssumeRole with a session's credentials: the role's credentials, written like a session.

boto3 is imported on first use only, like in aws.py.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from mfa_session.aws import CONNECT_TIMEOUT, READ_TIMEOUT
from mfa_session.errors import AwsRefused, NetworkTimeout, NetworkUnreachable
from mfa_session.models import SessionCredentials

ROLE_DURATION = 3600
_NAME_CHARS = re.compile(r"[^\w+=,.@-]")


def default_session_name(profile: str) -> str:
    """RoleSessionName allows [\\w+=,.@-], 2 to 64 characters; CloudTrail shows it."""
    return _NAME_CHARS.sub("-", f"mfa-login-{profile}")[:64]


def assume_role(
    session: SessionCredentials,
    region: str,
    role_arn: str,
    session_name: str,
    duration: int = ROLE_DURATION,
) -> SessionCredentials:
    import botocore.config
    import botocore.session
    from botocore.exceptions import (
        ClientError,
        ConnectTimeoutError,
        EndpointConnectionError,
        ReadTimeoutError,
    )

    botocore_session = botocore.session.Session()
    botocore_session.set_config_variable("profile", None)
    client: Any = botocore_session.create_client(
        "sts",
        region_name=region,
        aws_access_key_id=session.access_key_id,
        aws_secret_access_key=session.secret_access_key,
        aws_session_token=session.session_token,
        config=botocore.config.Config(
            connect_timeout=CONNECT_TIMEOUT,
            read_timeout=READ_TIMEOUT,
            retries={"total_max_attempts": 1},
        ),
    )
    try:
        answer = client.assume_role(
            RoleArn=role_arn, RoleSessionName=session_name, DurationSeconds=duration
        )
    except ClientError as err:
        details = err.response.get("Error", {})
        raise AwsRefused(
            operation=f"AssumeRole of {role_arn}",
            code=details.get("Code", "Unknown"),
            message=details.get("Message", ""),
        ) from err
    except (ConnectTimeoutError, ReadTimeoutError) as err:
        raise NetworkTimeout(endpoint=err.kwargs.get("endpoint_url", "AWS")) from err
    except EndpointConnectionError as err:
        raise NetworkUnreachable(endpoint=err.kwargs.get("endpoint_url", "AWS")) from err
    creds = answer["Credentials"]
    expiration: datetime = creds["Expiration"]
    return SessionCredentials(
        access_key_id=creds["AccessKeyId"],
        secret_access_key=creds["SecretAccessKey"],
        session_token=creds["SessionToken"],
        expiration=expiration.astimezone(timezone.utc),
    )
