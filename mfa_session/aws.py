"""The two AWS calls a login makes, and AWS's answers turned into our errors.

boto3 is imported on first use, not at module import: the still-valid path never pays for
it, and `warm_up` lets the import and client set-up run while the person types the code.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Protocol

from mfa_session.client_settings import ClientSettings, settings_session
from mfa_session.errors import (
    AwsRefused,
    ClockSkew,
    CodeRejected,
    DeviceNotAssociated,
    InvalidRegion,
    KeyUnknown,
    MfaSessionError,
    NetworkTimeout,
    NetworkUnreachable,
    Throttled,
    WrongSecret,
)
from mfa_session.models import LongTermKey, MfaDevice, SessionCredentials

if TYPE_CHECKING:
    from botocore.client import BaseClient

CONNECT_TIMEOUT = 5
READ_TIMEOUT = 15
log = logging.getLogger(__name__)
PARTITION_REGIONS = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}


class AwsApi(Protocol):
    """What the login needs from AWS; tests pass a fake that checks its inputs."""

    def warm_up(self, key: LongTermKey, region: str) -> None: ...

    def list_mfa_devices(self, key: LongTermKey, region: str) -> list[MfaDevice]: ...

    def get_session_token(
        self, key: LongTermKey, region: str, device: MfaDevice, code: str, duration: int
    ) -> SessionCredentials: ...

    def get_caller_identity(self, key: LongTermKey, region: str) -> str: ...


def region_for(configured: str | None, device: MfaDevice | None) -> str:
    """The profile's region, else the main region of the device's partition (aws-cn, aws-us-gov)."""
    if configured:
        return configured
    partition = device.partition if device else "aws"
    return PARTITION_REGIONS.get(partition, "us-east-1")


ClientFactory = Callable[[str, LongTermKey, str, ClientSettings], "BaseClient"]


class Boto3Aws:
    """AwsApi over boto3: no automatic retries (a code works once), bounded time-outs, and
    every client built with the settings of the profile being logged in."""

    def __init__(self, settings: ClientSettings, make_client: ClientFactory | None = None) -> None:
        self._settings = settings
        self._make_client = make_client or _make_client
        self._clients: dict[tuple[str, str, str], _ClientSlot] = {}
        self._lock = threading.Lock()

    def warm_up(self, key: LongTermKey, region: str) -> None:
        self._slot("sts", key, region)

    def list_mfa_devices(self, key: LongTermKey, region: str) -> list[MfaDevice]:
        client = self._slot("iam", key, region).get()
        with translated("ListMFADevices", key):
            pages = client.get_paginator("list_mfa_devices").paginate()
            return [MfaDevice(d["SerialNumber"]) for page in pages for d in page["MFADevices"]]

    def get_session_token(
        self, key: LongTermKey, region: str, device: MfaDevice, code: str, duration: int
    ) -> SessionCredentials:
        client = self._slot("sts", key, region).get()
        started = time.perf_counter()
        with translated("GetSessionToken", key, device):
            answer = client.get_session_token(
                DurationSeconds=duration, SerialNumber=device.serial, TokenCode=code
            )
        log.debug("GetSessionToken answered in %.0f ms", (time.perf_counter() - started) * 1000)
        return session_from(answer)

    def get_caller_identity(self, key: LongTermKey, region: str) -> str:
        """The ARN of the key's IAM user: proof that AWS accepts the key, before it is stored."""
        client = self._slot("sts", key, region).get()
        with translated("GetCallerIdentity", key):
            arn: str = client.get_caller_identity()["Arn"]
        return arn

    def _slot(self, service: str, key: LongTermKey, region: str) -> _ClientSlot:
        with self._lock:
            ident = (service, key.access_key_id, region)
            if ident not in self._clients:
                self._clients[ident] = _ClientSlot(
                    lambda: self._make_client(service, key, region, self._settings)
                )
            return self._clients[ident]


class _ClientSlot:
    """A client built on a background thread; `get` waits for it and re-raises its failure."""

    def __init__(self, build: Callable[[], BaseClient]) -> None:
        self._client: BaseClient | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(build,), daemon=True)
        self._thread.start()

    def _run(self, build: Callable[[], BaseClient]) -> None:
        try:
            self._client = build()
        except BaseException as err:  # noqa: BLE001 - handed to the main thread by get()
            self._error = err

    def get(self) -> Any:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._client


def _make_client(
    service: str, key: LongTermKey, region: str, settings: ClientSettings
) -> BaseClient:
    client = build_client(service, region, settings, key.access_key_id, key.secret_access_key)
    # Load now, off the main thread, what the first request would load after Enter: the
    # operation's model, and the IDNA codec the socket layer uses for the host name.
    client.meta.service_model.operation_model(_OPERATIONS[service])
    "localhost".encode("idna")
    return client


