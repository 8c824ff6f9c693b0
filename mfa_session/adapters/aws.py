"""The AWS calls (ListMFADevices, GetSessionToken, GetCallerIdentity, AssumeRole) over
botocore, and AWS's answers turned into our errors: interfaces.AwsApi.

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
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from mfa_session.adapters.client_settings import ClientSettings, settings_session
from mfa_session.adapters.deadline import DeadlinePassed, deadline
from mfa_session.errors import (
    AnswerTooSlow,
    AnswerUnreadable,
    AwsRefused,
    BadEndpoint,
    CertificateNotTrusted,
    ClockSkew,
    CodeRejected,
    ConnectionDropped,
    DeviceNotAssociated,
    IncompleteAnswer,
    InvalidRegion,
    KeyUnknown,
    MfaSessionError,
    NetworkTimeout,
    NetworkUnreachable,
    ProxyUnreachable,
    SdkFailed,
    Throttled,
    TlsFailed,
    WrongSecret,
)
from mfa_session.models import (
    IdentityAnswer,
    KeySource,
    LongTermKey,
    MfaDevice,
    Probe,
    SessionCredentials,
)

if TYPE_CHECKING:
    from botocore.client import BaseClient
    from botocore.session import Session as BotocoreSession

CONNECT_TIMEOUT = 5
READ_TIMEOUT = 15
"""Seconds for each read from the socket (botocore's read_timeout)."""
REQUEST_DEADLINE = 30
"""Seconds for a whole request, connection to last byte: a slow but working link answers
STS in well under a second; 30 s leaves room for a slow proxy and one 15 s read."""
log = logging.getLogger(__name__)
_BUILDING = threading.Lock()


ClientFactory = Callable[[str, LongTermKey, str, ClientSettings], "BaseClient"]


class Boto3Aws:
    """AwsApi over boto3: no automatic retries (a code works once), bounded time-outs, one
    deadline for each request as a whole, and every client built with the settings of the
    profile being logged in."""

    def __init__(
        self,
        settings: ClientSettings,
        make_client: ClientFactory | None = None,
        deadline_seconds: float = REQUEST_DEADLINE,
    ) -> None:
        self._settings = settings
        self._make_client = make_client or _make_client
        self._clients: dict[tuple[str, str, str], _ClientSlot] = {}
        self._lock = threading.Lock()
        self._deadline = deadline_seconds

    def warm_up(self, key: LongTermKey, region: str) -> None:
        self._slot("sts", key, region)

    def list_mfa_devices(self, key: LongTermKey, region: str) -> list[MfaDevice]:
        client = self._slot("iam", key, region).get()
        with translated("ListMFADevices", key, client=client, seconds=self._deadline):
            pages = client.get_paginator("list_mfa_devices").paginate()
            return [MfaDevice(d["SerialNumber"]) for page in pages for d in page["MFADevices"]]

    def get_session_token(
        self, key: LongTermKey, region: str, device: MfaDevice, code: str, duration: int
    ) -> SessionCredentials:
        client = self._slot("sts", key, region).get()
        started = time.perf_counter()
        with translated(
            "GetSessionToken", key, device, client=client, carries_code=True, seconds=self._deadline
        ):
            answer = client.get_session_token(
                DurationSeconds=duration, SerialNumber=device.serial, TokenCode=code
            )
            session = session_from(answer)
        log.debug("GetSessionToken answered in %.0f ms", (time.perf_counter() - started) * 1000)
        return session

    def get_caller_identity(self, key: LongTermKey, region: str) -> str:
        """The ARN of the key's IAM user: proof that AWS accepts the key, before it is stored."""
        client = self._slot("sts", key, region).get()
        with translated("GetCallerIdentity", key, client=client, seconds=self._deadline):
            arn: str = client.get_caller_identity()["Arn"]
        return arn

    def identify(self, probe: Probe, region: str) -> IdentityAnswer:
        """GetCallerIdentity signed with exactly `probe` (doctor): AWS's answer or refusal,
        with the time of its Date header. Failures to reach AWS, or an answer that is not
        AWS's, raise as the login's requests do (`translated`, its deadline)."""
        from botocore.exceptions import ClientError

        client: Any = build_client(
            "sts",
            region,
            self._settings,
            probe.access_key_id,
            probe.secret_access_key,
            probe.session_token,
        )
        with translated("GetCallerIdentity", key=None, client=client, seconds=self._deadline):
            try:
                answer = client.get_caller_identity()
            except ClientError as err:
                details = err.response.get("Error", {})
                code = str(details.get("Code", "Unknown"))
                status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
                message = str(details.get("Message", ""))
                if code.isdigit() and code == str(status):
                    raise  # no AWS error in it: `translated` says whose page it was
                if code == "SignatureDoesNotMatch" and (skew := clock_skew(message)) is not None:
                    raise skew from err
                return IdentityAnswer(
                    None,
                    code,
                    message,
                    _answer_time(err.response),
                    datetime.now(timezone.utc),
                )
            arn = answer.get("Arn")
            if not isinstance(arn, str) or not arn:
                raise _AnswerShape("Arn")
        return IdentityAnswer(arn, None, "", _answer_time(answer), datetime.now(timezone.utc))

    def assume_role(
        self,
        session: SessionCredentials,
        region: str,
        role_arn: str,
        session_name: str,
        duration: int,
    ) -> SessionCredentials:
        """The role's credentials, asked with the session's (no code needed)."""
        client: Any = build_client(
            "sts",
            region,
            self._settings,
            session.access_key_id,
            session.secret_access_key,
            session.session_token,
        )
        with translated(f"AssumeRole of {role_arn}", key=None, client=client):
            answer = client.assume_role(
                RoleArn=role_arn, RoleSessionName=session_name, DurationSeconds=duration
            )
            return session_from(answer)

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
    profile's region): the main region of the MFA device's partition. An endpoint URL from
    the environment is checked first: botocore would say only `ValueError`.
    """
    check_endpoint_variables(service, os.environ)
    import botocore.config
    from botocore.exceptions import BotoCoreError, InvalidRegionError

    config = botocore.config.Config(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        retries={"total_max_attempts": 1},
    )
    # One botocore session serves every client of the login; it is not made for two
    # threads at once (the warm-up builds on its own thread).
    with _BUILDING:
        session = settings_session(settings)
        resolved = session.get_config_variable("region") or region
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
            profile = settings.profile
            origin = (
                "AWS_DEFAULT_REGION"
                if os.environ.get("AWS_DEFAULT_REGION")
                else f"the region of profile {profile} in {_region_file(session, profile)}"
            )
            raise InvalidRegion(region=resolved, origin=origin) from err
        except (BotoCoreError, ValueError) as err:
            # An endpoint_url in the config file, a malformed AWS_* setting: named, not quoted.
            raise SdkFailed(
                operation=f"setting up the {service} client",
                kind=_kind(err),
                next_step="check the AWS_* variables and the config file (endpoint_url and the "
                "like); nothing was sent to AWS",
            ) from err
    log.debug(
        "%s client with the settings of %s: region %s, endpoint %s",
        service,
        f"profile {settings.profile}" if session.profile else "no profile (not in the files)",
        resolved,
        client.meta.endpoint_url,
    )
    return client


_ENDPOINT_VARIABLES = {"sts": "AWS_ENDPOINT_URL_STS", "iam": "AWS_ENDPOINT_URL_IAM"}


def check_endpoint_variables(service: str, environ: Mapping[str, str]) -> None:
    """The endpoint URL botocore would take from the environment is an http(s) URL."""
    if environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").strip().lower() == "true":
        return  # botocore reads none of them then
    for variable in (_ENDPOINT_VARIABLES.get(service, ""), "AWS_ENDPOINT_URL"):
        url = environ.get(variable, "").strip() if variable else ""
        if not url:
            continue
        problem = url_problem(url)
        if problem is not None:
            raise BadEndpoint(variable=variable, url=shown_url(url), reason=problem)
        return  # the service's own variable wins over the general one, as in botocore


def url_problem(url: str) -> str | None:
    """Why `url` is no endpoint URL botocore can use; None when it is one."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises for a port that is not a number from 0 to 65535
    except ValueError:
        return "it cannot be read as a URL"
    if parts.scheme not in ("http", "https"):
        return "it must start with https:// or http://"
    if not parts.hostname or any(char.isspace() for char in url):
        return "it names no host"
    return None


def shown_url(url: str) -> str:
    """A URL as it may be printed: without a user name and password in it."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(a malformed URL)"
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


class _AnswerShape(Exception):
    """An answer botocore parsed, without the members a login needs (raised inside
    `translated`, which says it with the operation and the endpoint)."""

    def __init__(self, missing: str) -> None:
        super().__init__(missing)
        self.missing = missing


def session_from(answer: Mapping[str, Any]) -> SessionCredentials:
    """The Credentials of a GetSessionToken or AssumeRole answer (inside `translated`)."""
    creds = answer.get("Credentials")
    if not isinstance(creds, Mapping):
        raise _AnswerShape("Credentials")
    for member in ("AccessKeyId", "SecretAccessKey", "SessionToken"):
        if not isinstance(creds.get(member), str) or not creds[member]:
            raise _AnswerShape(f"Credentials.{member}")
    expiration = creds.get("Expiration")
    if not isinstance(expiration, datetime):
        raise _AnswerShape("Credentials.Expiration")
    return SessionCredentials(
        access_key_id=creds["AccessKeyId"],
        secret_access_key=creds["SecretAccessKey"],
        session_token=creds["SessionToken"],
        expiration=expiration.astimezone(timezone.utc),
    )


_OPERATIONS = {"sts": "GetSessionToken", "iam": "ListMFADevices"}

_RETRY = "check the network and try again"
NEXT_CODE = "the MFA code may have been used, so wait for the next code and run mfa-login again"


class translated:
    """One AWS request: its deadline, and every way it can fail turned into our error.

    Inside the block, the request is made and its answer read. Whatever goes wrong there
    becomes an `MfaSessionError` whose message names the operation, the endpoint and what
    to do, chaining botocore's exception as its cause. Third-party texts are never quoted:
    botocore's ResponseParserError, for one, carries the raw answer (a new session's secret
    and token), and a proxy's page can say anything.

    `carries_code`: the request holds an MFA code (GetSessionToken). Any failure after the
    request may have reached AWS then says that the code may be spent, and marks the error
    so the used-code guard counts it as used.
    """

    def __init__(
        self,
        operation: str,
        key: LongTermKey | None,
        device: MfaDevice | None = None,
        *,
        client: Any = None,
        carries_code: bool = False,
        seconds: float = REQUEST_DEADLINE,
    ) -> None:
        """`key` is the long-term key that signed the call; None for a session's call."""
        self.operation = operation
        self.key = key
        self.device = device
        self.carries_code = carries_code
        self.seconds = seconds
        self.endpoint = str(getattr(getattr(client, "meta", None), "endpoint_url", "AWS"))
        self._deadline = deadline(seconds)

    def __enter__(self) -> None:
        self._deadline.__enter__()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: Any
    ) -> None:
        self._deadline.__exit__(kind, error, tb)
        if error is None or isinstance(error, MfaSessionError):
            return
        if isinstance(error, DeadlinePassed):
            raise self._after_sending(
                AnswerTooSlow,
                operation=self.operation,
                endpoint=shown_url(self.endpoint),
                seconds=_seconds(self.seconds),
            ) from None
        if not isinstance(error, Exception):
            return  # KeyboardInterrupt and the like: the command line's to handle
        raise self._translate(error) from error

    def _translate(self, error: Exception) -> MfaSessionError:
        import ssl

        from botocore.exceptions import (
            ClientError,
            ConnectionClosedError,
            ConnectTimeoutError,
            EndpointConnectionError,
            HTTPClientError,
            ProxyConnectionError,
            ReadTimeoutError,
            SSLError,
        )
        from botocore.parsers import ResponseParserError

        endpoint = _endpoint_of(error, self.endpoint)
        if isinstance(error, ClientError):
            return self._from_client_error(error)
        # Failures before the request left: nothing reached AWS, the code is unspent.
        if isinstance(error, ConnectTimeoutError):
            return NetworkTimeout(endpoint=endpoint, next_step=_RETRY)
        if isinstance(error, ProxyConnectionError):
            # Not botocore's masked proxy_url: its masking can leave the password in.
            return ProxyUnreachable(proxy=_proxy_for(endpoint), endpoint=endpoint)
        if isinstance(error, SSLError):
            unverified = _found_in(error, ssl.SSLCertVerificationError)
            if unverified is not None:
                reason = unverified.verify_message or "verification failed"
                return CertificateNotTrusted(endpoint=endpoint, reason=reason)
            failure = _found_in(error, ssl.SSLError)
            if failure is not None and _in_handshake(failure):
                # The request is written only once the handshake is done.
                return TlsFailed(endpoint=endpoint, reason=_ssl_reason(failure), next_step=_RETRY)
            return self._after_sending(TlsFailed, endpoint=endpoint, reason=_ssl_reason(error))
        if isinstance(error, EndpointConnectionError):
            return NetworkUnreachable(endpoint=endpoint)
        # Failures once the request may have reached AWS.
        if isinstance(error, ReadTimeoutError):
            return self._after_sending(NetworkTimeout, endpoint=endpoint)
        if isinstance(error, ConnectionClosedError):
            return self._after_sending(
                ConnectionDropped, endpoint=endpoint, operation=self.operation
            )
        if isinstance(error, ResponseParserError):
            return self._after_sending(
                AnswerUnreadable,
                endpoint=endpoint,
                operation=self.operation,
                what="unreadable XML: cut short, or a page from a proxy or captive portal",
            )
        if isinstance(error, _AnswerShape):
            return self._after_sending(
                IncompleteAnswer, endpoint=endpoint, operation=self.operation, missing=error.missing
            )
        if isinstance(error, HTTPClientError):
            # botocore wraps whatever urllib3 raised; its class says more than its text.
            inner = error.kwargs.get("error")
            kind = _kind(inner if isinstance(inner, BaseException) else error)
            return self._after_sending(SdkFailed, operation=self.operation, kind=kind)
        # BotoCoreError, and whatever else botocore let out of a hostile answer (a
        # ValueError from a timestamp that is none, a KeyError from a missing member).
        return self._after_sending(SdkFailed, operation=self.operation, kind=_kind(error))

    def _after_sending(self, cls: type[MfaSessionError], **fields: object) -> MfaSessionError:
        """An error for a request that may have reached AWS."""
        problem = cls(next_step=NEXT_CODE if self.carries_code else _RETRY, **fields)
        problem.code_may_be_spent = self.carries_code
        return problem

    def _from_client_error(self, error: Any) -> MfaSessionError:
        details = error.response.get("Error", {})
        code = str(details.get("Code", "Unknown"))
        message = str(details.get("Message", ""))
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code.isdigit() and code == str(status):
            # botocore's reading of an answer that held no AWS error, only an HTTP status:
            # an HTML page from a proxy or a load balancer.
            return self._after_sending(
                AnswerUnreadable,
                endpoint=self.endpoint,
                operation=self.operation,
                what=f"HTTP {code} without an AWS error: a page from a proxy?",
            )
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
            return key_unknown(self.key)
        if code == "SignatureDoesNotMatch":
            return WrongSecret(access_key_id=self.key.access_key_id, section=self.key.section)
        return AwsRefused(operation=self.operation, code=code, message=message)


