"""Our WSGI layer in front of moto's server: MFA, signatures, faults and counting.

It runs in the emulator process, next to moto's in-memory backends, so it reads users, keys and
MFA seeds straight from moto's IAM backend instead of re-parsing moto's XML.

Every request signed with a key other than the admin's is authenticated here first, STS and
IAM alike, and refused as AWS refuses it:
- unknown, inactive or deleted key id, or a session key without its token:
  InvalidClientTokenId (403), INVALID_TOKEN_ID;
- a session token that does not belong to the key id (a token left beside a long-term key, a
  forged one, another session's), or an IAM call from a session made without MFA:
  InvalidClientTokenId (403), INVALID_SESSION_TOKEN;
- a wrong secret: SignatureDoesNotMatch (403); a clock more than 15 minutes off: the same code
  with AWS's "Signature expired" / "Signature not yet current" text;
- an expired session: ExpiredToken (403).
A session outlives its long-term key being made inactive or deleted, as in AWS ("Temporary
security credentials are valid until they expire, and they cannot be revoked", IAM User Guide).
Every answer carries a Date header from AWS's clock, which a test can set apart from ours.
"""

from __future__ import annotations

import base64
import io
import json
import secrets
import string
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qsl, urlencode
from xml.sax.saxutils import escape

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.iam.exceptions import NotFoundException
from moto.iam.models import IAMBackend, User, iam_backends

from tests.emulator import sigv4
from tests.emulator.client import ADMIN_ACCESS_KEY_ID
from tests.emulator.totp import time_step, totp

CONTROL_PREFIX = "/_emulator/"

MIN_DURATION = 900
MAX_DURATION = 129600
DEFAULT_DURATION = 43200

INVALID_CODE = "MultiFactorAuthentication failed with invalid MFA one time pass code. "
UNKNOWN_SERIAL = (
    "MultiFactorAuthentication failed, unable to validate MFA code.  "
    "Please verify your MFA serial number is valid and associated with this user."
)
# InvalidClientTokenId (HTTP 403) comes in two wordings. With the period: the key id is not
# one AWS knows as active (mistyped, deleted, inactive, of another partition, or a session key
# sent without its token): aws/aws-sdk-java#1879, rhyeal/aws-rotate-iam-keys#65 and #81,
# aws/aws-cli#1197. Without it: the request carried a session token that does not belong (left
# beside a long-term key: RhinoSecurityLabs/pacu#355), or a session made without MFA called
# IAM (99designs/aws-vault#132 and #328; aws/aws-cli#8918 shows the body, Content-Length 305).
INVALID_TOKEN_ID = "The security token included in the request is invalid."
INVALID_SESSION_TOKEN = "The security token included in the request is invalid"
# ExpiredToken, HTTP 403, STS and IAM alike: aws/aws-sdk-java-v2#1649, cfn-sphere/cfn-sphere#55.
EXPIRED_TOKEN = "The security token included in the request is expired"
SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)

_NAMESPACES = {
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
}
_KEY_ALPHABET = string.ascii_uppercase + "234567"

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
StartResponse = Callable[..., Any]


class ApiError(Exception):
    """An AWS error answer: code, message and HTTP status."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Session:
    """Temporary credentials issued by our GetSessionToken."""

    access_key_id: str
    secret_access_key: str
    session_token: str
    user_name: str
    user_access_key_id: str
    expiration: datetime
    role_arn: str = ""
    """Set for credentials from our AssumeRole: the session acts as that role."""
    role_session_name: str = ""
    mfa: bool = False
    """GetSessionToken was given a device and its code; only then may the session call IAM."""

    @property
    def assumed_role_arn(self) -> str:
        account, role_name = self.role_arn.split(":")[4], self.role_arn.rsplit("/", 1)[-1]
        return f"arn:aws:sts::{account}:assumed-role/{role_name}/{self.role_session_name}"


@dataclass(frozen=True)
class Caller:
    """Who signed a request: a user, through a long-term key or one of its sessions."""

    user: User
    long_term_key_id: str
    session: Session | None = None


@dataclass
class Fault:
    kind: str  # "fail" or "delay"
    code: str = ""
    message: str = ""
    status: int = 400
    seconds: float = 0.0


@dataclass
class _State:
    sessions: dict[str, Session] = field(default_factory=dict)
    used_steps: set[tuple[str, int]] = field(default_factory=set)
    counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    """Requests by (key id, action, region of the signature's credential scope)."""
    faults: dict[str, deque[Fault]] = field(default_factory=dict)


def iam_backend() -> IAMBackend:
    return iam_backends[DEFAULT_ACCOUNT_ID]["aws"]


def _random_key_id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16))


