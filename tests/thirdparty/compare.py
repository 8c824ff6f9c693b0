"""Where two readings of the same files differ, in words a table of expectations can hold."""

from __future__ import annotations

from collections.abc import Mapping

from tests.thirdparty.sdk_readers import READERS, FilesReading, ProfileReading


def differences(reference: FilesReading, other: FilesReading) -> set[str]:
    """What `other` reads differently from `reference` (two SDKs on the same files, or one SDK
    before and after a change): "file: error" when exactly one of them could not read the
    files; per profile "NAME: profile" (seen by one of them only), "NAME: error" (refused by
    one only, or by one SDK with another message; a refused profile's values are not
    compared), "NAME: credentials",
    "NAME: region" and "NAME: value KEY" (only keys both can see; credentials and region are
    not repeated as values)."""
    if (reference["error"] is None) != (other["error"] is None):
        return {"file: error"}
    visible = _visible_to_both(reference, other)
    same_sdk = reference["reader"] == other["reader"]
    found: set[str] = set()
    for name in sorted(set(reference["profiles"]) | set(other["profiles"])):
        ours, theirs = reference["profiles"].get(name), other["profiles"].get(name)
        if ours is None or theirs is None:
            found.add(f"{name}: profile")
            continue
        aspects = _profile_differences(ours, theirs, visible, same_sdk)
        found |= {f"{name}: {aspect}" for aspect in aspects}
    return found


def _visible_to_both(one: FilesReading, other: FilesReading) -> set[str] | None:
    """The keys both readers can see; None when both see every key."""
    limits = [set(r["visible_keys"]) for r in (one, other) if r["visible_keys"] is not None]
    return set.intersection(*limits) if limits else None


def _profile_differences(
    ours: ProfileReading, theirs: ProfileReading, visible: set[str] | None, same_sdk: bool
) -> set[str]:
    if ours["error"] is not None or theirs["error"] is not None:
        if ours["error"] is None or theirs["error"] is None:
            return {"error"}
        # Both refused: no values to compare, and the message only within one SDK, since
        # every SDK words it its own way.
        return {"error"} if same_sdk and ours["error"] != theirs["error"] else set()
    found = set()
    if ours["credentials"] != theirs["credentials"]:
        found.add("credentials")
    if ours["region"] != theirs["region"]:
        found.add("region")
    skipped = {"aws_access_key_id", "aws_secret_access_key", "aws_session_token", "region"}
    keys = (set(ours["values"]) | set(theirs["values"])) - skipped
    if visible is not None:
        keys &= visible
    found |= {f"value {k}" for k in keys if ours["values"].get(k) != theirs["values"].get(k)}
    return found


def disagreements(readings: Mapping[str, FilesReading]) -> dict[str, set[str]]:
    """For each reader other than botocore (the reference: what the AWS CLI and mfa-login's
    own verification read), its differences from botocore; readers that agree are left out."""
    reference = readings[READERS[0]]
    found = {name: differences(reference, readings[name]) for name in READERS[1:]}
    return {name: diffs for name, diffs in found.items() if diffs}