def _answer_time(answer: Mapping[str, Any]) -> datetime | None:
    """AWS's clock when it answered: the Date header (whole seconds, GMT)."""
    from email.utils import parsedate_to_datetime

    headers = answer.get("ResponseMetadata", {}).get("HTTPHeaders", {})
    text = headers.get("date") if isinstance(headers, Mapping) else None
    if not isinstance(text, str):
        return None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def key_unknown(key: LongTermKey) -> KeyUnknown:
    """InvalidClientTokenId for a long-term key: what it means, where the key came from and
    how to put a working one there."""
    if key.source is KeySource.KEYRING:
        origin = "from the OS keyring"
        fix = f"store a working key with mfa-login setup --profile {key.section}"
    elif key.source is KeySource.ENTERED:
        origin = "as entered"
        fix = "enter a working key"
    else:
        origin = f"in [{key.section}]"
        fix = f"put a working key under [{key.section}]"
    return KeyUnknown(access_key_id=key.access_key_id, origin=origin, fix=fix)


def _seconds(value: float) -> str:
    return f"{value:g}"


def _region_file(session: BotocoreSession, profile: str) -> str:
    """The file botocore took the profile's region from: the credentials file's [NAME] is
    merged over the config file's (Session.full_config), so it wins when it names one."""
    from botocore.configloader import raw_config_parse
    from botocore.exceptions import BotoCoreError

    try:
        sections = raw_config_parse(session.get_config_variable("credentials_file"))
    except BotoCoreError:  # no credentials file: the region came from the config file
        return "the config file"
    return "the credentials file" if sections.get(profile, {}).get("region") else "the config file"


