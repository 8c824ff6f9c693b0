"""Which profiles the files define, what kind each is, and which of its settings AWS tools
take over the credentials a session leaves in [NAME]: one rule for the profile picker,
`status`, the refusal before a login and `doctor`.

botocore (the AWS CLI, boto3) reads a profile as the config file's [profile NAME] with the
credentials file's [NAME] laid over it (`Session.full_config`), so a setting counts from
either file. After the environment's keys it takes the profile's credentials from the first
of these the profile sets (`credentials.create_credential_resolver` and
`ProfileProviderBuilder.providers`, botocore 1.44):

  1. role_arn, unless web_identity_token_file is set too: AssumeRole, from source_profile
     or credential_source;
  2. web_identity_token_file: AssumeRoleWithWebIdentity;
  3. sso_account_id or sso_role_name: IAM Identity Center (sso_session, sso_start_url and
     sso_region alone start no SSO login);
  4. aws_access_key_id in the credentials file's [NAME]: the session mfa-login writes;
  5. login_session (`aws login`), 6. credential_process, 7. keys in the config file.

So 1 to 3 take precedence over a session written into [NAME], and 5 to 7 never do.
aws-sdk-go-v2 and the JS SDK v3 put the keys earlier (`sdk_differences` says where).

Kinds, as a person configured the profile (first match): web identity, role (role_arn, or
source_profile / credential_source waiting for one), SSO (any sso_* key), login session,
process, else plain. Only a plain profile is offered for a login.

Standard library only: the fast paths and status's quick path import it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from mfa_session.rules.sections import (
    LONG_TERM_SUFFIX,
    ROLE_SUFFIX,
    holds_long_term_key,
    long_term_owner,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from mfa_session.rules.files import Sections

PLAIN = "plain"
ROLE = "role"
SSO = "SSO"
PROCESS = "process"
WEB_IDENTITY = "web identity"
LOGIN_SESSION = "login session"

_ROLE_KEYS = ("role_arn", "source_profile", "credential_source")
_SSO_CREDENTIAL_KEYS = ("sso_account_id", "sso_role_name")
"""botocore's SSOProvider starts only when one of these is set."""
_GO_CREDENTIAL_TYPES = (
    "source_profile",
    "credential_source",
    "credential_process",
    "web_identity_token_file",
)
"""aws-sdk-go-v2 refuses a profile that sets more than one (validateCredentialType)."""


class Setting:
    """A key of a profile, and which file sets it (the credentials file's value wins)."""

    __slots__ = ("in_credentials_file", "key")

    def __init__(self, key: str, *, in_credentials_file: bool) -> None:
        self.key = key
        self.in_credentials_file = in_credentials_file

    def where(self, name: str) -> str:
        """The section that sets it, as the file spells it."""
        return f"[{name}]" if self.in_credentials_file else f"[profile {name}]"

    def __repr__(self) -> str:
        return f"Setting({self.key!r}, in_credentials_file={self.in_credentials_file})"


class ProfileKind:
    """What kind of profile a name is, and the setting that makes it so (None: plain)."""

    __slots__ = ("kind", "setting")

    def __init__(self, kind: str, setting: Setting | None) -> None:
        self.kind = kind
        self.setting = setting

    @property
    def loginable(self) -> bool:
        """A login can start from it: no other way to credentials is configured."""
        return self.kind == PLAIN

    def __repr__(self) -> str:
        return f"ProfileKind({self.kind!r}, {self.setting!r})"


def merged_profile(name: str, credentials: Sections, config: Sections) -> dict[str, str]:
    """The profile as botocore reads it: [profile NAME] of the config file, with [NAME] of
    the credentials file over it."""
    merged = dict(config.get(name, {}))
    merged.update(credentials.get(name, {}))
    return merged


def _setting(key: str, name: str, credentials: Sections) -> Setting:
    return Setting(key, in_credentials_file=key in credentials.get(name, {}))


