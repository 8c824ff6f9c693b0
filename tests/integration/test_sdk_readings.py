"""What botocore, aws-sdk-go-v2 and the JS SDK v3 read differently today, construct by
construct: a characterisation, not a wish. Each SDK reads the files through its own loader
(tests/thirdparty/sdk_readers.py); botocore is the reference (the AWS CLI, and what
mfa-login's own verification reads). A change in any SDK's reading, or in the corpus, fails
here and says which profile and which reader.

An entry "NAME: region" under "go" means: aws-sdk-go-v2 reads profile NAME's region unlike
botocore. See tests/thirdparty/compare.py for the words ("profile", "error", "credentials",
"region", "value KEY", "file: error").
"""

from __future__ import annotations

import random

import pytest

from tests.conftest import Home
from tests.integration.test_store_corpus import CORPUS, GENERATED_COUNT, HAND_WRITTEN, generate
from tests.thirdparty.compare import differences, disagreements
from tests.thirdparty.sdk_readers import READERS, SdkReaders

pytestmark = pytest.mark.thirdparty_sdks

KEYS = "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI\n"

# (construct, credentials file, config file, what Go and JS read unlike botocore)
CONSTRUCTS: list[tuple[str, str, str, dict[str, set[str]]]] = [
    # Text after the value.
    (
        "hash after a space",
        "[a]\nregion = eu-west-1 # Ireland\n",
        "",
        {"go": {"a: region"}, "js": {"a: region"}},
    ),
    (
        "hash after a space in a session token",
        f"[a]\n{KEYS}aws_session_token = tok #en\n",
        "",
        {"go": {"a: credentials"}, "js": {"a: credentials"}},
    ),
    (
        "semicolon after a space",
        "[a]\nregion = eu-west-1 ; x\n",
        "",
        {"go": {"a: region"}, "js": {"a: region"}},
    ),
    ("hash after a tab", "[a]\nregion = eu-west-1\t# x\n", "", {"js": {"a: region"}}),
    ("hash without a space", "[a]\nregion = eu#west\n", "", {}),
    ("equals sign in a value", "[a]\nrole_arn = a=b\n", "", {}),
    # Quotes.
    ("double quotes around a value", '[a]\nregion = "eu-west-1"\n', "", {"go": {"a: region"}}),
    ("single quotes around a value", "[a]\nregion = 'eu-west-1'\n", "", {}),
    (
        "a quote that is not closed",
        '[a]\nnote = "x\n[b]\nregion = eu-west-1\n',
        "",
        {"go": {"a: profile", "b: profile"}},
    ),
    # Lines and indentation.
    (
        "continuation line",
        "[a]\nrole_arn = arn:aws:iam::1:role/\n    long-name\n",
        "",
        {"go": {"a: value role_arn"}, "js": {"a: value role_arn"}},
    ),
    (
        "deeper indented key line",
        "[a]\n\tregion = eu-west-1\n\t\tretry_mode = standard\n",
        "",
        {"go": {"a: region", "a: value retry_mode"}, "js": {"a: region", "a: value retry_mode"}},
    ),
    (
        "empty value, then indented keys",
        "[a]\n  role_arn =\n  region = eu-west-1\n",
        "",
        {"go": {"a: region"}, "js": {"a: region", "a: value role_arn.region"}},
    ),
    ("empty value, then a key", "[a]\nrole_arn =\nregion = eu-west-1\n", "", {}),
    ("keys indented by a tab", "[a]\n\tregion = eu-west-1\n\toutput = json\n", "", {}),
    ("CRLF line endings", "[a]\r\nregion = eu-west-1\r\noutput = json\r\n", "", {}),
    ("no spaces around =", "[a]\nregion=eu-west-1\n", "", {}),
    (
        "colon between key and value",
        "[a]\noutput = json\nregion: eu-west-1\n",
        "",
        {"js": {"a: region"}},
    ),
    ("semicolon comment line", "; note\n[a]\nregion = eu-west-1\n", "", {}),
    ("comment after a section header", "[a] # note\nregion = eu-west-1\n", "", {}),
    # Keys.
    ("only empty values", "[a]\nregion =\n", "", {"js": {"a: profile"}}),
    (
        "upper-case key names",
        "[a]\nREGION = eu-west-1\n",
        "",
        {"js": {"a: region", "a: value REGION"}},
    ),
    (
        "aws_security_token instead of aws_session_token",
        f"[a]\n{KEYS}aws_security_token = tok\n",
        "",
        {"go": {"a: credentials"}, "js": {"a: credentials"}},
    ),
    ("key id without secret key", "[a]\naws_access_key_id = ASIAX\n", "", {"js": {"a: error"}}),
    ("secret key without key id", "[a]\naws_secret_access_key = s\n", "", {"go": {"a: error"}}),
    (
        "empty key id without secret key",
        "[a]\naws_access_key_id =\nregion = eu-west-1\n",
        "",
        {"go": {"a: error"}, "js": {"a: error"}},
    ),
    # Section names.
    (
        "spaces inside the brackets",
        "[ a ]\nregion = eu-west-1\n",
        "",
        {"go": {" a : profile", "a: profile"}},
    ),
    (
        "[DEFAULT]",
        "[DEFAULT]\nregion = eu-west-1\n[a]\noutput = json\n",
        "",
        {"go": {"DEFAULT: profile", "a: region"}, "js": {"DEFAULT: profile", "a: region"}},
    ),
    (
        "[profile NAME] in the credentials file",
        "[profile a]\nregion = eu-west-1\n",
        "",
        {"go": {"profile a: profile"}, "js": {"profile a: profile", "profile.a: profile"}},
    ),
    # Whole files.
    (
        "a section twice",
        "[a]\nregion = eu-west-1\n[a]\noutput = json\n",
        "",
        {"go": {"file: error"}, "js": {"file: error"}},
    ),
    (
        "byte-order mark",
        "\ufeff[a]\nregion = eu-west-1\n",
        "",
        {"js": {"file: error"}},
    ),
    # Both files.
    (
        "keys in both files",
        "[a]\naws_access_key_id = ASIAC\naws_secret_access_key = sc\n",
        "[profile a]\naws_access_key_id = ASIAF\naws_secret_access_key = sf\n"
        "aws_session_token = tf\nregion = eu-west-1\n",
        {"go": {"a: credentials"}, "js": {"a: credentials"}},
    ),
    (
        '[profile "NAME"] in the config file',
        "",
        '[profile "a"]\nregion = eu-west-1\n',
        {"go": {'"a": profile', "a: profile"}},
    ),
    (
        '[profile "NAME WITH SPACE"] in the config file',
        "",
        '[profile "a b"]\nregion = eu-west-1\n',
        {"go": {'"a b": profile', "a b: profile"}, "js": {"a b: profile"}},
    ),
    (
        "two spaces after profile in the config file",
        "",
        "[profile  a]\nregion = eu-west-1\n",
        {"js": {"a: profile"}},
    ),
    ("[NAME] without profile in the config file", "", "[a]\nregion = eu-west-1\n", {}),
    (
        "a sub-section in the config file",
        "",
        "[default]\ns3 =\n  max_concurrent_requests = 10\nregion = eu-west-1\n",
        {},
    ),
]


