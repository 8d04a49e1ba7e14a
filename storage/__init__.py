"""What the project's SQL stores share: how an engine is made for a SQLAlchemy URL."""
