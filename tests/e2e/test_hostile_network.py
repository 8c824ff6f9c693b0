"""A login through a network that breaks answers: the fault proxy in front of the emulator.

Every case through the installed command: exit 5, one line that says what happened and
whether the code may be spent, the secret and token of the answer the emulator gave never
in the output, and the credentials file as it was.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import Home
from tests.e2e.formats_helpers import shell_env
from tests.e2e.helpers import (
    MFA_LOGIN,
    Run,
    command_env,
    login_with_code_argument,
    mfa_login,
    sections,
    write_long_term,
)
from tests.emulator import EmulatedUser, Emulator
from tests.fault_proxy import (
    PROXY_ERROR_PAGE,
    Fault,
    FaultProxy,
    self_signed_certificate,
)

pytestmark = pytest.mark.e2e

SPENT = "the MFA code may have been used, so wait for the next code and run mfa-login again"
UNSPENT = "check the network and try again"


def prepared(home: Home, user: EmulatedUser) -> bytes:
    write_long_term(home, "admin", user, layout="long-term")
    return home.credentials.read_bytes()


def login(emulator: Emulator, user: EmulatedUser, *args: str, **env: str) -> Run:
    return login_with_code_argument(emulator, user, tail=args, env=command_env(emulator, **env))


def the_line(run: Run) -> str:
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    return lines[0]


def assert_no_secret_shown(run: Run, proxy: FaultProxy) -> None:
    secrets = proxy.secrets_sent()
    for secret in secrets:
        assert secret not in run.stdout + run.stderr, "a secret of the answer reached the output"


CUT_ANSWERS = [
    pytest.param(
        Fault.cut_after(b"</SecretAccessKey>"),
        "is not AWS's (unreadable XML: cut short, or a page from a proxy or captive portal)",
        id="xml-stops-after-the-secret",
    ),
    pytest.param(
        Fault.content_length_longer(b"</SecretAccessKey>"),
        "is not AWS's (unreadable XML: cut short, or a page from a proxy or captive portal)",
        id="content-length-longer-than-the-body",
    ),
    pytest.param(
        Fault.close_after_headers(),
        "is not AWS's (unreadable XML: cut short, or a page from a proxy or captive portal)",
        id="closed-after-the-headers",
    ),
    pytest.param(
        Fault.drop(),
        "closed before the answer to GetSessionToken came",
        id="dropped-without-an-answer",
    ),
    pytest.param(
        Fault.html(),
        "is not AWS's (unreadable XML: cut short, or a page from a proxy or captive portal)",
        id="captive-portal-page",
    ),
    pytest.param(
        Fault.html(502, PROXY_ERROR_PAGE),
        "is not AWS's (HTTP 502 without an AWS error: a page from a proxy?)",
        id="proxy-error-page",
    ),
    pytest.param(
        Fault.without("Credentials"),
        "holds no Credentials",
        id="no-credentials",
    ),
    pytest.param(
        Fault.without("Expiration"),
        "holds no Credentials.Expiration",
        id="no-expiration",
    ),
]


@pytest.mark.parametrize(("fault", "said"), CUT_ANSWERS)
def test_broken_answer_to_the_code_never_prints_the_secret_and_says_the_code_is_spent(
    home: Home,
    emulator: Emulator,
    aws_user: EmulatedUser,
    fault_proxy: FaultProxy,
    fault: Fault,
    said: str,
) -> None:
    before = prepared(home, aws_user)
    fault_proxy.fault_next("GetSessionToken", fault)

    run = login(emulator, aws_user, AWS_ENDPOINT_URL=fault_proxy.url)

    assert run.code == 5, run.stderr
    line = the_line(run)
    assert line.startswith("mfa-login: "), line
    assert said in line
    assert line.endswith(SPENT)
    assert "Traceback" not in run.stderr
    # AWS (the emulator) did issue a session: the one the answer lost.
    assert fault_proxy.secrets_sent(), "the emulator answered no session"
    assert_no_secret_shown(run, fault_proxy)
    assert home.credentials.read_bytes() == before


def test_a_code_whose_answer_was_lost_is_not_sent_again(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, fault_proxy: FaultProxy
) -> None:
    prepared(home, aws_user)
    code = aws_user.code()
    fault_proxy.fault_next("GetSessionToken", Fault.cut_after(b"</SessionToken>"))
    args = ("--profile", "admin", "--device", aws_user.mfa_serials[0], "--code", code)
    env = command_env(emulator, AWS_ENDPOINT_URL=fault_proxy.url)
    assert mfa_login(emulator, *args, env=env).code == 5

    again = mfa_login(emulator, *args, env=env)

    assert again.code == 4
    assert "that code was already used for" in again.stderr
    assert "nothing was sent to AWS" in again.stderr
    assert len(fault_proxy.exchanges_of("GetSessionToken")) == 1


def test_captive_portal_in_the_http_proxy_is_said_and_the_secret_kept_out(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, fault_proxy: FaultProxy
) -> None:
    before = prepared(home, aws_user)
    fault_proxy.fault_next("GetSessionToken", Fault.html())

    run = login(emulator, aws_user, AWS_ENDPOINT_URL=emulator.url, HTTP_PROXY=fault_proxy.url)

    assert run.code == 5
    assert "a page from a proxy or captive portal" in the_line(run)
    assert [x.via_proxy for x in fault_proxy.exchanges_of("GetSessionToken")] == [True]
    assert_no_secret_shown(run, fault_proxy)
    assert home.credentials.read_bytes() == before


def test_unreachable_proxy_is_named_without_its_password_and_nothing_is_sent(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    before = prepared(home, aws_user)

    run = login(
        emulator,
        aws_user,
        AWS_ENDPOINT_URL=emulator.url,
        HTTP_PROXY="http://proxyuser:proxy-password@127.0.0.1:9",
    )

    assert run.code == 5
    assert the_line(run) == (
        "mfa-login: cannot reach the proxy http://***@127.0.0.1:9 (HTTPS_PROXY or HTTP_PROXY "
        f"in the environment): check it, or set NO_PROXY for {emulator.url}; "
        "nothing was sent to AWS"
    )
    assert emulator.request_count(aws_user.access_key_id) == 0
    assert home.credentials.read_bytes() == before


@pytest.mark.parametrize(
    ("variable", "url", "reason"),
    [
        ("AWS_ENDPOINT_URL", "ftp://127.0.0.1", "it must start with https:// or http://"),
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:99999", "it cannot be read as a URL"),
        ("AWS_ENDPOINT_URL_STS", "sts.example.com", "it must start with https:// or http://"),
        ("AWS_ENDPOINT_URL", "http://exa mple.com", "it names no host"),
    ],
)
def test_bad_endpoint_url_is_said_before_anything_is_sent(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, variable: str, url: str, reason: str
) -> None:
    before = prepared(home, aws_user)

    run = login(emulator, aws_user, **{variable: url})

    assert run.code == 5
    assert the_line(run) == (
        f"mfa-login: {variable} = {url} is not an http(s) URL ({reason}): fix or unset it; "
        "nothing was sent to AWS"
    )
    assert emulator.request_count(aws_user.access_key_id) == 0
    assert home.credentials.read_bytes() == before


def test_bad_endpoint_url_in_the_config_file_is_named_by_its_error_class(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """botocore reads the profile's endpoint_url itself and says only ValueError."""
    before = prepared(home, aws_user)
    home.config.write_text("[profile admin]\nendpoint_url = not a url\n", encoding="utf-8")

    run = login_with_code_argument(
        emulator,
        aws_user,
        # Without AWS_ENDPOINT_URL; were the config's URL taken, AWS's own endpoint would be
        # asked: through a proxy nowhere, so the test never reaches the network.
        env={
            **{k: v for k, v in command_env(emulator).items() if k != "AWS_ENDPOINT_URL"},
            "HTTPS_PROXY": "http://127.0.0.1:9",
        },
    )

    assert run.code == 5
    assert the_line(run) == (
        "mfa-login: setting up the sts client failed inside the AWS SDK (ValueError): check "
        "the AWS_* variables and the config file (endpoint_url and the like); nothing was "
        "sent to AWS"
    )
    assert emulator.request_count(aws_user.access_key_id) == 0
    assert home.credentials.read_bytes() == before


