"""The rules that count derived figures from records, by the name a plan file gives them
(`derived: {rule: …}`), with what each counts. treem.register.apps registers them with the engine
(treem.indicators.derived); treem.register.derivation computes them."""

from __future__ import annotations

RULES: dict[str, str] = {
    "register.special_circumstances": (
        "Số trẻ em (dưới 16 tuổi) có ít nhất một hoàn cảnh đặc biệt vào cuối kỳ; mỗi trẻ đếm một lần"
    ),
    "register.special_circumstances_supported": (
        "Trong số đó, số trẻ được chăm sóc, nuôi dưỡng, trợ giúp hoặc hưởng chính sách trong kỳ"
    ),
    "register.eligible_for_assistance": (
        "Số trẻ em có hoàn cảnh đặc biệt đủ điều kiện hưởng trợ cấp xã hội hằng tháng vào cuối kỳ"
    ),
    "register.eligible_receiving_assistance": (
        "Trong số đó, số trẻ đang được hưởng trợ cấp xã hội hằng tháng vào cuối kỳ"
    ),
    "cases.notified": "Số trường hợp được thông báo, phát hiện trong kỳ có hành vi xâm hại nêu trong tham số",
    "cases.first_intervention_timely": (
        "Trong số đó, số trường hợp có bước can thiệp đầu tiên được thực hiện trong thời hạn luật định"
    ),
    "cases.open": "Số trường hợp đang xử lý vào cuối kỳ",
    "cases.closure_time": "Số trường hợp kết thúc trong kỳ, theo thời gian từ khi tiếp nhận đến khi kết thúc",
}
