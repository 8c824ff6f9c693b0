"""Print a shell completion script for mfa-login's commands, flags and profile names.
Set it up once:

    bash:  echo 'eval "$(mfa-login completion bash)"' >> ~/.bashrc
    zsh:   echo 'eval "$(mfa-login completion zsh)"' >> ~/.zshrc
    fish:  mfa-login completion fish > ~/.config/fish/completions/mfa-login.fish

--profile completes every profile of ~/.aws/credentials and ~/.aws/config.
"""

from __future__ import annotations

import argparse
import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mfa_session.rules.sections import defined_profiles
from mfa_session.visible import visible

if TYPE_CHECKING:
    from mfa_session.wiring import Wiring

PROFILE_DESTS = ("profile", "write_profile")
NAMES_COMMAND = "mfa-login completion --profile-names"
"""What the scripts run on Tab after a profile flag: the names, one a line."""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "shell", nargs="?", choices=("bash", "zsh", "fish"), help="the shell to complete in"
    )
    # The scripts' own call, not a person's: hidden from --help and from completion.
    parser.add_argument("--profile-names", action="store_true", help=argparse.SUPPRESS)


@dataclass(frozen=True)
class Option:
    flags: tuple[str, ...]
    takes_value: bool
    choices: tuple[str, ...]
    profile: bool
    help: str


@dataclass(frozen=True)
class Command:
    name: str  # "" for the login itself
    options: tuple[Option, ...]
    positional_choices: tuple[str, ...]


def run(args: argparse.Namespace, wiring: Wiring) -> int:
    if args.profile_names:
        files = wiring.files()
        # A name is printed as it is (the scripts quote it), but never a control character:
        # the shell would put it on the command line.
        for name in defined_profiles(files.credentials, files.config):
            if visible(name) == name:
                print(name, file=wiring.stdout)
        return 0
    if args.shell is None:
        from mfa_session.errors import UsageError

        raise UsageError(detail="completion needs the shell to complete in: bash, zsh or fish")
    # The parsers of every command, handed down by cli (which builds them) with the args.
    commands = describe(args.command_parsers())
    script = {"bash": bash_script, "zsh": zsh_script, "fish": fish_script}[args.shell](commands)
    wiring.stdout.write(script)
    return 0


def describe(parsers: list[tuple[str, argparse.ArgumentParser]]) -> list[Command]:
    """Every command's options, from its parser ("" is the login itself)."""
    return [_command(name, parser) for name, parser in parsers]


def _command(name: str, parser: argparse.ArgumentParser) -> Command:
    options: list[Option] = []
    positional: list[str] = []
    for action in parser._actions:  # argparse offers no public way to list them
        if action.help == argparse.SUPPRESS:
            continue
        if not action.option_strings:
            positional.extend(str(choice) for choice in action.choices or ())
            continue
        options.append(
            Option(
                flags=tuple(action.option_strings),
                takes_value=action.nargs != 0,
                choices=tuple(str(choice) for choice in action.choices or ()),
                profile=action.dest in PROFILE_DESTS,
                help=(action.help or "").split(" (")[0].replace("%(prog)s", "mfa-login"),
            )
        )
    return Command(name, tuple(options), tuple(positional))


# --- bash (zsh reuses it through bashcompinit) ---------------------------------------------