def test_tls_to_a_plain_http_port_fails_in_the_handshake_with_the_code_unspent(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, fault_proxy: FaultProxy
) -> None:
    before = prepared(home, aws_user)
    https_url = fault_proxy.url.replace("http://", "https://")

    run = login(emulator, aws_user, AWS_ENDPOINT_URL=https_url)

    assert run.code == 5
    line = the_line(run)
    assert line.startswith(f"mfa-login: the TLS connection to {https_url} failed (")
    assert line.endswith(UNSPENT)
    assert fault_proxy.exchanges == []
    assert home.credentials.read_bytes() == before


def test_intercepting_proxy_certificate_is_refused_then_trusted_through_aws_ca_bundle(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, tmp_path: Path
) -> None:
    before = prepared(home, aws_user)
    certificate = self_signed_certificate(tmp_path)
    with FaultProxy(emulator.url, certificate=certificate) as proxy:
        refused = login(emulator, aws_user, AWS_ENDPOINT_URL=proxy.url)
        assert refused.code == 5
        assert the_line(refused).startswith(
            f"mfa-login: the TLS certificate of {proxy.url} is not trusted ("
        )
        assert "point AWS_CA_BUNDLE at its CA certificate; nothing was sent to AWS" in (
            refused.stderr
        )
        assert proxy.exchanges == []
        assert home.credentials.read_bytes() == before

        trusted = login(
            emulator, aws_user, AWS_ENDPOINT_URL=proxy.url, AWS_CA_BUNDLE=str(certificate[0])
        )

    assert trusted.code == 0, trusted.stderr
    assert sections(home.credentials)["admin"]["aws_access_key_id"].startswith("ASIA")


