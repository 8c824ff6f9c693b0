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

import configparser
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mfa_session.errors import DanglingLink, UnreadableFile
from mfa_session.models import LONG_TERM_PREFIX

Sections = dict[str, dict[str, str]]

LONG_TERM_SUFFIX = "-long-term"
"""aws-mfa's layout: the key of profile NAME lives in [NAME-long-term]."""


@dataclass(frozen=True)
class AwsFiles:
    credentials: Path
    config: Path

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> AwsFiles:
        """The same variables and defaults botocore uses."""
        return cls(
            credentials=_expand(environ.get("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials")),
            config=_expand(environ.get("AWS_CONFIG_FILE", "~/.aws/config")),
        )


def _expand(path: str) -> Path:
    return Path(os.path.expanduser(os.path.expandvars(path)))


def read_ini(path: Path) -> Sections:
    """Every section of an INI file as plain strings; a missing file reads as empty."""
    parser = configparser.RawConfigParser()
    try:
        with path.open(encoding="utf-8") as handle:
            parser.read_file(handle)
    except FileNotFoundError:
        return {}
    except (configparser.Error, UnicodeDecodeError, OSError) as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise UnreadableFile(path=path, reason=reason) from err
    return {name: dict(parser.items(name)) for name in parser.sections()}


def read_credentials(files: AwsFiles) -> Sections:
    path = files.credentials
    if path.is_symlink() and not path.exists():
        # Not "no such file": the login would write nowhere, so say what is wrong.
        raise DanglingLink(path=path, target=os.readlink(path))
    return read_ini(path)


def read_config_profiles(files: AwsFiles) -> Sections:
    """Config sections keyed by profile name: "[profile admin]" is "admin"."""
    profiles: Sections = {}
    for section, values in read_ini(files.config).items():
        if section == "default":
            profiles.setdefault("default", values)
        elif section.startswith("profile "):
            # botocore lets "[profile default]" win over "[default]".
            profiles[section[len("profile ") :].strip()] = values
    return profiles


def holds_long_term_key(section: Mapping[str, str]) -> bool:
    return section.get("aws_access_key_id", "").strip().startswith(LONG_TERM_PREFIX)


def loginable_profiles(credentials: Sections, config: Sections) -> list[str]:
    """Profiles a login can start from: a long-term key in the file, or an MFA device set."""
    names: set[str] = set()
    for section, values in credentials.items():
        if section.endswith(LONG_TERM_SUFFIX):
            names.add(section[: -len(LONG_TERM_SUFFIX)])
        elif holds_long_term_key(values):
            names.add(section)
    names.update(name for name, values in config.items() if values.get("mfa_serial"))
    return sorted(names)