def _format_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _respond(
    start_response: StartResponse, status: int, body: bytes, content_type: str
) -> list[bytes]:
    reasons = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 500: "Error"}
    start_response(
        f"{status} {reasons.get(status, 'Status')}",
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("x-amzn-RequestId", str(uuid.uuid4())),
        ],
    )
    return [body]


def _dated(start_response: StartResponse, moment: datetime) -> StartResponse:
    """`start_response` that stamps AWS's Date header, as AWS does on every answer."""
    stamp = formatdate(moment.timestamp(), usegmt=True)

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        kept = [(name, value) for name, value in headers if name.lower() != "date"]
        return start_response(status, [*kept, ("Date", stamp)], exc_info)

    return start


def error_xml(service: str, error: ApiError) -> bytes:
    namespace = _NAMESPACES.get(service, _NAMESPACES["sts"])
    kind = "Sender" if error.status < 500 else "Receiver"
    return (
        f'<ErrorResponse xmlns="{namespace}"><Error><Type>{kind}</Type>'
        f"<Code>{escape(error.code)}</Code><Message>{escape(error.message)}</Message></Error>"
        f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
    ).encode()


def session_token_xml(session: Session) -> bytes:
    return (
        f'<GetSessionTokenResponse xmlns="{_NAMESPACES["sts"]}"><GetSessionTokenResult>'
        "<Credentials>"
        f"<SessionToken>{escape(session.session_token)}</SessionToken>"
        f"<SecretAccessKey>{escape(session.secret_access_key)}</SecretAccessKey>"
        f"<Expiration>{_format_time(session.expiration)}</Expiration>"
        f"<AccessKeyId>{session.access_key_id}</AccessKeyId>"
        "</Credentials></GetSessionTokenResult>"
        f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
        "</GetSessionTokenResponse>"
    ).encode()


def assume_role_xml(session: Session) -> bytes:
    return (
        f'<AssumeRoleResponse xmlns="{_NAMESPACES["sts"]}"><AssumeRoleResult>'
        "<Credentials>"
        f"<SessionToken>{escape(session.session_token)}</SessionToken>"
        f"<SecretAccessKey>{escape(session.secret_access_key)}</SecretAccessKey>"
        f"<Expiration>{_format_time(session.expiration)}</Expiration>"
        f"<AccessKeyId>{session.access_key_id}</AccessKeyId>"
        "</Credentials>"
        f"<AssumedRoleUser><Arn>{escape(session.assumed_role_arn)}</Arn>"
        f"<AssumedRoleId>AROA{session.access_key_id[4:]}:{escape(session.role_session_name)}"
        "</AssumedRoleId></AssumedRoleUser>"
        "</AssumeRoleResult>"
        f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
        "</AssumeRoleResponse>"
    ).encode()


def caller_identity_xml(caller: Caller) -> bytes:
    """GetCallerIdentity: the user, for its long-term key and for a GetSessionToken session;
    the assumed role, for an AssumeRole session."""
    session = caller.session
    if session is not None and session.role_arn:
        arn = session.assumed_role_arn
        user_id = f"AROA{session.access_key_id[4:]}:{session.role_session_name}"
        account = session.role_arn.split(":")[4]
    else:
        arn, user_id, account = caller.user.arn, caller.user.id, caller.user.account_id
    return (
        f'<GetCallerIdentityResponse xmlns="{_NAMESPACES["sts"]}"><GetCallerIdentityResult>'
        f"<Arn>{escape(arn)}</Arn><UserId>{escape(user_id)}</UserId>"
        f"<Account>{escape(account)}</Account>"
        "</GetCallerIdentityResult>"
        f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
        "</GetCallerIdentityResponse>"
    ).encode()


def _validation_error(value: str, member: str, constraint: str) -> ApiError:
    return ApiError(
        "ValidationError",
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
        f"constraint: {constraint}",
        400,
    )


def _duration(params: dict[str, str]) -> int:
    raw = params.get("DurationSeconds")
    if raw is None:
        return DEFAULT_DURATION
    try:
        value = int(raw)
    except ValueError:
        raise _validation_error(raw, "durationSeconds", "Member must be a number") from None
    if value < MIN_DURATION:
        raise _validation_error(
            raw,
            "durationSeconds",
            f"Member must have value greater than or equal to {MIN_DURATION}",
        )
    if value > MAX_DURATION:
        raise _validation_error(
            raw, "durationSeconds", f"Member must have value less than or equal to {MAX_DURATION}"
        )
    return value


