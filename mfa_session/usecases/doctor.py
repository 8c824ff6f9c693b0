"""`doctor`: which credentials an AWS tool run from this shell would take for a profile, and
whether AWS accepts them. Every collaborator is a parameter; it returns a report and never
prints, writes, prompts or asks for a code.

The checks follow botocore's resolution (rules.environment, rules.profile_kinds), with a
note where aws-sdk-go-v2 (Terraform) or the JS SDK v3 take something else:

- profile: which one (--profile, else AWS_DEFAULT_PROFILE / AWS_PROFILE, else default), and
  that a file defines it; section headers written the other file's way.
- environment: exported keys (before every profile unless --profile is given), half a pair,
  a token beside a long-term key, a session key without its token, AWS_SECURITY_TOKEN over
  AWS_SESSION_TOKEN, an expired AWS_CREDENTIAL_EXPIRATION, AWS_DEFAULT_PROFILE and
  AWS_PROFILE naming different profiles, a web identity token file.
- config: a setting that takes precedence over the credentials file's section (role_arn,
  web identity, SSO), and where the SDKs differ.
- legacy keys: aws_security_token, which botocore reads before aws_session_token.
- credentials: what the section holds; a session's token and its end.
- long-term key: where the next login takes it (the OS keyring, or the file).
- live, unless offline: GetCallerIdentity with the credentials a tool would take and with the
  long-term key; AWS's answer mapped to its cause; the clock against the answers' Date.

Key ids are shown masked (AKIA…WXYZ); secrets and tokens never leave this module.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from mfa_session.errors import (
    ClockSkew,
    IncompleteLongTermKey,
    KeyringOutOfReach,
    KeyringUnusable,
    MfaSessionError,
    NoKeyring,
    SessionKeyAsLongTerm,
)
from mfa_session.interfaces import IdentityCheck, Vault
from mfa_session.models import IdentityAnswer, KeySource, LongTermKey, Probe
from mfa_session.output.render import local_time
from mfa_session.rules.environment import (
    CREDENTIAL_VARIABLES,
    KEY_VARIABLES,
    WEB_IDENTITY_VARIABLES,
    EnvironmentKeys,
    environment_keys,
    masked,
    present,
    profile_conflict,
    taken_instead,
    unset_command,
    web_identity_file,
)
from mfa_session.rules.files import AwsSnapshot, Sections
from mfa_session.rules.profile_choice import naming_variable
from mfa_session.rules.profile_kinds import (
    PLAIN,
    ROLE,
    merged_profile,
    precedence_text,
    profile_kind,
    profile_names,
    role_ways,
    sdk_differences,
    sso_session_gap,
    sso_session_text,
    takes_precedence,
)
from mfa_session.rules.regions import configured_region, region_for
from mfa_session.rules.sections import (
    LONG_TERM_PREFIX,
    LONG_TERM_SUFFIX,
    ROLE_SUFFIX,
    SESSION_PREFIX,
    stored_expiration,
)
from mfa_session.rules.validity import (
    DEFAULT_MIN_REMAINING,
    EXPIRED,
    EXPIRING,
    LONGEST_AHEAD,
    renewal_margin,
    session_seconds,
    session_state,
)
from mfa_session.timefmt import format_remaining, parse_expiration
from mfa_session.usecases.login import key_in_file, named_device

OK = "ok"
PROBLEM = "problem"
NOTE = "note"

CLOCK_WARNING = timedelta(minutes=5)
"""A clock further off than this from AWS's is a problem: SigV4 refuses past 15 minutes, and
every session's end is judged by this clock."""

_INVALID_TOKEN_ID = "InvalidClientTokenId"  # noqa: S105 - AWS's error code, not a secret


@dataclass(frozen=True)
class Check:
    check: str
    """Which check: profile, section-names, environment, config, legacy-keys, credentials,
    long-term-key, aws-credentials, aws-long-term-key, clock."""
    level: str
    text: str
    fix: str = ""
    """The one thing to do (problems; a note may carry one too)."""


@dataclass(frozen=True)
class DoctorRequest:
    profile: str | None = None
    """--profile; None: the profile AWS tools in this shell would use."""
    offline: bool = False


@dataclass(frozen=True)
class DoctorReport:
    profile: str
    chosen_by: str
    """What named the profile: --profile, AWS_DEFAULT_PROFILE, AWS_PROFILE, or default."""
    checks: tuple[Check, ...]

    @property
    def problems(self) -> int:
        return sum(check.level == PROBLEM for check in self.checks)


Origin = Callable[[str], "tuple[str, str | None] | None"]
"""The (profile, role) that last wrote a section, from the state file."""


