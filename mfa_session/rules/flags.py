"""The flags of the fast paths, read as argparse reads them, without argparse.

One reader for every fast path (the still-valid login, export, exec and
credential-process, and the common forms of `status`). It knows only the flags it is
given, under their own names and the AWS CLI's (`ALIASES`); anything else (--help, an
unknown or abbreviated flag, a missing or bad value, a switch given a value) returns None,
and the full command, with argparse, reads the line and has its own say. The value checks
are the argparse types' own (`profile_name`, `validity.min_remaining_minutes`,
`validity.duration_seconds`, `aws_values.mfa_serial`), so both paths accept exactly the
same values.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

Check = Callable[[str], object]

FROM_CONFIG = "(role_arn of the config profile)"
"""--assume-role given without an ARN: take role_arn from the config profile."""


ALIASES: dict[str, tuple[str, ...]] = {
    "--device": ("--serial-number",),
    "--duration": ("--duration-seconds",),
    "--code": ("--token-code",),
    "--write-profile": ("--update-profile",),
}
"""The AWS CLI's names for flags that mean the same (`aws configure mfa-login`, `aws sts
get-session-token`): argparse declares them beside ours, and the fast paths read them."""

_OURS = {alias: flag for flag, aliases in ALIASES.items() for alias in aliases}


def names_of(flag: str) -> tuple[str, ...]:
    """The option strings of `flag`: its own name, then the AWS CLI's for it."""
    return (flag, *ALIASES.get(flag, ()))


def profile_name(text: str) -> str:
    """A profile name as given on the command line; ValueError for an empty (or blank) one,
    which botocore and the files would read as no name, or as [default]."""
    if not text.strip():
        raise ValueError("a profile name cannot be empty")
    return text


def read_flags(
    argv: Sequence[str],
    valued: Mapping[str, Check],
    switches: Collection[str] = (),
    *,
    rest: bool = False,
) -> tuple[dict[str, str], list[str]] | None:
    """The flags in `argv` (the last one wins, as in argparse) and, with `rest`, the words
    from the first one that is not a flag on (`exec`'s command, a leading "--" dropped);
    None for anything argparse might read otherwise."""
    flags: dict[str, str] = {}
    position = 0
    while position < len(argv):
        word = argv[position]
        if rest and (word == "--" or not word.startswith("-")):
            tail = list(argv[position:])
            return flags, tail[1:] if tail[0] == "--" else tail
        name, equals, value = word.partition("=")
        name = _OURS.get(name, name)
        position += 1
        if name in switches and not equals:
            flags[name] = ""
            continue
        if name not in valued:
            return None  # a subcommand, --help, an abbreviation, a switch with a value, ...
        if not equals:
            if position == len(argv) or argv[position].startswith("-"):
                return None  # argparse's "expected one argument", or a negative number
            value = argv[position]
            position += 1
        try:
            valued[name](value)
        except ValueError:
            return None
        flags[name] = value
    return flags, []
