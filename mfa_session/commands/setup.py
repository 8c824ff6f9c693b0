"""Put a profile's long-term key into the OS keyring, checked by AWS first, and log in once.

The key comes from [NAME-long-term] or [NAME] of the credentials file, else it is asked for
(the secret typed hidden). Off a terminal: --access-key-id, the secret as the first line of
standard input, the MFA code from --code or the next line.

A keyring item that already holds another key for this profile and credentials file is
replaced only when you say so on a terminal; without one, setup stops (exit 2).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from mfa_session.adapters.code_sources import (
    CODE_IN_ARGUMENTS,
    FixedCode,
    PromptedCode,
    StdinCode,
    one_line,
)
from mfa_session.adapters.keyring import SERVICE
from mfa_session.commands.session_flags import (
    add_code_option,
    add_device_option,
    add_duration_option,
    profile,
)
from mfa_session.errors import KeyringHoldsOtherKey, MalformedAccessKey, UsageError
from mfa_session.models import KeySource, LongTermKey
from mfa_session.output.render import result_line
from mfa_session.rules.profile_choice import environment_profile
from mfa_session.rules.regions import configured_region, region_for
from mfa_session.rules.sections import LONG_TERM_PREFIX, SESSION_PREFIX
from mfa_session.usecases.keyring_move import move_into_keyring
from mfa_session.usecases.login import DeviceOrigin, LoginRequest, find_device, key_in_file, login
from mfa_session.usecases.session import refuse_long_term_sections
from mfa_session.visible import visible

if TYPE_CHECKING:
    from mfa_session.adapters.keyring import KeyringVault
    from mfa_session.adapters.prompts import QuestionaryPrompter
    from mfa_session.adapters.state_file import KeyringRecords
    from mfa_session.interfaces import AwsApi, CodeSource
    from mfa_session.models import LoginResult
    from mfa_session.store.credentials import CredentialsStore
    from mfa_session.wiring import Wiring


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile",
        type=profile,
        metavar="NAME",
        help="profile to set up (default: AWS_DEFAULT_PROFILE or AWS_PROFILE, else default)",
    )
    parser.add_argument(
        "--access-key-id",
        metavar="AKIA...",
        help="the key's ID when the credentials file has none (its secret: first line of stdin)",
    )
    add_device_option(parser, "MFA device ARN (as for the login)")
    add_code_option(parser, "the 6-digit code for the first login (default: as the login)")
    add_duration_option(parser, "session length of the first login, 900 to 129600")


def run(args: argparse.Namespace, wiring: Wiring) -> int:
    stdin, stderr = wiring.stdin, wiring.stderr
    interactive = stdin.isatty() and stderr.isatty()
    prompter = wiring.prompter()
    profile = args.profile or environment_profile(wiring.environ) or "default"
    refuse_long_term_sections(profile, None, "setup")
    # A malformed --code is said before anything else: the files, the keyring, AWS.
    codes = _code_source(args.code, interactive, stdin, prompter)

    def say(line: str) -> None:
        print(f"mfa-login: {visible(line)}", file=stderr)

    key = _setup_key(profile, args.access_key_id, wiring, interactive, prompter, say)
    # Before AWS is asked: a keyring that cannot be used, or an item holding another key.
    keyring = wiring.keyring()
    keyring.check_storable()
    held = keyring.load(profile)
    replacing = None
    if held is not None and held.access_key_id != key.access_key_id:
        if not _may_replace(profile, held, key, keyring, prompter if interactive else None):
            say("the keyring item was left as it was; nothing was changed")
            return 0
        replacing = held.access_key_id

    aws = wiring.aws(profile)
    request = LoginRequest(profile=profile, device=args.device, duration=args.duration, force=True)
    _check_with_aws(request, key, wiring, aws, codes, prompter, say)

    for line in _store_key(
        profile, key, keyring, wiring.credentials_store(), wiring.keyring_records(), replacing
    ):
        say(line)
    wiring.layouts().clear(profile)

    result = _first_login(request, wiring, aws, codes, prompter, interactive)
    # The --code warning after the work: a failure stays the one line that says it.
    for notice in (*result.notices, *([CODE_IN_ARGUMENTS] if args.code is not None else [])):
        say(notice)
    print(result_line(result, wiring.clock()), file=stderr)
    return 0


def _setup_key(
    profile: str,
    access_key_id: str | None,
    wiring: Wiring,
    interactive: bool,
    prompter: QuestionaryPrompter,
    say: Callable[[str], None],
) -> LongTermKey:
    """The key the credentials file holds for `profile`, else the one entered."""
    key = key_in_file(profile, wiring.files())
    if key is not None and access_key_id:
        raise UsageError(
            detail=f"[{key.section}] already holds {key.access_key_id}: leave out "
            "--access-key-id to move that key into the keyring"
        )
    if key is None:
        return _entered_key(profile, access_key_id, interactive, wiring.stdin, prompter)
    say(f"using the long-term key {key.access_key_id} in [{key.section}]")
    return key


def _code_source(
    code: str | None, interactive: bool, stdin: TextIO, prompter: QuestionaryPrompter
) -> CodeSource:
    if code is not None:
        return FixedCode(code)
    if not interactive:
        return StdinCode(stdin)
    return PromptedCode(prompter)


def _check_with_aws(
    request: LoginRequest,
    key: LongTermKey,
    wiring: Wiring,
    aws: AwsApi,
    codes: CodeSource,
    prompter: QuestionaryPrompter,
    say: Callable[[str], None],
) -> None:
    """One GetCallerIdentity before anything is stored (a wrong key is said here, not
    later), then the device a login will use, remembered when IAM named it."""
    files = wiring.files()
    configured = configured_region(request.profile, files.credentials, files.config)
    arn = aws.get_caller_identity(key, region_for(configured, None))
    say(f"AWS accepts {key.access_key_id}: {arn}")
    memory = wiring.devices()
    device, origin, notices = find_device(
        request, key, files=files, aws=aws, codes=codes, prompter=prompter, memory=memory
    )
    for notice in notices:
        say(notice)
    if origin is DeviceOrigin.DISCOVERED:
        memory.remember(request.profile, device.serial)
    say(f"MFA device {device.serial} ({origin.value})")


def _first_login(
    request: LoginRequest,
    wiring: Wiring,
    aws: AwsApi,
    codes: CodeSource,
    prompter: QuestionaryPrompter,
    interactive: bool,
) -> LoginResult:
    """The login with the key now in the keyring, with the same guards as every login: the
    code's step is recorded, and so is the section."""
    terminal = wiring.stderr if interactive else None
    with wiring.section_lock()({request.target}):
        return login(
            request,
            # The key has just left the file: the login reads it as it is now.
            files=wiring.files().fresh(),
            store=wiring.login_store(request.profile),
            aws=wiring.guarded_aws(aws, codes, request.profile, terminal),
            codes=codes,
            prompter=prompter,
            memory=wiring.devices(),
            vault=wiring.keyring(),
            origins=wiring.written(),
            clock=wiring.clock,
        )


