import unicodedata

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from dangjian.accounts.models import Grant
from dangjian.demo.demo import PASSWORD, USERS, load_demo
from dangjian.orgs.models import Organization


def width(text):
    """Columns a string takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text, columns):
    return text + " " * max(0, columns - width(text))


class Command(BaseCommand):
    help = "载入演示数据：示范能源集团及种子文章中的各单位党组织、约2000名党员和各角色演示账号"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有组织时不再载入")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, if_empty=False, seed=2026, **options):
        if Organization.objects.exists():
            if if_empty:
                self.stdout.write(_("数据库中已有数据，跳过演示数据载入。"))
                self.print_logins()
                return
            if Organization.objects.filter(code="G").exists():
                self.stderr.write(_("演示数据已存在（组织代码 G），未重复载入。"))
                return
        load_demo(seed=seed)
        self.stdout.write(self.style.SUCCESS(_("演示数据已载入。")))
        self.print_logins()

    def print_logins(self):
        """The demo accounts as a table, so whoever ran `make run` can log in straight away."""
        users = {u.username: u for u in get_user_model().objects.filter(username__in=[u[0] for u in USERS])}
        grants = {g.user_id: g for g in Grant.objects.filter(user__in=users.values()).select_related("organization")}
        rows = [(_("账号"), _("密码"), _("角色"), _("授权组织"), _("姓名"))]
        for username, *_rest in USERS:
            user = users.get(username)
            grant = grants.get(user.pk) if user else None
            if grant:
                rows.append((username, PASSWORD, str(grant.get_role_display()), grant.organization.name, user.first_name))
        if len(rows) == 1:
            return
        widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
        self.stdout.write("\n" + _("演示账号："))
        for i, row in enumerate(rows):
            self.stdout.write("  " + "  ".join(pad(cell, w) for cell, w in zip(row, widths)).rstrip())
            if i == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
        self.stdout.write("\n" + _("打开 http://127.0.0.1:8000/ 登录。"))
