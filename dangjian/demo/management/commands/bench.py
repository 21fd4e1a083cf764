from django.core.management import call_command
from django.core.management.base import BaseCommand

from dangjian.demo.benchmarks import run, vendor, write_report


class Command(BaseCommand):
    help = "性能基准：在当前数据库上生成（或复用）压测数据并测量各项指标，写入 bench-results.json"

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=100000)
        parser.add_argument("--output", default="bench-results.json")
        parser.add_argument("--append", action="store_true", help="合并到已有的结果文件")

    def handle(self, members, output, append=False, **options):
        call_command("migrate", verbosity=0)
        figures = run(members, log=self.stdout.write)
        self.stdout.write(f"\n== {vendor()} · {members} members ==")
        for f in figures:
            self.stdout.write(f.line())
        write_report(figures, output, append)
        self.stdout.write(f"结果已写入 {output}")
