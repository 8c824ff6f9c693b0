"""The credentials file: one locked, verified, atomic edit per write."""
