"""Baseline: the bare boto3 script with botocore alone (one GetSessionToken, one write).

    python bare_botocore.py PROFILE SERIAL CODE

Reads [PROFILE-long-term] from ~/.aws/credentials, writes the session into [PROFILE].
No checks, no locking, no atomic replace: a floor to compare with, not a tool to use.
"""

import configparser
import os
import sys
from typing import Any

import botocore.session

profile, serial, code = sys.argv[1:4]
path = os.path.expanduser("~/.aws/credentials")
parser = configparser.RawConfigParser()
parser.read(path)
key = parser[profile + "-long-term"]
sts: Any = botocore.session.get_session().create_client(
    "sts",
    aws_access_key_id=key["aws_access_key_id"],
    aws_secret_access_key=key["aws_secret_access_key"],
)
creds = sts.get_session_token(SerialNumber=serial, TokenCode=code)["Credentials"]
if not parser.has_section(profile):
    parser.add_section(profile)
parser[profile]["aws_access_key_id"] = creds["AccessKeyId"]
parser[profile]["aws_secret_access_key"] = creds["SecretAccessKey"]
parser[profile]["aws_session_token"] = creds["SessionToken"]
parser[profile]["expiration"] = creds["Expiration"].strftime("%Y-%m-%dT%H:%M:%SZ")
with open(path, "w", encoding="utf-8") as handle:
    parser.write(handle)
