from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dangjian.members.importer import RosterFileError, check_upload, import_roster


class Command(BaseCommand):
    help = "从 Excel 花名册导入党员：逐行校验，有任何错误则列出全部错误、不写入任何数据并以非零状态退出"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="以该用户的管辖范围导入（默认：系统，不限范围）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")

    def handle(self, file, user=None, dry_run=False, **options):
        import os

        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户 {user} 不存在")
        try:
            check_upload(file, os.path.getsize(file))
        except OSError:
            raise CommandError(f"无法打开文件 {file}") from None
        except RosterFileError as e:
            raise CommandError(str(e)) from None
        with open(file, "rb") as fh:
            result = import_roster(fh, user=actor, commit=not dry_run)
        for error in result.errors:
            self.stderr.write(str(error))
        if result.errors:
            raise CommandError(f"共 {result.total_rows} 行，{len(result.errors)} 处错误，未导入任何数据")
        if dry_run:
            self.stdout.write(self.style.SUCCESS(f"校验通过：{result.total_rows} 行（未写入）"))
        else:
            self.stdout.write(self.style.SUCCESS(f"已导入 {result.created} 名党员"))