@dataclass
class _Findings:
    checks: list[Check] = field(default_factory=list)

    def add(self, check: str, level: str, text: str, fix: str = "") -> None:
        self.checks.append(Check(check, level, text, fix))


def examine(
    request: DoctorRequest,
    *,
    environ: Mapping[str, str],
    files: AwsSnapshot,
    config_sections: Sections,
    vault: Vault,
    moved_key: Callable[[str], str | None],
    origin: Origin,
    remembered: Callable[[str], str | None],
    identity: Callable[[str], IdentityCheck],
    clock: Callable[[], datetime],
) -> DoctorReport:
    """Every check for the profile of `request`, in the order a tool meets them.

    `config_sections` is the config file as parsed, headers as written (for the header
    check); `vault` is where the login looks for a key first (nothing, for a profile that
    keeps its key in the file); `moved_key(profile)` the key id the state file says went
    into the keyring; `remembered(profile)` the device the state file remembers for it;
    `identity(profile)` asks AWS with that profile's client settings.
    """
    profile, chosen_by = _chosen_profile(request.profile, environ)
    explicit = request.profile is not None
    found = _Findings()
    now = clock()
    owner, role = origin(profile) or (profile, None)
    renew = _renew_command(profile, owner, role)

    _profile_checks(profile, chosen_by, explicit, environ, files, config_sections, found)
    env_probe = _environment_checks(profile, explicit, environ, files, found, now)
    blocked = _config_checks(profile, files, found)
    _legacy_checks(profile, files, found)
    file_probe = _credentials_checks(profile, files, found, now, renew)
    key = _long_term_checks(owner, profile, files, vault, moved_key, found)

    instead = taken_instead(environ, explicit=explicit)
    probe = env_probe if instead == "AWS_ACCESS_KEY_ID" else None
    if instead is None and not blocked:
        probe = file_probe
    if request.offline:
        found.add("aws-credentials", NOTE, "not asked: --offline")
        return DoctorReport(profile, chosen_by, tuple(found.checks))
    unbuildable = [
        name
        for name in dict.fromkeys((profile, owner))
        if sso_session_gap(name, files.credentials, files.config, files.sso_sessions)
    ]
    if unbuildable:
        # botocore refuses to build the client (InvalidConfigError): the config line says why.
        found.add(
            "aws-credentials",
            NOTE,
            f"not asked: botocore builds no client for {unbuildable[0]} (see config above)",
        )
        return DoctorReport(profile, chosen_by, tuple(found.checks))
    region = _region(profile, owner, files, remembered)
    _live_checks(probe, key, profile, owner, region, identity, renew, found)
    return DoctorReport(profile, chosen_by, tuple(found.checks))


# --- which profile ------------------------------------------------------------------------


def _chosen_profile(flag: str | None, environ: Mapping[str, str]) -> tuple[str, str]:
    if flag:
        return flag, "--profile"
    variable = naming_variable(environ)
    if variable is not None:
        return environ[variable], variable
    return "default", "default"


def _profile_checks(
    profile: str,
    chosen_by: str,
    explicit: bool,
    environ: Mapping[str, str],
    files: AwsSnapshot,
    config_sections: Sections,
    found: _Findings,
) -> None:
    named = (
        f"profile {profile} (named by {chosen_by})"
        if chosen_by != "default"
        else f"profile {profile} (no --profile, AWS_PROFILE or AWS_DEFAULT_PROFILE)"
    )
    in_credentials = profile in files.credentials
    in_config = profile in files.config
    where = [
        f"[{profile}] in {files.credentials_path}" if in_credentials else "",
        f"[profile {profile}] in {files.config_path}" if in_config else "",
    ]
    if in_credentials or in_config:
        found.add("profile", OK, f"{named}: " + " and ".join(w for w in where if w))
    elif taken_instead(environ, explicit=explicit) is not None:
        found.add(
            "profile",
            NOTE,
            f"{named} is in neither file; AWS tools here take the environment's credentials",
        )
    else:
        found.add(
            "profile",
            PROBLEM,
            f"{named} is in neither {files.credentials_path} nor {files.config_path}: AWS tools "
            "stop with 'The config profile could not be found'",
            _missing_profile_fix(profile, files),
        )
    _header_checks(profile, files, config_sections, found)


def _missing_profile_fix(profile: str, files: AwsSnapshot) -> str:
    if profile + LONG_TERM_SUFFIX in files.credentials:
        return f"mfa-login --profile {_quoted(profile)} writes its session"
    names = [name for name in profile_names(files.credentials, files.config) if name != profile]
    if not names:
        return f"mfa-login setup --profile {_quoted(profile)}, or check the profile's name"
    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    return f"check the name: the files define {shown}"


