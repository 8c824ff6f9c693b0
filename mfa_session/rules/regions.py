"""The region of a profile: the one botocore reads for it from the files, and where a
login's requests go when the profile names none (the main region of the MFA device's
partition: aws-cn, aws-us-gov, else us-east-1). Standard library only: the still-valid
fast paths of `exec` and `export` hand the profile's region on as well.

botocore 1.44 (configprovider.py, session.py `full_config`): the region is
AWS_DEFAULT_REGION, else `region` of the profile, where the credentials file's [NAME]
overrides the config file's [profile NAME]. It does not read AWS_REGION; aws-sdk-go-v2
reads AWS_REGION before AWS_DEFAULT_REGION, and the JS SDK v3 only AWS_REGION.
"""

from __future__ import annotations

from collections.abc import Mapping

TYPE_CHECKING = False
if TYPE_CHECKING:
    from mfa_session.models import MfaDevice

PARTITION_REGIONS = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}

REGION_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION")
"""Where the SDKs read a region from the environment: Go and JS AWS_REGION, botocore
AWS_DEFAULT_REGION (Go falls back to it)."""


def configured_region(
    profile: str,
    credentials: Mapping[str, Mapping[str, str]],
    config: Mapping[str, Mapping[str, str]],
) -> str | None:
    """`region` of the profile as botocore reads it from the two files (the credentials
    file's [NAME] over the config file's); None when neither sets one."""
    for sections in (credentials, config):
        value = sections.get(profile, {}).get("region", "").strip()
        if value:
            return value
    return None


def region_for(configured: str | None, device: MfaDevice | None) -> str:
    """The profile's region, else the main region of the device's partition."""
    if configured:
        return configured
    partition = device.partition if device else "aws"
    return PARTITION_REGIONS.get(partition, "us-east-1")


def region_variables(environ: Mapping[str, str], region: str | None) -> dict[str, str]:
    """What `exec` sets and `export` prints so a command keeps the region of the profile
    logged in, now that AWS_PROFILE and AWS_DEFAULT_PROFILE are removed. botocore (boto3, the
    AWS CLI v1) reads only AWS_DEFAULT_REGION; the AWS CLI v2 and the Go and JS SDKs read
    AWS_REGION first. So: nothing when AWS_DEFAULT_REGION is exported (every tool takes an
    exported region over the profile's) or the profile has none; only AWS_DEFAULT_REGION when
    just AWS_REGION is exported (botocore took the profile's region there, the others keep
    AWS_REGION); else both."""
    if region is None or environ.get("AWS_DEFAULT_REGION", "").strip():
        return {}
    if environ.get("AWS_REGION", "").strip():
        return {"AWS_DEFAULT_REGION": region}
    return dict.fromkeys(REGION_VARIABLES, region)
