"""Show the help of mfa-login, or of one of its commands:

mfa-login help            the login's flags and the list of commands
mfa-login help status     the same as mfa-login status --help
"""

from __future__ import annotations

import argparse
import difflib
from typing import TYPE_CHECKING

from mfa_session.errors import UsageError

if TYPE_CHECKING:
    from mfa_session.wiring import Wiring


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("command", nargs="?", metavar="COMMAND", help="the command to explain")


def run(args: argparse.Namespace, wiring: Wiring) -> int:
    # The parsers of every command, handed down by cli (which builds them) with the args.
    parsers = dict(args.command_parsers())
    name = args.command or ""
    if name not in parsers:
        raise unknown_command(name, [known for known in parsers if known])
    wiring.stdout.write(parsers[name].format_help())
    return 0


def unknown_command(word: str, commands: list[str]) -> UsageError:
    """A word in the place of a command's name that names none: the closest, if any."""
    close = difflib.get_close_matches(word, commands, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}?" if close else f"the commands are {', '.join(commands)}"
    return UsageError(detail=f"{word!r} is not a command of mfa-login: {hint}")
