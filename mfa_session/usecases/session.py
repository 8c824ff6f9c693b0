"""A session for this profile: the stored one while it lasts, else a login first, then the
role if asked.

`login`, `export`, `exec` and `credential-process` all come here, through the composition
root (wiring.py), which builds every collaborator; this module only decides. The session
in the credentials file is used while it lasts longer than --min-remaining and was made
for this request; otherwise the login runs (usecases.login) under the login lock of the
sections it writes. With --assume-role the session then assumes the role, and the role's
credentials are written like a session into their own section (default NAME-role), with
the same expiry rule. The result carries the credentials as written: nothing is read back.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from mfa_session.errors import (
    LongTermSectionAsProfile,
    LongTermSectionAsTarget,
    NoRoleArn,
    SessionNotUsed,
    SsoSessionMissing,
)
from mfa_session.interfaces import (
    AwsApi,
    CodeSource,
    DeviceMemory,
    Prompter,
    SectionOrigins,
    SectionRecorder,
    SessionStore,
    Vault,
)
from mfa_session.journal import JOURNAL, WriteJournal
from mfa_session.models import (
    LoginResult,
    LongTermCopy,
    Outcome,
    SessionCredentials,
    WriteReport,
)
from mfa_session.output.render import local_time, result_line
from mfa_session.rules.files import AwsSnapshot
from mfa_session.rules.flags import FROM_CONFIG
from mfa_session.rules.profile_kinds import (
    merged_profile,
    precedence_text,
    role_ways,
    sso_session_gap,
    sso_session_text,
    takes_precedence,
)
from mfa_session.rules.regions import configured_region, region_for
from mfa_session.rules.sections import ROLE_SUFFIX, long_term_owner
from mfa_session.rules.validity import DEFAULT_MIN_REMAINING
from mfa_session.usecases.login import LoginRequest, login, still_valid

if TYPE_CHECKING:
    import argparse
    from contextlib import AbstractContextManager

log = logging.getLogger("mfa_session")

ROLE_DURATION = 3600
"""Seconds a role's credentials last (AssumeRole's default), also for the renewal margin."""
_NAME_CHARS = re.compile(r"[^\w+=,.@-]")


@dataclass(frozen=True)
class SessionOptions:
    """What every command may say about the session; commands leave out what they lack."""

    profile: str | None = None
    write_profile: str | None = None
    duration: int | None = None
    device: str | None = None
    code: str | None = None
    code_command: str | None = None
    force: bool = False
    min_remaining: int = DEFAULT_MIN_REMAINING
    assume_role: str | None = None
    role_session_name: str | None = None
    no_keyring: bool = False
    quiet: bool = False
    command_name: str = ""
    """The command asked for ("" for the login, "export", ...), to name it in advice."""

    @classmethod
    def from_args(cls, args: argparse.Namespace, command_name: str = "") -> SessionOptions:
        given = {f.name: getattr(args, f.name) for f in fields(cls) if hasattr(args, f.name)}
        return cls(**{**given, "command_name": command_name})


@dataclass(frozen=True)
class RoleRequest:
    arn: str
    target: str
    """The section that receives the role's credentials."""
    session_name: str


@dataclass(frozen=True)
class SessionPlan:
    """What one command asks for, once the profile is known."""

    login: LoginRequest
    """The login, when one is needed."""
    wanted: LoginRequest
    """What the stored credentials must serve (the role's, with --assume-role)."""
    role: RoleRequest | None = None

    @property
    def sections(self) -> set[str]:
        """The sections this plan may write (their login locks are held while it does)."""
        return {self.login.target} | ({self.role.target} if self.role else set())


def plan_session(options: SessionOptions, profile: str, files: AwsSnapshot) -> SessionPlan:
    """The requests for `profile`: the login's, and with --assume-role the role's. A
    NAME-long-term section as the profile or the target is refused before anything else."""
    refuse_long_term_sections(profile, options.write_profile, options.command_name)
    minimum = timedelta(minutes=options.min_remaining)
    role_arn = _role_arn(options.assume_role, profile, files)
    request = LoginRequest(
        profile=profile,
        write_profile=None if role_arn else options.write_profile,
        duration=options.duration,
        device=options.device,
        # With a role, --force renews the role's credentials; the session is reused.
        force=options.force and role_arn is None,
        min_remaining=minimum,
    )
    if role_arn is None:
        return SessionPlan(request, request)
    role_target = options.write_profile or profile + ROLE_SUFFIX
    wanted = LoginRequest(
        profile=profile,
        write_profile=role_target,
        duration=ROLE_DURATION,
        force=options.force,
        min_remaining=minimum,
        role=role_arn,
    )
    name = options.role_session_name or default_session_name(profile)
    return SessionPlan(request, wanted, RoleRequest(role_arn, role_target, name))


