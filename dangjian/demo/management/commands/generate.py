import time

from django.core.management.base import BaseCommand, CommandError

from dangjian.demo.generate import generate, generated_root, remove_generated


class Command(BaseCommand):
    help = "生成压测数据：约 N/20 个党支部和 N 名党员（默认 100000），独立的“压测集团党委”"

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=100000)
        parser.add_argument("--replace", action="store_true", help="已有压测数据时先删除再生成")

    def handle(self, members, replace=False, **options):
        if members < 1:
            raise CommandError("--members 须为正整数")
        if generated_root() is not None:
            if not replace:
                raise CommandError("压测数据已存在；如需重新生成请加 --replace")
            remove_generated()
        started = time.perf_counter()
        generate(members, log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"完成，用时 {time.perf_counter() - started:.1f} 秒"))
