"""Names as a terminal should show them: every character it would act on, written out.

Profile names come from files anyone may have edited, device serials from IAM or a file,
access key IDs and paths from the environment. Printed raw, an ESC in one of them moves the
cursor, clears the screen or rewrites the line above; a right-to-left override reorders what
follows; a newline forges a second message. Every name mfa-login prints (in its messages,
result lines, prompts and debug lines) goes through `visible` first.

Imported by the still-valid shortcut and by status: the standard library only, and not much
of it.
"""


def visible(text: str) -> str:
    """`text` with control, format and separator characters other than the space written as
    Python writes them in a string (`\\x1b`, `\\n`, `\\u202e`); the common case, nothing to
    escape, is one check."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else _escape(char) for char in text)


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"
