"""Rasa input channels of the assistant: the REST channel (and the WeChat channel) with their input checks."""
