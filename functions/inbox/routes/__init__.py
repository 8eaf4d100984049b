"""HTTP routes of the inbox function."""