def _header_checks(
    profile: str, files: AwsSnapshot, config_sections: Sections, found: _Findings
) -> None:
    """A section written the other file's way is another profile, or none, to botocore."""
    if f"profile {profile}" in files.credentials:
        found.add(
            "section-names",
            PROBLEM,
            f"the credentials file has [profile {profile}], which AWS tools read as a profile "
            f"named 'profile {profile}' (the credentials file names profiles without 'profile ')",
            f"rename it [{profile}] in {files.credentials_path}",
        )
    if profile != "default" and profile in config_sections:
        found.add(
            "section-names",
            PROBLEM,
            f"the config file has [{profile}], which AWS tools ignore (the config file names "
            f"profiles [profile {profile}])",
            f"rename it [profile {profile}] in {files.config_path}",
        )


# --- the environment ----------------------------------------------------------------------


def _environment_checks(
    profile: str,
    explicit: bool,
    environ: Mapping[str, str],
    files: AwsSnapshot,
    found: _Findings,
    now: datetime,
) -> Probe | None:
    """The environment's checks; the exported credentials as a probe when they are whole."""
    before = len(found.checks)
    # With --profile, botocore, Go and JS leave the environment's credentials alone: what is
    # wrong with them then matters only to tools run without --profile.
    level = NOTE if explicit else PROBLEM
    keys = environment_keys(environ)
    secret_only = not keys and environ.get("AWS_SECRET_ACCESS_KEY", "").strip()
    if secret_only:
        found.add(
            "environment",
            NOTE,
            "AWS_SECRET_ACCESS_KEY is set without AWS_ACCESS_KEY_ID: every SDK ignores it",
            "unset AWS_SECRET_ACCESS_KEY",
        )
    probe = None
    if keys is not None:
        shown = masked(keys.key_id)
        if not keys.secret_set:
            found.add(
                "environment",
                level,
                f"AWS_ACCESS_KEY_ID ({shown}) is set without AWS_SECRET_ACCESS_KEY: the AWS CLI "
                "and boto3 stop with 'Partial credentials found in env' (aws-sdk-go-v2 and the "
                "JS SDK v3 ignore half a pair)",
                "unset AWS_ACCESS_KEY_ID, or export its AWS_SECRET_ACCESS_KEY",
            )
        else:
            probe = Probe(
                keys.key_id,
                environ["AWS_SECRET_ACCESS_KEY"].strip(),
                keys.token or None,
                "AWS_ACCESS_KEY_ID",
            )
            _exported_keys(profile, explicit, environ, files, keys.key_id, found)
        _exported_token(keys, level, found)
        _exported_expiration(keys.expiration, profile, level, found, now)
    conflict = profile_conflict(environ)
    if conflict is not None:
        default, named = conflict
        found.add(
            "environment",
            level,
            f"AWS_DEFAULT_PROFILE={default} and AWS_PROFILE={named} name different profiles: "
            f"the AWS CLI and boto3 take {default}, aws-sdk-go-v2 (Terraform) and the JS SDK v3 "
            f"take {named}",
            "unset one of them, or set both to the same profile",
        )
    if web_identity_file(environ) and keys is None:
        _exported_web_identity(profile, explicit, environ, found)
    if len(found.checks) == before:
        found.add("environment", OK, "no AWS credentials are exported in this shell")
    return probe


def _exported_web_identity(
    profile: str, explicit: bool, environ: Mapping[str, str], found: _Findings
) -> None:
    if explicit:
        found.add(
            "environment",
            NOTE,
            "AWS_WEB_IDENTITY_TOKEN_FILE is set: AWS tools run without --profile assume "
            "AWS_ROLE_ARN with it instead of using a profile",
        )
        return
    found.add(
        "environment",
        PROBLEM,
        "AWS_WEB_IDENTITY_TOKEN_FILE is set: the AWS CLI, boto3 and aws-sdk-go-v2 assume "
        f"AWS_ROLE_ARN with it instead of using profile {profile} (the JS SDK v3 reads "
        "it only after the files)",
        unset_command(present(environ, WEB_IDENTITY_VARIABLES))
        + f", or run AWS tools with --profile {_quoted(profile)}",
    )


