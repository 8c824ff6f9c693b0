"""One module per command: `configure` declares its flags, `run` does the work."""
