from django.core.management.base import BaseCommand, CommandError

from treem.accounts.models import Role
from treem.cases.signals import batched
from treem.core.formatting import format_count
from treem.demo.cases import DEMO_TOTP_KEY_BASE32, load_demo_cases
from treem.demo.figures import demo_periods, load_demo_figures
from treem.demo.register import load_demo_register
from treem.demo.rounds import load_demo_rounds
from treem.demo.users import DEMO_PASSWORD, create_demo_users
from treem.plans.models import Plan, PlanStatus


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu minh họa (DEMO): người dùng cho mỗi vai trò, số liệu chỉ tiêu minh họa "
        "(ghi chú 'DEMO') cho các xã của tỉnh, báo cáo của các đơn vị ở các đợt báo cáo đã qua hạn và các "
        "trường hợp trẻ em minh họa ở mọi bước của quy trình, sổ theo dõi trẻ em có hoàn cảnh đặc biệt "
        "minh họa. Các kế hoạch của những năm sau (ví dụ kế hoạch dự thảo sau khi sắp xếp đơn vị hành chính) "
        "cũng có số liệu minh họa trên các đơn vị của thời kỳ đó và người dùng minh họa riêng. "
        "Chỉ dùng cho máy thử nghiệm; chạy lại không thay đổi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--plan", default=None, help="plan code (default: the newest issued plan, else the newest)"
        )
        parser.add_argument("--no-figures", action="store_true", help="no demo figures (nor reports)")
        parser.add_argument("--no-rounds", action="store_true", help="no demo reports of the bodies")
        parser.add_argument(
            "--no-cases", action="store_true", help="no demo child protection cases (nor demo register)"
        )
        parser.add_argument("--no-register", action="store_true", help="no demo register of children")

    def handle(self, *args, plan, no_figures, no_rounds, no_cases, no_register, **options):
        plan_obj = Plan.objects.filter(code=plan).first() if plan else main_plan()
        if plan_obj is None:
            raise CommandError("Chưa có kế hoạch nào; chạy load_plan trước.")
        later = later_plans(plan_obj)
        users = create_demo_users(plan_obj.province.code, plan_obj.owner.code, later)
        if not no_figures:
            self._load_figures(plan_obj)
            for later_plan in later:
                self._load_figures(later_plan)
            # after the figures: accepting a report locks the figures it carries
            if not no_rounds:
                coordinator = next(u for spec, u in users if spec.role == Role.PROVINCE_COORDINATOR)
                rounds = load_demo_rounds(plan_obj, coordinator)
                self.stdout.write(
                    f"Báo cáo minh họa (DEMO) của các đơn vị: {format_count(rounds.created)} tạo mới, "
                    f"{format_count(rounds.unchanged)} không đổi."
                )
        # One announcement of the changed records at the end: the derived figures of the demo communes are
        # recomputed once, not once per record (treem.cases.signals.batched).
        with batched():
            if not no_cases:
                cases = load_demo_cases(plan_obj.province.code)
                self.stdout.write(
                    f"Trường hợp minh họa (DEMO): {format_count(cases.created)} tạo mới, "
                    f"{format_count(cases.unchanged)} không đổi."
                )
                if cases.totp_users:
                    self.stdout.write(
                        f"Xác thực hai lớp của {', '.join(cases.totp_users)}: thêm khóa minh họa "
                        f"{DEMO_TOTP_KEY_BASE32} (TOTP, 6 chữ số, 30 giây) vào ứng dụng xác thực."
                    )
            if not no_cases and not no_register:
                register = load_demo_register(plan_obj.province.code)
                self.stdout.write(
                    f"Sổ theo dõi trẻ em minh họa (DEMO): {format_count(register.created)} trẻ em tạo mới, "
                    f"{format_count(register.unchanged)} không đổi."
                )
        self.stdout.write("\nTài khoản minh họa (DEMO) — mật khẩu chung: " + DEMO_PASSWORD)
        for spec, user in users:
            scope = user.agency or user.unit or ""
            self.stdout.write(f"  {spec.username:<12} {user.get_role_display():<32} {scope}")
        if not no_figures and not no_rounds:
            self.stdout.write("  bc-<mã đơn vị>  cán bộ báo cáo của từng đơn vị, ví dụ bc-sgddt, bc-ubnd-476")
        self.stdout.write("")

    def _load_figures(self, plan: Plan) -> None:
        """The plan's demo figures, or a CommandError (nothing written) when any is refused."""
        summary = load_demo_figures(plan)
        if summary.conflicts:
            for message in summary.conflicts[:20]:
                self.stderr.write(str(message))
            raise CommandError(
                f"Số liệu minh họa có {len(summary.conflicts)} lỗi; không có gì được ghi vào cơ sở dữ liệu."
            )
        for message in summary.warnings:
            self.stderr.write(str(message))
        total = summary.imported + summary.updated + summary.ignored
        self.stdout.write(
            f"Số liệu minh họa (DEMO) của {plan.province.name}, kế hoạch năm {plan.year}: đã nạp {format_count(total)} giá trị "
            f"({format_count(summary.imported)} mới, {format_count(summary.updated)} cập nhật, {format_count(summary.ignored)} không đổi)."
        )


def main_plan() -> Plan | None:
    """The plan the demo is built around (users, reports, cases): the newest issued plan, else the newest
    plan (a draft drafted after it does not take its place)."""
    plans = Plan.objects.order_by("-year", "pk")
    return plans.filter(status=PlanStatus.ISSUED).first() or plans.first()


def later_plans(main: Plan) -> list[Plan]:
    """The plans of the main plan's province after its year (e.g. the 2026 draft of Huế city), oldest first,
    each with periods no plan before it fills: each gets its demo figures and users."""
    taken = set(demo_periods(main.year))
    found = []
    for plan in Plan.objects.filter(province__code=main.province.code, year__gt=main.year).order_by(
        "year", "pk"
    ):
        periods = set(demo_periods(plan.year))
        if periods & taken:
            continue  # two plans filling the same periods would overwrite each other's figures
        taken |= periods
        found.append(plan)
    return found
