"""Data intake: read a table, check it against the target, profile its columns."""
