from django.core.management.base import BaseCommand, CommandError

from dangjian.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库和上传的文件到一个目录（PostgreSQL：pg_dump 自定义格式；SQLite：在线备份）"

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, directory, **options):
        try:
            manifest = backup(directory)
        except BackupError as e:
            raise CommandError(str(e)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(f"已备份到 {directory}：{len(manifest['tables'])} 张表、{rows} 行、{manifest['files']} 个文件")
