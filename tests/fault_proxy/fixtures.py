"""pytest fixtures for the fault proxy; enable with
`pytest_plugins = ["tests.fault_proxy.fixtures"]`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.emulator import Emulator
from tests.fault_proxy.proxy import FaultProxy


@pytest.fixture
def fault_proxy(emulator: Emulator) -> Iterator[FaultProxy]:
    """A proxy of its own for the test, in front of the shared emulator, with no fault queued."""
    with FaultProxy(emulator.url) as proxy:
        yield proxy
