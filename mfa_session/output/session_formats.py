"""The session as a reader of each format parses it: shell variables (sh, fish, powershell),
dotenv, credential_process JSON, and the environment of a command run with it.

A command's environment loses, and the shell formats unset first, every variable of
`rules.environment.CLEARED_VARIABLES`: left over from another session or tool, each would
pair the session with something else (a stale AWS_SECURITY_TOKEN, which botocore reads
before AWS_SESSION_TOKEN, makes AWS answer "The security token included in the request is
invalid"). Without AWS_PROFILE the command would take [default]'s region, so the profile's
own region is set as AWS_REGION and AWS_DEFAULT_REGION, unless the environment names one
already. dotenv cannot remove a variable (its readers add to an environment, and
python-dotenv keeps what is already set), and the credential_process JSON is read by an SDK
as a whole: neither says anything about the others.

Standard library only, nothing loaded until used: the still-valid fast paths of `export`,
`exec` and `credential-process` print through it before anything heavy is imported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from mfa_session.rules.environment import CLEARED_VARIABLES, SESSION_VARIABLES
from mfa_session.rules.regions import region_variables
from mfa_session.timefmt import format_expiration

TYPE_CHECKING = False
if TYPE_CHECKING:
    from mfa_session.interfaces import SessionFields

FORMATS = ("sh", "fish", "powershell", "json", "dotenv")


def session_environment(
    environ: Mapping[str, str], session: SessionFields, region: str | None
) -> dict[str, str]:
    """The environment of a command run with the session: the caller's, without the
    cleared variables, with the session's four and the region of the profile logged in
    (`rules.regions.region_variables`: its AWS_PROFILE is gone)."""
    env = {name: value for name, value in environ.items() if name not in CLEARED_VARIABLES}
    env.update(variables(session))
    env.update(region_variables(environ, region))
    return env


def variables(session: SessionFields) -> dict[str, str]:
    values = (
        session.access_key_id,
        session.secret_access_key,
        session.session_token,
        format_expiration(session.expiration),
    )
    return dict(zip(SESSION_VARIABLES, values, strict=True))


def credential_process_json(session: SessionFields) -> str:
    """The shape the AWS SDKs read from a credential_process (Version 1)."""
    import json

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


def render(session: SessionFields, form: str, region: Mapping[str, str] | None = None) -> str:
    """The session in `form`; the shell and dotenv forms also set the `region` variables
    (`rules.regions.region_variables`), which credential_process JSON has no place for."""
    if form == "json":
        return credential_process_json(session) + "\n"
    line: Callable[[str, str], str] = _FORMATS[form]
    removal = _UNSET.get(form)
    cleared = [removal(CLEARED_VARIABLES)] if removal else []
    values = {**variables(session), **(region or {})}
    assigned = [line(name, value) for name, value in values.items()]
    return "".join(text + "\n" for text in (*cleared, *assigned))


# Each format is quoted the way its reader parses it; docs/using-the-session.md names them.


def _sh(name: str, value: str) -> str:
    """POSIX single quotes (sh, bash, zsh): everything inside is literal, newlines included;
    a quote is closed, given as \\', and opened again."""
    return f"export {name}='" + value.replace("'", "'\\''") + "'"


def _fish(name: str, value: str) -> str:
    """fish's single quotes: literal but for \\\\ and \\', newlines included."""
    return f"set -gx {name} '" + value.replace("\\", "\\\\").replace("'", "\\'") + "';"


POWERSHELL_SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"
"""Every character PowerShell's tokenizer takes as a single quote: ' and the four typographic
ones. Any of them ends a verbatim string; doubled, the pair stands for the second one."""

_POWERSHELL_AS_CHAR = re.compile("([\x00-\x1f\x7f\x85\u2028\u2029])")
"""Written as [char]0xNN: line breaks (`| Invoke-Expression` runs each line of its input on
its own, so a line break inside a string would end the statement there) and other controls."""


def _powershell(name: str, value: str) -> str:
    """A verbatim string, its quote characters doubled; controls joined in as [char]0xNN."""
    pieces = _POWERSHELL_AS_CHAR.split(value)
    terms = [_powershell_verbatim(pieces[0])]
    for control, text in zip(pieces[1::2], pieces[2::2], strict=True):
        terms.append(f"[char]0x{ord(control):04X}")
        if text:
            terms.append(_powershell_verbatim(text))
    return f"$Env:{name} = " + " + ".join(terms)


def _powershell_verbatim(text: str) -> str:
    return "'" + "".join(c * 2 if c in POWERSHELL_SINGLE_QUOTES else c for c in text) + "'"


_DOTENV_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}


def _dotenv(name: str, value: str) -> str:
    """python-dotenv's double quotes: \\\\, \\", \\n and \\r are its escapes, so each value
    stays on one line. It expands ${VAR} in any value and has no escape for it: such a value
    is refused rather than written to be read as something else."""
    if "${" in value:
        from mfa_session.errors import UsageError  # only on failure: errors loads typing

        raise UsageError(
            detail=f"export --format dotenv cannot write {name}: its value holds '${{', which "
            "dotenv readers expand as a variable; use another --format (sh, json, ...)"
        )
    return f'{name}="' + "".join(_DOTENV_ESCAPES.get(c, c) for c in value) + '"'


def _sh_unset(names: tuple[str, ...]) -> str:
    return "unset " + " ".join(names)


def _fish_unset(names: tuple[str, ...]) -> str:
    """This session's (global) variables only: erasing a universal one (set -U) would
    change every fish session for good."""
    return " ".join(f"set -e -g {name};" for name in names)


def _powershell_unset(names: tuple[str, ...]) -> str:
    """$null removes a variable from the process's environment, and never fails; one
    assignment a line, as the session's own."""
    return "\n".join(f"$Env:{name} = $null" for name in names)


_UNSET: dict[str, Callable[[tuple[str, ...]], str]] = {
    "sh": _sh_unset,
    "fish": _fish_unset,
    "powershell": _powershell_unset,
}

_FORMATS: dict[str, Callable[[str, str], str]] = {
    "sh": _sh,
    "fish": _fish,
    "powershell": _powershell,
    "dotenv": _dotenv,
}