def _store_key(
    profile: str,
    key: LongTermKey,
    keyring: KeyringVault,
    store: CredentialsStore,
    records: KeyringRecords,
    replacing: str | None,
) -> list[str]:
    """Move the key into this file's item; an earlier version's item of the same key goes."""
    done = move_into_keyring(profile, key, keyring, store, records, replacing=replacing)
    legacy = keyring.load_legacy(profile)
    if legacy is not None and legacy.access_key_id == key.access_key_id:
        keyring.delete_legacy(profile)
        done.append(f"removed the earlier version's keyring item {profile} (the same key)")
    return done


def _may_replace(
    profile: str,
    held: LongTermKey,
    key: LongTermKey,
    keyring: KeyringVault,
    prompter: QuestionaryPrompter | None,
) -> bool:
    """Whether the item holding `held` may become `key`: asked on a terminal; without one
    (`prompter` None) it is refused, naming both keys."""
    item = keyring.item(profile)
    if prompter is None:
        raise KeyringHoldsOtherKey(
            profile=profile, item=item, held=held.access_key_id, new=key.access_key_id
        )
    question = (
        f"The OS keyring already holds the long-term key {held.access_key_id} for {profile} "
        f"(service {SERVICE}, item {item}). Replace it with {key.access_key_id}? "
        f"(the keyring's copy of {held.access_key_id} is then gone)"
    )
    return prompter.confirm(question, default=False)


def _entered_key(
    profile: str,
    access_key_id: str | None,
    interactive: bool,
    stdin: TextIO,
    prompter: QuestionaryPrompter,
) -> LongTermKey:
    if interactive:
        key_id = (access_key_id or prompter.ask_access_key_id()).strip()
        _check_key_id(key_id)
        secret = prompter.ask_secret(key_id)
    else:
        if not access_key_id:
            raise UsageError(
                detail=f"the credentials file has no key for {profile}: pass --access-key-id "
                "and the secret access key as the first line of standard input"
            )
        key_id = access_key_id.strip()
        _check_key_id(key_id)
        secret = one_line(stdin)
    secret = secret.strip()
    if not secret:
        raise MalformedAccessKey(what="the secret access key", reason="nothing was entered")
    if any(char.isspace() for char in secret):
        raise MalformedAccessKey(what="the secret access key", reason="it contains spaces")
    return LongTermKey(key_id, secret, KeySource.ENTERED, profile)


def _check_key_id(key_id: str) -> None:
    """The key ID's shape. What was typed is never repeated: people paste the secret here."""
    what = f"the access key ID entered ({len(key_id)} characters)"
    if key_id.startswith(SESSION_PREFIX):
        raise MalformedAccessKey(what=what, reason="ASIA... is a session key; use the AKIA... key")
    if not key_id.startswith(LONG_TERM_PREFIX) or not (key_id.isascii() and key_id.isalnum()):
        hint = (
            "; 40 characters is the length of a secret access key, which goes in the next step"
            if len(key_id) == 40
            else ""
        )
        raise MalformedAccessKey(
            what=what, reason=f"expected AKIA followed by letters and digits{hint}"
        )
