"""The emulator process: moto's server behind our layer, on 127.0.0.1.

    python -m tests.emulator [--port 0] [--seed-user NAME [--totp-devices N] [--u2f-devices N]]
                             [--print-env]

After binding it prints one JSON line to stdout (the url and pid, plus the seeded user's name,
keys, first serial and seed when asked), then serves until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
from types import FrameType
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer, make_server

from tests.emulator.layer import EmulatorLayer

HOST = "127.0.0.1"


class QuietHandler(MotoRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """One line per request would drown the test output."""

    def send_response(self, code: int, message: str | None = None) -> None:
        """Status line and Server, but no Date: the layer sends AWS's (its clock can be set)."""
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Server", self.version_string())


def build_server(port: int) -> BaseWSGIServer:
    moto_app = DomainDispatcherApplication(create_backend_app)
    for service in ("sts", "iam"):
        # Building moto's Flask apps takes a moment; do it before we report ready.
        moto_app.app_instances[service] = create_backend_app(service)
    layer = EmulatorLayer(moto_app)
    server = make_server(HOST, port, layer, threaded=True, request_handler=QuietHandler)
    # A request held by delay_next must not keep the process alive at shutdown.
    server.daemon_threads = True  # type: ignore[attr-defined]
    server.block_on_close = False  # type: ignore[attr-defined]
    server.layer = layer  # type: ignore[attr-defined]
    return server


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.emulator",
        description="Local AWS (IAM + STS) for mfa-session: moto with real MFA checks.",
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument("--seed-user", metavar="NAME", help="create this IAM user at start")
    parser.add_argument("--totp-devices", type=int, default=1, help="virtual MFA devices (1)")
    parser.add_argument("--u2f-devices", type=int, default=0, help="security keys (0)")
    parser.add_argument(
        "--print-env",
        action="store_true",
        help='add "env": the AWS_* variables for the seeded user, to the JSON line',
    )
    return parser


def _stop(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    server = build_server(args.port)
    url = f"http://{HOST}:{server.server_port}"
    ready: dict[str, Any] = {"url": url, "pid": os.getpid()}
    if args.seed_user:
        created = server.layer.create_user(  # type: ignore[attr-defined]
            {
                "name": args.seed_user,
                "totp_devices": args.totp_devices,
                "u2f_devices": args.u2f_devices,
            }
        )
        serial, seed = next(iter(created["mfa_seeds"].items()), (None, None))
        ready.update(created, serial=serial, seed=seed)
        if args.print_env:
            ready["env"] = {
                "AWS_ENDPOINT_URL": url,
                "AWS_ACCESS_KEY_ID": created["access_key_id"],
                "AWS_SECRET_ACCESS_KEY": created["secret_access_key"],
                "AWS_DEFAULT_REGION": "us-east-1",
            }
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    print(json.dumps(ready), flush=True)
    try:
        server.serve_forever()
    except SystemExit:
        pass
    finally:
        server.server_close()
    return 0
