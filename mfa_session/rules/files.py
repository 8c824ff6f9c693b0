"""The AWS credentials and config files as plain sections, with the standard library only.

Where the files are (the variables and defaults botocore uses), how they are read, and
one snapshot of both per run (`AwsSnapshot`): every command and every fast path reads
them here, so a value reads the same way on each path. A worked example:

    ~/.aws/credentials                      ~/.aws/config
    [admin-long-term]                       [profile admin]
    aws_access_key_id = AKIA...             mfa_serial = arn:aws:iam::123456789012:mfa/me
    aws_secret_access_key = ...             region = eu-west-1
    [admin]                                 duration_seconds = 28800
    aws_access_key_id = ASIA...
    aws_session_token = ...
    expiration = 2026-11-28T10:00:00Z

    snapshot.credentials == {"admin-long-term": {...}, "admin": {...}}
    snapshot.config == {"admin": {"mfa_serial": "arn:...", "region": "eu-west-1",
                                  "duration_seconds": "28800"}}

Files are read with `configparser.RawConfigParser`, the parser botocore's own loader uses,
so a value reads here exactly as every AWS SDK reads it.
"""

from __future__ import annotations

import configparser
import io
import os
from collections.abc import Mapping

from mfa_session.rules.regular import read_regular, stamp

Sections = dict[str, dict[str, str]]

BYTE_ORDER_MARK = "\ufeff"


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


def read_config_file(path: str | os.PathLike[str]) -> Sections:
    """Every section of the config file as plain strings, which mfa-login only reads: a
    missing file, or anything but a regular file, reads as no file, as botocore's loader
    reads it (`os.path.isfile`), never opened."""
    return parse_ini(path, _read(path, strict=False))


def _read(path: str | os.PathLike[str], *, strict: bool) -> bytes | None:
    try:
        return read_regular(path, strict=strict)
    except OSError as err:
        raise _unreadable(path, err) from err


def parse_ini(path: str | os.PathLike[str], data: bytes | None) -> Sections:
    """Every section of an INI file's bytes as plain strings; None (no file) reads as empty."""
    if data is None:
        return {}
    text = ini_text(path, data)
    parser = configparser.RawConfigParser()
    try:
        # newline=None: the universal newlines open() gives botocore's parser.
        parser.read_file(io.StringIO(text, newline=None), source=str(path))
    except configparser.Error as err:
        raise _not_read_by_botocore(path, text) from err
    return {name: dict(parser.items(name)) for name in parser.sections()}


def _not_read_by_botocore(path: str | os.PathLike[str], text: str) -> Exception:
    """The line botocore's parser refused and what it is (configparser's own message
    quotes the line, which may hold a secret)."""
    from mfa_session.errors import UnkeepableConstruct  # only on failure
    from mfa_session.rules.ini_layout import scan

    problem = scan(text).problem
    if problem is None:
        # Not reached while scan follows configparser's rules (100,000 random files agreed
        # both ways); it stays because the running Python's configparser, not scan, decides,
        # and the error must then still name no line's content.
        return UnkeepableConstruct(path=path, line=1, construct="a file botocore cannot read")
    return UnkeepableConstruct(path=path, line=problem.line, construct=problem.construct)


