"""The use cases: a session for a profile, the login's steps, moving a key into the keyring, the
used-code guard. Every collaborator is a parameter.
"""
