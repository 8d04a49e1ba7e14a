"""FAQ evaluation runs: question suites sent through the assistant's REST channel, with reports."""
