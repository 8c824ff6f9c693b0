"""One stored session for every command: still valid, else a login first.

`login`, `export`, `exec` and `credential-process` all come here: the session in the
credentials file is used while it lasts longer than --min-remaining; otherwise the login
flow runs (prompting, a code command, or a code on stdin) and writes it. With
--assume-role the session then assumes the role, and the role's credentials are written
like a session into their own section (default NAME-role), with the same expiry rule.

The still-valid path imports no boto3, questionary or keyring.
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta, timezone
from typing import TextIO

from mfa_session.adapters.aws import Boto3Aws, region_for
from mfa_session.adapters.client_settings import ClientSettings
from mfa_session.adapters.code_command import CommandCode
from mfa_session.adapters.code_sources import (
    CODE_IN_ARGUMENTS,
    CodeSource,
    FixedCode,
    PromptedCode,
    StdinCode,
)
from mfa_session.adapters.keyring import KeyringFirst, KeyringVault
from mfa_session.adapters.login_lock import WAIT_SECONDS, lock_folder, login_lock
from mfa_session.adapters.prompts import QuestionaryPrompter
from mfa_session.adapters.roles import ROLE_DURATION
from mfa_session.adapters.state_file import (
    DeviceMemory,
    KeyringRecords,
    LayoutMemory,
    UsedSteps,
    WrittenSections,
    state_file,
)
from mfa_session.commands.session_flags import FROM_CONFIG
from mfa_session.errors import KeyringUnusable, NoKeyring, NoRoleArn, NoStoredSession, NoTerminal
from mfa_session.journal import JOURNAL, WriteJournal
from mfa_session.models import LoginResult, Outcome, SessionCredentials
from mfa_session.output.render import local_time, result_line
from mfa_session.output.style import Style
from mfa_session.profiles import AwsFiles, read_config_profiles, read_credentials
from mfa_session.rules.files import credentials_identity
from mfa_session.rules.validity import DEFAULT_MIN_REMAINING
from mfa_session.store.credentials import CredentialsStore, LongTermCopy, WriteReport
from mfa_session.store.credentials import preload as preload_store
from mfa_session.timefmt import parse_expiration
from mfa_session.usecases.keyring_move import BackupRelease, login_vault, offer_move
from mfa_session.usecases.login import LoginRequest, login, resolve_profile, still_valid
from mfa_session.usecases.used_codes import GuardedAws
from mfa_session.visible import visible

log = logging.getLogger("mfa_session")

ROLE_SUFFIX = "-role"


class Prompting(enum.Enum):
    STDERR = "stderr"
    """Prompts on stderr when stdin is a terminal; a code may come on stdin (login, export)."""
    TTY = "tty"
    """Prompts on /dev/tty only; stdin and stdout belong to the caller (credential-process)."""


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

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> SessionOptions:
        given = {f.name: getattr(args, f.name) for f in fields(cls) if hasattr(args, f.name)}
        return cls(**given)


@dataclass(frozen=True)
class Obtained:
    result: LoginResult
    """Where the credentials are, until when, and whether a login happened."""
    credentials: SessionCredentials
    follow_up: Callable[[], list[str]] | None = None
    """After the result is shown: the offer to move the key into the keyring; its lines."""


# --- the work ------------------------------------------------------------------------------


def obtain(
    options: SessionOptions,
    *,
    environ: Mapping[str, str],
    stdin: TextIO,
    stderr: TextIO,
    prompting: Prompting = Prompting.STDERR,
    clock: Callable[[], datetime] | None = None,
    offer_keyring_move: bool = False,
) -> Obtained:
    obtained = _obtain(
        options,
        environ=environ,
        stdin=stdin,
        stderr=stderr,
        prompting=prompting,
        clock=clock,
        offer_keyring_move=offer_keyring_move,
    )
    if options.code is None or options.quiet:
        return obtained
    # Said with the result, not before: a failure stays the one line that says it.
    notices = (CODE_IN_ARGUMENTS, *obtained.result.notices)
    return replace(obtained, result=replace(obtained.result, notices=notices))


def _obtain(
    options: SessionOptions,
    *,
    environ: Mapping[str, str],
    stdin: TextIO,
    stderr: TextIO,
    prompting: Prompting,
    clock: Callable[[], datetime] | None,
    offer_keyring_move: bool,
) -> Obtained:
    now = clock or _now
    # A malformed --code stops here, before any file is read.
    fixed = FixedCode(options.code) if options.code is not None else None
    files = AwsFiles.from_environment(environ)
    with contextlib.ExitStack() as stack:
        interactive, terminal, prompter = _asking(prompting, stdin, stderr, stack)
        profile = resolve_profile(
            options.profile, environ, interactive=interactive, files=files, prompter=prompter
        )
        config = read_config_profiles(files).get(profile, {})
        role_arn = _role_arn(options.assume_role, profile, config, files)
        state = state_file(environ)
        written = WrittenSections(state)
        credentials = credentials_identity(files.credentials)
        request, wanted, role_target = _requests(options, profile, role_arn)
        # The daily case needs no lock: a section that serves this request is used as it is.
        stored = _reusable(wanted, files, written, now)
        if stored is not None:
            return stored

        log.debug("profile %s, session into [%s]", profile, request.target)
        codes = fixed or _code_source(
            options, config, files, stdin, prompter, profile, prompting, terminal
        )
        records = KeyringRecords(state)
        file_store = CredentialsStore(
            files.credentials, backup_keeps=lambda: records.backup_keeps(credentials)
        )
        store = RecordingStore(file_store, written, profile, credentials)
        layout = LayoutMemory(state)

        say = _TerminalNotes(terminal, quiet=options.quiet)

        sections = {request.target} if role_target is None else {request.target, role_target}
        stack.enter_context(
            login_lock(lock_folder(state), credentials, sections, waiting=say.waiting)
        )
        # Another command may have logged in while this one waited: its session serves.
        stored = _reusable(wanted, files, written, now)
        if stored is not None:
            return stored

        keyring = KeyringVault(environ)
        vault = login_vault(
            profile,
            files=files,
            layout=layout,
            keyring=keyring,
            no_keyring=options.no_keyring,
            warn=say.keyring_problem,
            records=records,
            found=BackupRelease(records, file_store, keyring.credentials_file),
        )
        _check_role_section(store, role_target)
        if codes.interactive:
            preload_store()  # while the person types the code
        result = login(
            request,
            files=files,
            store=store,
            # Every request goes where `aws --profile PROFILE` would send it.
            aws=GuardedAws(
                Boto3Aws(ClientSettings(profile, files)),
                UsedSteps(state),
                codes,
                profile=profile,
                terminal=terminal,
            ),
            codes=codes,
            prompter=prompter,
            memory=DeviceMemory(state),
            vault=vault,
            origins=written,
            clock=now,
        )
        follow_up: Callable[[], list[str]] | None = None
        offer = offer_keyring_move and interactive and prompting is Prompting.STDERR
        renewed = result.outcome is Outcome.RENEWED
        if offer and not options.quiet and renewed and isinstance(vault, KeyringFirst):
            keyring_first = vault

            def follow_up() -> list[str]:
                return offer_move(
                    profile,
                    files=files,
                    vault=keyring_first,
                    store=file_store,
                    layout=layout,
                    records=records,
                    confirm=prompter,
                )

        session = stored_session(files, result.profile)
        if role_arn is None or role_target is None:
            return Obtained(result, session, follow_up)
        return _assume(
            session,
            result,
            role_arn,
            role_target,
            options,
            ClientSettings(profile, files),
            config,
            store,
            now,
        )


def _check_role_section(store: RecordingStore, role_target: str | None) -> None:
    """With --assume-role, the role's section too is checked before a code is spent on the
    session (the login checks its own target)."""
    if role_target is not None:
        store.check_session_write(role_target)


def _requests(
    options: SessionOptions, profile: str, role_arn: str | None
) -> tuple[LoginRequest, LoginRequest, str | None]:
    """The login's request; the request the stored credentials must serve (the role's, with
    --assume-role); and the role's section (None without a role)."""
    minimum = timedelta(minutes=options.min_remaining)
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
        return request, request, None
    role_target = options.write_profile or profile + ROLE_SUFFIX
    wanted = LoginRequest(
        profile=profile,
        write_profile=role_target,
        duration=ROLE_DURATION,  # the role's credentials' length, for the renewal margin
        force=options.force,
        min_remaining=minimum,
        role=role_arn,
    )
    return request, wanted, role_target


