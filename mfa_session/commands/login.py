"""`mfa-login [--profile NAME] ...`: the daily login."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import TextIO

LOGGER = "mfa_session"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="profile to log in (default: AWS_PROFILE, else a picker on a terminal, else default)",
    )
    parser.add_argument(
        "--duration",
        type=int,
        metavar="SECONDS",
        help="session length, 900 to 129600 (default: duration_seconds of the config "
        "profile, else 43200)",
    )
    parser.add_argument(
        "--device",
        metavar="SERIAL",
        help="MFA device ARN (default: mfa_serial, aws_mfa_device, the last choice, else IAM)",
    )
    parser.add_argument(
        "--code",
        metavar="CODE",
        help="the 6-digit code (default: a line on stdin when it is not a terminal, else a prompt)",
    )
    parser.add_argument(
        "--force", action="store_true", help="log in even when the session is still valid"
    )
    parser.add_argument(
        "--min-remaining",
        type=int,
        default=15,
        metavar="MINUTES",
        help="renew when less than this is left of the session (default: 15)",
    )
    parser.add_argument(
        "--write-profile",
        metavar="NAME",
        help="section that receives the session (default: the profile itself)",
    )
    parser.add_argument(
        "--no-keyring",
        action="store_true",
        help="keep this profile's long-term key in the credentials file: never read the OS "
        "keyring nor offer to move the key there (remembered; mfa-login setup undoes it)",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing on success")
    parser.add_argument(
        "--debug", action="store_true", help="explain each step on stderr (never a secret)"
    )


def run(
    args: argparse.Namespace,
    *,
    environ: Mapping[str, str],
    stdin: TextIO,
    stderr: TextIO,
) -> int:
    # Imported here, not at the top: `--help` needs only configure(). None of these imports
    # boto3, botocore, questionary or keyring at import time.
    import logging
    from datetime import timedelta

    from mfa_session.aws import Boto3Aws
    from mfa_session.codes import CodeSource, FixedCode, PromptedCode, StdinCode
    from mfa_session.errors import KeyringUnusable
    from mfa_session.flow import LoginRequest, login, resolve_profile
    from mfa_session.migrate import login_vault, offer_move
    from mfa_session.models import Outcome
    from mfa_session.profiles import AwsFiles
    from mfa_session.prompts import QuestionaryPrompter
    from mfa_session.render import result_line
    from mfa_session.state import DeviceMemory, LayoutMemory, state_file
    from mfa_session.store import CredentialsStore
    from mfa_session.vault import KeyringFirst, KeyringVault

    log = logging.getLogger(LOGGER)
    if args.debug:
        _debug_logging(stderr)
    interactive = stdin.isatty() and stderr.isatty()
    prompter = QuestionaryPrompter()
    codes: CodeSource
    if args.code is not None:
        codes = FixedCode(args.code)  # a malformed code stops here, before anything else
    elif not stdin.isatty():
        codes = StdinCode(stdin)
    else:
        codes = PromptedCode(prompter)

    files = AwsFiles.from_environment(environ)
    profile = resolve_profile(
        args.profile, environ, interactive=interactive, files=files, prompter=prompter
    )
    request = LoginRequest(
        profile=profile,
        write_profile=args.write_profile,
        duration=args.duration,
        device=args.device,
        force=args.force,
        min_remaining=timedelta(minutes=args.min_remaining),
    )
    log.debug("profile %s, session into [%s]", profile, request.target)
    store = CredentialsStore(files.credentials)
    layout = LayoutMemory(state_file(environ))

    def warn(problem: KeyringUnusable) -> None:
        # Said where a person can act on it; scripts go on quietly from the file layout.
        log.debug("keyring: %s", problem)
        if interactive and not args.quiet:
            print(f"mfa-login: {problem}; using the credentials file", file=stderr)

    vault = login_vault(
        profile,
        files=files,
        layout=layout,
        keyring=KeyringVault(environ),
        no_keyring=args.no_keyring,
        warn=warn,
    )
    result = login(
        request,
        files=files,
        store=store,
        aws=Boto3Aws(),
        codes=codes,
        prompter=prompter,
        memory=DeviceMemory(state_file(environ)),
        vault=vault,
        clock=_now,
    )
    if not args.quiet:
        for notice in result.notices:
            print(f"mfa-login: {notice}", file=stderr)
        print(result_line(result, _now()), file=stderr)
    offer = interactive and not args.quiet and result.outcome is Outcome.RENEWED
    if offer and isinstance(vault, KeyringFirst):
        for line in offer_move(
            profile, files=files, vault=vault, store=store, layout=layout, confirm=prompter
        ):
            print(f"mfa-login: {line}", file=stderr)
    return 0


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _debug_logging(stderr: TextIO) -> None:
    import logging

    log = logging.getLogger(LOGGER)
    handler = logging.StreamHandler(stderr)
    handler.setFormatter(logging.Formatter("mfa-login: debug: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    # botocore's own debug output prints request and response bodies, secrets included.
    logging.getLogger("botocore").setLevel(logging.WARNING)
