"""The composition root: the one place that builds the real collaborators of every command.

A command asks `Wiring` for what it needs (the files as read once, the state file, the
credentials store, the keyring, an AWS client for a profile, a session for its options);
the use cases get them as parameters and never build their own. Tests build a `Wiring`
with their own factories (`aws=`, `credentials_store=`, `keyring=`, `clock=`) and run the
command through `cli.main(..., wiring=...)`: nothing in the product is patched.

Nothing heavy is imported here at import time; each adapter loads when first built.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timezone

# Built for every command that runs in full, `--help` too (the fast paths run before it):
# nothing here may load typing, logging or contextlib at run time (mypy treats any
# TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from types import TracebackType
    from typing import TextIO

    from mfa_session.adapters.client_settings import ClientSettings
    from mfa_session.adapters.keyring import FileOnly, KeyringFirst, KeyringReader, KeyringVault
    from mfa_session.adapters.prompts import QuestionaryPrompter
    from mfa_session.adapters.state_file import (
        KeyringRecords,
        LayoutMemory,
        RememberedDevices,
        StateFile,
        UsedSteps,
        WrittenSections,
    )
    from mfa_session.interfaces import AwsApi, CodeSource, IdentityCheck
    from mfa_session.models import AwsFiles
    from mfa_session.output.terminal_notes import TerminalNotes
    from mfa_session.rules.files import AwsSnapshot
    from mfa_session.store.credentials import CredentialsStore
    from mfa_session.usecases.session import (
        LoginParts,
        Obtained,
        RecordingStore,
        SessionOptions,
    )
    from mfa_session.usecases.used_codes import GuardedAws

AwsFactory = Callable[["ClientSettings"], "AwsApi"]
IdentityFactory = Callable[["ClientSettings"], "IdentityCheck"]
StoreFactory = Callable[..., "CredentialsStore"]
KeyringFactory = Callable[[Mapping[str, str]], "KeyringVault"]


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Wiring:
    """The real collaborators of one run, each built once, on first use."""

    def __init__(
        self,
        environ: Mapping[str, str],
        *,
        stdin: TextIO,
        stdout: TextIO,
        stderr: TextIO,
        clock: Callable[[], datetime] = _now,
        aws: AwsFactory | None = None,
        credentials_store: StoreFactory | None = None,
        keyring: KeyringFactory | None = None,
        identity: IdentityFactory | None = None,
    ) -> None:
        self.environ = environ
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.clock = clock
        self._aws = aws
        self._credentials_store = credentials_store
        self._keyring_factory = keyring
        self._identity_factory = identity
        self._files: AwsSnapshot | None = None
        self._state: StateFile | None = None
        self._keyring: KeyringVault | None = None
        self._store: CredentialsStore | None = None
        self._where: AwsFiles | None = None
        self._identity: str | None = None
        self.closing = Closing()
        """What the run opened (a terminal), closed at its end."""

    # --- the files, read once ---------------------------------------------------------

    def aws_files(self) -> AwsFiles:
        """Where the two files are: the variables and defaults botocore uses."""
        from pathlib import Path

        from mfa_session.models import AwsFiles
        from mfa_session.rules.files import config_path, credentials_path

        if self._where is None:
            environ = self.environ
            self._where = AwsFiles(Path(credentials_path(environ)), Path(config_path(environ)))
        return self._where

    def files(self) -> AwsSnapshot:
        """The credentials and config files as this run read them (once)."""
        if self._files is None:
            from mfa_session.rules.files import AwsSnapshot

            self._files = AwsSnapshot.from_environment(self.environ)
        return self._files

    def credentials_identity(self) -> str:
        """How the records and keyring items name this run's credentials file."""
        if self._identity is None:
            from mfa_session.rules.files import credentials_identity, credentials_path

            self._identity = credentials_identity(credentials_path(self.environ))
        return self._identity

    def state(self) -> StateFile:
        """This run's state file, its records those of this credentials file."""
        if self._state is None:
            from mfa_session.adapters.state_file import StateFile, state_path

            self._state = StateFile(state_path(self.environ), self.credentials_identity())
        return self._state

    def devices(self) -> RememberedDevices:
        from mfa_session.adapters.state_file import RememberedDevices

        return RememberedDevices(self.state())

    def layouts(self) -> LayoutMemory:
        from mfa_session.adapters.state_file import LayoutMemory

        return LayoutMemory(self.state())

    def written(self) -> WrittenSections:
        from mfa_session.adapters.state_file import WrittenSections

        return WrittenSections(self.state())

    def keyring_records(self) -> KeyringRecords:
        from mfa_session.adapters.state_file import KeyringRecords

        return KeyringRecords(self.state())

    def used_steps(self) -> UsedSteps:
        from mfa_session.adapters.state_file import UsedSteps

        return UsedSteps(self.state())

    # --- the adapters -----------------------------------------------------------------

    def credentials_store(self) -> CredentialsStore:
        """The credentials file's store; under its lock it asks the state file which keys
        the backup must keep."""
        if self._store is None:
            records = self.keyring_records()
            credentials = self.credentials_identity()
            factory = self._credentials_store
            if factory is None:
                from mfa_session.store.credentials import CredentialsStore

                factory = CredentialsStore
            self._store = factory(
                self.aws_files().credentials,
                backup_keeps=lambda: records.backup_keeps(credentials),
            )
        return self._store

    def keyring(self) -> KeyringVault:
        if self._keyring is None:
            if self._keyring_factory is not None:
                self._keyring = self._keyring_factory(self.environ)
            else:
                from mfa_session.adapters.keyring import KeyringVault
                from mfa_session.adapters.keyring_probe import read_in_another_process

                self._keyring = KeyringVault(self.environ, second_reader=read_in_another_process)
        return self._keyring

    def aws(self, profile: str) -> AwsApi:
        """AWS as `aws --profile PROFILE` reaches it: every request goes where that would."""
        from mfa_session.adapters.client_settings import ClientSettings

        settings = ClientSettings(profile, self.aws_files(), self.files())
        if self._aws is not None:
            return self._aws(settings)
        from mfa_session.adapters.aws import Boto3Aws

        return Boto3Aws(settings)

    def identity(self, profile: str) -> IdentityCheck:
        """GetCallerIdentity as `aws --profile PROFILE` would send it (doctor)."""
        from mfa_session.adapters.client_settings import ClientSettings

        settings = ClientSettings(profile, self.aws_files(), self.files())
        if self._identity_factory is not None:
            return self._identity_factory(settings)
        from mfa_session.adapters.aws import Boto3Aws

        return Boto3Aws(settings)

    def keyring_reader(self) -> KeyringReader:
        """The keyring read where a login looks, never written (doctor); a profile keeping
        its key in the file is not looked up."""
        from mfa_session.adapters.keyring import KeyringReader
        from mfa_session.rules.sections import key_section

        files = self.files()
        return KeyringReader(
            self.keyring(),
            self.layouts().keeps_file,
            lambda name: key_section(name, files.credentials) is not None,
        )

    def login_store(self, profile: str) -> RecordingStore:
        """The credentials store of a login, noting each section written in the state file
        (for `profile`'s requests) and in the journal."""
        from mfa_session.usecases.session import RecordingStore

        return RecordingStore(
            self.credentials_store(),
            self.written(),
            profile,
            self.credentials_identity(),
            clock=self.clock,
        )

    def guarded_aws(
        self, aws: AwsApi, codes: CodeSource, profile: str, terminal: TextIO | None
    ) -> GuardedAws:
        """AWS behind the used-code guard: a code of a step AWS already took is never sent."""
        from mfa_session.usecases.used_codes import GuardedAws

        return GuardedAws(aws, self.used_steps(), codes, profile=profile, terminal=terminal)

    def login_vault(
        self, profile: str, *, no_keyring: bool, notes: TerminalNotes
    ) -> FileOnly | KeyringFirst:
        """The vault a login asks: none when the profile keeps the file layout
        (--no-keyring, remembered), or when the keyring has nothing to give this login
        (`keyring_has_nothing_to_add`); else the keyring, the file when it cannot be used."""
        from mfa_session.adapters.keyring import FileOnly, KeyringFirst
        from mfa_session.rules.sections import key_section
        from mfa_session.usecases.keyring_move import BackupRelease, keyring_has_nothing_to_add

        layout = self.layouts()
        if no_keyring:
            layout.keep_file(profile)
        if layout.keeps_file(profile):
            return FileOnly()
        records = self.keyring_records()
        files = self.files()
        if keyring_has_nothing_to_add(
            profile,
            files,
            records,
            self.credentials_identity(),
            anyone_told=notes.speaks,
        ):
            import logging

            logging.getLogger("mfa_session").debug(
                "keyring not asked: the key is in the credentials file, no move of it into the "
                "keyring is recorded, and there is no one to offer one to"
            )
            return FileOnly()  # the keyring library is not even imported
        keyring = self.keyring()
        return KeyringFirst(
            keyring,
            lambda name: key_section(name, files.fresh().credentials) is not None,
            notes.keyring_problem,
            records=records,
            found=BackupRelease(records, self.credentials_store(), keyring.credentials_file),
        )

    def section_lock(
        self, waiting: Callable[[str], None] = lambda _section: None
    ) -> Callable[[set[str]], AbstractContextManager[object]]:
        """The login locks of sections of this credentials file (adapters.login_lock)."""
        from pathlib import Path

        from mfa_session.adapters.login_lock import login_lock

        folder = Path(self.state().path).parent / "locks"
        credentials = self.credentials_identity()

        def lock(sections: set[str]) -> AbstractContextManager[object]:
            return login_lock(folder, credentials, sections, waiting=waiting)

        return lock

    # --- a person at a terminal -------------------------------------------------------

    def prompter(self) -> QuestionaryPrompter:
        """Prompts on this process's own terminal (setup, forget)."""
        from mfa_session.adapters.prompts import QuestionaryPrompter

        return QuestionaryPrompter()

    def asking(self, *, tty_only: bool) -> Asking:
        """Whether a person can be asked, the terminal to tell them things on, and the
        prompter.

        credential-process (`tty_only`) asks on the terminal (/dev/tty): the SDK owns stdin
        and stdout. So does a login whose stderr goes to a file or a pipe (`2>log`) while a
        person types at the terminal: a prompt drawn into the log would look like a hang."""
        from mfa_session.adapters.prompts import QuestionaryPrompter

        stdin, stderr = self.stdin, self.stderr
        on_tty = tty_only or (stdin.isatty() and not stderr.isatty())
        tty = _open_tty() if on_tty else None
        if tty is not None:
            self.closing.callback(tty[0].close)
            self.closing.callback(tty[1].close)
            return Asking(True, tty[1], QuestionaryPrompter(*tty), tty_only=tty_only)
        if tty_only:
            return Asking(False, None, QuestionaryPrompter(), tty_only=True)
        interactive = stdin.isatty() and stderr.isatty()
        terminal = stderr if interactive else None
        return Asking(interactive, terminal, QuestionaryPrompter(), tty_only=False)

    # --- the session use case ---------------------------------------------------------

    def session(self, options: SessionOptions, *, tty_only: bool = False) -> SessionRun:
        return SessionRun(self, options, self.asking(tty_only=tty_only))


