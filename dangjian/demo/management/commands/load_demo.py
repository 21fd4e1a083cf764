from django.core.management.base import BaseCommand

from dangjian.demo.demo import PASSWORD, USERS, load_demo
from dangjian.orgs.models import Organization


class Command(BaseCommand):
    help = "载入演示数据：示范能源集团及种子文章中的各单位党组织、约2000名党员和各角色演示账号"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有组织时不再载入")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, if_empty=False, seed=2026, **options):
        if Organization.objects.exists():
            if if_empty:
                self.stdout.write("数据库中已有数据，跳过演示数据载入。")
                self.print_logins()
                return
            if Organization.objects.filter(code="G").exists():
                self.stderr.write("演示数据已存在。")
                return
        load_demo(seed=seed)
        self.stdout.write(self.style.SUCCESS("演示数据已载入。"))
        self.print_logins()

    def print_logins(self):
        self.stdout.write("\n演示账号（密码均为 %s）：" % PASSWORD)
        from django.contrib.auth import get_user_model

        from dangjian.accounts.models import Grant

        for username, *_rest in USERS:
            user = get_user_model().objects.filter(username=username).first()
            if not user:
                continue
            g = Grant.objects.filter(user=user).select_related("organization").first()
            self.stdout.write(f"  {username:<10} {g.get_role_display():<16} {g.organization.name}  {user.first_name}")
        self.stdout.write("\n打开 http://127.0.0.1:8000/ 登录。")
