"""The AWS credentials and config files as plain sections, with the standard library only.

This is the reading half of `profiles` without its dataclasses and `pathlib`: the
still-valid shortcut in `cli.main` reads the files through it before anything heavier is
imported, and `profiles` re-exports it, so both paths read a file the same way.

Files are read with `configparser.RawConfigParser`, the parser botocore's own loader uses,
so a value reads here exactly as every AWS SDK reads it.
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping

Sections = dict[str, dict[str, str]]

LONG_TERM_PREFIX = "AKIA"
"""Long-term access key ids start with it; session key ids start with ASIA."""

LONG_TERM_SUFFIX = "-long-term"
"""aws-mfa's layout: the key of profile NAME lives in [NAME-long-term]."""


def profile_name(text: str) -> str:
    """A profile name as given on the command line; ValueError for an empty (or blank) one,
    which botocore and the files would read as no name, or as [default]."""
    if not text.strip():
        raise ValueError("a profile name cannot be empty")
    return text


def credentials_path(environ: Mapping[str, str]) -> str:
    """The variable and default botocore uses."""
    return _expand(environ.get("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"))


def config_path(environ: Mapping[str, str]) -> str:
    return _expand(environ.get("AWS_CONFIG_FILE", "~/.aws/config"))


def _expand(path: str) -> str:
    return os.path.expanduser(os.path.expandvars(path))


def read_ini(path: str | os.PathLike[str]) -> Sections:
    """Every section of an INI file as plain strings; a missing file reads as empty."""
    parser = configparser.RawConfigParser()
    try:
        with open(path, encoding="utf-8") as handle:
            parser.read_file(handle)
    except FileNotFoundError:
        return {}
    except (configparser.Error, UnicodeDecodeError, OSError) as err:
        from mfa_session.errors import UnreadableFile  # only on failure: errors loads typing

        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise UnreadableFile(path=path, reason=reason) from err
    return {name: dict(parser.items(name)) for name in parser.sections()}


def read_credentials_file(path: str | os.PathLike[str]) -> Sections:
    """`read_ini`, except that a link to nowhere is an error rather than an empty file."""
    if os.path.islink(path) and not os.path.exists(path):
        from mfa_session.errors import DanglingLink  # only on failure: errors loads typing

        # Not "no such file": the login would write nowhere, so say what is wrong.
        raise DanglingLink(path=path, target=os.readlink(path))
    return read_ini(path)


def config_profiles(sections: Sections) -> Sections:
    """Config sections keyed by profile name: "[profile admin]" is "admin"."""
    profiles: Sections = {}
    for section, values in sections.items():
        if section == "default":
            profiles.setdefault("default", values)
        elif section.startswith("profile "):
            # botocore lets "[profile default]" win over "[default]".
            profiles[section[len("profile ") :].strip()] = values
    return profiles


def holds_long_term_key(section: Mapping[str, str]) -> bool:
    return section.get("aws_access_key_id", "").strip().startswith(LONG_TERM_PREFIX)


def loginable_profiles(credentials: Sections, config: Sections) -> list[str]:
    """Profiles a login can start from: a long-term key in the file, or an MFA device set."""
    names: set[str] = set()
    for section, values in credentials.items():
        if section.endswith(LONG_TERM_SUFFIX):
            names.add(section[: -len(LONG_TERM_SUFFIX)])
        elif holds_long_term_key(values):
            names.add(section)
    names.update(name for name, values in config.items() if values.get("mfa_serial"))
    return sorted(names)
