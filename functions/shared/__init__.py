"""Code every domain function ships with: settings, errors, identity, ids, clock, AWS adapters, resolver."""