def _check_token_code_shape(code: str) -> None:
    if len(code) != 6:
        relation = "less" if len(code) > 6 else "greater"
        raise _validation_error(
            code, "tokenCode", f"Member must have length {relation} than or equal to 6"
        )
    if not (code.isascii() and code.isdigit()):
        raise _validation_error(
            code, "tokenCode", "Member must satisfy regular expression pattern: [\\d]*"
        )


class EmulatorLayer:
    """The WSGI application the emulator serves; `moto_app` answers what we pass through."""

    def __init__(self, moto_app: WsgiApp, clock: Callable[[], float] = time.time) -> None:
        self._moto = moto_app
        self._clock = clock
        self._lock = threading.Lock()
        self._state = _State()
        # AWS's clock minus ours: a client whose clock is off, seen from AWS's side. It moves
        # everything AWS stamps or checks against its clock (signature dates, the Date header,
        # session expirations), never the MFA codes: those follow the phone, which is right.
        self._aws_clock_offset = 0.0

    # -- WSGI entry -------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        # One instant per request, so an answer's Date and the times in its text agree.
        aws_now = self._aws_now()
        start_response = _dated(start_response, aws_now)
        path = environ.get("PATH_INFO", "") or "/"
        if path.startswith(CONTROL_PREFIX):
            return self._control(environ, start_response, path[len(CONTROL_PREFIX) :])
        body = self._read_body(environ)
        auth = sigv4.parse_authorization(environ.get("HTTP_AUTHORIZATION"))
        if auth is None or auth.access_key_id == ADMIN_ACCESS_KEY_ID:
            return self._moto(environ, start_response)
        params = self._params(environ, body)
        action = params.get("Action", "")
        try:
            caller = self._before_moto(environ, auth, params, action, body, aws_now)
            answer = self._answer(caller, params, action, aws_now)
        except ApiError as error:
            return _respond(
                start_response, error.status, error_xml(auth.service, error), "text/xml"
            )
        if answer is not None:
            return _respond(start_response, 200, answer, "text/xml")
        return self._moto(environ, start_response)

    def _before_moto(
        self,
        environ: dict[str, Any],
        auth: sigv4.Authorization,
        params: dict[str, str],
        action: str,
        body: bytes,
        aws_now: datetime,
    ) -> Caller:
        """Count, inject faults, authenticate, and adjust the request moto will see."""
        with self._lock:
            self._state.counts[(auth.access_key_id, action, auth.region)] += 1
            queue = self._state.faults.get(action)
            fault = queue.popleft() if queue else None
        if fault is not None and fault.kind == "delay":
            time.sleep(fault.seconds)
        elif fault is not None:
            raise ApiError(fault.code, fault.message, fault.status)
        caller = self._authenticate(environ, auth, body, aws_now)
        session = caller.session
        if auth.service == "iam" and session and not (session.role_arn or session.mfa):
            # GetSessionToken: "You cannot call any IAM API operations unless MFA
            # authentication information is included in the request."
            raise ApiError("InvalidClientTokenId", INVALID_SESSION_TOKEN, 403)
        if session is not None:
            # moto knows only long-term keys; a session acts as its user, as in AWS.
            environ["HTTP_AUTHORIZATION"] = environ["HTTP_AUTHORIZATION"].replace(
                f"Credential={auth.access_key_id}/", f"Credential={caller.long_term_key_id}/", 1
            )
        if action == "ListMFADevices" and not params.get("UserName"):
            # IAM answers for the caller when UserName is left out; moto requires it.
            params["UserName"] = caller.user.name
            self._replace_body(environ, urlencode(params).encode())
        return caller

    def _answer(
        self, caller: Caller, params: dict[str, str], action: str, aws_now: datetime
    ) -> bytes | None:
        """Our own answer to the STS actions we emulate, or None to let moto answer."""
        if action == "GetSessionToken":
            return session_token_xml(self._get_session_token(caller, params, aws_now))
        if action == "AssumeRole":
            return assume_role_xml(self._assume_role(caller, params, aws_now))
        if action == "GetCallerIdentity":
            return caller_identity_xml(caller)
        return None

    # -- request plumbing -------------------------------------------------------------------

    @staticmethod
    def _read_body(environ: dict[str, Any]) -> bytes:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body: bytes = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)  # moto reads it again
        return body

    @staticmethod
    def _replace_body(environ: dict[str, Any], body: bytes) -> None:
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))

    @staticmethod
    def _params(environ: dict[str, Any], body: bytes) -> dict[str, str]:
        params = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
            params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        return params

    def _aws_now(self) -> datetime:
        """AWS's clock: ours, moved by the offset a test set."""
        moment = self._clock() + self._aws_clock_offset
        return datetime.fromtimestamp(moment, tz=timezone.utc)

    # -- authentication ---------------------------------------------------------------------

    def _authenticate(
        self, environ: dict[str, Any], auth: sigv4.Authorization, body: bytes, aws_now: datetime
    ) -> Caller:
        caller, secret = self._resolve_key(auth.access_key_id, environ)
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_") and isinstance(value, str)
        }
        if "CONTENT_TYPE" in environ:
            headers["content-type"] = environ["CONTENT_TYPE"]
        if "CONTENT_LENGTH" in environ:
            headers["content-length"] = environ["CONTENT_LENGTH"]
        skew = sigv4.skew_message(headers.get("x-amz-date", ""), aws_now)
        if skew is not None:
            raise ApiError("SignatureDoesNotMatch", skew, 403)
        if not sigv4.signature_matches(
            secret,
            auth,
            method=environ.get("REQUEST_METHOD", "GET"),
            path=environ.get("PATH_INFO", "/") or "/",
            query_string=environ.get("QUERY_STRING", ""),
            headers=headers,
            body=body,
        ):
            raise ApiError("SignatureDoesNotMatch", SIGNATURE_MISMATCH, 403)
        if caller.session is not None and caller.session.expiration <= aws_now:
            raise ApiError("ExpiredToken", EXPIRED_TOKEN, 403)
        return caller

    def _resolve_key(self, key_id: str, environ: dict[str, Any]) -> tuple[Caller, str]:
        """The caller behind an access key id and the secret to check the signature with.

        Every refusal here is InvalidClientTokenId; AWS words it with a final period when the
        request carried no session token, and without one when it carried a token that does
        not belong (see INVALID_SESSION_TOKEN).
        """
        token = environ.get("HTTP_X_AMZ_SECURITY_TOKEN")
        invalid = ApiError(
            "InvalidClientTokenId",
            INVALID_TOKEN_ID if token is None else INVALID_SESSION_TOKEN,
            403,
        )
        with self._lock:
            session = self._state.sessions.get(key_id)
        backend = iam_backend()
        if session is not None:
            # The long-term key behind the session is not looked at: AWS keeps a session valid
            # until it expires, even when that key is made inactive or deleted.
            user = backend.users.get(session.user_name)
            if token != session.session_token or user is None:
                raise invalid
            caller = Caller(user, session.user_access_key_id, session)
            return caller, session.secret_access_key
        key = backend.access_keys.get(key_id)
        user = backend.users.get(key.user_name or "") if key is not None else None
        if (
            key is None
            or user is None
            or key.status != "Active"
            or key not in user.access_keys  # DeleteAccessKey may leave the backend index behind
            or token is not None  # a long-term key signs alone: a token beside it is refused
        ):
            raise invalid
        return Caller(user, key_id), key.secret_access_key

    # -- GetSessionToken --------------------------------------------------------------------

    def _get_session_token(
        self, caller: Caller, params: dict[str, str], aws_now: datetime
    ) -> Session:
        if caller.session is not None:
            raise ApiError(
                "AccessDenied", "Cannot call GetSessionToken with session credentials", 403
            )
        duration = _duration(params)
        serial = params.get("SerialNumber")
        code = params.get("TokenCode")
        if code is not None:
            _check_token_code_shape(code)
        if serial or code:
            self._verify_mfa(caller.user, serial or "", code or "")
        session = Session(
            access_key_id=_random_key_id("ASIA"),
            secret_access_key=base64.b64encode(secrets.token_bytes(30)).decode(),
            session_token="IQoJb3JpZ2luX2VjE" + base64.b64encode(secrets.token_bytes(240)).decode(),
            user_name=caller.user.name,
            user_access_key_id=caller.long_term_key_id,
            expiration=aws_now.replace(microsecond=0) + timedelta(seconds=duration),
            mfa=bool(serial),  # _verify_mfa let it through
        )
        with self._lock:
            self._state.sessions[session.access_key_id] = session
        return session

    # -- AssumeRole -------------------------------------------------------------------------

    def _assume_role(self, caller: Caller, params: dict[str, str], aws_now: datetime) -> Session:
        """Any existing role may be assumed (no trust policy check); the answer acts as it."""
        role_arn = params.get("RoleArn", "")
        name = params.get("RoleSessionName", "")
        if not name or len(name) > 64:
            raise _validation_error(name, "roleSessionName", "length between 2 and 64")
        duration = int(params.get("DurationSeconds") or 3600)
        if not 900 <= duration <= 43200:
            raise _validation_error(str(duration), "durationSeconds", "between 900 and 43200")
        try:
            iam_backend().get_role_by_arn(role_arn)
        except NotFoundException as error:
            raise ApiError(
                "AccessDenied",
                f"User: {caller.user.arn} is not authorized to perform: sts:AssumeRole "
                f"on resource: {role_arn}",
                403,
            ) from error
        session = Session(
            access_key_id=_random_key_id("ASIA"),
            secret_access_key=base64.b64encode(secrets.token_bytes(30)).decode(),
            session_token="IQoJb3JpZ2luX2VjE" + base64.b64encode(secrets.token_bytes(240)).decode(),
            user_name=caller.user.name,
            user_access_key_id=caller.long_term_key_id,
            expiration=aws_now.replace(microsecond=0) + timedelta(seconds=duration),
            role_arn=role_arn,
            role_session_name=name,
        )
        with self._lock:
            self._state.sessions[session.access_key_id] = session
        return session

    def create_role(self, payload: dict[str, Any]) -> dict[str, Any]:
        """An IAM role anyone may assume here (the emulator checks no trust policy)."""
        with self._lock:
            role = iam_backend().create_role(
                role_name=str(payload["name"]),
                assume_role_policy_document="{}",
                path="/",
                permissions_boundary=None,
                description="",
                tags=[],
                max_session_duration="3600",
            )
        return {"arn": role.arn}

    def _verify_mfa(self, user: User, serial: str, code: str) -> None:
        device = iam_backend().virtual_mfa_devices.get(serial)
        if serial not in user.mfa_devices or device is None:
            raise ApiError("AccessDenied", UNKNOWN_SERIAL, 403)
        if not code:
            raise ApiError("AccessDenied", INVALID_CODE, 403)
        current = time_step(self._clock())
        for step in (current, current - 1, current + 1):
            if totp(device.base32_string_seed, step * 30) == code:
                with self._lock:
                    if (serial, step) in self._state.used_steps:
                        break  # AWS refuses a code a second time
                    self._state.used_steps.add((serial, step))
                return
        raise ApiError("AccessDenied", INVALID_CODE, 403)

    # -- control API (JSON over HTTP) -------------------------------------------------------

    def _control(
        self, environ: dict[str, Any], start_response: StartResponse, route: str
    ) -> list[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        raw = self._read_body(environ)
        try:
            payload: dict[str, Any] = json.loads(raw) if raw else {}
            handler = self._routes().get((method, route.rstrip("/")))
            if handler is None:
                return self._json(start_response, 404, {"error": f"no route {method} {route}"})
            return self._json(start_response, 200, handler(payload))
        except (KeyError, TypeError, ValueError) as error:
            return self._json(start_response, 400, {"error": f"{type(error).__name__}: {error}"})
        except Exception as error:  # noqa: BLE001 - the test process wants moto's reason back
            return self._json(start_response, 500, {"error": f"{type(error).__name__}: {error}"})

    @staticmethod
    def _json(start_response: StartResponse, status: int, data: Any) -> list[bytes]:
        return _respond(start_response, status, json.dumps(data).encode(), "application/json")

    def _routes(self) -> dict[tuple[str, str], Callable[[dict[str, Any]], Any]]:
        return {
            ("GET", "health"): lambda _: {"ok": True},
            ("POST", "users"): self.create_user,
            ("POST", "roles"): self.create_role,
            ("POST", "counts"): self.count,
            ("POST", "counts/reset"): self.reset_counts,
            ("POST", "faults"): self.add_fault,
            ("POST", "faults/reset"): self.reset_faults,
            ("POST", "keys/deactivate"): self.deactivate_key,
            ("POST", "keys/delete"): self.delete_key,
            ("POST", "sessions/expiry"): self.set_session_expiry,
            ("POST", "clock"): self.set_aws_clock,
        }

    def create_user(self, payload: dict[str, Any]) -> dict[str, Any]:
        """An IAM user with one access key, enabled virtual MFA devices and security keys."""
        name = str(payload["name"])
        totp_devices = int(payload.get("totp_devices", 1))
        u2f_devices = int(payload.get("u2f_devices", 0))
        backend = iam_backend()
        with self._lock:
            user = backend.create_user("us-east-1", name)
            user.id = _random_key_id("AIDA") + secrets.choice(_KEY_ALPHABET)  # IAM's shape
            key = backend.create_access_key(name)
            seeds: dict[str, str] = {}
            for index in range(totp_devices):
                device_name = name if index == 0 else f"{name}-{index + 1}"
                device = backend.create_virtual_mfa_device(device_name, "/")
                now = time.time()
                backend.enable_mfa_device(
                    name,
                    device.serial_number,
                    totp(device.base32_string_seed, now - 30),
                    totp(device.base32_string_seed, now),
                )
                seeds[device.serial_number] = device.base32_string_seed
            u2f_serials = []
            for _ in range(u2f_devices):
                suffix = "".join(secrets.choice(string.ascii_uppercase) for _ in range(16))
                serial = f"arn:aws:iam::{user.account_id}:u2f/user/{name}/mykey-{suffix}"
                # moto cannot create security keys; an enabled device entry lists the same way.
                backend.enable_mfa_device(name, serial, "", "")
                u2f_serials.append(serial)
        return {
            "name": name,
            "arn": user.arn,
            "account_id": user.account_id,
            "user_id": user.id,
            "access_key_id": key.access_key_id,
            "secret_access_key": key.secret_access_key,
            "mfa_seeds": seeds,
            "u2f_serials": u2f_serials,
        }

    def count(self, payload: dict[str, Any]) -> dict[str, int]:
        key_id = str(payload["access_key_id"])
        action = payload.get("action")
        region = payload.get("region")
        with self._lock:
            total = sum(
                n
                for (key, act, signed_for), n in self._state.counts.items()
                if key == key_id
                and (action is None or act == action)
                and (region is None or signed_for == region)
            )
        return {"count": total}

    def reset_counts(self, _payload: dict[str, Any]) -> dict[str, bool]:
        with self._lock:
            self._state.counts.clear()
        return {"ok": True}

    def add_fault(self, payload: dict[str, Any]) -> dict[str, bool]:
        kind = str(payload["kind"])
        if kind not in ("fail", "delay"):
            raise ValueError(f"unknown fault kind {kind!r}")
        fault = Fault(
            kind=kind,
            code=str(payload.get("code", "")),
            message=str(payload.get("message", "")),
            status=int(payload.get("status", 400)),
            seconds=float(payload.get("seconds", 0)),
        )
        with self._lock:
            queue = self._state.faults.setdefault(str(payload["action"]), deque())
            queue.extend(fault for _ in range(int(payload.get("times", 1))))
        return {"ok": True}

    def reset_faults(self, _payload: dict[str, Any]) -> dict[str, bool]:
        with self._lock:
            self._state.faults.clear()
        return {"ok": True}

    def set_aws_clock(self, payload: dict[str, Any]) -> dict[str, bool]:
        with self._lock:
            self._aws_clock_offset = float(payload["offset_seconds"])
        return {"ok": True}

    def set_session_expiry(self, payload: dict[str, Any]) -> dict[str, str]:
        """Move a session's expiration to `seconds_from_now` on AWS's clock (negative: past)."""
        key_id = str(payload["access_key_id"])
        expiration = self._aws_now().replace(microsecond=0) + timedelta(
            seconds=float(payload["seconds_from_now"])
        )
        with self._lock:
            session = self._state.sessions[key_id]
            self._state.sessions[key_id] = replace(session, expiration=expiration)
        return {"expiration": _format_time(expiration)}

    def deactivate_key(self, payload: dict[str, Any]) -> dict[str, bool]:
        key_id = str(payload["access_key_id"])
        backend = iam_backend()
        key = backend.access_keys[key_id]
        backend.update_access_key(key.user_name or "", key_id, "Inactive")
        return {"ok": True}

    def delete_key(self, payload: dict[str, Any]) -> dict[str, bool]:
        """What IAM DeleteAccessKey does (moto's own handler of it runs the same call)."""
        key_id = str(payload["access_key_id"])
        backend = iam_backend()
        backend.delete_access_key(key_id, backend.access_keys[key_id].user_name or "")
        return {"ok": True}
