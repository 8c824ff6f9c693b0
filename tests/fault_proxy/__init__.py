"""A fault-injecting HTTP proxy in front of the emulator: cut, dropped, trickled or foreign
answers, for the tests of a hostile network. Fixtures: `pytest_plugins =
["tests.fault_proxy.fixtures"]` (loaded by tests/conftest.py).
"""

from tests.fault_proxy.certificate import self_signed_certificate
from tests.fault_proxy.proxy import (
    ANY_ACTION,
    CAPTIVE_PORTAL_PAGE,
    PROXY_ERROR_PAGE,
    Exchange,
    Fault,
    FaultProxy,
)

__all__ = [
    "ANY_ACTION",
    "CAPTIVE_PORTAL_PAGE",
    "PROXY_ERROR_PAGE",
    "Exchange",
    "Fault",
    "FaultProxy",
    "self_signed_certificate",
]
