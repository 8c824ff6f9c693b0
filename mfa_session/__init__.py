"""mfa-session: a long-term AWS key plus a 6-digit MFA code become a session every AWS tool uses."""

__version__ = "0.1.0"