def _exported_keys(
    profile: str,
    explicit: bool,
    environ: Mapping[str, str],
    files: AwsSnapshot,
    key_id: str,
    found: _Findings,
) -> None:
    shown = masked(key_id)
    if explicit:
        found.add(
            "environment",
            NOTE,
            f"AWS_ACCESS_KEY_ID ({shown}) is exported: AWS tools use it only when run without "
            f"--profile; with --profile {profile} they use the profile",
        )
        return
    section = files.credentials.get(profile, {})
    same = section.get("aws_access_key_id", "").strip() == key_id
    has_own = (
        bool(section.get("aws_access_key_id", "").strip())
        or not profile_kind(profile, files.credentials, files.config).loginable
    )
    js = (
        "; the JS SDK v3 skips them while AWS_PROFILE is set and uses that profile"
        if environ.get("AWS_PROFILE", "").strip()
        else ""
    )
    if same:
        found.add(
            "environment",
            OK,
            f"AWS tools here take the exported AWS_ACCESS_KEY_ID ({shown}), the same key as "
            f"[{profile}]{js}",
        )
    elif has_own:
        found.add(
            "environment",
            PROBLEM,
            f"AWS tools here take the exported AWS_ACCESS_KEY_ID ({shown}) before every profile "
            f"(AWS_PROFILE too), so what profile {profile} holds is not used{js}",
            unset_command(present(environ, KEY_VARIABLES))
            + f", or run AWS tools with --profile {_quoted(profile)}",
        )
    else:
        found.add(
            "environment",
            NOTE,
            f"AWS tools here take the exported AWS_ACCESS_KEY_ID ({shown}); profile {profile} "
            f"holds no credentials{js}",
        )


def _exported_token(keys: EnvironmentKeys, level: str, found: _Findings) -> None:
    shown = masked(keys.key_id)
    tokens = keys.token_variables
    if keys.key_id.startswith(LONG_TERM_PREFIX) and tokens:
        found.add(
            "environment",
            level,
            f"{' and '.join(tokens)} is set beside the long-term key {shown} in "
            "AWS_ACCESS_KEY_ID (left from another session?): AWS answers "
            "'The security token included in the request is invalid'",
            unset_command(tokens),
        )
        return
    if keys.key_id.startswith(SESSION_PREFIX) and not tokens:
        found.add(
            "environment",
            level,
            f"the session key {shown} in AWS_ACCESS_KEY_ID has no AWS_SESSION_TOKEN: AWS "
            "answers 'The security token included in the request is invalid'",
            "export its AWS_SESSION_TOKEN, or unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY",
        )
        return
    security, session = keys.security_token, keys.session_token
    if security and session and security != session:
        found.add(
            "environment",
            level,
            "AWS_SECURITY_TOKEN differs from AWS_SESSION_TOKEN: the AWS CLI and boto3 read "
            "AWS_SECURITY_TOKEN first (another session's token with this key: 'The security "
            "token included in the request is invalid'); aws-sdk-go-v2 and the JS SDK v3 read "
            "only AWS_SESSION_TOKEN",
            "unset AWS_SECURITY_TOKEN",
        )
    elif keys.token_variable == "AWS_SECURITY_TOKEN" and not session:  # noqa: S105 - a name
        found.add(
            "environment",
            NOTE,
            "the token is only in AWS_SECURITY_TOKEN: aws-sdk-go-v2 and the JS SDK v3 read only "
            "AWS_SESSION_TOKEN",
            "export the same token as AWS_SESSION_TOKEN and unset AWS_SECURITY_TOKEN",
        )


def _exported_expiration(
    text: str, profile: str, level: str, found: _Findings, now: datetime
) -> None:
    if not text:
        return
    expiration = parse_expiration(text)
    again = f'eval "$(mfa-login export --profile {_quoted(profile)})"'
    if expiration is None:
        found.add(
            "environment",
            level,
            "AWS_CREDENTIAL_EXPIRATION is not a time AWS tools can read (ISO 8601, such as "
            "2026-01-31T18:00:00Z): the AWS CLI and boto3 stop at it",
            f"unset AWS_CREDENTIAL_EXPIRATION, or {again}",
        )
    elif expiration <= now:
        found.add(
            "environment",
            level,
            f"AWS_CREDENTIAL_EXPIRATION says the exported credentials expired at "
            f"{local_time(expiration, now)}: the AWS CLI and boto3 refuse them",
            f"{again}, or {unset_command(CREDENTIAL_VARIABLES)}",
        )


# --- the config file ----------------------------------------------------------------------