def refuse_long_term_sections(profile: str, write_profile: str | None, command_name: str) -> None:
    """[NAME-long-term] holds a key: logging into it would move that key to
    [NAME-long-term-long-term] and put a session in its place, and NAME would break. The
    mistake is said as one, with the command that was meant (rules.sections)."""
    owner = long_term_owner(profile)
    if owner is not None:
        command = f"{command_name} " if command_name else ""
        raise LongTermSectionAsProfile(section=profile, profile=owner, command=command)
    owner = long_term_owner(write_profile) if write_profile else None
    if write_profile and owner is not None:
        raise LongTermSectionAsTarget(section=write_profile, profile=owner)


def default_session_name(profile: str) -> str:
    """RoleSessionName allows [\\w+=,.@-], 2 to 64 characters; CloudTrail shows it."""
    return _NAME_CHARS.sub("-", f"mfa-login-{profile}")[:64]


def _role_arn(flag: str | None, profile: str, files: AwsSnapshot) -> str | None:
    if flag != FROM_CONFIG:
        return flag
    configured = files.config.get(profile, {}).get("role_arn", "").strip()
    if not configured:
        raise NoRoleArn(profile=profile, config_file=files.config_path)
    return configured


@dataclass(frozen=True)
class LoginParts:
    """The login's collaborators, built by the composition root only when a login runs."""

    store: RecordingStore
    aws: AwsApi
    codes: CodeSource
    prompter: Prompter
    memory: DeviceMemory
    vault: Vault


@dataclass(frozen=True)
class Obtained:
    result: LoginResult
    """Where the credentials are, until when, and whether a login happened."""
    credentials: SessionCredentials


SectionLock = Callable[[set[str]], "AbstractContextManager[object]"]


def obtain_session(
    plan: SessionPlan,
    *,
    files: AwsSnapshot,
    origins: SectionOrigins,
    lock: SectionLock,
    login_parts: Callable[[], LoginParts],
    clock: Callable[[], datetime],
) -> Obtained:
    """The stored credentials when they serve `plan.wanted`; otherwise, holding the login
    locks of the plan's sections, a login and with a role AssumeRole, written and returned.
    Nothing is handed out from, or written to, a section AWS tools would not use."""
    refuse_unused_target(plan, files)
    # The daily case needs no lock: a section that serves this request is used as it is.
    stored = still_valid(plan.wanted, files, clock(), origins)
    if stored is not None:
        return Obtained(stored, stored.credentials)
    refuse_unbuildable_clients(plan, files)
    with lock(plan.sections):
        # Another command may have logged in while this one waited: its session serves.
        files = files.fresh()
        stored = still_valid(plan.wanted, files, clock(), origins)
        if stored is not None:
            return Obtained(stored, stored.credentials)
        parts = login_parts()
        if plan.role is not None:
            # The role's section too is checked before a code is spent on the session.
            parts.store.check_session_write(plan.role.target, current=files.credentials_bytes)
        result = login(
            plan.login,
            files=files,
            store=parts.store,
            aws=parts.aws,
            codes=parts.codes,
            prompter=parts.prompter,
            memory=parts.memory,
            vault=parts.vault,
            origins=origins,
            clock=clock,
        )
        if plan.role is None:
            return Obtained(result, result.credentials)
        return _assume(plan.role, result, files, parts, clock)


