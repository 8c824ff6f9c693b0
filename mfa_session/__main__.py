"""`python -m mfa_session` runs the same command as `mfa-login`."""

from mfa_session.cli import run_program

run_program()