@pytest.mark.parametrize(
    ("credentials_text", "config_text", "expected"),
    [pytest.param(c, f, e, id=name) for name, c, f, e in CONSTRUCTS],
)
def test_each_construct_reads_as_recorded(
    sdk_readers: SdkReaders,
    home: Home,
    credentials_text: str,
    config_text: str,
    expected: dict[str, set[str]],
) -> None:
    home.credentials.write_bytes(credentials_text.encode("utf-8"))
    home.config.write_bytes(config_text.encode("utf-8"))
    readings = sdk_readers.read_all(home.credentials, home.config)
    assert disagreements(readings) == expected


@pytest.mark.parametrize(
    ("raw", "profiles"),
    [
        pytest.param(
            b"[a]\nrole_arn = Zo\xeb\n[b]\nregion = eu-west-1\n",
            {"a": {"role_arn": "Zo\ufffd"}, "b": {"region": "eu-west-1"}},
            id="bytes that are not UTF-8: a replacement character",
        ),
        pytest.param(
            b"[a]\nregion = eu-west-1\n[a]\nretry_mode = standard\nregion = eu-west-2\n",
            {"a": {"region": "eu-west-2", "retry_mode": "standard"}},
            id="a section twice: merged, the later value wins",
        ),
    ],
)
def test_files_botocore_cannot_read_go_and_js_read(
    sdk_readers: SdkReaders, home: Home, raw: bytes, profiles: dict[str, dict[str, str]]
) -> None:
    home.credentials.write_bytes(raw)
    readings = sdk_readers.read_all(home.credentials, home.config)
    assert readings["botocore"]["error"] == "Unable to parse config file: <credentials>"
    for reader in ("go", "js"):
        read = readings[reader]["profiles"]
        assert {name: read[name]["values"] for name in read} == profiles, reader


