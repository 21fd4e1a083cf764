from django.core.management.base import BaseCommand, CommandError

from dangjian.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "从 backup 生成的目录恢复数据库和上传的文件（会覆盖当前数据），恢复后核对每张表的行数"

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接覆盖当前数据")

    def handle(self, directory, yes=False, **options):
        if not yes and input("恢复将覆盖当前全部数据和上传的文件，输入 yes 继续：").strip() != "yes":
            raise CommandError("已取消")
        try:
            manifest = restore(directory)
        except BackupError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"已从 {directory} 恢复：{len(manifest['tables'])} 张表的行数与备份一致")
