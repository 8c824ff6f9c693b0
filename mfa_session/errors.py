"""Every error a person can see: one base class, a message template and an exit code each.

The command line catches `MfaSessionError` once and prints `str(error)`; nothing else
is ever shown, so a template must never carry a secret, and no field may be filled with
what a person typed where a secret could have gone, nor with a third-party exception's
text (it can quote a response body): name such input by its place and length instead.
Every message goes through `visible`, so a name holding an escape sequence reaches the
terminal as text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from mfa_session.exit_codes import ExitCode
from mfa_session.visible import visible


class MfaSessionError(Exception):
    """Base of every expected failure. Subclasses set `fmt` and `exit_code`."""

    fmt: ClassVar[str] = "mfa-login failed"
    exit_code: ClassVar[ExitCode] = ExitCode.UNEXPECTED
    defaults: ClassVar[Mapping[str, object]] = {}
    """Fields a raiser may leave out, and what they then say."""
    code_may_be_spent: bool = False
    """Set on a failed GetSessionToken that may have reached AWS: its code counts as used."""

    def __init__(self, **fields: object) -> None:
        self.fields = {**self.defaults, **fields}
        super().__init__(visible(self.fmt.format(**self.fields)))


# --- usage and input -----------------------------------------------------------------------


class UsageError(MfaSessionError):
    fmt = "{detail}"
    exit_code = ExitCode.USAGE


class MalformedCode(MfaSessionError):
    fmt = "the MFA code must be exactly 6 digits 0-9; {reason}"
    exit_code = ExitCode.USAGE


class NoCodeOnStdin(MfaSessionError):
    fmt = "expected a 6-digit MFA code on standard input, got nothing"
    exit_code = ExitCode.USAGE


class LongTermSectionAsProfile(MfaSessionError):
    fmt = (
        "[{section}] is where the long-term key of profile {profile} is kept, not a profile "
        "to log in: run mfa-login {command}--profile {profile}"
    )
    exit_code = ExitCode.USAGE


class LongTermSectionAsTarget(MfaSessionError):
    fmt = (
        "--write-profile {section}: [{section}] is where the long-term key of profile "
        "{profile} is kept, and never receives a session: name another section"
    )
    exit_code = ExitCode.USAGE


class DurationOutOfRange(MfaSessionError):
    fmt = (
        "session duration {duration} from {source} is out of range: "
        "AWS accepts 900 to 129600 seconds"
    )
    exit_code = ExitCode.USAGE


# --- configuration ------------------------------------------------------------------------


class NoLongTermKey(MfaSessionError):
    fmt = (
        "profile {profile} has no long-term key: put aws_access_key_id and "
        "aws_secret_access_key (AKIA...) under [{profile}-long-term] or [{profile}] "
        "in {credentials_file}"
    )
    exit_code = ExitCode.NOT_CONFIGURED


class NoLoginableProfile(MfaSessionError):
    """The picker has nothing to offer: every profile is a role or SSO profile (or has no
    key and no device), so falling back to [default] would only fail with its own words."""

    fmt = (
        "no profile can be logged into with an MFA code here ({ways}); or give one a "
        "long-term key: mfa-login setup --profile NAME"
    )
    exit_code = ExitCode.NOT_CONFIGURED


class IncompleteLongTermKey(MfaSessionError):
    fmt = "[{section}] in {credentials_file} has {present} but no {missing}"
    exit_code = ExitCode.NOT_CONFIGURED


class InvalidRegion(MfaSessionError):
    fmt = "region {region!r} is not an AWS region name (such as eu-west-1): fix {origin}"
    exit_code = ExitCode.NOT_CONFIGURED


class NoMfaDevice(MfaSessionError):
    fmt = (
        "no virtual MFA device is assigned to {user}: add one in the IAM console "
        "(Security credentials > Assign MFA device > Authenticator app), "
        "or name it with --device or mfa_serial in {config_file}"
    )
    exit_code = ExitCode.NOT_CONFIGURED


class OnlySecurityKeys(MfaSessionError):
    fmt = (
        "{user} has only security keys ({count}); AWS accepts only authenticator-app "
        "(TOTP) devices for API calls: assign a virtual MFA device in the IAM console"
    )
    exit_code = ExitCode.NOT_CONFIGURED


class DeviceNotAssociated(MfaSessionError):
    fmt = (
        "AWS does not know MFA device {serial} for this key: check --device, mfa_serial "
        "or aws_mfa_device{hint}"
    )
    exit_code = ExitCode.NOT_CONFIGURED


# --- the code and the key ------------------------------------------------------------------


class CodeRejected(MfaSessionError):
    # Not "wait for the next code": a code mfa-login used already is never sent
    # (CodeStepUsed), so one AWS rejects was most likely mistyped or another entry's.
    fmt = (
        "AWS rejected the MFA code, one mfa-login had not used before: most likely it was "
        "mistyped or is the code of another entry in the app; run mfa-login again with the "
        "code the app shows for this device"
    )
    exit_code = ExitCode.CODE_REJECTED


class TooManyRejectedCodes(MfaSessionError):
    fmt = (
        "AWS rejected {tries} codes in a row: check that the authenticator entry "
        "belongs to {serial} and that this machine's clock is right"
    )
    exit_code = ExitCode.CODE_REJECTED


class SessionKeyAsLongTerm(MfaSessionError):
    fmt = (
        "[{section}] holds a session key (ASIA...), not a long-term key (AKIA...): "
        "put the IAM user's access key there"
    )
    exit_code = ExitCode.KEY_REJECTED


class KeyUnknown(MfaSessionError):
    fmt = (
        "AWS does not know access key {access_key_id} ({origin}) as an active key "
        "(InvalidClientTokenId): it was made inactive or deleted in IAM, is mistyped, or "
        "belongs to another partition (a China or GovCloud key works only there); check its "
        "status in the IAM console (Users > the user > Security credentials > Access keys) or "
        "with aws iam list-access-keys, then {fix}"
    )
    exit_code = ExitCode.KEY_REJECTED


class WrongSecret(MfaSessionError):
    fmt = (
        "AWS rejected the signature: the secret access key stored for "
        "{access_key_id} is wrong; store the right one under [{section}]"
    )
    exit_code = ExitCode.KEY_REJECTED


# --- AWS and the network -------------------------------------------------------------------


class ClockSkew(MfaSessionError):
    fmt = "this machine's clock is {skew} {direction} AWS's: set the right time (NTP) and retry"
    exit_code = ExitCode.AWS_ERROR


class Throttled(MfaSessionError):
    fmt = "AWS is throttling requests ({message}): wait a minute and try again"
    exit_code = ExitCode.AWS_ERROR


class NetworkUnreachable(MfaSessionError):
    fmt = "cannot reach AWS at {endpoint}: check the network, proxy or VPN"
    exit_code = ExitCode.AWS_ERROR


class NetworkTimeout(MfaSessionError):
    fmt = "AWS did not answer in time ({endpoint}): {next_step}"
    exit_code = ExitCode.AWS_ERROR


class AnswerTooSlow(MfaSessionError):
    fmt = (
        "the answer to {operation} from {endpoint} was not complete after {seconds} s, "
        "the most a request may take; the connection was closed: {next_step}"
    )
    exit_code = ExitCode.AWS_ERROR


class ConnectionDropped(MfaSessionError):
    fmt = "the connection to {endpoint} closed before the answer to {operation} came: {next_step}"
    exit_code = ExitCode.AWS_ERROR


class AnswerUnreadable(MfaSessionError):
    fmt = "the answer to {operation} from {endpoint} is not AWS's ({what}): {next_step}"
    exit_code = ExitCode.AWS_ERROR


class IncompleteAnswer(MfaSessionError):
    fmt = "the answer to {operation} from {endpoint} holds no {missing}: {next_step}"
    exit_code = ExitCode.AWS_ERROR


class ProxyUnreachable(MfaSessionError):
    fmt = (
        "cannot reach the proxy {proxy} (HTTPS_PROXY or HTTP_PROXY in the environment): "
        "check it, or set NO_PROXY for {endpoint}; nothing was sent to AWS"
    )
    exit_code = ExitCode.AWS_ERROR


class CertificateNotTrusted(MfaSessionError):
    fmt = (
        "the TLS certificate of {endpoint} is not trusted ({reason}): where a proxy "
        "intercepts HTTPS, point AWS_CA_BUNDLE at its CA certificate; nothing was sent to AWS"
    )
    exit_code = ExitCode.AWS_ERROR


class TlsFailed(MfaSessionError):
    fmt = "the TLS connection to {endpoint} failed ({reason}): {next_step}"
    exit_code = ExitCode.AWS_ERROR


class BadEndpoint(MfaSessionError):
    fmt = (
        "{variable} = {url} is not an http(s) URL ({reason}): fix or unset it; "
        "nothing was sent to AWS"
    )
    exit_code = ExitCode.AWS_ERROR


class SdkFailed(MfaSessionError):
    """Any other failure inside botocore: named by its class, never by its text."""

    fmt = "{operation} failed inside the AWS SDK ({kind}): {next_step}"
    exit_code = ExitCode.AWS_ERROR


class AwsRefused(MfaSessionError):
    fmt = "AWS refused {operation}: {code}: {message}"
    exit_code = ExitCode.AWS_ERROR


# --- the files -----------------------------------------------------------------------------


class FileNotSafe(MfaSessionError):
    fmt = "{path}: {reason}; the file was left as it was"
    exit_code = ExitCode.FILE_UNSAFE


class LongTermKeyInTarget(MfaSessionError):
    fmt = (
        "[{section}] holds a long-term key (AKIA...); a session never overwrites it: "
        "choose another --write-profile"
    )
    exit_code = ExitCode.FILE_UNSAFE


class ManagedElsewhere(MfaSessionError):
    fmt = "[{section}] is managed by {manager} ({key} is set); mfa-login leaves it alone"
    exit_code = ExitCode.FILE_UNSAFE


class SessionNotUsed(MfaSessionError):
    """The section would receive credentials that AWS tools never take from it."""

    fmt = (
        "{where} in {path} sets {setting}, so {instead} instead of using the credentials in "
        "[{section}] of the credentials file; nothing was written or sent to AWS: {way_out}"
    )
    exit_code = ExitCode.FILE_UNSAFE


class SsoSessionMissing(MfaSessionError):
    """A profile's sso_session that botocore cannot follow: it builds no client for the
    profile (InvalidConfigError), so neither the login nor any AWS tool can use it."""

    fmt = (
        "profile {profile} sets sso_session = {session} in {where}, but {problem}: the AWS CLI "
        "and boto3 (botocore) refuse every request for {profile}; nothing was written or sent "
        "to AWS: add the [sso-session {session}] section with sso_start_url and sso_region "
        "to the config file, or remove the sso_session line from {where}"
    )
    exit_code = ExitCode.FILE_UNSAFE


class AnotherLoginWriting(MfaSessionError):
    fmt = "another mfa-login is writing {path}; nothing was written, try again"
    exit_code = ExitCode.FILE_UNSAFE


class AnotherLoginRunning(MfaSessionError):
    fmt = (
        "another mfa-login ({holder}) is logging in to [{section}] and had not finished after "
        "{seconds}s; nothing was sent to AWS: finish that login (it may be waiting for a "
        "code), then try again"
    )
    exit_code = ExitCode.FILE_UNSAFE


class BackupHoldsUnconfirmedKey(MfaSessionError):
    fmt = (
        "{backup} keeps the last plaintext copy of {others} until a later login reads it "
        "from the OS keyring, and holds no copy of {key_id}; so {key_id} stays in [{section}] "
        "as well as in the keyring: log in once with the profile of {others} (mfa-login "
        "--force), then run the same mfa-login setup again"
    )
    exit_code = ExitCode.FILE_UNSAFE


class UnreadableFile(MfaSessionError):
    fmt = "{path} cannot be read: {reason}"
    exit_code = ExitCode.FILE_UNSAFE


class UnkeepableConstruct(MfaSessionError):
    """A line botocore cannot read, or an edit that would not read back as written; it names
    the line, never its content."""

    fmt = "{path}, line {line}: {construct}; the file was left as it was"
    exit_code = ExitCode.FILE_UNSAFE


class UnwritableValue(MfaSessionError):
    """A value of the session that AWS SDKs would read in different ways once written; the
    value itself is never shown."""

    fmt = (
        "the session's {key} ({length} characters) holds a character other than letters, "
        "digits and + / = _ . : @ -, which AWS SDKs may read in different ways; nothing was "
        "written"
    )
    exit_code = ExitCode.FILE_UNSAFE


class DanglingLink(MfaSessionError):
    fmt = (
        "{path} is a symbolic link to {target}, which does not exist: create the file "
        "there or remove the link; nothing was written"
    )
    exit_code = ExitCode.FILE_UNSAFE


class NotRegularFile(MfaSessionError):
    fmt = (
        "{path} is {kind}, not a regular file: mfa-login reads and replaces only regular "
        "files, so it left it alone"
    )
    exit_code = ExitCode.FILE_UNSAFE


class OwnedByAnotherUser(MfaSessionError):
    fmt = (
        "{path} belongs to user {owner}, and mfa-login runs as user {user}: it never writes "
        "a file of another user (run it as user {owner}, not through sudo); nothing was "
        "written"
    )
    exit_code = ExitCode.FILE_UNSAFE


class PlantedLink(MfaSessionError):
    fmt = (
        "{path} is a symbolic link, and mfa-login never follows a link there: remove it "
        "(anyone who can write to {folder} can plant one); nothing was written"
    )
    exit_code = ExitCode.FILE_UNSAFE


class UnwritableSectionName(MfaSessionError):
    fmt = (
        "the section name {section} cannot be written to the credentials file: {reason}; "
        "choose another --write-profile"
    )
    exit_code = ExitCode.FILE_UNSAFE


class WriteFailed(MfaSessionError):
    fmt = "{path} could not be written ({reason}); the file was left as it was"
    exit_code = ExitCode.FILE_UNSAFE


# --- the OS keyring ------------------------------------------------------------------------

KEEP_FILE = "or keep the key in the credentials file with mfa-login --no-keyring"
"""What a login or setup can do instead of using the keyring."""


class KeyringUnusable(MfaSessionError):
    """The keyring cannot be used; each subclass names the backend and what to do. Its last
    words (`instead`) depend on the command: a login can keep the key in the file; `forget`
    has nothing to fall back on (`elsewhere`)."""

    exit_code = ExitCode.KEYRING_UNUSABLE
    defaults: ClassVar[Mapping[str, object]] = {"instead": KEEP_FILE}

    def elsewhere(self, instead: str) -> KeyringUnusable:
        """The same problem, with another way out."""
        return type(self)(**{**self.fields, "instead": instead})


class NoKeyring(KeyringUnusable):
    fmt = (
        "no OS keyring is available (backend {backend}): install a Secret Service "
        "(gnome-keyring or KeePassXC) and unlock it in a D-Bus session, {instead}"
    )


class KeyringLocked(KeyringUnusable):
    fmt = (
        "the OS keyring is locked (backend {backend}): unlock it (log in to the desktop, "
        "or run gnome-keyring-daemon --unlock), {instead}"
    )


class KeyringFailed(KeyringUnusable):
    fmt = (
        "the OS keyring failed (backend {backend}: {reason}): check that its Secret Service "
        "is running and unlocked, {instead}"
    )


class KeyringForgets(KeyringUnusable):
    fmt = (
        "the OS keyring did not keep the key (backend {backend}: {outcome}); "
        "the credentials file was left as it was: install and unlock a Secret Service, {instead}"
    )


class KeyringPlaintext(KeyringUnusable):
    fmt = (
        "the keyring backend {backend} keeps secrets in a plain file, no safer than the "
        "credentials file, so mfa-login stores no key there: install and unlock a Secret "
        "Service (PYTHON_KEYRING_BACKEND=keyring.backends.SecretService.Keyring), {instead}"
    )


class KeyringSetting(KeyringUnusable):
    fmt = (
        "PYTHON_KEYRING_BACKEND={value} names no usable keyring backend ({reason}): unset it, "
        "or set it to one such as keyring.backends.SecretService.Keyring, {instead}"
    )


class KeyringOutOfReach(KeyringUnusable):
    fmt = (
        "the long-term key {key_id} of {profile} is in the OS keyring, which cannot be reached "
        "here (backend {backend}): run mfa-login where that keyring is unlocked, or over SSH "
        "reach your desktop session's keyring with "
        "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/{uid}/bus (or start one: "
        "dbus-run-session, then gnome-keyring-daemon --unlock); nothing was sent to AWS"
    )


class KeyringLostItem(KeyringUnusable):
    fmt = (
        "the OS keyring (backend {backend}) no longer holds item {item}, where mfa-login put "
        "the long-term key {key_id} of {profile}: {way_back}"
    )


class NoKeyringItem(MfaSessionError):
    fmt = "the OS keyring holds no key for profile {profile} (service {service}, item {item})"
    exit_code = ExitCode.NOT_CONFIGURED


class KeyringItemDamaged(MfaSessionError):
    fmt = (
        "the keyring item {item} of service {service} does not hold a key mfa-login wrote: "
        "run mfa-login forget --profile {profile}, then mfa-login setup --profile {profile}"
    )
    exit_code = ExitCode.NOT_CONFIGURED


class KeyringHoldsOtherKey(MfaSessionError):
    fmt = (
        "the OS keyring already holds the long-term key {held} for {profile} (item {item}), "
        "not {new}; nothing was changed: on a terminal mfa-login setup asks before replacing "
        "it, and without one run mfa-login forget --profile {profile} --yes first (the "
        "keyring's copy of {held} is then gone)"
    )
    exit_code = ExitCode.USAGE


class MalformedAccessKey(MfaSessionError):
    fmt = "{what} does not look like an AWS long-term access key: {reason}"
    exit_code = ExitCode.USAGE


# --- the other ways to get a session (status, export, exec, credential-process) ------------


class CodeCommandNotFound(MfaSessionError):
    fmt = "the code command {program!r} was not found ({origin}): check its name and PATH"
    exit_code = ExitCode.CODE_COMMAND_FAILED


class CodeCommandFailed(MfaSessionError):
    fmt = "the code command {program!r} ({origin}) {outcome}; no code was sent to AWS"
    exit_code = ExitCode.CODE_COMMAND_FAILED


class CodeCommandOutput(MfaSessionError):
    fmt = (
        "the code command {program!r} ({origin}) printed no 6-digit code ({reason}); "
        "no code was sent to AWS"
    )
    exit_code = ExitCode.CODE_COMMAND_FAILED


class CodeStepUsed(MfaSessionError):
    fmt = (
        "that code was already used for {serial} (AWS takes each code once): "
        "wait {seconds}s for the next code; nothing was sent to AWS"
    )
    exit_code = ExitCode.CODE_REJECTED


class NoTerminal(MfaSessionError):
    fmt = (
        "profile {profile} needs a login and there is no terminal to ask for the MFA code: "
        "run `mfa-login --profile {profile}` in a terminal first, or set mfa_code_command "
        "in [profile {profile}] of {config_file}"
    )
    exit_code = ExitCode.NO_TERMINAL


class NoRoleArn(MfaSessionError):
    fmt = (
        "--assume-role was given without an ARN and [profile {profile}] in {config_file} "
        "has no role_arn: name the role, --assume-role arn:aws:iam::ACCOUNT:role/NAME"
    )
    exit_code = ExitCode.NOT_CONFIGURED


class CommandNotFound(MfaSessionError):
    fmt = "exec: command not found: {program}"
    exit_code = ExitCode.COMMAND_NOT_FOUND


class CommandNotExecutable(MfaSessionError):
    fmt = "exec: cannot run {program}: {reason}"
    exit_code = ExitCode.COMMAND_NOT_EXECUTABLE
