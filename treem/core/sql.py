"""SQL functions treem needs that Django does not ship, each written for both databases."""

from __future__ import annotations

from typing import Any

from django.db.models import FloatField, Func


class Epoch(Func):
    """A timestamp as seconds since 1970-01-01 UTC (a float). Reading thousands of timestamps as floats
    skips the driver's time-zone-aware parsing, most of a national board's read (docs/benchmarks.md)."""

    output_field = FloatField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::float8", **extra
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django stores an aware datetime as UTC text. Whole seconds, exactly (julianday's float would be
        # a few microseconds off, and a deadline's end is a whole second). '%%%%s' is strftime's '%s' once
        # the template and then Django's placeholder conversion have each halved the percent signs.
        return self.as_sql(
            compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS REAL)", **extra
        )
