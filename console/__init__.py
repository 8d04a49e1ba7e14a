"""The health butlers' console: an inbox of conversations, takeover and hand-back, answer drafts, the request queue, reports."""