def profile_kind(name: str, credentials: Sections, config: Sections) -> ProfileKind:
    profile = merged_profile(name, credentials, config)

    def found(kind: str, key: str) -> ProfileKind:
        return ProfileKind(kind, _setting(key, name, credentials))

    if "web_identity_token_file" in profile:
        return found(WEB_IDENTITY, "web_identity_token_file")
    for key in _ROLE_KEYS:
        if key in profile:
            return found(ROLE, key)
    sso = sorted(key for key in profile if key.startswith("sso_"))
    if sso:
        return found(SSO, sso[0])
    if "login_session" in profile:
        return found(LOGIN_SESSION, "login_session")
    if "credential_process" in profile:
        return found(PROCESS, "credential_process")
    return ProfileKind(PLAIN, None)


def takes_precedence(name: str, credentials: Sections, config: Sections) -> Setting | None:
    """The setting that makes botocore take other credentials than the keys in the
    credentials file's [NAME] (steps 1 to 3 above); None when those keys would be used."""
    profile = merged_profile(name, credentials, config)
    if "role_arn" in profile and "web_identity_token_file" not in profile:
        return _setting("role_arn", name, credentials)
    if "web_identity_token_file" in profile:
        return _setting("web_identity_token_file", name, credentials)
    for key in _SSO_CREDENTIAL_KEYS:
        if key in profile:
            return _setting(key, name, credentials)
    return None


SSO_SESSION_KEYS = ("sso_start_url", "sso_region")
"""What an `[sso-session NAME]` section must set for botocore to build a client."""


class SsoSessionGap:
    """A profile's `sso_session = NAME` that botocore cannot follow: no (or an empty)
    `[sso-session NAME]` section, or one without `lacking`."""

    __slots__ = ("lacking", "session", "setting")

    def __init__(self, session: str, setting: Setting, lacking: tuple[str, ...]) -> None:
        self.session = session
        self.setting = setting
        self.lacking = lacking
        """Empty: the section itself is missing."""

    def __repr__(self) -> str:
        return f"SsoSessionGap({self.session!r}, {self.setting!r}, lacking={self.lacking!r})"


def sso_session_gap(
    name: str, credentials: Sections, config: Sections, sso_sessions: Sections
) -> SsoSessionGap | None:
    """Why botocore builds no client at all for profile `name`, whatever its credentials:
    its sso_session (from either file; set, even empty) names no `[sso-session NAME]`
    section of the config file with values, or one without sso_start_url or sso_region
    (botocore 1.44 `tokens.SSOTokenProvider._load_sso_config`, run for every client:
    InvalidConfigError). None when botocore can follow it, or there is none."""
    profile = merged_profile(name, credentials, config)
    if "sso_session" not in profile:
        return None
    session = profile["sso_session"]
    setting = _setting("sso_session", name, credentials)
    section = sso_sessions.get(session)
    if not section:
        return SsoSessionGap(session, setting, ())
    lacking = tuple(key for key in SSO_SESSION_KEYS if key not in section)
    return SsoSessionGap(session, setting, lacking) if lacking else None


def sso_session_text(gap: SsoSessionGap, config_path: str | os.PathLike[str]) -> str:
    """What is wrong, for the refusal and doctor alike."""
    section = f"[sso-session {gap.session}]"
    if gap.lacking:
        return f"{section} in {config_path} does not set {' or '.join(gap.lacking)}"
    return f"{config_path} has no {section} section"


def profile_names(credentials: Sections, config: Sections) -> list[str]:
    """Every profile the two files define, as botocore lists them (`available_profiles`):
    the config file's profiles and every section of the credentials file."""
    return sorted(set(config) | set(credentials))


def loginable_profiles(credentials: Sections, config: Sections) -> list[str]:
    """Profiles a login can start from and write a session AWS tools use: a long-term key in
    the credentials file ([NAME-long-term], or an AKIA key in [NAME]) or an MFA device in
    the config file, and no role, SSO, web identity, process or login_session set up."""
    names: set[str] = set()
    for section, values in credentials.items():
        if section.endswith(LONG_TERM_SUFFIX):
            names.add(section[: -len(LONG_TERM_SUFFIX)])
        elif holds_long_term_key(values):
            names.add(section)
    names.update(name for name, values in config.items() if values.get("mfa_serial"))
    return sorted(
        name
        for name in names
        # A [NAME-long-term] section holds a key for NAME: never a login target itself.
        if long_term_owner(name) is None and profile_kind(name, credentials, config).loginable
    )


