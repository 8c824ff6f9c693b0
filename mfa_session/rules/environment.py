"""What the shell's AWS variables make AWS tools take, and which ones a session handed out by
`exec` or `export` must replace or remove: one list and one reading for `exec`, `export`,
the note after a login and `doctor`.

botocore (the AWS CLI, boto3), credentials.py, botocore 1.44:
- `EnvProvider` starts when AWS_ACCESS_KEY_ID is not empty; AWS_SECRET_ACCESS_KEY must be
  set then (else PartialCredentialsError: every call fails). The token is the first
  non-empty of AWS_SECURITY_TOKEN and AWS_SESSION_TOKEN, in that order; a past
  AWS_CREDENTIAL_EXPIRATION fails every call ("refreshed credentials are still expired");
  AWS_ACCOUNT_ID becomes the credentials' account (account-based endpoints).
- It comes before every profile, AWS_PROFILE's too, unless the profile is given
  explicitly (`--profile`, `boto3.Session(profile_name=...)`), which drops it.
- `AssumeRoleWithWebIdentityProvider` then reads AWS_WEB_IDENTITY_TOKEN_FILE and
  AWS_ROLE_ARN before the credentials file, again unless the profile is explicit.
- The profile is AWS_DEFAULT_PROFILE, else AWS_PROFILE (`rules.profile_choice`).

Where the others differ: aws-sdk-go-v2 (config/env_config.go, resolve_credentials.go) needs
both keys (half a pair is ignored), reads only AWS_SESSION_TOKEN, and takes AWS_PROFILE
before AWS_DEFAULT_PROFILE. The JS SDK v3 (credential-provider-node `defaultProvider`,
credential-provider-env) skips the environment's keys whenever AWS_PROFILE is set, reads
only AWS_SESSION_TOKEN, never AWS_DEFAULT_PROFILE, and reads web identity after the files.

Standard library only: the still-valid fast paths of `export` and `exec` use these lists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mfa_session.rules.profile_choice import PROFILE_VARIABLES

SESSION_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
)
"""What `exec` sets and `export` prints: the session, read alike by botocore, Go and JS."""

CLEARED_VARIABLES = ("AWS_SECURITY_TOKEN", "AWS_ACCOUNT_ID", "AWS_PROFILE", "AWS_DEFAULT_PROFILE")
"""What `exec` removes and `export` unsets: left over, each makes a tool pair the session with
something else. botocore reads AWS_SECURITY_TOKEN before AWS_SESSION_TOKEN (another
session's token with this key: InvalidClientTokenId) and AWS_ACCOUNT_ID as the account of
the credentials; the JS SDK v3 skips the session's keys while AWS_PROFILE is set; and
AWS_DEFAULT_PROFILE names the profile for botocore.

Not removed: AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN and AWS_ROLE_SESSION_NAME (botocore,
Go and JS read them only without keys in the environment), the AWS_CONTAINER_CREDENTIALS_*
variables (read after the environment and the files), and Go's old AWS_ACCESS_KEY and
AWS_SECRET_KEY (read only when AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are empty)."""

CREDENTIAL_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
)
"""The credentials botocore's EnvProvider reads: what a person unsets to stop using them."""

KEY_VARIABLES = (*CREDENTIAL_VARIABLES, "AWS_ACCOUNT_ID")
"""Every variable botocore's EnvProvider reads."""

TOKEN_VARIABLES = ("AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN")
"""botocore's order: the first that is not empty is the token."""

WEB_IDENTITY_VARIABLES = ("AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME")


def masked(key_id: str) -> str:
    """An access key id as doctor and the notes show it: AKIA…WXYZ."""
    key_id = key_id.strip()
    if len(key_id) <= 8:
        return key_id[:4] + "…"
    return f"{key_id[:4]}…{key_id[-4:]}"


def present(environ: Mapping[str, str], names: Sequence[str]) -> list[str]:
    """The variables of `names` the environment sets (empty ones too: `unset` needs them)."""
    return [name for name in names if name in environ]


def _value(environ: Mapping[str, str], name: str) -> str:
    return environ.get(name, "").strip()


class EnvironmentKeys:
    """The credentials botocore's EnvProvider reads (no dataclass: the fast paths load this).
    The secret and the token are never part of the repr."""

    __slots__ = ("expiration", "key_id", "secret_set", "security_token", "session_token")

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.key_id = _value(environ, "AWS_ACCESS_KEY_ID")
        self.secret_set = bool(_value(environ, "AWS_SECRET_ACCESS_KEY"))
        self.session_token = _value(environ, "AWS_SESSION_TOKEN")
        self.security_token = _value(environ, "AWS_SECURITY_TOKEN")
        self.expiration = _value(environ, "AWS_CREDENTIAL_EXPIRATION")

    @property
    def token_variables(self) -> list[str]:
        """The variables of TOKEN_VARIABLES that hold a token, in botocore's order."""
        tokens = {
            "AWS_SECURITY_TOKEN": self.security_token,
            "AWS_SESSION_TOKEN": self.session_token,
        }
        return [name for name in TOKEN_VARIABLES if tokens[name]]

    @property
    def token_variable(self) -> str | None:
        """The variable botocore takes the token from (None: no token)."""
        tokens = self.token_variables
        return tokens[0] if tokens else None

    @property
    def token(self) -> str:
        return self.security_token or self.session_token

    def __repr__(self) -> str:
        return f"EnvironmentKeys({masked(self.key_id)!r}, token={self.token_variable})"


def environment_keys(environ: Mapping[str, str]) -> EnvironmentKeys | None:
    """What botocore's EnvProvider reads; None when it does not start (no key id)."""
    keys = EnvironmentKeys(environ)
    return keys if keys.key_id else None


def web_identity_file(environ: Mapping[str, str]) -> str | None:
    """AWS_WEB_IDENTITY_TOKEN_FILE when botocore would assume a role with it."""
    return _value(environ, "AWS_WEB_IDENTITY_TOKEN_FILE") or None


def taken_instead(environ: Mapping[str, str], *, explicit: bool) -> str | None:
    """The variable that makes botocore take credentials from the environment rather than
    from a profile: AWS_ACCESS_KEY_ID, or AWS_WEB_IDENTITY_TOKEN_FILE; None when the profile
    is used (always, with a profile given explicitly)."""
    if explicit:
        return None
    if environment_keys(environ) is not None:
        return "AWS_ACCESS_KEY_ID"
    if web_identity_file(environ):
        return "AWS_WEB_IDENTITY_TOKEN_FILE"
    return None


def profile_conflict(environ: Mapping[str, str]) -> tuple[str, str] | None:
    """(AWS_DEFAULT_PROFILE, AWS_PROFILE) when both are set and name different profiles:
    botocore takes the first, aws-sdk-go-v2 and the JS SDK v3 the second."""
    default, profile = (_value(environ, name) for name in PROFILE_VARIABLES)
    if default and profile and default != profile:
        return default, profile
    return None


def kept_by_dotenv(environ: Mapping[str, str]) -> list[str]:
    """The variables of this environment that a program loading a dotenv file keeps over
    the file's session (python-dotenv sets only what is not set yet) or beside it."""
    return present(environ, (*SESSION_VARIABLES, *CLEARED_VARIABLES))


def unset_command(names: Sequence[str]) -> str:
    return "unset " + " ".join(names)


def after_login_notes(environ: Mapping[str, str], target: str) -> list[str]:
    """One line for each way this shell's environment makes AWS tools take something other
    than the session just written into [target], with the fix."""
    notes: list[str] = []
    instead = taken_instead(environ, explicit=False)
    use_profile = f"or run them with --profile {target}"
    if instead == "AWS_ACCESS_KEY_ID":
        keys = EnvironmentKeys(environ)
        notes.append(
            f"AWS tools in this shell take AWS_ACCESS_KEY_ID ({masked(keys.key_id)}) from the "
            f"environment, not the session in [{target}]: "
            f"{unset_command(present(environ, KEY_VARIABLES))}, {use_profile}"
        )
    elif instead == "AWS_WEB_IDENTITY_TOKEN_FILE":
        notes.append(
            "AWS tools in this shell assume a role with AWS_WEB_IDENTITY_TOKEN_FILE, not the "
            f"session in [{target}]: {unset_command(present(environ, WEB_IDENTITY_VARIABLES))}"
            f", {use_profile}"
        )
    conflict = profile_conflict(environ)
    if conflict is not None and target in conflict:
        default, profile = conflict
        if profile == target:
            notes.append(
                f"AWS_DEFAULT_PROFILE={default} takes precedence over AWS_PROFILE={profile} in "
                f"the AWS CLI and boto3: unset AWS_DEFAULT_PROFILE, {use_profile}"
            )
        else:
            notes.append(
                f"aws-sdk-go-v2 (Terraform) and the JS SDK v3 take AWS_PROFILE={profile}, not "
                f"AWS_DEFAULT_PROFILE={default}: unset AWS_PROFILE, {use_profile}"
            )
    return notes
