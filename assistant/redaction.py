"""Personal data out of the logs: phone, ID and policy numbers masked in every formatted log line.

The first rule is that no code of ours logs a customer's text (the channels log lengths, the
desk logs nothing).  This is the second net, for what a library logs (a traceback quoting a
value, a warning echoing input): every log line of the Rasa server and the action server goes
through ``logging.Formatter.format``, which :func:`install` wraps.  Verification digits are four
plain digits and cannot be recognised in a line; they are kept out by the first rule, and the
log test (tests/test_serving_logs.py) checks that a whole request conversation leaves none of
these values in any log file.
"""

from __future__ import annotations

import logging

from service_requests.parsing import ID_NUMBER, PHONE, POLICY_NUMBER

_MARK = "_assistant_redacting"


def redact(line: str) -> str:
    """The line with mobile numbers, 18-character ID numbers and policy numbers masked."""
    line = ID_NUMBER.sub("[身份证号]", line)
    line = PHONE.sub("[手机号]", line)
    return POLICY_NUMBER.sub("[保单号]", line)


def install() -> None:
    """Redact every log line this process formats, whichever handler or library writes it (idempotent)."""
    original = logging.Formatter.format
    if getattr(original, _MARK, False):
        return

    def format(self: logging.Formatter, record: logging.LogRecord) -> str:
        return redact(original(self, record))

    setattr(format, _MARK, True)
    logging.Formatter.format = format  # type: ignore[method-assign]
