"""Secrets from Secrets Manager, read once per process (a cold start pays one call per secret)."""

from __future__ import annotations

from shared import aws

_values: dict[str, bytes] = {}


def value(secret_arn: str) -> bytes:
    if not secret_arn:
        raise RuntimeError("no secret configured")
    if secret_arn not in _values:
        _values[secret_arn] = (
            aws.secretsmanager().get_secret_value(SecretId=secret_arn)["SecretString"].encode()
        )
    return _values[secret_arn]


def forget() -> None:
    _values.clear()