def _config_checks(profile: str, files: AwsSnapshot, found: _Findings) -> bool:
    """True when a setting of the profile takes precedence over its credentials section."""
    credentials, config = files.credentials, files.config
    merged = merged_profile(profile, credentials, config)
    setting = takes_precedence(profile, credentials, config)
    holds_keys = bool(credentials.get(profile, {}).get("aws_access_key_id", "").strip())
    kind = profile_kind(profile, credentials, config)
    gap = sso_session_gap(profile, credentials, config, files.sso_sessions)
    if gap is not None:
        where = gap.setting.where(profile)
        found.add(
            "config",
            PROBLEM,
            f"{where} sets sso_session = {gap.session}, but "
            f"{sso_session_text(gap, files.config_path)}: the AWS CLI and boto3 (botocore) "
            f"refuse every request for {profile}, and the next login stops",
            f"add the [sso-session {gap.session}] section with sso_start_url and sso_region "
            f"to the config file, or remove the sso_session line from {where}",
        )
    if setting is not None:
        instead = precedence_text(setting, merged)
        text = f"{setting.where(profile)} sets {setting.key}: {instead}"
        if holds_keys:
            found.add(
                "config",
                PROBLEM,
                f"{text}, not the credentials in [{profile}] of the credentials file",
                _precedence_fix(profile, setting.key, merged),
            )
        else:
            found.add(
                "config",
                NOTE,
                f"{text}; doctor checks only the credentials mfa-login makes"
                + _source_hint(merged),
            )
    elif kind.kind != PLAIN and kind.setting is not None:
        text = f"{kind.setting.where(profile)} sets {kind.setting.key} ({kind.kind} profile)"
        if holds_keys:
            found.add(
                "config",
                NOTE,
                f"{text}; botocore uses the keys in [{profile}] of the credentials file first",
            )
        else:
            found.add("config", NOTE, f"{text}; doctor checks only the credentials mfa-login makes")
    else:
        found.add("config", OK, "no setting takes precedence over the credentials file's section")
    for difference in sdk_differences(profile, credentials, config):
        found.add("config", NOTE, difference)
    return setting is not None


def _precedence_fix(profile: str, key: str, merged: Mapping[str, str]) -> str:
    if key == "role_arn":
        return ", or ".join(role_ways(profile, merged))
    return f"remove {key} from the profile, or keep mfa-login's session in another section"


def _source_hint(merged: Mapping[str, str]) -> str:
    source = merged.get("source_profile", "").strip()
    if not source:
        return ""
    return f" (mfa-login doctor --profile {_quoted(source)} checks its source_profile)"


def _legacy_checks(profile: str, files: AwsSnapshot, found: _Findings) -> None:
    section = files.credentials.get(profile, {})
    if "aws_security_token" not in section:
        return
    legacy = section["aws_security_token"].strip()
    current = section.get("aws_session_token", "").strip()
    where = f"[{profile}] in {files.credentials_path}"
    if "aws_session_token" not in section:
        found.add(
            "legacy-keys",
            NOTE,
            f"{where} holds its token as aws_security_token, which only botocore reads "
            "(aws-sdk-go-v2 and the JS SDK v3 read aws_session_token)",
            "rename aws_security_token to aws_session_token",
        )
    elif legacy != current:
        found.add(
            "legacy-keys",
            PROBLEM,
            f"{where} holds aws_security_token beside aws_session_token, and they differ: the "
            "AWS CLI and boto3 read aws_security_token first, aws-sdk-go-v2 and the JS SDK v3 "
            "only aws_session_token",
            "remove the aws_security_token line",
        )
    else:
        found.add(
            "legacy-keys",
            NOTE,
            f"{where} holds aws_security_token beside the same aws_session_token",
            "remove the aws_security_token line",
        )


# --- the credentials file's section ---------------------------------------------------------


def _credentials_checks(
    profile: str, files: AwsSnapshot, found: _Findings, now: datetime, renew: str
) -> Probe | None:
    """What [profile] holds, as botocore reads it; those credentials as a probe."""
    section = files.credentials.get(profile, {})
    key_id = section.get("aws_access_key_id", "").strip()
    where = f"[{profile}]"
    if not key_id:
        if profile_kind(profile, files.credentials, files.config).kind == PLAIN:
            found.add("credentials", PROBLEM, f"{where} holds no credentials", renew)
        return None
    secret = section.get("aws_secret_access_key", "").strip()
    shown = masked(key_id)
    if not secret:
        found.add(
            "credentials",
            PROBLEM,
            f"{where} has aws_access_key_id ({shown}) but no aws_secret_access_key: AWS tools "
            "stop with 'Partial credentials found'",
            renew if key_id.startswith(SESSION_PREFIX) else "put its secret there",
        )
        return None
    # botocore takes aws_security_token when the key is there at all, else aws_session_token.
    token_key = next((k for k in ("aws_security_token", "aws_session_token") if k in section), None)
    token = section.get(token_key, "").strip() if token_key else ""
    probe = Probe(key_id, secret, token or None, where)
    if key_id.startswith(LONG_TERM_PREFIX):
        if token:
            found.add(
                "credentials",
                PROBLEM,
                f"{where} holds {token_key} beside the long-term key {shown} (left from a "
                "session?): AWS answers 'The security token included in the request is invalid'",
                f"remove the {token_key} line from {where}",
            )
        else:
            found.add(
                "credentials",
                NOTE,
                f"{where} holds the long-term key {shown} itself: AWS tools use it without MFA",
                f"mfa-login --profile {_quoted(profile)} moves it to "
                f"[{profile}{LONG_TERM_SUFFIX}] and writes a session",
            )
        return probe
    if key_id.startswith(SESSION_PREFIX) and not token:
        found.add(
            "credentials",
            PROBLEM,
            f"{where} holds the session key {shown} without aws_session_token: AWS answers "
            "'The security token included in the request is invalid'",
            renew + " --force",
        )
        return probe
    _session_end(profile, section, files, found, now, renew)
    return probe