def ini_text(path: str | os.PathLike[str], data: bytes) -> str:
    """The text of an INI file; a byte-order mark or bytes that are not UTF-8 (botocore
    reads neither) are an error naming the line. Every reader, and the store, decode here."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        from mfa_session.errors import UnkeepableConstruct  # only on failure

        raise UnkeepableConstruct(
            path=path,
            line=data[: err.start].count(b"\n") + 1,
            construct="bytes that are not UTF-8, which the AWS CLI and boto3 (botocore) cannot "
            "read: save the file as UTF-8",
        ) from err
    if text.startswith(BYTE_ORDER_MARK):
        from mfa_session.errors import UnkeepableConstruct  # only on failure

        raise UnkeepableConstruct(
            path=path,
            line=1,
            construct="a byte-order mark (BOM) at the start, which the AWS CLI and boto3 "
            "(botocore) cannot read: save the file as UTF-8 without BOM",
        )
    return text


def _unreadable(path: str | os.PathLike[str], err: OSError) -> Exception:
    from mfa_session.errors import UnreadableFile  # only on failure: errors loads typing

    # The system's words (os.stat, os.open and os.read always give them); else the first line.
    fallback = str(err).splitlines()[0] if str(err) else type(err).__name__
    return UnreadableFile(path=path, reason=err.strerror or fallback)


def _credentials_bytes(path: str | os.PathLike[str]) -> bytes | None:
    """The credentials file's bytes (None: no file). Anything but a regular file at the path
    is an error (see `regular`): mfa-login also writes this file."""
    if os.path.islink(path) and not os.path.exists(path):
        from mfa_session.errors import DanglingLink  # only on failure: errors loads typing

        # Not "no such file": the login would write nowhere, so say what is wrong.
        raise DanglingLink(path=path, target=os.readlink(path))
    return _read(path, strict=True)


class AwsSnapshot:
    """The credentials and config files as this run read them: each once.

    The credentials file is read when the snapshot is made, its bytes kept (the store's
    preflight checks an edit of exactly these); the config file when first asked for.
    `fresh()` reads the credentials file again only when it changed on disk since (another
    mfa-login wrote it while this one waited for its lock, say).
    """

    def __init__(
        self, credentials_path: str | os.PathLike[str], config_path: str | os.PathLike[str]
    ) -> None:
        self.credentials_path = credentials_path
        self.config_path = config_path
        self._stamp = stamp(credentials_path)
        raw = _credentials_bytes(credentials_path)
        self.credentials_bytes = raw or b""
        self.credentials: Sections = parse_ini(credentials_path, raw)
        self._config_sections: Sections | None = None
        self._config: Sections | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> AwsSnapshot:
        return cls(credentials_path(environ), config_path(environ))

    @property
    def config(self) -> Sections:
        """The config file's profiles, keyed by name ("[profile admin]" is "admin")."""
        if self._config is None:
            self._config = config_profiles(self._config_file())
        return self._config

    @property
    def sso_sessions(self) -> Sections:
        """The config file's `[sso-session NAME]` sections, keyed by NAME as botocore keys
        them (the section name's second word, like a profile's)."""
        return {
            name: values
            for section, values in self._config_file().items()
            if section.startswith("sso-session") and (name := _profile_name(section)) is not None
        }

    @property
    def config_sections(self) -> Sections:
        """The config file as parsed, every header as written ([profile NAME], [default],
        [sso-session NAME], and a [NAME] AWS tools ignore): read once, with `config`."""
        return self._config_file()

    def _config_file(self) -> Sections:
        if self._config_sections is None:
            self._config_sections = read_config_file(self.config_path)
        return self._config_sections

    def fresh(self) -> AwsSnapshot:
        """This snapshot while the credentials file is unchanged; otherwise a new read."""
        if stamp(self.credentials_path) == self._stamp:
            return self
        again = AwsSnapshot(self.credentials_path, self.config_path)
        again._config_sections = self._config_sections
        again._config = self._config
        return again


def config_profiles(sections: Sections) -> Sections:
    """Config sections keyed by profile name, as botocore's `build_profile_map` keys them.

    - `[profile NAME]` is profile NAME, the section name split into words as a shell splits
      them (shlex): `[profile "dev team"]` is profile `dev team`, `[profile  admin ]` is
      `admin`; a name of more or fewer than two words (`[profile a b]`, `[profile]`, an
      unclosed quote) is no profile at all. botocore tests only that the name starts with
      "profile", so `[profiles x]` is profile `x` too.
    - `[default]` is profile `default`; `[profile default]` is as well, and of the two, the
      one later in the file is used.
    - `[sso-session NAME]`, `[services NAME]` and every other section are not profiles.

    Only the config file is read this way: a credentials file's section names are profile
    names as they stand (`[profile x]` there is a profile named "profile x").
    """
    profiles: Sections = {}
    for section, values in sections.items():
        if section.startswith("profile"):
            name = _profile_name(section)
            if name is not None:
                profiles[name] = values
        elif section == "default":
            profiles["default"] = values
    return profiles


_SHELL_SYNTAX = frozenset("\"'\\")
_SHELL_BLANKS = " \t\r\n"
"""The characters shlex splits words at (its `whitespace`)."""


def _profile_name(section: str) -> str | None:
    """The second word of a `[profile ...]` (or `[sso-session ...]`) section name, split as
    shlex splits it (botocore's `_parse_section`); None when the name is not two words."""
    if _SHELL_SYNTAX.isdisjoint(section):
        # No quote and no backslash: shlex's words are the runs between its blanks.
        words = section.translate({ord(blank): " " for blank in _SHELL_BLANKS}).split(" ")
        parts = [word for word in words if word]
    else:
        import shlex  # only for a name that quotes or escapes

        try:
            parts = shlex.split(section)
        except ValueError:  # an unclosed quote, a backslash at the end
            return None
    return parts[1] if len(parts) == 2 else None
