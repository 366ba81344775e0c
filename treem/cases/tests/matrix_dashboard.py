"""Policy-matrix rows of the case dashboard and the case access log (merged by matrix_rows.py).

The dashboard is open to every role with an area, for its area and the units inside it (`?unit=`); a
unit outside it and one that does not exist are the same 404, like the page for a user without a role.
It shows no names, so it needs no second factor (the matrix signs in with force_login). The access log is
read by the roles that read audit logs: the coordinators and the administrator, each of their province."""

from treem.accounts.tests.test_policy_matrix import (
    SEES_48,
    SEES_474,
    SEES_478,
    SEES_19903,
    SIGNED_IN,
    Try,
    row,
)

DASHBOARD = "/ho-so/thong-ke/"
LOG = "/ho-so/nhat-ky-truy-cap/"
WITH_AREA = SIGNED_IN - {"no_role"}
READS_LOG = {"admin", "coordinator", "coordinator_48"}

ROWS: dict = {
    "ho-so/thong-ke/": [
        Try(DASHBOARD, row(WITH_AREA)),
        Try(DASHBOARD + "?unit=46", row(SEES_474)),  # the province: its province-wide roles, national
        Try(DASHBOARD + "?unit=478", row(SEES_478)),
        Try(DASHBOARD + "?unit=474", row(SEES_474)),
        Try(DASHBOARD + "?unit=19903", row(SEES_19903)),
        Try(DASHBOARD + "?unit=19912", row(SEES_478)),  # another commune of 478
        Try(DASHBOARD + "?unit=490", row(SEES_48)),
        Try(DASHBOARD + "?unit=99999", row(set())),
        Try(DASHBOARD + "?unit=&page=abc", row(WITH_AREA)),
        Try(DASHBOARD, row(SIGNED_IN, ok_status=405), "post"),
    ],
    "ho-so/nhat-ky-truy-cap/": [
        Try(LOG, row(READS_LOG)),
        Try(
            LOG + "?actor=a&case_code=19903&action=read&date_from=01/01/2024&date_to=31/12/2024",
            row(READS_LOG),
        ),
        # wrong filters: the form's messages, never an error
        Try(LOG + "?action=delete&date_from=31/02/2024&date_to=x&page=-1", row(READS_LOG)),
        Try(LOG, row(SIGNED_IN, ok_status=405), "post"),
    ],
}