# Hand-written corpus files the readers do not all read alike; every other file they do.
CORPUS_DISAGREEMENTS: dict[str, dict[str, set[str]]] = {
    "ok_blank_lines_inside_a_value.ini": {
        "go": {"other: value role_arn"},
        "js": {"other: value role_arn"},
    },
    "ok_colon_delimiter_in_another_section.ini": {"js": {"other: profile"}},
    "ok_continuation_line_in_another_section.ini": {
        "go": {"other: value role_arn"},
        "js": {"other: value role_arn"},
    },
    "ok_deeper_indent_in_another_section.ini": {
        "go": {"other: region"},
        "js": {"other: region", "other: value output"},
    },
    "ok_default_section_twice.ini": {
        "go": {"DEFAULT: profile", "work-long-term: region"},
        "js": {"DEFAULT: profile", "work-long-term: region", "work-long-term: value output"},
    },
    "ok_empty_values.ini": {"js": {"other: profile"}},
    "ok_first_run_moves_odd_lines.ini": {"js": {"work: credentials"}},
    "ok_hash_after_a_space_in_a_value.ini": {"go": {"other: region"}, "js": {"other: region"}},
    "ok_managed_by_us.ini": {"js": {"work: error"}},
    "ok_mixed_case_keys.ini": {
        "js": {
            "work: credentials",
            "work: region",
            "work: value AWS_ACCESS_KEY_ID",
            "work: value AWS_Session_Token",
            "work: value Aws_Secret_Access_Key",
            "work: value Region",
        }
    },
    "ok_section_name_with_spaces.ini": {"go": {"profile with spaces: profile"}},
    "ok_spaces_inside_brackets.ini": {"go": {" default : profile", "default: profile"}},
    "ok_target_beside_spaces_in_brackets.ini": {"go": {" work : profile", "work: region"}},
    "ok_target_colon_delimiter.ini": {"js": {"work: profile"}},
    "ok_target_comment_after_values.ini": {
        "go": {"work: region"},
        "js": {"work: region", "work: value expiration", "work: value output"},
    },
    "ok_target_continuation_lines.ini": {
        "go": {"work: value role_session_name"},
        "js": {"work: value role_session_name"},
    },
    "ok_target_indented_header.ini": {
        "go": {"work-long-term: credentials", "work: profile"},
        "js": {"work-long-term: credentials", "work: profile"},
    },
    "ok_target_only_comments.ini": {"js": {"work: profile"}},
    "ok_target_quotes.ini": {"go": {"work-long-term: profile", "work: profile"}},
    "ok_target_semicolon_comments.ini": {"js": {"work: error"}},
    "ok_target_tab_indented.ini": {"js": {"work: error"}},
    "ok_unclosed_quote.ini": {"go": {"other: profile", "work-long-term: profile"}},
    "ok_uppercase_default_section.ini": {
        "go": {"DEFAULT: profile", "work-long-term: region"},
        "js": {"DEFAULT: profile", "work-long-term: region"},
    },
    "refuse_byte_order_mark.ini": {"js": {"file: error"}},
    "refuse_duplicate_key.ini": {"go": {"file: error"}, "js": {"file: error"}},
    "refuse_duplicate_section.ini": {"go": {"file: error"}, "js": {"file: error"}},
    "refuse_latin1_bytes.ini": {"go": {"file: error"}, "js": {"file: error"}},
    "refuse_line_before_first_section.ini": {"go": {"file: error"}, "js": {"file: error"}},
    "refuse_line_without_delimiter.ini": {"go": {"file: error"}, "js": {"file: error"}},
    "refuse_other_manager.ini": {"js": {"work: error"}},
}


