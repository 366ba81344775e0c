"""Shared behaviour of treem's loading commands: input errors print in Vietnamese and exit non-zero."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from treem.core.errors import InputErrors


class LoaderCommand(BaseCommand):
    def execute(self, *args: Any, **options: Any) -> str | None:
        try:
            return super().execute(*args, **options)
        except InputErrors as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError(
                f"Có {len(exc.messages)} lỗi; không có gì được ghi vào cơ sở dữ liệu."
            ) from exc
