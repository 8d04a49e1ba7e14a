"""The Rasa server of the assistant: ``rasa run`` with this project's changes applied first.

    python -m assistant.rasa_server run --model … --endpoints … --credentials …

Started by the supervisor (``assistant.supervisor``), never by hand.  Log lines are redacted
(``assistant.redaction``) and Rasa's behaviour changes (``assistant.rasa_patches``) are applied
before Rasa's own command line runs; its Sanic workers are forked from this process and
inherit both.
"""
from __future__ import annotations

import sys

from assistant import rasa_patches, redaction


def main() -> None:
    redaction.install()
    rasa_patches.apply()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