def test_corpus_disagreements_name_corpus_files() -> None:
    assert set(CORPUS_DISAGREEMENTS) <= set(HAND_WRITTEN)


@pytest.mark.parametrize("name", HAND_WRITTEN)
def test_hand_written_corpus_file_reads_as_recorded(
    sdk_readers: SdkReaders, home: Home, name: str
) -> None:
    readings = sdk_readers.read_all(CORPUS / name, home.config)
    assert disagreements(readings) == CORPUS_DISAGREEMENTS.get(name, {})


# What the generated corpus's files are read differently in, by kind, over all its seeds: the
# generator writes empty values before indented keys ("empty value, then indented keys"
# above), key ids without a secret key and empty key ids. Credentials never differ.
GENERATED_KINDS: dict[str, set[str]] = {
    "go": {"error", "region", "value role_arn"},
    "js": {"error", "region", "value note", "value output", "value role_arn", "value KEY.KEY"},
}


def test_generated_corpus_reads_as_recorded(sdk_readers: SdkReaders, home: Home) -> None:
    kinds: dict[str, set[str]] = {}
    for seed in range(GENERATED_COUNT):
        raw = generate(random.Random(seed))  # noqa: S311 - test data, not cryptography
        home.credentials.write_bytes(raw)
        for reader, found in disagreements(
            sdk_readers.read_all(home.credentials, home.config)
        ).items():
            kinds.setdefault(reader, set()).update(_kind(entry) for entry in found)
    assert kinds == GENERATED_KINDS


def _kind(entry: str) -> str:
    """ "profile-3: value role_arn.region" -> "value KEY.KEY"; "profile-3: region" -> "region"."""
    aspect = entry.partition(": ")[2]
    if aspect.startswith("value ") and "." in aspect:
        return "value KEY.KEY"
    return aspect


def test_every_reader_reads_a_plain_profile(sdk_readers: SdkReaders, home: Home) -> None:
    home.credentials.write_text("[a]\nregion = eu-west-1\n")
    readings = sdk_readers.read_all(home.credentials, home.config)
    assert readings["botocore"]["reader"].startswith("botocore ")
    assert readings["go"]["reader"].startswith("aws-sdk-go-v2 ")
    assert readings["js"]["reader"].startswith("@smithy/shared-ini-file-loader ")
    assert all(r["profiles"]["a"]["region"] == "eu-west-1" for r in readings.values())


def test_each_reader_reports_the_profile_a_change_touched(
    sdk_readers: SdkReaders, home: Home
) -> None:
    """The before/after use: one SDK's readings of a file before and after an edit."""
    home.credentials.write_text("[a]\nregion = eu-west-1\n[b]\nregion = eu-west-1\n")
    before = sdk_readers.read_all(home.credentials, home.config)
    home.credentials.write_text("[a]\nregion = eu-west-1\n[b]\nregion = eu-west-2\nnote = x\n")
    after = sdk_readers.read_all(home.credentials, home.config)
    assert {reader: differences(before[reader], after[reader]) for reader in READERS} == {
        "botocore": {"b: region", "b: value note"},
        "go": {"b: region"},  # a key Go's SharedConfig has no field for is not visible
        "js": {"b: region", "b: value note"},
    }
