"""The edit itself: configobj reads the file, one section gets the session, configobj writes.

configobj keeps comments, blank lines and key order, which configparser would drop. What it
changes on the way is listed in docs/files.md; what it cannot keep is refused before this
runs (store.verify).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping

from configobj import ConfigObj, ConfigObjError

from mfa_session.errors import FileNotSafe, UnkeepableConstruct
from mfa_session.models import LongTermCopy, SessionCredentials
from mfa_session.rules.sections import holds_long_term_key
from mfa_session.store.refusals import refuse_target
from mfa_session.timefmt import format_expiration

SESSION_KEYS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token", "expiration")
LONG_TERM_KEYS = ("aws_access_key_id", "aws_secret_access_key")


class _ConfigObj(ConfigObj):  # type: ignore[misc]  # configobj has no type hints
    # configobj splits "value #note" into the value and an inline comment, dropping the
    # space between them; botocore reads the whole line as the value (AWS session tokens
    # and keys are the value whatever they hold). Here the comment keeps the space in front
    # of its '#', so every line is written back exactly as it was read.
    _nolistvalue = re.compile(
        r"""^(
            (?:".*?")|          # double quotes
            (?:'.*?')|          # single quotes
            (?:[^'"\#].*?)|     # unquoted
            (?:)                # empty value
        )
        (?:(\s*\#.*)|\s*)      # the comment with the space before it, or nothing
        $""",
        re.VERBOSE,
    )

    def _handle_comment(self, comment: str | None) -> str:
        # configobj would write its indentation (or " # ") before an inline comment;
        # botocore reads it as part of the value, so it is written exactly as read.
        return comment or ""


def parse(path: object, original: bytes) -> ConfigObj:
    try:
        return _ConfigObj(
            io.BytesIO(original),
            list_values=False,
            interpolation=False,
            encoding="utf-8",
            write_empty_values=True,
        )
    except ConfigObjError as err:
        line = getattr(err, "line_number", None) or 1
        raise UnkeepableConstruct(
            path=path, line=line, construct="a line configobj cannot read"
        ) from err


def render(document: ConfigObj) -> bytes:
    document.filename = None
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def view(section: Mapping[str, str]) -> dict[str, str]:
    """A section as botocore sees it: key names folded to lower case, the value with what
    configobj took for an inline comment (botocore has none), stripped."""
    comments: Mapping[str, str | None] = getattr(section, "inline_comments", {})
    return {
        key.lower(): (str(value) + (comments.get(key) or "")).strip()
        for key, value in section.items()
    }


def apply_session(
    document: ConfigObj,
    target: str,
    session: SessionCredentials,
    keep_long_term_in: LongTermCopy | None,
) -> dict[str, dict[str, str]]:
    """Put the session into `target`; return, per section, the values this edit set."""
    current = view(document.get(target, {}))
    move_to = keep_long_term_in.section if keep_long_term_in is not None else None
    refuse_target(target, current, move_to, view(document.get(move_to, {})) if move_to else {})
    written: dict[str, dict[str, str]] = {}
    if move_to is not None and holds_long_term_key(current):
        written[move_to] = _move_long_term(document, current, move_to)
    values = {
        "aws_access_key_id": session.access_key_id,
        "aws_secret_access_key": session.secret_access_key,
        "aws_session_token": session.session_token,
        "expiration": format_expiration(session.expiration),
    }
    if "aws_security_token" in current:
        # aws-mfa writes the token twice, and botocore reads aws_security_token FIRST: left
        # alone, the old token would be sent with the new key.
        values["aws_security_token"] = session.session_token
    _set_values(document, target, values)
    written[target] = values
    return written


def _move_long_term(document: ConfigObj, current: Mapping[str, str], name: str) -> dict[str, str]:
    values = {key: current.get(key, "") for key in LONG_TERM_KEYS}
    _set_values(document, name, values)
    return values


def _set_values(document: ConfigObj, name: str, values: Mapping[str, str]) -> None:
    if name not in document:
        document[name] = {}
        if len(document.sections) > 1:
            # A blank line before the new section, as a person would write it.
            document.comments[name] = [""]
    section = document[name]
    for key in list(section.scalars):
        lowered = key.lower()
        if lowered in values and key != lowered and lowered not in section:
            # AWS_Session_Token and aws_session_token are one key to botocore: keep its place.
            section.rename(key, lowered)
    for key, value in values.items():
        section[key] = value
        # Text after a '#' in the old value was part of it for botocore, not a comment.
        section.inline_comments[key] = None


def remove_long_term(
    document: ConfigObj, name: str, access_key_id: str
) -> dict[str, tuple[str, ...]]:
    """Drop the long-term key lines from `name`; return, per section, the keys removed.

    Comments above a removed line move to what follows it, so they stay where they were in
    the text. The section goes when nothing is left in it and no comment sits above it.
    """
    section = document.get(name)
    if section is None or view(section).get("aws_access_key_id") != access_key_id:
        raise FileNotSafe(
            path="the credentials file", reason=f"[{name}] no longer holds {access_key_id}"
        )
    orphans: list[str] = []
    for key in list(section.scalars):
        if key.lower() in LONG_TERM_KEYS:
            orphans.extend(section.comments.get(key, []))
            del section[key]
        elif orphans:
            section.comments[key] = [*orphans, *section.comments.get(key, [])]
            orphans = []
    if not section.scalars and not section.sections and not any(document.comments.get(name, [])):
        orphans = [*document.comments.get(name, []), *orphans]
        _hand_on_comments(document, name, orphans)
        del document[name]
    elif orphans:
        _hand_on_comments(document, name, orphans)
    return {name: LONG_TERM_KEYS}


def _hand_on_comments(document: ConfigObj, name: str, comments: list[str]) -> None:
    """Attach comments to whatever comes after section `name` in the text."""
    following = document.sections[document.sections.index(name) + 1 :]
    if following:
        document.comments[following[0]] = [*comments, *document.comments.get(following[0], [])]
    else:
        document.final_comment = [*comments, *document.final_comment]
