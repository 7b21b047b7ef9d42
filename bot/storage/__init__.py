"""Storage: the database schema, engine and migrations."""
