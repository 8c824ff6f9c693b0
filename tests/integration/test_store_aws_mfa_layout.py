"""Regression: a section aws-mfa wrote carries aws_security_token, which botocore reads first."""

from __future__ import annotations

from datetime import datetime, timezone

import boto3

from mfa_session.models import SessionCredentials
from mfa_session.store.credentials import CredentialsStore
from tests.conftest import Home


def test_session_over_an_aws_mfa_section_refreshes_the_old_token_name_too(home: Home) -> None:
    home.credentials.write_text(
        "[admin-long-term]\naws_access_key_id = AKIAEXAMPLEEXAMPLE01\n"
        "aws_secret_access_key = long-term\naws_mfa_device = arn:aws:iam::1:mfa/me\n\n"
        "[admin]\nassumed_role = False\naws_access_key_id = ASIAOLDOLDOLDOLDOLD1\n"
        "aws_secret_access_key = old-secret\naws_session_token = old-token\n"
        "aws_security_token = old-token\nexpiration = 2026-01-01 00:00:00\n",
        encoding="utf-8",
    )
    home.credentials.chmod(0o600)
    session = SessionCredentials(
        "ASIANEWNEWNEWNEWNEW1",
        "new-secret",
        "new-token",
        datetime(2030, 1, 1, tzinfo=timezone.utc),
    )

    CredentialsStore(home.credentials).write_session("admin", session)

    credentials = boto3.Session(profile_name="admin").get_credentials()
    assert credentials is not None
    assert credentials.access_key == "ASIANEWNEWNEWNEWNEW1"
    assert credentials.token == "new-token"
    assert "old-token" not in home.credentials.read_text(encoding="utf-8")
