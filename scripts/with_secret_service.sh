#!/usr/bin/env bash
# Run a command inside a private D-Bus session with an unlocked gnome-keyring Secret Service:
#     bash scripts/with_secret_service.sh python -m pytest
# The keyring lives in a throwaway folder, never in the caller's home. Where dbus-run-session
# or gnome-keyring-daemon is missing (Debian: apt-get install gnome-keyring dbus), the
# command runs as it is, and the keyring integration tests say why they skip.
set -euo pipefail

if [[ -z "${MFA_SESSION_IN_PRIVATE_BUS:-}" ]]; then
    if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
        echo "with_secret_service: no dbus-run-session or gnome-keyring-daemon; running without" >&2
        exec "$@"
    fi
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
