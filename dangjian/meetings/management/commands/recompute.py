from django.core.management.base import BaseCommand, CommandError

from dangjian.meetings import tally


class Command(BaseCommand):
    help = "从会议记录重新计算组织生活计数（合规汇总所用）；--check 只核对并列出差异"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只核对，不修改；有差异时以非零状态退出")

    def handle(self, check=False, **options):
        if check:
            diffs = tally.differences()
            for (org, kind, month), have, want in diffs[:50]:
                self.stdout.write(f"组织 {org} {kind} {month:%Y-%m}：计数 {have or (0, 0)}，会议记录 {want or (0, 0)}")
            if diffs:
                raise CommandError(f"组织生活计数与会议记录有 {len(diffs)} 处不一致；运行 dangjian recompute 重新计算")
            self.stdout.write("组织生活计数与会议记录一致")
            return
        rows = tally.recompute()
        self.stdout.write(f"已重新计算组织生活计数：{rows} 行")
