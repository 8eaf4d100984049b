"""HTTP routes of the accounts function, one Router per area."""