def way_in(name: str, credentials: Sections, config: Sections) -> str | None:
    """How a role or SSO profile, never offered for a login, is used; None for other kinds
    (web identity, process, login_session: mfa-login has no way in)."""
    kind = profile_kind(name, credentials, config)
    if kind.kind == ROLE:
        ways = role_ways(name, merged_profile(name, credentials, config))
        return f"{name} is a role profile: " + ", or ".join(ways)
    if kind.kind == SSO:
        return (
            f"{name} is an SSO profile: aws sso login --profile {_shell_word(name)}, not mfa-login"
        )
    return None


def role_ways(name: str, merged: Mapping[str, str]) -> list[str]:
    """How mfa-login gets the credentials of role profile `name` (`merged`: its settings):
    --assume-role into [NAME-role], or a login of its source_profile. Each a command a shell
    runs as printed: the names are shell-quoted (a name may hold a space)."""
    ways = [f"mfa-login --profile {_shell_word(name)} --assume-role (into [{name}{ROLE_SUFFIX}])"]
    source = merged.get("source_profile", "").strip()
    if source and source != name:
        ways.append(f"log in its source_profile: mfa-login --profile {_shell_word(source)}")
    return ways


def _shell_word(name: str) -> str:
    import shlex  # here: status's quick path imports this module

    return shlex.quote(name)


def ways_in(credentials: Sections, config: Sections) -> list[str]:
    """`way_in` of every role and SSO profile the files define (the picker offers none)."""
    found = (way_in(name, credentials, config) for name in profile_names(credentials, config))
    return [text for text in found if text is not None]


def sdk_differences(name: str, credentials: Sections, config: Sections) -> list[str]:
    """Where aws-sdk-go-v2 (Terraform, most Go tools) or the JS SDK v3 take other credentials
    for the profile than botocore does, in words; empty when they agree.

    Go (config/resolve_credentials.go `resolveCredsFromProfile`, shared_config.go): keys in
    the profile come before credential_source, web identity, SSO and credential_process,
    and a role_arn is then assumed with whatever was found. JS (credential-provider-ini
    `resolveProfileData`): role_arn with exactly one of source_profile and credential_source,
    then the keys, then web identity, credential_process, SSO, login_session.
    """
    profile = merged_profile(name, credentials, config)
    keys = "aws_access_key_id" in profile and "aws_secret_access_key" in profile
    found: list[str] = []
    role = "role_arn" in profile
    sources = [key for key in ("source_profile", "credential_source") if key in profile]
    if role and len(sources) != 1 and keys and "web_identity_token_file" not in profile:
        found.append(
            "the JS SDK v3 assumes role_arn only with exactly one of source_profile and "
            f"credential_source, so it takes the keys in [{name}] instead"
        )
    if not role and sources:
        found.append(
            f"{sources[0]} without role_arn: botocore and the JS SDK v3 ignore it, while "
            "aws-sdk-go-v2 (Terraform) refuses the profile (it requires role_arn)"
        )
    if "web_identity_token_file" in profile and keys:
        found.append(
            f"aws-sdk-go-v2 and the JS SDK v3 take the keys in [{name}] before "
            "web_identity_token_file (Go then assumes role_arn with them)"
        )
    if any(key in profile for key in _SSO_CREDENTIAL_KEYS) and keys and not role:
        found.append(f"aws-sdk-go-v2 and the JS SDK v3 take the keys in [{name}] before SSO")
    kinds = [key for key in _GO_CREDENTIAL_TYPES if key in profile]
    if len(kinds) > 1:
        found.append("aws-sdk-go-v2 refuses a profile with more than one of " + ", ".join(kinds))
    return found


def precedence_text(setting: Setting, config: Mapping[str, str]) -> str:
    """What AWS tools do instead of using [NAME]'s keys, in words (`config`: the merged
    profile)."""
    if setting.key == "role_arn":
        source = config.get("source_profile") or config.get("credential_source")
        via = f" with the credentials of {source}" if source else ""
        return f"AWS tools assume the role {config.get('role_arn', '')}{via}"
    if setting.key == "web_identity_token_file":
        return "AWS tools assume role_arn with the web identity token in that file"
    return "AWS tools take IAM Identity Center (SSO) credentials (aws sso login)"