def _session_end(
    profile: str,
    section: Mapping[str, str],
    files: AwsSnapshot,
    found: _Findings,
    now: datetime,
    renew: str,
) -> None:
    """When the session in [profile] ends, against the margin a login renews it at, by the
    login's own rule (rules.validity.session_state)."""
    where = f"[{profile}]"
    shown = masked(section.get("aws_access_key_id", ""))
    seconds = session_seconds(None, files.config.get(profile, {}).get("duration_seconds"))
    margin = renewal_margin(timedelta(minutes=DEFAULT_MIN_REMAINING), seconds)
    state, expiration = session_state(section, now, margin)
    if expiration is None:
        _no_session(where, shown, section, found, now, renew)
        return
    left = expiration - now
    until = local_time(expiration, now)
    if state == EXPIRED:
        found.add(
            "credentials", PROBLEM, f"the session {shown} in {where} expired at {until}", renew
        )
    elif state == EXPIRING:
        found.add(
            "credentials",
            NOTE,
            f"the session {shown} in {where} ends in {format_remaining(left)} (at {until})",
            renew,
        )
    else:
        found.add(
            "credentials",
            OK,
            f"{where} holds the session {shown}, valid until {until} "
            f"({format_remaining(left)} left)",
        )


def _no_session(
    where: str,
    shown: str,
    section: Mapping[str, str],
    found: _Findings,
    now: datetime,
    renew: str,
) -> None:
    """A session the login does not count as one (it logs in again): why."""
    stored = stored_expiration(section)
    if stored is None:
        found.add(
            "credentials",
            NOTE,
            f"{where} holds the session {shown} without an expiration: when it ends is unknown",
            renew + " --force",
        )
    elif stored - now > LONGEST_AHEAD:
        found.add(
            "credentials",
            NOTE,
            f"{where} holds the session {shown} with an expiration ({local_time(stored, now)}) "
            "further ahead than any AWS session lasts: mfa-login does not trust it, and the "
            "next login replaces it",
            renew,
        )
    else:
        found.add(
            "credentials",
            NOTE,
            f"{where} holds the session {shown} without aws_session_token: mfa-login does not "
            "count it as a session, and the next login replaces it",
            renew,
        )


# --- the long-term key --------------------------------------------------------------------


def _long_term_checks(
    owner: str,
    profile: str,
    files: AwsSnapshot,
    vault: Vault,
    moved_key: Callable[[str], str | None],
    found: _Findings,
) -> LongTermKey | None:
    """Where the next login takes the key: the keyring first, then the file."""
    kind = profile_kind(owner, files.credentials, files.config)
    in_any_file = owner in files.credentials or owner in files.config
    relevant = (
        kind.kind == PLAIN
        or owner + LONG_TERM_SUFFIX in files.credentials
        or (kind.kind == ROLE and owner != profile)
    )
    moved = moved_key(owner)
    key, keyring_note = _keyring_key(owner, vault, moved)
    if key is not None:
        found.add(
            "long-term-key",
            OK,
            f"the long-term key {masked(key.access_key_id)} of {owner} is in the OS keyring",
        )
        return key
    try:
        key = key_in_file(owner, files)
    except (IncompleteLongTermKey, SessionKeyAsLongTerm) as err:
        found.add("long-term-key", PROBLEM, f"the next login stops: {err}", _setup(owner))
        return None
    if key is None:
        if keyring_note and moved:
            found.add(
                "long-term-key",
                PROBLEM,
                f"the long-term key {masked(moved)} of {owner} went into the OS keyring, which "
                "cannot be read here",
                keyring_note,
            )
        elif relevant and in_any_file:
            found.add(
                "long-term-key",
                PROBLEM,
                f"no long-term key for {owner} in the OS keyring or the credentials file: the "
                "next login stops",
                _setup(owner),
            )
        return None
    place = f"[{key.section}]"
    if keyring_note:
        found.add(
            "long-term-key",
            NOTE,
            f"the OS keyring cannot be read ({keyring_note}); the login takes the long-term key "
            f"{masked(key.access_key_id)} in {place}",
        )
    else:
        found.add(
            "long-term-key", OK, f"the long-term key {masked(key.access_key_id)} is in {place}"
        )
    return key


