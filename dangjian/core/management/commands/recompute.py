from django.core.management.base import BaseCommand, CommandError

from dangjian.core.tallies import registered


class Command(BaseCommand):
    help = "从原始记录重新计算数据库维护的计数（组织生活计数、党员人数计数）；--check 只核对并列出差异"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只核对，不修改；有差异时以非零状态退出")

    def handle(self, check=False, **options):
        if not check:
            for tally in registered():
                self.stdout.write(f"已重新计算{tally.label}：{tally.recompute()} 行")
            return
        total = 0
        for tally in registered():
            diffs = tally.differences()
            total += len(diffs)
            for key, have, want in diffs[:50]:
                self.stdout.write(f"{tally.label} {key}：计数 {have}，原始记录 {want}")
            self.stdout.write(f"{tally.label}：{'一致' if not diffs else f'{len(diffs)} 处不一致'}")
        if total:
            raise CommandError(f"计数与原始记录有 {total} 处不一致；运行 dangjian recompute 重新计算")
