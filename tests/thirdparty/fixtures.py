"""The `sdk_readers` fixture: botocore, aws-sdk-go-v2 and the JS SDK v3 ready to read files.

Where Go, Debian's aws-sdk-go-v2 source, node or the JS reader's npm packages are missing, a
test that asks for it skips and the reason says what to install; with
MFA_SESSION_REQUIRE_SDKS=1 (CI) it fails instead.
"""

from __future__ import annotations

import os

import pytest

from tests.thirdparty.sdk_readers import ReadersUnavailable, SdkReaders, locate_readers

REQUIRE = "MFA_SESSION_REQUIRE_SDKS"


@pytest.fixture(scope="session")
def sdk_readers(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> SdkReaders:
    """Built once per run; the Go reader's binary is kept in pytest's cache folder between
    runs, under a name that changes with its source, the Go toolchain and the SDK version."""
    cache = request.config.cache
    folder = cache.mkdir("sdk-readers") if cache is not None else tmp_path_factory.mktemp("sdk")
    try:
        return locate_readers(folder)
    except ReadersUnavailable as missing:
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"{REQUIRE}=1 but {missing}")
        pytest.skip(str(missing))