class _TerminalNotes:
    """What a login says on the terminal while it works (nothing off one, or with --quiet)."""

    def __init__(self, terminal: TextIO | None, *, quiet: bool) -> None:
        self._terminal = None if quiet else terminal

    def keyring_problem(self, problem: KeyringUnusable) -> None:
        # Said where a person can act on it; scripts go on quietly from the file layout.
        # A machine with no keyring at all cannot hold an item: saying so every morning
        # would be noise, so that case stays in --debug (setup still says it).
        if self._terminal is not None and not isinstance(problem, NoKeyring):
            print(f"mfa-login: {problem}; using the credentials file", file=self._terminal)

    def waiting(self, section: str) -> None:
        log.debug("another mfa-login is logging in to [%s]: waiting for it", section)
        if self._terminal is not None:
            print(
                f"mfa-login: another mfa-login is logging in to [{visible(section)}]; waiting "
                f"for it (at most {WAIT_SECONDS:.0f}s)",
                file=self._terminal,
            )


def _reusable(
    wanted: LoginRequest, files: AwsFiles, written: WrittenSections, now: Callable[[], datetime]
) -> Obtained | None:
    """The stored credentials, when the target's still serve `wanted` (see flow.still_valid)."""
    valid = still_valid(wanted, files, now(), written)
    if valid is None:
        return None
    return Obtained(valid, stored_session(files, valid.profile))


