"""Policy-matrix rows of printing a case's form (/ho-so/<code>/in/<record>.<fmt>): merged through
treem/cases/tests/matrix_rows.py into treem/accounts/tests/test_policy_matrix.py.

The matrix database holds no case, so every code here exists nowhere: each signed-in role gets the same
404 (a role without case access too: the same 404 as a missing case, never a 403 that would say the page
exists), and an anonymous visitor the sign-in page. Printing real cases, in and out of each scope, is
tested in test_print.py."""

from treem.accounts.tests.test_policy_matrix import Try, row

NOBODY: set[str] = set()

ROWS: dict = {
    "ho-so/<str:code>/in/<int:record>.<str:fmt>": [
        Try("/ho-so/19903-2024-9999/in/1.docx", row(NOBODY)),  # the commune officer's own commune
        Try("/ho-so/19903-2024-9999/in/1.pdf", row(NOBODY)),
        Try("/ho-so/19750-2024-0001/in/2.docx", row(NOBODY)),  # another district of 46
        Try("/ho-so/20194-2024-0001/in/3.pdf", row(NOBODY)),  # the other province
        Try("/ho-so/KHONG-CO/in/1.xlsx", row(NOBODY)),  # a format that is not printed
    ],
}
