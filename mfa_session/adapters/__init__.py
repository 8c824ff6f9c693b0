"""The outside world behind narrow interfaces: AWS, the OS keyring, the state file, locks, prompts
and code sources.
"""
