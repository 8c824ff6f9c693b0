"""The journal behind an interrupt's message: done, under way, or nothing."""

from __future__ import annotations

import pytest

from mfa_session.journal import WriteJournal


def test_nothing_written_says_so() -> None:
    assert WriteJournal().summary() == "nothing was written"


def test_completed_writes_are_said_in_order_with_their_detail() -> None:
    journal = WriteJournal()
    with journal.writing("the session for [admin]", detail="valid until 20:41"):
        pass
    with journal.writing("the long-term key of admin", "stored in the OS keyring"):
        pass
    assert journal.summary() == (
        "the session for [admin] was written (valid until 20:41); "
        "the long-term key of admin was stored in the OS keyring"
    )


def test_a_write_cut_off_by_an_interrupt_may_have_happened() -> None:
    journal = WriteJournal()
    with pytest.raises(KeyboardInterrupt), journal.writing("the session for [admin]"):
        raise KeyboardInterrupt
    assert journal.summary() == "the session for [admin] may have been written"


def test_a_failed_write_left_the_file_as_it_was() -> None:
    journal = WriteJournal()
    with pytest.raises(OSError, match="disk full"), journal.writing("the session for [admin]"):
        raise OSError("disk full")
    assert journal.summary() == "nothing was written"
