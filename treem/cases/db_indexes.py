"""An index PostgreSQL and SQLite both build: `NULLS LAST` is PostgreSQL's only."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F


class ClosedListIndex(models.Index):
    """(state, closed_at DESC NULLS LAST, id DESC): the closed case list's order (treem.cases.lists), so
    PostgreSQL reads a page of it from the index instead of sorting every closed case of the area. SQLite
    has no `NULLS LAST` in an index (and its DESC puts NULLs last already): there, plain DESC."""

    def __init__(self, *, name: str) -> None:
        super().__init__(F("state"), F("closed_at").desc(nulls_last=True), F("id").desc(), name=name)

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        path, _args, _kwargs = super().deconstruct()
        return path, (), {"name": self.name}

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        plain = models.Index(F("state"), F("closed_at").desc(), F("id").desc(), name=self.name)
        return plain.create_sql(model, schema_editor, using=using, **kwargs)
