"""The process exit codes: part of the command's interface, listed in the docs."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    """Done: logged in, or the session is still valid."""
    UNEXPECTED = 1
    """A bug: an unexpected exception (its traceback is printed)."""
    USAGE = 2
    """Bad command line or bad input (a malformed code, a duration out of range)."""
    NOT_CONFIGURED = 3
    """Something needed is missing: no long-term key, no MFA device, unknown profile."""
    CODE_REJECTED = 4
    """AWS refused the MFA code (wrong, expired or already used)."""
    AWS_ERROR = 5
    """AWS or the network failed: throttling, no connection, time-out, clock skew."""
    FILE_UNSAFE = 6
    """The credentials file could not be changed safely; it was left as it was."""
    KEY_REJECTED = 7
    """AWS refused the long-term key itself (unknown, inactive, wrong secret, a session key)."""
    KEYRING_UNUSABLE = 8
    """The OS keyring is missing, locked, failing or unsafe; the file layout had no key either
    (also when the key went into the keyring and this session cannot reach it)."""
    SESSION_EXPIRING = 10
    """status --profile NAME: the session is valid but within --min-remaining of its end."""
    NO_VALID_SESSION = 11
    """status --profile NAME: the session has expired, or there is none."""
    CODE_COMMAND_FAILED = 12
    """--code-command or mfa_code_command failed, or printed something that is not a code."""
    NO_TERMINAL = 13
    """A login was needed but there is no terminal to ask for the code (credential-process)."""
    PROBLEMS_FOUND = 14
    """doctor: something makes AWS refuse, or AWS tools not use, the credentials (each
    problem is one line with the thing to do)."""
    COMMAND_NOT_EXECUTABLE = 126
    """exec: the command exists but cannot be run (the shell's convention)."""
    COMMAND_NOT_FOUND = 127
    """exec: the command is not on PATH (the shell's convention)."""
    INTERRUPTED = 130
    """Ctrl-C or end of input at a prompt; the message says what, if anything, was written."""
    OUTPUT_CLOSED = 141
    """Standard output was closed before all was printed (`| head -0`, `>&-`); nothing is
    said. 128 + SIGPIPE, what a shell shows for a program a closed pipe ended."""
