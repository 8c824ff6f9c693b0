"""Whose settings a botocore client takes: the profile being logged in, and no other.

botocore builds a client from the settings of one profile (endpoint_url and its `services`
section, region, retries, ca_bundle, proxies, use_fips_endpoint, sts_regional_endpoints, ...),
and left alone it picks that profile itself: AWS_DEFAULT_PROFILE, else AWS_PROFILE, else
[default]. A login must use the settings of the profile it logs in, exactly as
`aws --profile NAME` would, or the signed request (the MFA code in it) goes to wherever
another profile points.

A profile that botocore does not know yet (its key in the keyring or in [NAME-long-term],
no [NAME] in either file) gets no profile's settings at all, only the environment's: for it
botocore itself would stop with ProfileNotFound, and [default] belongs to another profile.

botocore is imported on first use only, like in aws.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mfa_session.models import AwsFiles

if TYPE_CHECKING:
    import botocore.session

_NO_PROFILE_FROM_THE_ENVIRONMENT = (None, None, None, None)
"""A session variable with no config key, no environment variable and no default: botocore's
`session_vars` form. For `profile` it stops botocore reading AWS_DEFAULT_PROFILE/AWS_PROFILE."""


@dataclass(frozen=True)
class ClientSettings:
    """The profile whose settings every client of one login takes, read from these files."""

    profile: str
    files: AwsFiles


def settings_session(settings: ClientSettings) -> botocore.session.Session:
    """A botocore session scoped to `settings.profile`, or to no profile when botocore does
    not know it; either way its profile never comes from the environment."""
    import botocore.session

    # A profile given to the session wins over AWS_DEFAULT_PROFILE and AWS_PROFILE.
    session = botocore.session.Session(profile=settings.profile)
    _read_from(session, str(settings.files.config), str(settings.files.credentials))
    if settings.profile in session.available_profiles:
        return session
    # Neither file has the profile: a session that reads no file (botocore treats a path
    # that is not a regular file as a missing file) and no profile name from the
    # environment, so its scoped settings are empty and only environment variables count.
    bare = botocore.session.Session(session_vars={"profile": _NO_PROFILE_FROM_THE_ENVIRONMENT})
    _read_from(bare, os.devnull, os.devnull)
    return bare


def _read_from(session: botocore.session.Session, config: str, credentials: str) -> None:
    # The same files the login reads, whatever botocore's own default would be.
    session.set_config_variable("config_file", config)
    session.set_config_variable("credentials_file", credentials)