def _kind(error: BaseException) -> str:
    """An exception named by its class (module and name), never by its message."""
    kind = type(error)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def _endpoint_of(error: BaseException, fallback: str) -> str:
    kwargs = getattr(error, "kwargs", None)
    url = kwargs.get("endpoint_url") if isinstance(kwargs, dict) else None
    # botocore's own kwargs name the request's URL, ending in "/": the endpoint is without.
    return shown_url(str(url or fallback)).removesuffix("/")


_E = TypeVar("_E", bound=BaseException)


def _found_in(error: BaseException, kind: type[_E]) -> _E | None:
    """The first exception of `kind` among `error`'s causes and wrapped errors."""
    pending: list[object] = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kind):
            return current
        kwargs = getattr(current, "kwargs", None)
        if isinstance(kwargs, dict):
            pending.append(kwargs.get("error"))
        pending.extend((current.__cause__, current.__context__, *current.args))
    return None


def _in_handshake(failure: BaseException) -> bool:
    """Whether an ssl error came from the TLS handshake (ssl.py's do_handshake)."""
    import traceback

    frames = traceback.extract_tb(failure.__traceback__)
    return any(frame.name == "do_handshake" for frame in frames)


def _proxy_for(endpoint: str) -> str:
    """The proxy the environment names for the endpoint's scheme, as botocore picks it."""
    from urllib.request import getproxies

    scheme = urlsplit(endpoint).scheme or "https"
    proxy = getproxies().get(scheme)
    return shown_url(proxy) if proxy else "(none set)"


def _ssl_reason(error: BaseException) -> str:
    """OpenSSL's reason code (WRONG_VERSION_NUMBER, ...): a constant, not a quoted text."""
    import ssl

    found = _found_in(error, ssl.SSLError)
    reason = getattr(found, "reason", None) if found is not None else None
    return str(reason) if isinstance(reason, str) and reason.isidentifier() else "TLS error"


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
