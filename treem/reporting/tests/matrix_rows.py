"""The reporting pages' rows of the policy matrix, one file per group of pages."""

from . import matrix_board, matrix_report, matrix_submission

ROWS: dict = {**matrix_board.ROWS, **matrix_report.ROWS, **matrix_submission.ROWS}
