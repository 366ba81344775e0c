"""Policy-matrix rows of the reporting pages (board): merged into treem/accounts/tests/test_policy_matrix.py.

The board, its Excel copy and the task progress are read by the province-wide roles of the plan's province
and the national role; every other role gets the 404 of a plan that does not exist."""

from treem.accounts.tests.test_policy_matrix import PROVINCE_46, SEES_48, SIGNED_IN, Try, row

BOARD_46 = PROVINCE_46 | {"national"}

ROWS: dict = {
    "bao-cao/<slug:plan>/bang/": [
        Try("/bao-cao/tth-2023/bang/", row(BOARD_46)),
        Try("/bao-cao/tth-2023/bang/?kind=district&status=missing&round=M-2023-05-25", row(BOARD_46)),
        # values the page does not know filter nothing
        Try("/bao-cao/tth-2023/bang/?kind=x&status=%E2%80%94&round=KHONG-CO", row(BOARD_46)),
        Try("/bao-cao/tth-2023/bang/", row(SIGNED_IN, ok_status=405), "post"),
        Try("/bao-cao/dn-2023/bang/", row(SEES_48)),
        Try("/bao-cao/khong-co/bang/", row(set())),
    ],
    "bao-cao/<slug:plan>/bang.xlsx": [
        Try("/bao-cao/tth-2023/bang.xlsx", row(BOARD_46)),
        Try("/bao-cao/tth-2023/bang.xlsx?status=late", row(BOARD_46)),
        Try("/bao-cao/dn-2023/bang.xlsx", row(SEES_48)),
        Try("/bao-cao/khong-co/bang.xlsx", row(set())),
    ],
    "bao-cao/<slug:plan>/nhiem-vu/": [
        Try("/bao-cao/tth-2023/nhiem-vu/", row(BOARD_46)),
        Try("/bao-cao/tth-2023/nhiem-vu/?round=M-2023-11-15&behind=1", row(BOARD_46)),
        Try("/bao-cao/tth-2023/nhiem-vu/?round=KHONG-CO", row(BOARD_46)),
        Try("/bao-cao/dn-2023/nhiem-vu/", row(SEES_48)),
        Try("/bao-cao/khong-co/nhiem-vu/", row(set())),
    ],
}
