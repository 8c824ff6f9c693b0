"""The used-code guard: a code from a 30-second step AWS already accepted is never sent.

AWS accepts each code once, so a second login within the same step would be refused after
a wasted round trip (and, three times over, could look like an attack). The guard wraps the
AWS calls, so the login flow stays as it is:

- a person at a terminal is told, sees a countdown to the next code, and is asked again;
- a code command is run again once its next code is out;
- a code given with --code or on stdin stops with the seconds to wait; nothing is sent.

A code whose request failed after it may have reached AWS (a cut answer, a dropped
connection, the deadline) counts as used too: AWS may well have taken it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

from mfa_session.errors import CodeStepUsed, MfaSessionError
from mfa_session.interfaces import AwsApi, CodeSource, StepMemory
from mfa_session.models import LongTermKey, MfaDevice, SessionCredentials
from mfa_session.rules.code_steps import STEP_SECONDS, seconds_to_next_step
from mfa_session.visible import visible


class GuardedAws:
    """An AwsApi that checks and records the step of every code it sends."""

    def __init__(
        self,
        inner: AwsApi,
        steps: StepMemory,
        codes: CodeSource,
        *,
        profile: str,
        terminal: TextIO | None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._inner = inner
        self._steps = steps
        self._codes = codes
        self._profile = profile
        self._terminal = terminal
        self._clock = clock
        self._sleep = sleep

    def warm_up(self, key: LongTermKey, region: str) -> None:
        self._inner.warm_up(key, region)

    def list_mfa_devices(self, key: LongTermKey, region: str) -> list[MfaDevice]:
        return self._inner.list_mfa_devices(key, region)

    def get_caller_identity(self, key: LongTermKey, region: str) -> str:
        return self._inner.get_caller_identity(key, region)

    def assume_role(
        self,
        session: SessionCredentials,
        region: str,
        role_arn: str,
        session_name: str,
        duration: int,
    ) -> SessionCredentials:
        return self._inner.assume_role(session, region, role_arn, session_name, duration)

    def get_session_token(
        self, key: LongTermKey, region: str, device: MfaDevice, code: str, duration: int
    ) -> SessionCredentials:
        while self._steps.was_used(device.serial, code, self._clock()):
            wait = seconds_to_next_step(self._clock())
            renewable = self._codes.interactive or getattr(self._codes, "renewable", False)
            if not renewable:
                raise CodeStepUsed(serial=device.serial, seconds=wait)
            self._wait_for_next_step(device)
            label = f"{self._profile} ({device.serial})"
            code = self._codes.next_code(label, after_rejection=False)
        try:
            session = self._inner.get_session_token(key, region, device, code, duration)
        except MfaSessionError as problem:
            # A cut or lost answer: AWS may have taken the code, so it counts as used.
            if problem.code_may_be_spent:
                self._steps.record(device.serial, code, self._clock())
            raise
        self._steps.record(device.serial, code, self._clock())
        return session

    def _wait_for_next_step(self, device: MfaDevice) -> None:
        out = self._terminal
        if out is not None:
            out.write(
                f"mfa-login: that code was already used for {visible(device.serial)} "
                "(AWS takes each code once)\n"
            )
        boundary = (self._clock() // STEP_SECONDS + 1) * STEP_SECONDS
        while (now := self._clock()) < boundary:
            if out is not None:
                out.write(f"\rnext code in {seconds_to_next_step(now):2d}s ")
                out.flush()
            self._sleep(min(1.0, boundary - now + 0.05))
        if out is not None:
            out.write("\rthe next code is out        \n")
            out.flush()
