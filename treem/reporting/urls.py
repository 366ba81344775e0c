"""Reporting pages under /bao-cao/. Each group of pages keeps its own patterns; the board's come first, so
`bang` and `nhiem-vu` are never read as a round code."""

from .views_board import urlpatterns as board_patterns
from .views_report import urlpatterns as report_patterns
from .views_submission import urlpatterns as submission_patterns

app_name = "reporting"
urlpatterns = [*board_patterns, *report_patterns, *submission_patterns]
