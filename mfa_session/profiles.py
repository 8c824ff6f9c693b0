"""Pure reading of the AWS credentials and config files into plain data.

Both files are read with `configparser.RawConfigParser`, the parser botocore's own loader
uses, so a value reads here exactly as every AWS SDK reads it, without importing botocore
on the paths that must stay fast. A worked example:

    ~/.aws/credentials                      ~/.aws/config
    [admin-long-term]                       [profile admin]
    aws_access_key_id = AKIA...             mfa_serial = arn:aws:iam::123456789012:mfa/me
    aws_secret_access_key = ...             region = eu-west-1
    [admin]                                 duration_seconds = 28800
    aws_access_key_id = ASIA...
    aws_session_token = ...
    expiration = 2026-11-28T10:00:00Z

    read_credentials(...) == {"admin-long-term": {...}, "admin": {...}}
    read_config_profiles(...) == {"admin": {"mfa_serial": "arn:...", "region": "eu-west-1",
                                            "duration_seconds": "28800"}}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# The reading itself lives in `inifiles` (standard library only) so that the still-valid
# shortcut can use it without this module's imports; these names stay importable from here.
from mfa_session.rules.files import (
    LONG_TERM_SUFFIX,
    Sections,
    config_path,
    config_profiles,
    credentials_path,
    holds_long_term_key,
    loginable_profiles,
    read_config_file,
    read_credentials_file,
    read_ini,
)

__all__ = [
    "LONG_TERM_SUFFIX",
    "AwsFiles",
    "Sections",
    "holds_long_term_key",
    "loginable_profiles",
    "read_config_profiles",
    "read_credentials",
    "read_ini",
]


@dataclass(frozen=True)
class AwsFiles:
    credentials: Path
    config: Path

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> AwsFiles:
        """The same variables and defaults botocore uses."""
        return cls(credentials=Path(credentials_path(environ)), config=Path(config_path(environ)))


def read_credentials(files: AwsFiles) -> Sections:
    return read_credentials_file(files.credentials)


def read_config_profiles(files: AwsFiles) -> Sections:
    """Config sections keyed by profile name: "[profile admin]" is "admin"."""
    return config_profiles(read_config_file(files.config))
