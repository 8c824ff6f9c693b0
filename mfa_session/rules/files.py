"""The AWS credentials and config files as plain sections, with the standard library only.

This is the reading half of `profiles` without its dataclasses and `pathlib`: the
still-valid shortcut in `cli.main` reads the files through it before anything heavier is
imported, and `profiles` re-exports it, so both paths read a file the same way.

Files are read with `configparser.RawConfigParser`, the parser botocore's own loader uses,
so a value reads here exactly as every AWS SDK reads it.
"""

from __future__ import annotations

import configparser
import io
import os
from collections.abc import Mapping

from mfa_session.rules.regular import read_regular

Sections = dict[str, dict[str, str]]

LONG_TERM_PREFIX = "AKIA"
"""Long-term access key ids start with it; session key ids start with ASIA."""

LONG_TERM_SUFFIX = "-long-term"
"""aws-mfa's layout: the key of profile NAME lives in [NAME-long-term]."""

BYTE_ORDER_MARK = "\ufeff"


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


def credentials_identity(path: str | os.PathLike[str]) -> str:
    """How mfa-login's records and keyring items name a credentials file: its absolute path
    with symbolic links resolved, so two names of one file share them and two files never do."""
    return os.path.realpath(os.fspath(path))


def _expand(path: str) -> str:
    return os.path.expanduser(os.path.expandvars(path))


def read_ini(path: str | os.PathLike[str]) -> Sections:
    """Every section of an INI file as plain strings; a missing file reads as empty.

    Anything but a regular file at the path is an error (see `regular`): this is how the
    credentials file is read, which mfa-login also writes.
    """
    return _parse(path, _read(path, strict=True))


def read_config_file(path: str | os.PathLike[str]) -> Sections:
    """`read_ini` for the config file, which mfa-login only reads: anything but a regular
    file reads as no file, as botocore's loader reads it (`os.path.isfile`), never opened."""
    return _parse(path, _read(path, strict=False))


def _read(path: str | os.PathLike[str], *, strict: bool) -> bytes | None:
    try:
        return read_regular(path, strict=strict)
    except OSError as err:
        raise _unreadable(path, err) from err


def _parse(path: str | os.PathLike[str], data: bytes | None) -> Sections:
    if data is None:
        return {}
    parser = configparser.RawConfigParser()
    try:
        # newline=None: the universal newlines open() gives botocore's parser.
        parser.read_file(io.StringIO(ini_text(path, data), newline=None), source=str(path))
    except configparser.Error as err:
        raise _unreadable(path, err) from err
    return {name: dict(parser.items(name)) for name in parser.sections()}


def ini_text(path: str | os.PathLike[str], data: bytes) -> str:
    """The text of an INI file; a byte-order mark or bytes that are not UTF-8 (no AWS tool
    reads either) are an error naming the line. Every reader, and the store, decode here."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        from mfa_session.errors import UnkeepableConstruct  # only on failure

        raise UnkeepableConstruct(
            path=path,
            line=data[: err.start].count(b"\n") + 1,
            construct="bytes that are not UTF-8, which configobj cannot read: save the file "
            "as UTF-8",
        ) from err
    if text.startswith(BYTE_ORDER_MARK):
        from mfa_session.errors import UnkeepableConstruct  # only on failure

        raise UnkeepableConstruct(
            path=path,
            line=1,
            construct="a byte-order mark (BOM) at the start, which AWS tools cannot read: "
            "save the file as UTF-8 without BOM",
        )
    return text


def _unreadable(path: str | os.PathLike[str], err: Exception) -> Exception:
    from mfa_session.errors import UnreadableFile  # only on failure: errors loads typing

    # The first line only: configparser's later lines quote the file, secrets included.
    reason = str(err).splitlines()[0] if str(err) else type(err).__name__
    if isinstance(err, OSError) and err.strerror:
        reason = err.strerror
    return UnreadableFile(path=path, reason=reason)


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
