"""Demo task progress (DEMO): plausible Vietnamese answers for a body's task in a round.

`progress_entry(task_text, status, scale, rng)` picks a theme from the task's wording (training,
communication, inspection, support, health, education, swimming, protection, planning…) and fills its
templates with figures drawn from `rng` (seeded by the caller per round, body and task, so two loads give
the same words). `scale` grows over the year: a year report counts more classes than an April one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    keywords: tuple[str, ...]
    done: tuple[str, ...]  # what was done (narrative)
    results: tuple[str, ...]  # results in figures
    difficulties: tuple[str, ...] = ()


THEMES = (
    Theme(
        ("bơi", "đuối nước"),
        (
            "Phối hợp với các địa phương mở lớp phổ cập bơi an toàn cho trẻ em trong dịp hè; kiểm tra các điểm "
            "sông, hồ, bãi tắm có nguy cơ đuối nước và cắm biển cảnh báo.",
        ),
        (
            "Tổ chức {a} lớp dạy bơi an toàn cho {b} trẻ em; cắm {c} biển cảnh báo tại các điểm nguy hiểm.",
            "{b} trẻ em được học bơi an toàn tại {a} điểm; {c} điểm nguy cơ đuối nước được rà soát, cảnh báo.",
        ),
        ("Thiếu hồ bơi, bể bơi di động ở các xã vùng sâu; mùa mưa đến sớm làm gián đoạn một số lớp.",),
    ),
    Theme(
        ("tập huấn", "bồi dưỡng", "đào tạo", "năng lực", "cộng tác viên"),
        (
            "Xây dựng tài liệu và tổ chức tập huấn nâng cao kiến thức, kỹ năng bảo vệ trẻ em cho đội ngũ cán bộ, "
            "cộng tác viên cơ sở.",
        ),
        (
            "Tổ chức {a} lớp tập huấn cho {b} cán bộ, cộng tác viên.",
            "{a} lớp tập huấn với {b} lượt học viên; {p}% học viên đạt yêu cầu sau khóa học.",
        ),
        ("Đội ngũ cộng tác viên thường xuyên thay đổi, kiêm nhiệm nhiều việc nên khó duy trì chất lượng.",),
    ),
    Theme(
        ("thanh tra", "kiểm tra", "giám sát"),
        (
            "Ban hành kế hoạch kiểm tra; thành lập đoàn kiểm tra liên ngành làm việc tại các địa phương, cơ sở; "
            "có văn bản kiến nghị sau kiểm tra.",
        ),
        (
            "Kiểm tra {a} xã, phường và {c} cơ sở; kiến nghị khắc phục {d} tồn tại.",
            "{a} cuộc kiểm tra tại {c} đơn vị; {d} kiến nghị đã được các đơn vị khắc phục.",
        ),
        ("Lực lượng làm công tác thanh tra, kiểm tra còn mỏng, cùng lúc đảm nhận nhiều đoàn kiểm tra khác.",),
    ),
    Theme(
        ("xâm hại", "bạo lực", "vi phạm pháp luật", "an ninh", "tội phạm"),
        (
            "Phối hợp tuyên truyền phòng ngừa xâm hại trẻ em tại trường học và khu dân cư; tiếp nhận, xác minh "
            "và xử lý kịp thời các vụ việc được thông báo.",
        ),
        (
            "Tiếp nhận và xử lý {d} vụ việc liên quan đến trẻ em; tổ chức {a} buổi tuyên truyền cho {b} học "
            "sinh, phụ huynh.",
            "{a} buổi nói chuyện chuyên đề với {b} lượt người nghe; {d} vụ việc được xử lý đúng thời hạn.",
        ),
        ("Một số vụ việc phát hiện muộn do gia đình e ngại, không thông báo.",),
    ),
    Theme(
        ("tuyên truyền", "truyền thông", "báo chí", "thông tin"),
        (
            "Xây dựng chuyên mục, đăng tải tin bài trên cổng thông tin điện tử và hệ thống truyền thanh cơ sở; "
            "tổ chức truyền thông trực tiếp tại cộng đồng.",
        ),
        (
            "Đăng {c} tin, bài; phát {e} tờ rơi; tổ chức {a} buổi truyền thông trực tiếp cho {b} người dân.",
            "{a} buổi truyền thông tại cộng đồng với {b} lượt người tham dự; {c} tin, bài trên báo chí, "
            "đài phát thanh.",
        ),
        ("Kinh phí truyền thông hạn chế; hình thức tuyên truyền ở một số nơi chưa phong phú.",),
    ),
    Theme(
        ("khuyết tật", "phục hồi chức năng", "khám", "dinh dưỡng", "y tế"),
        (
            "Chỉ đạo các trung tâm y tế tổ chức khám sàng lọc, tư vấn dinh dưỡng và hỗ trợ phục hồi chức năng "
            "cho trẻ em, ưu tiên trẻ em khuyết tật và trẻ em vùng khó khăn.",
        ),
        (
            "Khám sàng lọc cho {e} trẻ em; {d} trẻ em khuyết tật được hỗ trợ phục hồi chức năng.",
            "{e} lượt trẻ em được khám, tư vấn; {d} trẻ được can thiệp sớm, phục hồi chức năng.",
        ),
        ("Thiếu cán bộ chuyên khoa phục hồi chức năng ở tuyến huyện.",),
    ),
    Theme(
        ("giáo dục", "nhà trường", "học sinh", "đến trường", "trường"),
        (
            "Chỉ đạo các trường lồng ghép giáo dục kỹ năng sống, quyền và bổn phận của trẻ em vào hoạt động "
            "ngoại khóa; phối hợp với gia đình vận động trẻ em đến trường đúng độ tuổi.",
        ),
        (
            "{c} trường tổ chức hoạt động ngoại khóa cho {e} học sinh; vận động {d} em bỏ học trở lại lớp.",
            "{p}% trẻ em đến trường đúng độ tuổi; {c} trường đạt tiêu chí trường học an toàn, thân thiện.",
        ),
        ("Một số học sinh vùng cao đi học xa, điều kiện kinh tế gia đình khó khăn.",),
    ),
    Theme(
        ("chế độ", "chính sách", "trợ giúp", "hỗ trợ", "quỹ", "nguồn lực", "ngân sách"),
        (
            "Rà soát đối tượng, chi trả kịp thời chế độ cho trẻ em có hoàn cảnh đặc biệt; vận động doanh nghiệp, "
            "nhà hảo tâm hỗ trợ trẻ em có hoàn cảnh khó khăn.",
        ),
        (
            "Hỗ trợ {d} trẻ em có hoàn cảnh đặc biệt với tổng kinh phí {m} triệu đồng.",
            "Trao {c} suất học bổng và {d} phần quà, trị giá {m} triệu đồng; {p}% trẻ em đủ điều kiện được "
            "hưởng trợ cấp.",
        ),
        ("Nguồn vận động xã hội chưa ổn định, tập trung chủ yếu vào dịp Tết và Tháng hành động vì trẻ em.",),
    ),
    Theme(
        ("khai sinh", "nuôi con nuôi", "pháp lý", "tư pháp"),
        (
            "Hướng dẫn các địa phương đăng ký khai sinh đúng hạn, trợ giúp pháp lý miễn phí cho trẻ em và gia "
            "đình thuộc diện được trợ giúp.",
        ),
        (
            "Đăng ký khai sinh đúng hạn cho {e} trẻ em; thực hiện {d} vụ việc trợ giúp pháp lý cho trẻ em.",
            "{p}% trẻ em dưới 1 tuổi được đăng ký khai sinh đúng hạn; {d} vụ việc trợ giúp pháp lý.",
        ),
    ),
    Theme(
        ("vui chơi", "văn hóa", "thể thao", "hội thi", "thiết chế", "hạ tầng"),
        (
            "Tổ chức các hoạt động văn hóa, vui chơi cho trẻ em trong dịp hè và Tết Trung thu; rà soát, bổ sung "
            "điểm vui chơi an toàn tại các xã, phường.",
        ),
        (
            "Tổ chức {a} chương trình văn hóa, vui chơi cho {e} lượt trẻ em; xây mới, nâng cấp {d} điểm vui chơi.",
            "{d} điểm vui chơi cho trẻ em được đầu tư; {a} hoạt động hè với {e} lượt trẻ em tham gia.",
        ),
    ),
    Theme(
        ("kế hoạch", "triển khai", "chỉ đạo", "báo cáo"),
        (
            "Ban hành kế hoạch triển khai, phân công nhiệm vụ cho các phòng, đơn vị trực thuộc; theo dõi, đôn "
            "đốc và tổng hợp kết quả thực hiện.",
        ),
        (
            "Ban hành Kế hoạch số {k}/KH-{code} ngày {date}; {c} văn bản chỉ đạo, hướng dẫn.",
            "{c} văn bản chỉ đạo, đôn đốc; tổng hợp báo cáo của {a} đơn vị đúng thời hạn.",
        ),
    ),
)
GENERAL = Theme(
    (),
    (
        "Lồng ghép nhiệm vụ vào chương trình công tác năm 2023 của đơn vị; phân công cán bộ theo dõi, phối hợp "
        "với các cơ quan liên quan thực hiện.",
    ),
    ("{a} hoạt động đã triển khai với {b} lượt người tham gia.",),
)
DIFFICULTIES = (
    "Kinh phí bố trí cho hoạt động còn hạn chế.",
    "Cán bộ phụ trách công tác trẻ em kiêm nhiệm nhiều việc.",
    "Sự phối hợp giữa các ngành ở cơ sở có lúc chưa chặt chẽ.",
    "Thời tiết mưa bão cuối năm ảnh hưởng tiến độ một số hoạt động.",
)
PROPOSALS = (
    "Đề nghị UBND tỉnh bố trí bổ sung kinh phí cho hoạt động này trong năm 2024.",
    "Đề nghị Sở Lao động – Thương binh và Xã hội tổ chức tập huấn chuyên sâu cho cán bộ cơ sở.",
    "Đề nghị tăng cường phối hợp liên ngành và chia sẻ số liệu định kỳ giữa các đơn vị.",
    "Đề nghị có hướng dẫn thống nhất về mẫu biểu báo cáo giữa các cấp.",
)
NOT_STARTED = (
    "Đơn vị đang xây dựng kế hoạch, dự kiến triển khai trong quý tới.",
    "Chưa triển khai do chờ bố trí kinh phí.",
    "Hoạt động được sắp xếp thực hiện trong 6 tháng cuối năm.",
)


OPENINGS = (
    "",
    "Trong kỳ báo cáo, đơn vị đã ",
    "Bám sát kế hoạch của UBND tỉnh, đơn vị đã ",
    "Theo chức năng, nhiệm vụ được giao, đơn vị đã ",
    "Ngay từ đầu năm, đơn vị đã ",
)
CLOSINGS = (
    "",
    " Kết quả được tổng hợp, báo cáo định kỳ.",
    " Các hoạt động được lồng ghép với chương trình công tác của đơn vị.",
    " Công tác phối hợp với các địa phương được duy trì thường xuyên.",
)


def _n(value: float) -> str:
    """A whole number the Vietnamese way (1.234), whatever the active language: this is data text."""
    return f"{max(1, round(value)):,}".replace(",", ".")


def theme_of(task_text: str) -> Theme:
    text = task_text.lower()
    for theme in THEMES:
        if any(word in text for word in theme.keywords):
            return theme
    return GENERAL


def progress_entry(
    task_text: str,
    status: str,
    scale: float,
    rng: random.Random,
    *,
    body_code: str = "UBND",
    year: int = 2023,
) -> dict[str, str]:
    """The four answers (done, results, difficulties, proposals) for one task at `status`."""
    theme = theme_of(task_text)
    figures = {
        "a": _n(rng.randint(4, 15) * scale),
        "b": _n(rng.randint(120, 600) * scale),
        "c": _n(rng.randint(5, 40) * scale),
        "d": _n(rng.randint(3, 60) * scale),
        "e": _n(rng.randint(800, 6000) * scale),
        "m": _n(rng.randint(80, 900) * scale),
        "p": str(rng.randint(86, 99)),
        "k": str(rng.randint(12, 240)),
        "code": "UBND" if body_code.startswith("UBND") else body_code,
        "date": f"{rng.randint(1, 28):02d}/{rng.randint(1, 3):02d}/{year}",
    }
    difficulties = rng.choice(theme.difficulties + DIFFICULTIES)
    proposal = rng.choice(PROPOSALS)
    if status == "not_started":
        return {"done": "", "results": "", "difficulties": rng.choice(NOT_STARTED), "proposals": proposal}
    if status == "not_applicable":
        return {"done": "", "results": "", "difficulties": "", "proposals": ""}
    opening, narrative = rng.choice(OPENINGS), rng.choice(theme.done)
    done = (opening + narrative[0].lower() + narrative[1:] if opening else narrative) + rng.choice(CLOSINGS)
    results = rng.choice(theme.results).format(**figures)
    if status == "in_progress":
        done += " Một số hoạt động đang tiếp tục triển khai trong kỳ tới."
        return {"done": done, "results": results, "difficulties": difficulties, "proposals": proposal}
    # done: some bodies report no difficulty
    if rng.random() < 0.4:
        difficulties, proposal = "Không có.", ""
    return {"done": done, "results": results, "difficulties": difficulties, "proposals": proposal}