class Closing:
    """Callbacks run when the run ends, last first (contextlib.ExitStack without its
    import)."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[], object]] = []

    def callback(self, done: Callable[[], object]) -> None:
        self._callbacks.append(done)

    def __enter__(self) -> Closing:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        while self._callbacks:
            self._callbacks.pop()()


class Asking:
    """Who can be asked, and how (see `Wiring.asking`)."""

    def __init__(
        self,
        interactive: bool,
        terminal: TextIO | None,
        prompter: QuestionaryPrompter,
        *,
        tty_only: bool,
    ) -> None:
        self.interactive = interactive
        self.terminal = terminal
        self.prompter = prompter
        self.tty_only = tty_only


class SessionRun:
    """One command's session: the use case with the collaborators for its situation."""

    def __init__(self, wiring: Wiring, options: SessionOptions, asking: Asking) -> None:
        self.wiring = wiring
        self.options = options
        self.asking = asking
        self.profile: str | None = None
        self.vault: FileOnly | KeyringFirst | None = None

    def logged_in(self) -> str:
        """The profile whose session `obtain` handed out (its settings, its region)."""
        if self.profile is None:
            raise RuntimeError("logged_in() before obtain()")
        return self.profile

    def obtain(self) -> Obtained:
        from mfa_session.adapters.code_sources import FixedCode
        from mfa_session.adapters.login_lock import WAIT_SECONDS
        from mfa_session.output.terminal_notes import TerminalNotes
        from mfa_session.usecases.login import resolve_profile
        from mfa_session.usecases.session import obtain_session, plan_session

        wiring, options, asking = self.wiring, self.options, self.asking
        # A malformed --code stops here, before any file is read.
        fixed = FixedCode(options.code) if options.code is not None else None
        files = wiring.files()
        profile = resolve_profile(
            options.profile,
            wiring.environ,
            interactive=asking.interactive,
            files=files,
            prompter=asking.prompter,
        )
        self.profile = profile
        plan = plan_session(options, profile, files)
        notes = TerminalNotes(asking.terminal, quiet=options.quiet, wait_seconds=WAIT_SECONDS)

        def login_parts() -> LoginParts:
            return self._login_parts(profile, fixed, notes)

        import logging

        logging.getLogger("mfa_session").debug(
            "profile %s, session into [%s]", profile, plan.login.target
        )
        obtained = obtain_session(
            plan,
            files=files,
            origins=wiring.written(),
            lock=wiring.section_lock(notes.waiting),
            login_parts=login_parts,
            clock=wiring.clock,
        )
        if fixed is None:
            return obtained
        # Said with the result, not before: a failure stays the one line that says it.
        from dataclasses import replace

        from mfa_session.adapters.code_sources import CODE_IN_ARGUMENTS

        notices = (CODE_IN_ARGUMENTS, *obtained.result.notices)
        return replace(obtained, result=replace(obtained.result, notices=notices))

    def _login_parts(
        self, profile: str, fixed: CodeSource | None, notes: TerminalNotes
    ) -> LoginParts:
        from mfa_session.store.credentials import preload
        from mfa_session.usecases.session import LoginParts

        wiring, asking = self.wiring, self.asking
        codes = fixed or self._code_source(profile)
        store = wiring.login_store(profile)
        self.vault = wiring.login_vault(profile, no_keyring=self.options.no_keyring, notes=notes)
        if codes.interactive:
            preload()  # configobj and botocore's loader, while the person types the code
        aws = wiring.guarded_aws(wiring.aws(profile), codes, profile, asking.terminal)
        return LoginParts(
            store=store,
            aws=aws,
            codes=codes,
            prompter=asking.prompter,
            memory=wiring.devices(),
            vault=self.vault,
        )

    def _code_source(self, profile: str) -> CodeSource:
        """--code-command, else mfa_code_command, else stdin (not for credential-process),
        else a prompt; with no terminal to prompt on, credential-process fails when a code
        is needed."""
        from mfa_session.adapters.code_command import CommandCode
        from mfa_session.adapters.code_sources import NoTerminalCode, PromptedCode, StdinCode

        options, asking, wiring = self.options, self.asking, self.wiring
        config = wiring.files().config.get(profile, {})
        if options.code_command:
            return CommandCode(options.code_command, "--code-command")
        if config.get("mfa_code_command", "").strip():
            return CommandCode(
                config["mfa_code_command"].strip(), f"mfa_code_command of [profile {profile}]"
            )
        if not asking.tty_only:
            if wiring.stdin.isatty():
                return PromptedCode(asking.prompter)
            return StdinCode(wiring.stdin)
        if asking.terminal is None:
            return NoTerminalCode(profile, wiring.aws_files().config)
        return PromptedCode(asking.prompter)

    def keyring_offer(self, obtained: Obtained) -> list[str]:
        """After a login from a plaintext key, on a terminal: the offer to move the key into
        the keyring (usecases.keyring_move.offer_move); the lines to show."""
        from mfa_session.adapters.keyring import KeyringFirst
        from mfa_session.models import Outcome
        from mfa_session.usecases.keyring_move import offer_move

        vault, profile = self.vault, self.profile
        renewed = obtained.result.outcome is Outcome.RENEWED
        if not (self.asking.interactive and not self.asking.tty_only and renewed):
            return []
        if self.options.quiet or profile is None or not isinstance(vault, KeyringFirst):
            return []
        wiring = self.wiring
        return offer_move(
            profile,
            files=wiring.files(),
            vault=vault,
            store=wiring.credentials_store(),
            layout=wiring.layouts(),
            records=wiring.keyring_records(),
            confirm=self.asking.prompter,
        )


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