def _assume(
    session: SessionCredentials,
    result: LoginResult,
    role_arn: str,
    role_target: str,
    options: SessionOptions,
    settings: ClientSettings,
    config: Mapping[str, str],
    store: RecordingStore,
    now: Callable[[], datetime],
) -> Obtained:
    from mfa_session.adapters.roles import assume_role, default_session_name

    log.debug("assuming %s with the session of [%s]", role_arn, result.profile)
    role = assume_role(
        session,
        settings,
        region_for(config.get("region"), None),
        role_arn,
        options.role_session_name or default_session_name(settings.profile),
    )
    report = store.write_session(role_target, role, role=role_arn)
    notices = (*result.notices, *report.notices)
    if result.outcome is Outcome.RENEWED:
        notices = (*notices, result_line(result, now()))
    return Obtained(
        LoginResult(
            role_target, Outcome.RENEWED, role.expiration, role.expiration - now(), notices
        ),
        role,
    )


def _role_arn(
    flag: str | None, profile: str, config: Mapping[str, str], files: AwsFiles
) -> str | None:
    if flag != FROM_CONFIG:
        return flag
    configured = config.get("role_arn", "").strip()
    if not configured:
        raise NoRoleArn(profile=profile, config_file=files.config)
    return configured


def _code_source(
    options: SessionOptions,
    config: Mapping[str, str],
    files: AwsFiles,
    stdin: TextIO,
    prompter: QuestionaryPrompter,
    profile: str,
    prompting: Prompting,
    terminal: TextIO | None,
) -> CodeSource:
    """--code-command, else mfa_code_command, else stdin (not for credential-process), else
    a prompt; with no terminal to prompt on, credential-process fails when a code is needed."""
    if options.code_command:
        return CommandCode(options.code_command, "--code-command")
    if config.get("mfa_code_command", "").strip():
        return CommandCode(
            config["mfa_code_command"].strip(), f"mfa_code_command of [profile {profile}]"
        )
    if prompting is Prompting.STDERR:
        return PromptedCode(prompter) if stdin.isatty() else StdinCode(stdin)
    if terminal is None:
        return NoTerminalCode(profile, files)
    return PromptedCode(prompter)


