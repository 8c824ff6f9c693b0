"""The 30-second steps of an authenticator's codes: AWS accepts a code once, in its step or
the one before. Standard library only."""

from __future__ import annotations

STEP_SECONDS = 30


def step_of(moment: float) -> int:
    """The step a moment (seconds since the epoch) falls in."""
    return int(moment // STEP_SECONDS)


def seconds_to_next_step(moment: float) -> int:
    """Whole seconds until the next code appears, at least 1."""
    return max(1, int((step_of(moment) + 1) * STEP_SECONDS - moment + 0.999))
