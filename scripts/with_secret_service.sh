#!/usr/bin/env bash
# Run a command inside a private D-Bus session with an unlocked gnome-keyring Secret Service:
#     bash scripts/with_secret_service.sh python -m pytest
# The keyring lives in a throwaway folder, never in the caller's home. Where dbus-run-session
# or gnome-keyring-daemon is missing (Debian: apt-get install gnome-keyring dbus), the
# command runs as it is with MFA_SESSION_NO_SECRET_SERVICE naming what is missing, which the
# keyring integration tests give as the reason they skip.
set -euo pipefail

if [[ -z "${MFA_SESSION_IN_PRIVATE_BUS:-}" ]]; then
    missing=""
    command -v dbus-run-session >/dev/null || missing="dbus-run-session (Debian: dbus)"
    command -v gnome-keyring-daemon >/dev/null ||
        missing="${missing:+$missing and }gnome-keyring-daemon (Debian: gnome-keyring)"
    if [[ -n "$missing" ]]; then
        # The keyring tests' skip reason says this, the real cause, rather than "run me in
        # the wrapper" they would say of a bare D-Bus-less run.
        export MFA_SESSION_NO_SECRET_SERVICE="no $missing on PATH"
        echo "with_secret_service: $MFA_SESSION_NO_SECRET_SERVICE; running without" >&2
        exec "$@"
    fi
    unset MFA_SESSION_NO_SECRET_SERVICE  # a stale one from an outer shell would mislead
    export MFA_SESSION_IN_PRIVATE_BUS=1
    exec dbus-run-session -- bash "$0" "$@"
fi

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
mkdir -m 700 "$home/run"
# --unlock reads the password of the login keyring from stdin and creates it when missing.
eval "$(printf 'mfa-session-tests' | HOME="$home" XDG_DATA_HOME="$home/share" \
    XDG_RUNTIME_DIR="$home/run" gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
"$@"
