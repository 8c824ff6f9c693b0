"""The login use case: one function, every collaborator a parameter, a result and no printing.

See docs/how-it-works.md for the steps; the numbers in the comments follow design.md.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from mfa_session.errors import (
    CodeRejected,
    DeviceNotAssociated,
    DurationOutOfRange,
    IncompleteLongTermKey,
    NoLoginableProfile,
    NoLongTermKey,
    NoMfaDevice,
    OnlySecurityKeys,
    SessionKeyAsLongTerm,
    TooManyRejectedCodes,
    UsageError,
)
from mfa_session.interfaces import (
    AwsApi,
    CodeSource,
    DeviceMemory,
    Prompter,
    SectionOrigins,
    SessionStore,
    Vault,
)
from mfa_session.models import (
    KeySource,
    LoginResult,
    LongTermCopy,
    LongTermKey,
    MfaDevice,
    Outcome,
    SessionCredentials,
)
from mfa_session.rules.files import AwsSnapshot, Sections, credentials_identity
from mfa_session.rules.profile_choice import environment_profile, profile_without_picker
from mfa_session.rules.profile_kinds import loginable_profiles, ways_in
from mfa_session.rules.regions import configured_region, region_for
from mfa_session.rules.sections import (
    LONG_TERM_SUFFIX,
    SESSION_PREFIX,
    key_section,
    stored_session,
)
from mfa_session.rules.validity import (
    DEFAULT_DURATION,
    DEFAULT_MIN_REMAINING,
    MAX_DURATION,
    MIN_DURATION,
    session_seconds,
    valid_until,
)

log = logging.getLogger(__name__)

CODE_TRIES = 3


class DeviceOrigin(enum.Enum):
    FLAG = "--device"
    CONFIG = "mfa_serial in the config file"
    LONG_TERM_SECTION = "aws_mfa_device in the long-term section"
    REMEMBERED = "the device chosen last time"
    DISCOVERED = "IAM ListMFADevices"


@dataclass(frozen=True)
class LoginRequest:
    profile: str
    write_profile: str | None = None
    duration: int | None = None
    device: str | None = None
    force: bool = False
    min_remaining: timedelta = timedelta(minutes=DEFAULT_MIN_REMAINING)
    role: str | None = None
    """For the still-valid check only: the target must hold this role's credentials, assumed
    with the profile's session (None: the profile's own session)."""

    @property
    def target(self) -> str:
        return self.write_profile or self.profile


def resolve_profile(
    explicit: str | None,
    environ: Mapping[str, str],
    *,
    interactive: bool,
    files: AwsSnapshot,
    prompter: Prompter,
) -> str:
    """Step 1: --profile, else AWS_DEFAULT_PROFILE or AWS_PROFILE (botocore's order), else a
    picker on a terminal, else "default" (rules.profile_choice)."""
    offered: list[str] = []

    def choices() -> list[str]:
        offered.extend(loginable_profiles(files.credentials, files.config))
        return offered

    named = profile_without_picker(explicit, environ, interactive=interactive, choices=choices)
    if not isinstance(named, str):
        return prompter.choose_profile(named)
    if interactive and not offered and not explicit and environment_profile(environ) is None:
        # The picker had nothing to offer: say how the role and SSO profiles are used,
        # rather than fail with [default]'s words.
        ways = ways_in(files.credentials, files.config)
        if ways:
            raise NoLoginableProfile(ways="; ".join(ways))
    return named


def still_valid(
    request: LoginRequest, files: AwsSnapshot, now: datetime, origins: SectionOrigins
) -> LoginResult | None:
    """Step 2: the session already in the target section, when it lasts long enough and was
    made for this request (this profile, this role): another's is replaced by a login."""
    if request.force:
        return None
    section = files.credentials.get(request.target, {})
    configured = files.config.get(request.profile, {}).get("duration_seconds")
    seconds = session_seconds(request.duration, configured)
    expiration = valid_until(section, now, request.min_remaining, seconds)
    stored = stored_session(section)
    if expiration is None or stored is None:
        return None
    credentials = credentials_identity(files.credentials_path)
    made_for_us = origins.made_for(
        credentials, request.target, section, profile=request.profile, role=request.role
    )
    if not made_for_us:
        log.debug(
            "[%s] holds credentials made for another profile or role: not reused",
            request.target,
        )
        return None
    session = SessionCredentials(
        stored.access_key_id, stored.secret_access_key, stored.session_token, expiration
    )
    return LoginResult(request.target, Outcome.STILL_VALID, expiration, expiration - now, session)


def login(
    request: LoginRequest,
    *,
    files: AwsSnapshot,
    store: SessionStore,
    aws: AwsApi,
    codes: CodeSource,
    prompter: Prompter,
    memory: DeviceMemory,
    vault: Vault,
    origins: SectionOrigins,
    clock: Callable[[], datetime],
) -> LoginResult:
    """Steps 2 to 7 with the files as this run read them; the result carries the session
    written (nothing is read back)."""
    valid = still_valid(request, files, clock(), origins)
    if valid is not None:
        return valid

    config = files.config.get(request.profile, {})
    notices: list[str] = []

    key = _long_term_key(request.profile, files, vault)
    log.debug("long-term key %s from the %s [%s]", key.access_key_id, key.source.value, key.section)
    # First run with the key in [NAME] itself: the same atomic write that puts the session
    # into [NAME] moves the key to [NAME-long-term], so it is never lost.
    move_key = (
        LongTermCopy(request.profile + LONG_TERM_SUFFIX)
        if key.source is KeySource.PROFILE_SECTION and request.target == request.profile
        else None
    )
    # Whatever the write would refuse is said now, before any request or prompt for a code.
    store.check_session_write(
        request.target, keep_long_term_in=move_key, current=files.credentials_bytes
    )

    # A duration_seconds AWS would refuse is said before IAM is asked for the device.
    duration = _duration(request.duration, config)
    device, origin = _device(request, files, key, aws, codes, prompter, memory, notices)
    configured = configured_region(request.profile, files.credentials, files.config)
    region = region_for(configured, device)
    log.debug("device %s (from %s), region %s, %d s", device.serial, origin.value, region, duration)

    session = _session(
        request.profile,
        key,
        region,
        device,
        duration,
        aws,
        codes,
        memory,
        remembered=origin is DeviceOrigin.REMEMBERED,
    )
    report = store.write_session(request.target, session, keep_long_term_in=move_key)
    if origin is DeviceOrigin.DISCOVERED:
        # Next time the device is known: one round trip instead of two.
        memory.remember(request.profile, device.serial)
    if move_key is not None:
        notices.append(f"moved the long-term key from [{request.profile}] to [{move_key.section}]")
    notices.extend(report.notices)
    now = clock()
    return LoginResult(
        request.target,
        Outcome.RENEWED,
        session.expiration,
        session.expiration - now,
        session,
        tuple(notices),
    )


def _long_term_key(profile: str, files: AwsSnapshot, vault: Vault) -> LongTermKey:
    """Step 3: the keyring, else [NAME-long-term], else [NAME] when it holds an AKIA key."""
    from_vault = vault.load(profile)
    if from_vault is not None:
        return from_vault
    key = key_in_file(profile, files)
    if key is None:
        raise NoLongTermKey(profile=profile, credentials_file=files.credentials_path)
    return key


def key_in_file(profile: str, files: AwsSnapshot) -> LongTermKey | None:
    """Step 3 without the keyring: the key the credentials file holds for `profile`, if any
    (rules.sections says where it lives)."""
    found = key_section(profile, files.credentials)
    if found is None:
        return None
    section, in_profile_section = found
    source = KeySource.PROFILE_SECTION if in_profile_section else KeySource.LONG_TERM_SECTION
    return _key_from_section(section, files.credentials[section], source, files)


def no_copy_in_file(profile: str, key: LongTermKey, credentials: Sections) -> str | None:
    """None when the credentials file holds `key` (the same id and the same secret) where a
    login would read it; otherwise why it holds no copy, in words (for `forget`)."""
    found = key_section(profile, credentials)
    if found is None:
        return f"the credentials file holds no key for {profile}"
    section = found[0]
    key_id = credentials[section].get("aws_access_key_id", "").strip()
    secret = credentials[section].get("aws_secret_access_key", "").strip()
    if key_id != key.access_key_id:
        return (
            f"[{section}] holds another key, {key_id}" if key_id else f"[{section}] has no key id"
        )
    if not secret:
        return f"[{section}] has its key id but not its secret"
    if secret != key.secret_access_key:
        return f"[{section}] has its key id with another secret"
    return None


def find_device(
    request: LoginRequest,
    key: LongTermKey,
    *,
    files: AwsSnapshot,
    aws: AwsApi,
    codes: CodeSource,
    prompter: Prompter,
    memory: DeviceMemory,
) -> tuple[MfaDevice, DeviceOrigin, list[str]]:
    """Step 4 on its own (for `setup`): the device a login would use, where it came from."""
    notices: list[str] = []
    device, origin = _device(request, files, key, aws, codes, prompter, memory, notices)
    return device, origin, notices


def _key_from_section(
    name: str, values: Mapping[str, str], source: KeySource, files: AwsSnapshot
) -> LongTermKey:
    key_id = values.get("aws_access_key_id", "").strip()
    secret = values.get("aws_secret_access_key", "").strip()
    for present, missing, value in (
        ("aws_secret_access_key", "aws_access_key_id", key_id),
        ("aws_access_key_id", "aws_secret_access_key", secret),
    ):
        if not value:
            raise IncompleteLongTermKey(
                section=name,
                credentials_file=files.credentials_path,
                present=present,
                missing=missing,
            )
    if key_id.startswith(SESSION_PREFIX):
        raise SessionKeyAsLongTerm(section=name)
    return LongTermKey(key_id, secret, source, name)


def named_device(
    profile: str, flag: str | None, files: AwsSnapshot, recall: Callable[[str], str | None]
) -> tuple[MfaDevice, DeviceOrigin] | None:
    """Step 4 without IAM, read only (doctor takes its region from it too): the first place
    that names the profile's device, --device, mfa_serial, aws_mfa_device in
    [NAME-long-term], the remembered choice; None when none does."""
    long_term = files.credentials.get(profile + LONG_TERM_SUFFIX, {})
    candidates = (
        (flag, DeviceOrigin.FLAG),
        (files.config.get(profile, {}).get("mfa_serial"), DeviceOrigin.CONFIG),
        (long_term.get("aws_mfa_device"), DeviceOrigin.LONG_TERM_SECTION),
        (recall(profile), DeviceOrigin.REMEMBERED),
    )
    for serial, origin in candidates:
        if serial and serial.strip():
            return MfaDevice(serial.strip()), origin
    return None


def _device(
    request: LoginRequest,
    files: AwsSnapshot,
    key: LongTermKey,
    aws: AwsApi,
    codes: CodeSource,
    prompter: Prompter,
    memory: DeviceMemory,
    notices: list[str],
) -> tuple[MfaDevice, DeviceOrigin]:
    """Step 4: the first place that names a device wins; IAM is asked only when none does."""
    configured = configured_region(request.profile, files.credentials, files.config)
    named = named_device(request.profile, request.device, files, memory.recall)
    if named is not None:
        # Build the STS client while the person reads the prompt and types the code.
        aws.warm_up(key, region_for(configured, named[0]))
        return named

    region = region_for(configured, None)
    devices = aws.list_mfa_devices(key, region)
    usable = [d for d in devices if not d.is_security_key]
    keys_left_out = len(devices) - len(usable)
    user = f"the IAM user of {key.access_key_id}"
    if not usable:
        if keys_left_out:
            raise OnlySecurityKeys(user=user, count=keys_left_out)
        raise NoMfaDevice(user=user, config_file=files.config_path)
    if keys_left_out:
        notices.append(
            f"left out {keys_left_out} security key(s): AWS accepts only authenticator-app "
            "(TOTP) devices for API calls"
        )
    if len(usable) == 1:
        return usable[0], DeviceOrigin.DISCOVERED
    if not codes.interactive:
        raise UsageError(
            detail=f"{user} has {len(usable)} MFA devices; choose one with --device "
            + " or ".join(d.serial for d in usable)
        )
    return MfaDevice(prompter.choose_device([d.serial for d in usable])), DeviceOrigin.DISCOVERED


def _duration(flag: int | None, config: Mapping[str, str]) -> int:
    if flag is not None:
        value, source = flag, "--duration"
    elif config.get("duration_seconds"):
        raw = config["duration_seconds"].strip()
        if not raw.isascii() or not raw.isdigit():
            raise DurationOutOfRange(duration=repr(raw), source="duration_seconds in the config")
        value, source = int(raw), "duration_seconds in the config"
    else:
        return DEFAULT_DURATION
    if not MIN_DURATION <= value <= MAX_DURATION:
        raise DurationOutOfRange(duration=value, source=source)
    return value


def _session(
    profile: str,
    key: LongTermKey,
    region: str,
    device: MfaDevice,
    duration: int,
    aws: AwsApi,
    codes: CodeSource,
    memory: DeviceMemory,
    *,
    remembered: bool,
) -> SessionCredentials:
    """Steps 5 and 6: never retried automatically; on a terminal a rejected code asks again."""
    label = f"{profile} ({device.serial})"
    after_rejection = False
    for _ in range(CODE_TRIES):
        code = codes.next_code(label, after_rejection=after_rejection)
        try:
            return aws.get_session_token(key, region, device, code, duration)
        except CodeRejected:
            if not codes.interactive:
                raise
            after_rejection = True
        except DeviceNotAssociated as err:
            if remembered:
                memory.forget(profile)
                raise DeviceNotAssociated(
                    serial=device.serial,
                    hint=" (the remembered choice was cleared: run mfa-login again to pick again)",
                ) from err
            raise
    raise TooManyRejectedCodes(tries=CODE_TRIES, serial=device.serial)