def build_client(
    service: str,
    region: str,
    settings: ClientSettings,
    access_key_id: str,
    secret_access_key: str,
    session_token: str | None = None,
) -> BaseClient:
    """A client signed with exactly these credentials: no retries, bounded time-outs, and the
    other settings of `settings.profile` as botocore reads them (see client_settings.py).

    `region` is the fallback for when botocore finds none (AWS_DEFAULT_REGION, then the
    profile's region): the main region of the MFA device's partition.
    """
    import botocore.config
    from botocore.exceptions import InvalidRegionError

    session = settings_session(settings)
    resolved = session.get_config_variable("region") or region
    config = botocore.config.Config(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        retries={"total_max_attempts": 1},
    )
    try:
        client = session.create_client(
            service,
            region_name=resolved,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            aws_session_token=session_token,
            config=config,
        )
    except InvalidRegionError as err:
        # botocore's only variable for it; a profile's own region comes second.
        origin = (
            "AWS_DEFAULT_REGION"
            if os.environ.get("AWS_DEFAULT_REGION")
            else f"the region of profile {settings.profile} in the config file"
        )
        raise InvalidRegion(region=resolved, origin=origin) from err
    log.debug(
        "%s client with the settings of %s: region %s, endpoint %s",
        service,
        f"profile {settings.profile}" if session.profile else "no profile (not in the files)",
        resolved,
        client.meta.endpoint_url,
    )
    return client


def session_from(answer: Mapping[str, Any]) -> SessionCredentials:
    """The Credentials of a GetSessionToken or AssumeRole answer."""
    creds = answer["Credentials"]
    expiration: datetime = creds["Expiration"]
    return SessionCredentials(
        access_key_id=creds["AccessKeyId"],
        secret_access_key=creds["SecretAccessKey"],
        session_token=creds["SessionToken"],
        expiration=expiration.astimezone(timezone.utc),
    )


_OPERATIONS = {"sts": "GetSessionToken", "iam": "ListMFADevices"}


class translated:
    """Turn botocore's exceptions into our errors, keeping the cause chained."""

    def __init__(
        self, operation: str, key: LongTermKey | None, device: MfaDevice | None = None
    ) -> None:
        """`key` is the long-term key that signed the call; None for a session's call."""
        self.operation = operation
        self.key = key
        self.device = device

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: Any
    ) -> None:
        if error is None or isinstance(error, MfaSessionError):
            return
        from botocore.exceptions import (
            ClientError,
            ConnectTimeoutError,
            EndpointConnectionError,
            ReadTimeoutError,
        )

        if isinstance(error, ClientError):
            raise self._from_client_error(error) from error
        if isinstance(error, (ConnectTimeoutError, ReadTimeoutError)):
            raise NetworkTimeout(
                endpoint=getattr(error, "kwargs", {}).get("endpoint_url", "AWS")
            ) from error
        if isinstance(error, EndpointConnectionError):
            raise NetworkUnreachable(endpoint=error.kwargs.get("endpoint_url", "AWS")) from error

    def _from_client_error(self, error: Any) -> MfaSessionError:
        details = error.response.get("Error", {})
        code = str(details.get("Code", "Unknown"))
        message = str(details.get("Message", ""))
        if code == "SignatureDoesNotMatch" and (skew := clock_skew(message)) is not None:
            return skew
        if code in {"Throttling", "ThrottlingException", "RequestLimitExceeded"}:
            return Throttled(message=message or code)
        if self.key is None:
            # Signed with a session (AssumeRole): a refusal is about the role, said as is.
            return AwsRefused(operation=self.operation, code=code, message=message)
        if code == "AccessDenied" and "invalid MFA one time pass code" in message:
            return CodeRejected()
        if code == "AccessDenied" and "unable to validate MFA code" in message:
            serial = self.device.serial if self.device else "?"
            return DeviceNotAssociated(serial=serial, hint="")
        if code == "InvalidClientTokenId":
            return KeyUnknown(access_key_id=self.key.access_key_id, section=self.key.section)
        if code == "SignatureDoesNotMatch":
            return WrongSecret(access_key_id=self.key.access_key_id, section=self.key.section)
        return AwsRefused(operation=self.operation, code=code, message=message)


# "Signature expired: OURS is now earlier than LIMIT (THEIRS - 15 min.)" when we are behind,
# "Signature not yet current: OURS is still later than LIMIT (THEIRS + 15 min.)" when ahead.
_SKEW = re.compile(
    r"Signature (?:expired|not yet current): (?P<ours>\d{8}T\d{6}Z) is (?:now earlier|still later)"
    r" than \d{8}T\d{6}Z \((?P<theirs>\d{8}T\d{6}Z) [-+] 15 min\.\)"
)


def clock_skew(message: str) -> ClockSkew | None:
    """AWS's clock-skew answer names both clocks; say how far apart they are."""
    found = _SKEW.search(message)
    if not found:
        return None

    def moment(stamp: str) -> datetime:
        return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)

    difference = moment(found["theirs"]) - moment(found["ours"])
    minutes = round(abs(difference.total_seconds()) / 60)
    direction = "behind" if difference.total_seconds() > 0 else "ahead of"
    return ClockSkew(skew=f"{minutes} min", direction=direction)