def _keyring_key(owner: str, vault: Vault, moved: str | None) -> tuple[LongTermKey | None, str]:
    """The key the keyring holds for `owner`, and why the keyring could not be read ("": it
    could, or there is none on this machine and the state file says no key went into one)."""
    try:
        return vault.load(owner), ""
    except NoKeyring as err:
        # No keyring on this machine is no problem, unless the key went into one.
        if not moved:
            return None, ""
        backend = err.fields["backend"]
        out_of_reach = KeyringOutOfReach(
            profile=owner, key_id=moved, backend=backend, uid=os.getuid()
        )
        return None, str(out_of_reach)
    except KeyringUnusable as err:
        return None, str(err)


def _setup(profile: str) -> str:
    return f"mfa-login setup --profile {_quoted(profile)}"


# --- AWS ----------------------------------------------------------------------------------


def _region(
    profile: str, owner: str, files: AwsSnapshot, recall: Callable[[str], str | None]
) -> str:
    """The region a login of `owner` would ask: the partition of the device the login names
    (mfa_serial, aws_mfa_device, the remembered choice); with none named, the region the
    login asks IAM in."""
    configured = configured_region(profile, files.credentials, files.config) or configured_region(
        owner, files.credentials, files.config
    )
    named = named_device(owner, None, files, recall)
    return region_for(configured, named[0] if named else None)


def _live_checks(
    probe: Probe | None,
    key: LongTermKey | None,
    profile: str,
    owner: str,
    region: str,
    identity: Callable[[str], IdentityCheck],
    renew: str,
    found: _Findings,
) -> None:
    answers: list[IdentityAnswer] = []
    first: IdentityAnswer | None = None
    if probe is not None:
        try:
            first = identity(profile).identify(probe, region)
        except MfaSessionError as err:
            _unanswered(err, probe, "aws-credentials", found)
            return
        answers.append(first)
        _judge(first, probe, "aws-credentials", profile, renew, found)
    else:
        found.add("aws-credentials", NOTE, "no credentials mfa-login can check are in use here")
    if key is not None and (probe is None or probe.access_key_id != key.access_key_id):
        origin = "the OS keyring" if key.source is KeySource.KEYRING else f"[{key.section}]"
        long_term = Probe(key.access_key_id, key.secret_access_key, None, origin)
        try:
            second = identity(owner).identify(long_term, region)
        except MfaSessionError as err:
            _unanswered(err, long_term, "aws-long-term-key", found)
            second = None
        if second is not None:
            answers.append(second)
            _judge(second, long_term, "aws-long-term-key", owner, _setup(owner), found)
            if first is not None and first.arn and second.arn is None:
                found.add(
                    "aws-long-term-key",
                    NOTE,
                    "the credentials in use still work: AWS does not end a session when its "
                    "key is made inactive or deleted, but the next mfa-login --profile "
                    f"{_quoted(owner)} fails",
                )
            elif first is not None and first.arn and second.arn and first.arn != second.arn:
                found.add(
                    "aws-long-term-key",
                    NOTE,
                    f"the credentials in use belong to {first.arn}, the long-term key to "
                    f"{second.arn}",
                )
    _clock_check(answers, found)


def _unanswered(error: MfaSessionError, probe: Probe, check: str, found: _Findings) -> None:
    """No answer to judge: the clock was refused, or AWS was not reached."""
    what = f"{masked(probe.access_key_id)} ({probe.origin})"
    if isinstance(error, ClockSkew):
        found.add("clock", PROBLEM, f"AWS refused {what}: {error}", "set the right time (NTP)")
        return
    found.add(
        check,
        PROBLEM,
        f"AWS could not be asked about {what}: {error}",
        "check the network, proxy or VPN (mfa-login doctor --offline checks the rest)",
    )


