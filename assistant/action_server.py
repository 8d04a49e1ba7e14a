"""The action server of the assistant: rasa-sdk's server with redacted logs, bound to localhost.

    python -m assistant.action_server --port 5055

Started by the supervisor.  rasa-sdk binds 0.0.0.0 unless ``SANIC_HOST`` says otherwise; the
actions are only for the Rasa server beside them, so they listen on 127.0.0.1.
Workers: ``ACTION_SERVER_SANIC_WORKERS`` (rasa-sdk's own variable).
"""

from __future__ import annotations

import os
import sys

from assistant import redaction

# The package, not a module of it: rasa-sdk imports every module in it (ActionExecutor.register_package
# walks it) and registers every Action subclass, the request form's (actions/request_form.py) too.
ACTIONS_PACKAGE = "actions"


def main() -> None:
    redaction.install()
    os.environ.setdefault("SANIC_HOST", "127.0.0.1")
    from rasa_sdk.__main__ import main as sdk_main

    sys.argv = ["rasa_sdk", "--actions", ACTIONS_PACKAGE, *sys.argv[1:]]
    sdk_main()


if __name__ == "__main__":
    main()