def test_connection_refused_says_nothing_about_the_code(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    before = prepared(home, aws_user)

    run = login(emulator, aws_user, AWS_ENDPOINT_URL="http://127.0.0.1:9")

    assert run.code == 5
    assert the_line(run) == (
        "mfa-login: cannot reach AWS at http://127.0.0.1:9: check the network, proxy or VPN"
    )
    assert home.credentials.read_bytes() == before


def test_cut_answer_to_list_mfa_devices_keeps_the_code_unspent(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, fault_proxy: FaultProxy
) -> None:
    before = prepared(home, aws_user)
    fault_proxy.fault_next("ListMFADevices", Fault.cut_after(b"<SerialNumber>"))

    run = mfa_login(
        emulator,
        "--profile",
        "admin",
        "--code",
        aws_user.code(),
        env=command_env(emulator, AWS_ENDPOINT_URL=fault_proxy.url),
    )

    assert run.code == 5
    assert the_line(run) == (
        f"mfa-login: the answer to ListMFADevices from {fault_proxy.url} is not AWS's "
        "(unreadable XML: cut short, or a page from a proxy or captive portal): " + UNSPENT
    )
    assert fault_proxy.exchanges_of("GetSessionToken") == []
    assert home.credentials.read_bytes() == before


def test_cut_answer_to_assume_role_keeps_the_role_secret_out_and_the_session(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, fault_proxy: FaultProxy
) -> None:
    prepared(home, aws_user)
    role = emulator.create_role("cut-answer-role")
    fault_proxy.fault_next("AssumeRole", Fault.cut_after(b"</SecretAccessKey>"))

    run = login(emulator, aws_user, "--assume-role", role, AWS_ENDPOINT_URL=fault_proxy.url)

    assert run.code == 5
    assert the_line(run) == (
        f"mfa-login: the answer to AssumeRole of {role} from {fault_proxy.url} is not AWS's "
        "(unreadable XML: cut short, or a page from a proxy or captive portal): " + UNSPENT
    )
    assert_no_secret_shown(run, fault_proxy)
    written = sections(home.credentials)
    assert written["admin"]["aws_access_key_id"].startswith("ASIA")  # the session stays
    assert "admin-role" not in written


def test_cut_answer_through_credential_process_prints_nothing_on_stdout(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, fault_proxy: FaultProxy
) -> None:
    before = prepared(home, aws_user)
    (home.config).write_text(
        f"[profile admin]\nmfa_serial = {aws_user.mfa_serials[0]}\n"
        f"mfa_code_command = echo {aws_user.code()}\n",
        encoding="utf-8",
    )
    fault_proxy.fault_next("GetSessionToken", Fault.cut_after(b"</SecretAccessKey>"))

    done = subprocess.run(
        [MFA_LOGIN, "credential-process", "--profile", "admin"],
        capture_output=True,
        text=True,
        env=shell_env(emulator, AWS_ENDPOINT_URL=fault_proxy.url),
        timeout=60,
        check=False,
        start_new_session=True,  # no terminal: as the SDK runs it
        stdin=subprocess.DEVNULL,
    )

    assert done.returncode == 5
    assert done.stdout == ""
    assert done.stderr.rstrip().endswith(SPENT)
    for secret in fault_proxy.secrets_sent():
        assert secret not in done.stdout + done.stderr
    assert home.credentials.read_bytes() == before


def test_trickled_answer_meets_the_deadline_in_login_and_credential_process(
    home: Home, emulator: Emulator, fault_proxy: FaultProxy
) -> None:
    """Regression: a body sent a byte every 4 s passed every 15-second read and never ended.

    Both commands run at once (each waits out the 30-second deadline)."""
    alice = emulator.create_user("trickle-alice")
    bob = emulator.create_user("trickle-bob")
    write_long_term(home, "alice", alice, layout="long-term")
    write_long_term(home, "bob", bob, layout="long-term")
    before = home.credentials.read_bytes()
    home.config.write_text(
        f"[profile bob]\nmfa_serial = {bob.mfa_serials[0]}\nmfa_code_command = echo {bob.code()}\n",
        encoding="utf-8",
    )
    fault_proxy.fault_next("GetSessionToken", Fault.trickle(every_seconds=4), times=2)
    env = shell_env(emulator, AWS_ENDPOINT_URL=fault_proxy.url)
    code = alice.code()
    started = [
        subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,
        )
        for argv in (
            [MFA_LOGIN, "--profile", "alice", "--device", alice.mfa_serials[0], "--code", code],
            [MFA_LOGIN, "credential-process", "--profile", "bob"],
        )
    ]
    results = [process.communicate(timeout=90) for process in started]

    for process, (stdout, stderr) in zip(started, results, strict=True):
        assert process.returncode == 5, stderr
        assert stdout == ""
        assert "was not complete after 30 s, the most a request may take" in stderr
        assert stderr.rstrip().endswith(SPENT)
    assert len(fault_proxy.exchanges_of("GetSessionToken")) == 2
    for secret in fault_proxy.secrets_sent():
        assert all(secret not in out + err for out, err in results)
    assert home.credentials.read_bytes() == before
