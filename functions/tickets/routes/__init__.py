"""HTTP routes of the tickets function, one Router per area."""
