"""HTTP routes of the knowledge base."""
