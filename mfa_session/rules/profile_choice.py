"""Which profile is meant: --profile, else the shell's AWS_DEFAULT_PROFILE or AWS_PROFILE (in
botocore's order), else the only loginable profile on a terminal (several: a picker), else
"default". Standard library only: the fast paths import it before anything heavy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

PROFILE_VARIABLES = ("AWS_DEFAULT_PROFILE", "AWS_PROFILE")
"""Where botocore finds the profile when none is given, in its order."""


def profile_without_picker(
    explicit: str | None,
    environ: Mapping[str, str],
    *,
    interactive: bool,
    choices: Callable[[], list[str]],
) -> str | list[str]:
    """The profile meant; on a terminal with several loginable profiles, the list to pick
    from (a person picks one)."""
    if explicit:
        return explicit
    from_environment = environment_profile(environ)
    if from_environment:
        return from_environment
    if interactive:
        found = choices()
        if len(found) > 1:
            return found
        if found:
            return found[0]
    return "default"


def environment_profile(environ: Mapping[str, str]) -> str | None:
    """The profile the shell names, read in botocore's order (AWS_DEFAULT_PROFILE first, kept
    for the AWS CLI's sake), so it is the one every AWS tool in that shell uses. A variable
    set to nothing (or to blanks) counts as unset."""
    variable = naming_variable(environ)
    return environ[variable] if variable is not None else None


def naming_variable(environ: Mapping[str, str]) -> str | None:
    """Which of PROFILE_VARIABLES names the shell's profile (`environment_profile`); None
    when neither does."""
    for variable in PROFILE_VARIABLES:
        if environ.get(variable, "").strip():
            return variable
    return None
