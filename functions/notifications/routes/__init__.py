"""HTTP routes of the notifications function."""
