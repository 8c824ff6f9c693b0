"""`mfa-login --version` is answered before argparse loads, with argparse's own words."""

from __future__ import annotations

import pytest

from mfa_session import __version__, cli


def test_version_from_the_shortcut_equals_argparses(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.build_parser().parse_args(["--version"])
    from_argparse = capsys.readouterr()

    assert cli.main(["--version"]) == 0
    quick = capsys.readouterr()

    assert exited.value.code in (0, None)
    assert quick == from_argparse
    assert quick.out == f"mfa-login {__version__}\n"


@pytest.mark.parametrize("argv", [["--version", "--profile", "x"], ["--profile", "x", "--version"]])
def test_version_among_other_flags_is_argparses_business(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    assert exited.value.code in (0, None)
    assert capsys.readouterr().out == f"mfa-login {__version__}\n"


@pytest.mark.parametrize("argv", [["--help"], ["--profile", "work", "-h"]])
def test_help_is_argparses_own(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    assert exited.value.code in (0, None)
    assert capsys.readouterr().out == cli.build_parser().format_help()
