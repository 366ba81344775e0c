"""Indicator expressions: a sum of data element terms, `#{CODE}` or `#{CODE.option}`.

Only sums are allowed: they aggregate correctly (Σ over units of a sum is the sum of Σs), which is
what rule 2 of the design (rates from summed counts) needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import DEFAULT_COMBO

TERM = re.compile(r"#\{([A-Z][A-Z0-9_]*)(?:\.([a-z][a-z0-9_.]*))?\}")
EXPRESSION = re.compile(rf"^\s*{TERM.pattern}(\s*\+\s*{TERM.pattern})*\s*$")


@dataclass(frozen=True)
class Term:
    element: str
    combo: str | None  # None: the total over all combos the element is collected by

    def __str__(self) -> str:
        return f"#{{{self.element}{'.' + self.combo if self.combo else ''}}}"


class ExpressionError(ValueError):
    pass


def parse(expression: str) -> list[Term]:
    if not EXPRESSION.match(expression or ""):
        raise ExpressionError(
            f"biểu thức '{expression}' không hợp lệ (dạng #{{MA_CHI_SO}} hoặc #{{MA_CHI_SO.nhom}}, nối bằng +)"
        )
    return [
        Term(code, combo if combo and combo != DEFAULT_COMBO else None)
        for code, combo in TERM.findall(expression)
    ]
