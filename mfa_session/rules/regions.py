"""Which region a login's requests go to when the profile names none: the main region of
the MFA device's partition (aws-cn, aws-us-gov), else us-east-1. Standard library only."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from mfa_session.models import MfaDevice

PARTITION_REGIONS = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}


def region_for(configured: str | None, device: MfaDevice | None) -> str:
    """The profile's region, else the main region of the device's partition."""
    if configured:
        return configured
    partition = device.partition if device else "aws"
    return PARTITION_REGIONS.get(partition, "us-east-1")