def bash_script(commands: list[Command]) -> str:
    subcommands = " ".join(command.name for command in commands if command.name)
    alternatives = "|".join(command.name for command in commands if command.name)
    words = []
    values = []
    for command in commands:
        flags = [flag for option in command.options for flag in option.flags]
        listed = " ".join([*flags, *command.positional_choices])
        if not command.name:
            listed = f"{subcommands} {listed}"
        words.append(f"        {shlex.quote(command.name or '-')}) words={shlex.quote(listed)} ;;")
        for option in command.options:
            if not option.takes_value:
                continue
            pattern = "|".join(f"{command.name or '-'}:{flag}" for flag in option.flags)
            if option.profile:
                action = f'_mfa_login_offer "$cur" {NAMES_COMMAND}'
            elif option.choices:
                listed_choices = shlex.quote(" ".join(option.choices))
                action = f'COMPREPLY=($(compgen -W {listed_choices} -- "$cur"))'
            else:
                action = "COMPREPLY=()"
            values.append(f"        {pattern}) {action}; return ;;")
    # cur and prev come as arguments ($2, $3) and the words are walked with a counter, not
    # indexed: zsh's bashcompinit passes the same arguments but its arrays start at 1.
    # Profile names come from a file anyone may have edited: they are read line by line and
    # never pass through compgen -W, which expands $(...) and backticks in its word list.
    return f"""# mfa-login completion for bash; generated by `mfa-login completion bash`.
# Offer each line the command prints that starts with the word typed, quoted for the
# command line; nothing in a line is expanded.
_mfa_login_offer() {{
    local cur="$1" line quoted
    shift
    COMPREPLY=()
    while IFS= read -r line; do
        printf -v quoted '%q' "$line"
        if [[ $line == "$cur"* || $quoted == "$cur"* ]]; then
            COMPREPLY+=("$quoted")
        fi
    done < <("$@" 2>/dev/null)
}}
_mfa_login() {{
    local cur="$2" prev="$3"
    local sub=- word n=0 after=-1 words=""
    for word in "${{COMP_WORDS[@]}}"; do
        ((n >= COMP_CWORD)) && break
        if ((n > 0)); then
            case "$word" in
                {alternatives}) [[ $sub == - ]] && sub="$word" ;;
                --) [[ $sub == exec ]] && after=$n && break ;;
            esac
        fi
        ((n++))
    done
    if ((after >= 0)); then
        if ((COMP_CWORD == after + 1)); then
            COMPREPLY=($(compgen -c -- "$cur"))
        else
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        return
    fi
    case "$sub:$prev" in
{chr(10).join(values)}
    esac
    case "$sub" in
{chr(10).join(words)}
    esac
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}}
complete -F _mfa_login mfa-login
"""


def zsh_script(commands: list[Command]) -> str:
    return (
        "# mfa-login completion for zsh; generated by `mfa-login completion zsh`.\n"
        "(( $+functions[compdef] )) || { autoload -U +X compinit && compinit; }\n"
        "autoload -U +X bashcompinit && bashcompinit\n" + bash_script(commands)
    )


# --- fish ----------------------------------------------------------------------------------


def fish_script(commands: list[Command]) -> str:
    names = [command.name for command in commands if command.name]
    lines = [
        "# mfa-login completion for fish; generated by `mfa-login completion fish`.",
        "complete -c mfa-login -f",
        f"complete -c mfa-login -n __fish_use_subcommand -a {shlex.quote(' '.join(names))}",
    ]
    for command in commands:
        condition = (
            f"__fish_seen_subcommand_from {command.name}"
            if command.name
            else "__fish_use_subcommand"
        )
        if command.positional_choices:
            choices = shlex.quote(" ".join(command.positional_choices))
            lines.append(f"complete -c mfa-login -n {shlex.quote(condition)} -a {choices}")
        for option in command.options:
            parts = [f"complete -c mfa-login -n {shlex.quote(condition)}"]
            for flag in option.flags:
                parts.append(f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}")
            if option.profile:
                # fish splits a command substitution's output into lines and expands
                # nothing in them.
                parts.append(f"-x -a {shlex.quote('(' + NAMES_COMMAND + ' 2>/dev/null)')}")
            elif option.choices:
                parts.append(f"-x -a {shlex.quote(' '.join(option.choices))}")
            elif option.takes_value:
                parts.append("-r")
            if option.help:
                parts.append(f"-d {shlex.quote(option.help)}")
            lines.append(" ".join(parts))
    return "\n".join(lines) + "\n"
