"""The sections a session never goes into, told from their values alone.

A section that holds a long-term `AKIA` key, that another tool fills (IAM Identity Center,
a credential_process, `manager = <another tool>`), or whose name some AWS SDK would read as
another profile. The preflight (`CredentialsStore.check_session_write`) applies these rules
to the file as the run already read it, before the code is asked for; the write applies
them again under its lock. A file botocore cannot read at all is refused where it is read
(`rules.files`); every other construct of a file is kept as it is (`store.edit`).

Standard library only: configobj and botocore are not needed to know any of this.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from mfa_session.errors import (
    FileNotSafe,
    LongTermKeyInTarget,
    ManagedElsewhere,
    UnwritableSectionName,
)
from mfa_session.rules.sections import holds_long_term_key

OUR_MANAGER = "mfa-session"


def refuse_target(
    target: str,
    values: Mapping[str, str],
    long_term_name: str | None,
    long_term: Mapping[str, str],
) -> None:
    """The section rules for a session written into `target` (whose values are `values`):
    its name, another tool's keys, and a long-term key there, which may only be moved into
    [long_term_name] (None: no move asked for) when that holds no long-term key of its own
    (`long_term`, its values)."""
    refuse_section_name(target)
    refuse_foreign(target, values)
    if holds_long_term_key(values):
        if long_term_name is None:
            raise LongTermKeyInTarget(section=target)
        refuse_second_long_term_key(long_term_name, long_term)


def refuse_second_long_term_key(name: str, values: Mapping[str, str]) -> None:
    """A key moved into [name] never replaces another long-term key there."""
    if holds_long_term_key(values):
        raise FileNotSafe(
            path="the credentials file", reason=f"[{name}] already holds another long-term key"
        )


def refuse_section_name(name: str) -> None:
    """A section name that botocore and aws-sdk-go-v2 read back as the same profile once
    mfa-login writes its header (`[NAME]`)."""
    problem = _section_name_problem(name)
    if problem is not None:
        raise UnwritableSectionName(section=repr(name), reason=problem)


# aws-sdk-go-v2 and the JS SDK end a header line at whitespace and '#' or ';'.
_COMMENT_INSIDE = re.compile(r"\s[#;]")


def _section_name_problem(name: str) -> str | None:
    if not name:
        return "it is empty"
    if not name.isprintable():
        return "it holds a line break, a tab or another control character"
    if name != name.strip():
        return "aws-sdk-go-v2 drops spaces at its start or end, which makes it another profile"
    if "[" in name or "]" in name:
        return "aws-sdk-go-v2 does not read a section name holding brackets"
    if _COMMENT_INSIDE.search(name):
        return "aws-sdk-go-v2 and the JS SDK read ' #' or ' ;' in it as the start of a comment"
    if name.startswith("profile "):
        return "aws-sdk-go-v2 leaves [profile ...] sections of the credentials file out"
    if name == "DEFAULT":
        return "AWS tools read [DEFAULT] as defaults for every section, not as a profile"
    return None


def refuse_foreign(target: str, values: Mapping[str, str]) -> None:
    """Sections that another tool fills are not ours to overwrite."""
    for key in sorted(values):
        if key.startswith("sso_"):
            raise ManagedElsewhere(section=target, manager="AWS IAM Identity Center", key=key)
    if "credential_process" in values:
        raise ManagedElsewhere(
            section=target, manager="a credential_process", key="credential_process"
        )
    manager = values.get("manager", "")
    if manager and manager != OUR_MANAGER:
        raise ManagedElsewhere(section=target, manager=manager, key="manager")