def refuse_unbuildable_clients(plan: SessionPlan, files: AwsSnapshot) -> None:
    """A profile whose sso_session botocore cannot follow gets no client at all (the
    login's requests take the logged-in profile's settings, and AWS tools would refuse the
    section written): said before any lock, request or code, not as the SDK's failure."""
    for name in dict.fromkeys((plan.login.profile, plan.wanted.target)):
        gap = sso_session_gap(name, files.credentials, files.config, files.sso_sessions)
        if gap is not None and gap.setting.in_credentials_file and name == plan.wanted.target:
            continue  # sso_* keys in the section itself: ManagedElsewhere says so
        if gap is not None:
            raise SsoSessionMissing(
                profile=name,
                session=gap.session,
                where=gap.setting.where(name),
                problem=sso_session_text(gap, files.config_path),
            )


def refuse_unused_target(plan: SessionPlan, files: AwsSnapshot) -> None:
    """The section that receives what this command hands out must be one AWS tools take
    credentials from: a role_arn, web identity or SSO setting of its profile would take
    precedence over it (rules.profile_kinds, botocore's order). Said before any lock,
    request or code."""
    target = plan.wanted.target
    setting = takes_precedence(target, files.credentials, files.config)
    if setting is None or (setting.in_credentials_file and setting.key.startswith("sso_")):
        # sso_* keys in the section itself: another tool manages it (ManagedElsewhere says so).
        return
    profile = merged_profile(target, files.credentials, files.config)
    another = "write it to another section with --write-profile NAME"
    if setting.key == "role_arn" and plan.role is None and plan.login.write_profile is None:
        way_out = ", or ".join([*role_ways(target, profile), another])
    else:
        way_out = another
    raise SessionNotUsed(
        where=setting.where(target),
        path=files.credentials_path if setting.in_credentials_file else files.config_path,
        setting=setting.key,
        instead=precedence_text(setting, profile),
        section=target,
        way_out=way_out,
    )


def _assume(
    role: RoleRequest,
    result: LoginResult,
    files: AwsSnapshot,
    parts: LoginParts,
    clock: Callable[[], datetime],
) -> Obtained:
    log.debug("assuming %s with the session of [%s]", role.arn, result.profile)
    configured = configured_region(parts.store.profile, files.credentials, files.config)
    credentials = parts.aws.assume_role(
        result.credentials,
        region_for(configured, None),
        role.arn,
        role.session_name,
        ROLE_DURATION,
    )
    report = parts.store.write_session(role.target, credentials, role=role.arn)
    notices = (*result.notices, *report.notices)
    now = clock()
    if result.outcome is Outcome.RENEWED:
        notices = (*notices, result_line(result, now))
    return Obtained(
        LoginResult(
            role.target,
            Outcome.RENEWED,
            credentials.expiration,
            credentials.expiration - now,
            credentials,
            notices,
        ),
        credentials,
    )


class RecordingStore:
    """The credentials store, noting in the state file which sections mfa-login wrote, and
    for which request (profile and role): the still-valid check reuses only those; and in
    the journal what this run wrote (so that an interrupt afterwards says it)."""

    def __init__(
        self,
        inner: SessionStore,
        record: SectionRecorder,
        profile: str,
        credentials: str,
        *,
        clock: Callable[[], datetime],
        journal: WriteJournal = JOURNAL,
    ) -> None:
        self._inner = inner
        self._record = record
        self.profile = profile
        self._credentials = credentials
        self._clock = clock
        self._journal = journal

    def check_session_write(
        self,
        target: str,
        *,
        keep_long_term_in: LongTermCopy | None = None,
        current: bytes | None = None,
    ) -> None:
        self._inner.check_session_write(
            target, keep_long_term_in=keep_long_term_in, current=current
        )

    def write_session(
        self,
        target: str,
        session: SessionCredentials,
        *,
        keep_long_term_in: LongTermCopy | None = None,
        role: str | None = None,
    ) -> WriteReport:
        until = local_time(session.expiration, self._clock())
        with self._journal.writing(f"the session for [{target}]", detail=f"valid until {until}"):
            report = self._inner.write_session(target, session, keep_long_term_in=keep_long_term_in)
        self._record.record(
            target,
            self.profile,
            credentials=self._credentials,
            role=role,
            key_id=session.access_key_id,
        )
        return report


def no_lock(_sections: set[str]) -> AbstractContextManager[object]:
    """A SectionLock that locks nothing (one process alone, as in the unit tests)."""
    return contextlib.nullcontext()
