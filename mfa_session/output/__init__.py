"""What a person reads: result lines, colour, bug reports."""
