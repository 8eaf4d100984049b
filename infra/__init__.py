"""Tooling around the functions: the local stack and the OpenAPI generator."""
