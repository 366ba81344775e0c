"""Errors that carry every problem found in an input, each naming where it is."""

from __future__ import annotations


class InputErrors(Exception):
    """Raised by an import or loader that found problems; nothing has been written.

    Each message is Vietnamese and names the place (file line, row, column or field).
    """

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("\n".join(messages))
