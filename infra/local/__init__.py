"""The local stack: everything template.yaml describes, on 127.0.0.1, without AWS or Docker."""
