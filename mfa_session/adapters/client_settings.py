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

When the login read the files and the profile is in the config file with nothing but keys
for it in the credentials file, botocore is given no credentials file: it would take nothing
from it for a client, and the login does not have it read a second time.

botocore is imported on first use only, like in aws.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mfa_session.models import AwsFiles

if TYPE_CHECKING:
    import botocore.session

    from mfa_session.rules.files import AwsSnapshot

_NO_PROFILE_FROM_THE_ENVIRONMENT = (None, None, None, None)
"""A session variable with no config key, no environment variable and no default: botocore's
`session_vars` form. For `profile` it stops botocore reading AWS_DEFAULT_PROFILE/AWS_PROFILE."""


_KEYS_ONLY = frozenset(
    {
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "aws_security_token",
        "expiration",
    }
)
"""What a login's own section holds when botocore needs nothing from it for a client: the
keys (the login passes its own) and mfa-login's expiration, which botocore ignores."""


@dataclass(frozen=True)
class ClientSettings:
    """The profile whose settings every client of one login takes, read from these files."""

    profile: str
    files: AwsFiles
    read: AwsSnapshot | None = field(default=None, compare=False, repr=False)
    """The files as the login read them; with it, botocore is spared a second read of the
    credentials file when that holds nothing but keys for the profile."""
    made: list[botocore.session.Session] = field(default_factory=list, compare=False, repr=False)
    """The botocore session of these settings once made: every client of one login (IAM,
    STS, the role's) comes from it, so botocore reads the config file once."""

    def credentials_for_botocore(self) -> str:
        """The credentials file botocore reads for the client's settings: the real one,
        unless what botocore would take from it for this profile is known to be nothing."""
        read = self.read
        if read is None or self.profile not in read.config:
            # botocore may know the profile from the credentials file alone.
            return str(self.files.credentials)
        if set(read.credentials.get(self.profile, {})) <= _KEYS_ONLY:
            return os.devnull
        return str(self.files.credentials)


def settings_session(settings: ClientSettings) -> botocore.session.Session:
    """A botocore session scoped to `settings.profile`, or to no profile when botocore does
    not know it; either way its profile never comes from the environment. Made once for
    these settings (the caller holds a lock while clients are built from it)."""
    if not settings.made:
        settings.made.append(_new_session(settings))
    return settings.made[0]


def _new_session(settings: ClientSettings) -> botocore.session.Session:
    import botocore.session

    # A profile given to the session wins over AWS_DEFAULT_PROFILE and AWS_PROFILE.
    session = botocore.session.Session(profile=settings.profile)
    _read_from(session, str(settings.files.config), settings.credentials_for_botocore())
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
