from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dangjian.members.exporter import write_roster
from dangjian.members.models import Member
from dangjian.orgs.models import Organization


class Command(BaseCommand):
    help = "导出花名册到 Excel（在册党员；可限定组织及其下级）"

    def add_arguments(self, parser):
        parser.add_argument("out")
        parser.add_argument("--org", help="组织编码（含下级组织）")
        parser.add_argument("--user", help="按该用户的管辖范围导出（身份证号按其权限脱敏）")
        parser.add_argument("--report-memory", action="store_true", help="结束时输出本进程的峰值内存（供基准测试）")

    def handle(self, out, org=None, user=None, **options):
        actor = None
        qs = Member.objects.on_roll()
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户 {user} 不存在")
            qs = Member.objects.visible_to(actor, "export").on_roll()
        if org:
            o = Organization.objects.filter(code=org).first()
            if o is None:
                raise CommandError(f"组织编码 {org} 不存在")
            qs = qs.in_subtree(o)
        with open(out, "wb") as fh:
            n = write_roster(qs, fh, user=actor)
        self.stdout.write(self.style.SUCCESS(f"已导出 {n} 名党员到 {out}"))
        if options.get("report_memory"):
            # VmHWM belongs to this process image alone; getrusage's maxrss would also carry the peak of the
            # process that spawned us (Linux keeps it across vfork/exec).
            with open("/proc/self/status") as fh:
                hwm = next(line.split()[1] for line in fh if line.startswith("VmHWM"))
            self.stdout.write(f"peak_rss_kb={hwm}")
