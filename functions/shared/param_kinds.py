"""Work powertools repeats on every request although it depends only on the routes: kept once.

Powertools' request validation asks, for each query parameter of each request, whether the
parameter's declared type is scalar (`is_scalar_field`), walking the annotation with `issubclass`
checks every time: about a tenth of a warm `GET /tickets` of our own time (bench/warm.py with
BENCH_PROFILE). The answer depends only on the declaration (the route's `FieldInfo`), so it is
remembered per declaration; the declaration is kept with the answer, so an id is never reused.
tests/unit/test_shared.py compares the answers with powertools' own.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.middlewares import openapi_validation

_powertools_is_scalar_field = openapi_validation.is_scalar_field  # type: ignore[attr-defined]
_known: dict[int, tuple[Any, bool]] = {}


def is_scalar_field(field: Any) -> bool:
    declared = field.field_info
    known = _known.get(id(declared))
    if known is None or known[0] is not declared:
        known = _known[id(declared)] = (declared, _powertools_is_scalar_field(field))
    return known[1]


def install() -> None:
    """Once per process (the resolver factory calls it)."""
    openapi_validation.is_scalar_field = is_scalar_field  # type: ignore[attr-defined]