def _asking(
    prompting: Prompting, stdin: TextIO, stderr: TextIO, stack: contextlib.ExitStack
) -> tuple[bool, TextIO | None, QuestionaryPrompter]:
    """Whether a person can be asked, the terminal to tell them things on, and the prompter.

    credential-process asks on the terminal (/dev/tty): the SDK owns stdin and stdout. So
    does a login whose stderr goes to a file or a pipe (`2>log`) while a person types at the
    terminal: a prompt drawn into the log would look like a hang."""
    on_tty = prompting is Prompting.TTY or (stdin.isatty() and not stderr.isatty())
    tty = _open_tty() if on_tty else None
    if tty is not None:
        stack.callback(tty[0].close)
        stack.callback(tty[1].close)
        return True, tty[1], QuestionaryPrompter(*tty)
    if prompting is Prompting.TTY:
        return False, None, QuestionaryPrompter()
    interactive = stdin.isatty() and stderr.isatty()
    return interactive, stderr if interactive else None, QuestionaryPrompter()


def _open_tty() -> tuple[TextIO, TextIO] | None:
    """The controlling terminal, to read from and to write to (a tty cannot be opened "r+"
    in text mode: it is not seekable); the caller closes both."""
    try:
        reader = open("/dev/tty", encoding="utf-8")  # noqa: SIM115 - closed by the caller
    except OSError:  # no controlling terminal: a cron job, a service, a detached SDK
        return None
    try:
        return reader, open("/dev/tty", "w", encoding="utf-8")
    except OSError:
        reader.close()
        return None


class NoTerminalCode:
    """Stands in for a prompt where there is no terminal: asking for a code is the error."""

    interactive = False

    def __init__(self, profile: str, files: AwsFiles) -> None:
        self._profile = profile
        self._files = files

    def next_code(self, label: str, *, after_rejection: bool) -> str:  # noqa: ARG002 - fails
        raise NoTerminal(profile=self._profile, config_file=self._files.config)


class RecordingStore:
    """The credentials store, noting in the state file which sections mfa-login wrote, and
    for which request (profile and role): the still-valid check reuses only those; and in
    the journal what this run wrote (so that an interrupt afterwards says it)."""

    def __init__(
        self,
        inner: CredentialsStore,
        record: WrittenSections,
        profile: str,
        credentials: str,
        journal: WriteJournal = JOURNAL,
    ) -> None:
        self._inner = inner
        self._record = record
        self._profile = profile
        self._credentials = credentials
        self._journal = journal

    def check_session_write(
        self, target: str, *, keep_long_term_in: LongTermCopy | None = None
    ) -> None:
        self._inner.check_session_write(target, keep_long_term_in=keep_long_term_in)

    def write_session(
        self,
        target: str,
        session: SessionCredentials,
        *,
        keep_long_term_in: LongTermCopy | None = None,
        role: str | None = None,
    ) -> WriteReport:
        until = local_time(session.expiration, _now())
        with self._journal.writing(f"the session for [{target}]", detail=f"valid until {until}"):
            report = self._inner.write_session(target, session, keep_long_term_in=keep_long_term_in)
        self._record.record(
            target,
            self._profile,
            credentials=self._credentials,
            role=role,
            key_id=session.access_key_id,
        )
        return report


def stored_session(files: AwsFiles, section: str) -> SessionCredentials:
    """The session in [section], as every AWS SDK reads it."""
    values = read_credentials(files).get(section, {})
    key_id = values.get("aws_access_key_id", "").strip()
    secret = values.get("aws_secret_access_key", "").strip()
    token = values.get("aws_session_token", "").strip()
    expiration = parse_expiration(values.get("expiration", ""))
    if not (key_id and secret and token) or expiration is None:
        raise NoStoredSession(section=section, credentials_file=files.credentials)
    return SessionCredentials(key_id, secret, token, expiration)


def show_result(result: LoginResult, stream: TextIO, environ: Mapping[str, str]) -> None:
    """The notices and the one line a person reads after a login, coloured on a terminal."""
    style = Style(stream, environ)
    for notice in result.notices:
        print(f"mfa-login: {visible(notice)}", file=stream)
    print(result_line(result, _now(), paint=lambda text: style.paint(text, "green")), file=stream)


def _now() -> datetime:
    return datetime.now(timezone.utc)
