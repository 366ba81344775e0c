from django.core.management.base import BaseCommand, CommandError

from treem.accounts.demo import DEMO_PASSWORD, create_demo_users
from treem.plans.models import Plan


class Command(BaseCommand):
    help = "Tạo dữ liệu minh họa (DEMO): người dùng cho mỗi vai trò. Chỉ dùng cho máy thử nghiệm."

    def add_arguments(self, parser):
        parser.add_argument("--plan", default=None, help="plan code (default: the newest plan)")

    def handle(self, *args, plan, **options):
        plan_obj = Plan.objects.filter(code=plan).first() if plan else Plan.objects.order_by("-year").first()
        if plan_obj is None:
            raise CommandError("Chưa có kế hoạch nào; chạy load_plan trước.")
        users = create_demo_users(plan_obj.province.code, plan_obj.owner.code)
        self.stdout.write("\nTài khoản minh họa (DEMO) — mật khẩu chung: " + DEMO_PASSWORD)
        for spec, user in users:
            scope = user.agency or user.unit or ""
            self.stdout.write(f"  {spec.username:<10} {user.get_role_display():<32} {scope}")
        self.stdout.write("")
