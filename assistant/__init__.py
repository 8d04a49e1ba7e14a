"""Running the assistant: training when needed, serving it, and talking to it."""