def _judge(
    answer: IdentityAnswer,
    probe: Probe,
    check: str,
    profile: str,
    renew: str,
    found: _Findings,
) -> None:
    """AWS's answer for `probe`, as its cause and the one thing to do."""
    shown = masked(probe.access_key_id)
    what = f"{shown} ({probe.origin})"
    if answer.arn is not None:
        found.add(check, OK, f"AWS accepts {what}: {answer.arn}")
        return
    code, message = answer.code or "", answer.message
    fix = _fix_for(probe, profile, renew)
    long_term = probe.access_key_id.startswith(LONG_TERM_PREFIX)
    if code == _INVALID_TOKEN_ID and probe.session_token and not message.endswith("."):
        cause = (
            "a session token was sent with the long-term key, and AWS refuses that pair"
            if long_term
            else "the session token does not belong to this key (another session's token?)"
        )
        found.add(check, PROBLEM, f"AWS refused {what}: {cause} ({code})", fix)
    elif code == _INVALID_TOKEN_ID and not long_term and not probe.session_token:
        found.add(
            check,
            PROBLEM,
            f"AWS refused {what}: a session key needs its session token ({code})",
            fix,
        )
    elif code == _INVALID_TOKEN_ID:
        found.add(
            check,
            PROBLEM,
            f"AWS does not know {what} as an active key ({code}): it was made inactive or "
            "deleted in IAM, is mistyped, or belongs to another partition (a China or GovCloud "
            "key works only with a region there)",
            "check its status in the IAM console (Users > the user > Security credentials > "
            f"Access keys) or with aws iam list-access-keys, then {fix}",
        )
    elif code == "SignatureDoesNotMatch":
        found.add(
            check,
            PROBLEM,
            f"AWS refused the signature of {what}: the secret stored with it is wrong ({code})",
            fix,
        )
    elif code == "ExpiredToken":
        found.add(check, PROBLEM, f"AWS says the session {what} has expired ({code})", fix)
    else:
        found.add(check, PROBLEM, f"AWS refused GetCallerIdentity for {what}: {code}: {message}")


def _fix_for(probe: Probe, profile: str, renew: str) -> str:
    """The one thing to do when AWS refuses `probe`, by where it came from."""
    if probe.origin == "AWS_ACCESS_KEY_ID":
        if probe.access_key_id.startswith(LONG_TERM_PREFIX) and probe.session_token:
            return "unset AWS_SESSION_TOKEN AWS_SECURITY_TOKEN"
        export = f'eval "$(mfa-login export --profile {_quoted(profile)})"'
        return f"{export}, or {unset_command(CREDENTIAL_VARIABLES)}"
    if probe.access_key_id.startswith(LONG_TERM_PREFIX):
        if probe.session_token:
            return f"remove the session token from {probe.origin}"
        if probe.origin == "the OS keyring":
            return _setup(profile)
        return f"put a working key under {probe.origin} (or {_setup(profile)})"
    return renew + " --force"


def _clock_check(answers: list[IdentityAnswer], found: _Findings) -> None:
    offsets = [
        answer.aws_time - answer.local_time for answer in answers if answer.aws_time is not None
    ]
    if not offsets:
        return
    # The Date header has whole seconds: up to a second of it is the header's rounding.
    offset = max(offsets, key=lambda value: abs(value.total_seconds()))
    seconds = abs(offset.total_seconds())
    direction = "behind" if offset.total_seconds() > 0 else "ahead of"
    if abs(offset) > CLOCK_WARNING:
        found.add(
            "clock",
            PROBLEM,
            f"this machine's clock is {round(seconds / 60)} min {direction} AWS's (the Date of "
            "its answer): AWS refuses requests past 15 minutes, and sessions end earlier or "
            "later than shown",
            "set the right time (NTP)",
        )
    else:
        within = max(1, round(seconds))
        found.add("clock", OK, f"this machine's clock agrees with AWS's within {within} s")


# --- words --------------------------------------------------------------------------------


def _renew_command(profile: str, owner: str, role: str | None) -> str:
    """The command that renews what [profile] holds, as the state file says it was made."""
    words = ["mfa-login", "--profile", _quoted(owner)]
    if role is not None:
        words += ["--assume-role", _quoted(role)]
        if profile != owner + ROLE_SUFFIX:
            words += ["--write-profile", _quoted(profile)]
    elif profile != owner:
        words += ["--write-profile", _quoted(profile)]
    return " ".join(words)


def _quoted(name: str) -> str:
    return shlex.quote(name)


def unreadable_files(
    request: DoctorRequest, environ: Mapping[str, str], error: MfaSessionError
) -> DoctorReport:
    """The report when the credentials or config file cannot be read as AWS tools read it:
    nothing else can be judged."""
    profile, chosen_by = _chosen_profile(request.profile, environ)
    check = Check("files", PROBLEM, f"AWS tools cannot read the files: {error}", "fix that file")
    return DoctorReport(profile, chosen_by, (check,))
