"""Print the session as shell variables, logging in first when it is missing or about to end:
eval "$(mfa-login export)" (sh, bash, zsh), mfa-login export --format fish | source,
mfa-login export --format powershell | Invoke-Expression; json is the credential_process shape.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from typing import TextIO

from mfa_session.models import SessionCredentials
from mfa_session.session_flags import configure_session
from mfa_session.timefmt import format_expiration


def configure(parser: argparse.ArgumentParser) -> None:
    configure_session(parser)
    parser.add_argument(
        "--format",
        choices=("sh", "fish", "powershell", "json", "dotenv"),
        default="sh",
        help="how to print the variables (default: sh)",
    )


def run(
    args: argparse.Namespace,
    *,
    environ: Mapping[str, str],
    stdin: TextIO,
    stderr: TextIO,
) -> int:
    # The login machinery loads only when the command runs, never for --help.
    from mfa_session.obtain import SessionOptions, obtain, show_result

    obtained = obtain(SessionOptions.from_args(args), environ=environ, stdin=stdin, stderr=stderr)
    if obtained.result.notices or obtained.result.outcome.name == "RENEWED":
        show_result(obtained.result, stderr, environ)
    sys.stdout.write(render(obtained.credentials, args.format))
    sys.stdout.flush()
    return 0


def variables(session: SessionCredentials) -> dict[str, str]:
    return {
        "AWS_ACCESS_KEY_ID": session.access_key_id,
        "AWS_SECRET_ACCESS_KEY": session.secret_access_key,
        "AWS_SESSION_TOKEN": session.session_token,
        "AWS_CREDENTIAL_EXPIRATION": format_expiration(session.expiration),
    }


def credential_process_json(session: SessionCredentials) -> str:
    """The shape the AWS SDKs read from a credential_process (Version 1)."""
    return json.dumps(
        {
            "Version": 1,
            "AccessKeyId": session.access_key_id,
            "SecretAccessKey": session.secret_access_key,
            "SessionToken": session.session_token,
            "Expiration": format_expiration(session.expiration),
        },
        indent=2,
    )


def render(session: SessionCredentials, form: str) -> str:
    if form == "json":
        return credential_process_json(session) + "\n"
    line: Callable[[str, str], str] = _FORMATS[form]
    return "".join(line(name, value) + "\n" for name, value in variables(session).items())


def _sh(name: str, value: str) -> str:
    return f"export {name}='" + value.replace("'", "'\\''") + "'"


def _fish(name: str, value: str) -> str:
    return f"set -gx {name} '" + value.replace("\\", "\\\\").replace("'", "\\'") + "';"


def _powershell(name: str, value: str) -> str:
    return f"$Env:{name} = '" + value.replace("'", "''") + "'"


def _dotenv(name: str, value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    return f'{name}="{escaped}"'


_FORMATS: dict[str, Callable[[str, str], str]] = {
    "sh": _sh,
    "fish": _fish,
    "powershell": _powershell,
    "dotenv": _dotenv,
}
