"""Serve plotly's JavaScript from the installed `plotly` package as the static file `dashboard/plotly.min.js`.

The charts must work offline (no CDN), and the 4.6 MB bundle should not be copied into the repository:
the Python package already ships the matching version. Settings list it:

    STATICFILES_FINDERS = [
        "django.contrib.staticfiles.finders.FileSystemFinder",
        "django.contrib.staticfiles.finders.AppDirectoriesFinder",
        "treem.dashboard.staticfinders.PlotlyFinder",
    ]

`runserver` (WhiteNoise with finders in DEBUG) serves it through `find()`; `collectstatic` copies it
through `list()`, so the manifest storage hashes it like any other static file.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage

PREFIX = "dashboard"
FILENAME = "plotly.min.js"
STATIC_PATH = f"{PREFIX}/{FILENAME}"


def plotly_package_data() -> Path | None:
    """The installed plotly's `package_data` folder, found without importing plotly."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "package_data"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs) -> None:
        self.location = plotly_package_data()
        self.storage = FileSystemStorage(location=str(self.location)) if self.location else None
        if self.storage is not None:
            # collectstatic stores it under dashboard/ (FileSystemFinder sets `prefix` the same way; the stubs
            # do not declare it)
            setattr(self.storage, "prefix", PREFIX)  # noqa: B010
        super().__init__(*args, **kwargs)

    @property
    def source(self) -> Path | None:
        return self.location / FILENAME if self.location else None

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        if self.source is None or not self.source.is_file():
            return [
                Error(
                    "plotly.min.js not found in the installed plotly package.",
                    hint="pip install plotly (the charts load plotly's JavaScript from it).",
                    id="dashboard.E001",
                )
            ]
        return []

    def find(self, path: str, find_all: bool = False, **kwargs):
        # Django 5.2's BaseFinder has this shim for the deprecated `all` argument; the stubs omit it.
        find_all = self._check_deprecated_find_param(find_all=find_all, **kwargs)  # type: ignore[attr-defined]
        if path == STATIC_PATH and self.source is not None:
            finders.searched_locations.append(str(self.location))
            if self.source.is_file():
                return [str(self.source)] if find_all else str(self.source)
        return []  # like Django's own finders: an empty list when nothing matches

    def list(self, ignore_patterns):
        if self.source is not None and self.source.is_file():
            yield FILENAME, self.storage
