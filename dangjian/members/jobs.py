"""The roster's background jobs: check an uploaded file, import a checked file, export a filtered list.

Each takes the job (core.models.Job) and finishes it; the tasks in tasks.py only look the job up by id. An import
marks its job done in the transaction that writes the rows, so a worker killed mid-import leaves nothing written
and the job still running — the redelivered task imports the whole file — and one killed after the commit leaves
the job done, so the redelivered task does nothing.
"""
import os
import tempfile
from types import SimpleNamespace

from django.core.files import File
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts.roles import EXPORT

from .exporter import write_roster
from .filtersets import MemberFilterSet
from .importer import import_roster
from .models import Member


def check(job):
    """Validate the uploaded file and keep every error (to 1,000) and the preview; nothing is written."""
    with job.source.open("rb") as fh:
        result = import_roster(fh, user=job.user, commit=False, progress=job.report)
    job.stage = ""
    job.finish(result=result.as_dict())


def import_checked(job):
    """Import the file a check job passed — validated again against today's roster, all rows or none."""
    def saved(result):
        job.stage = ""
        job.finish(result=result.as_dict())

    with job.source.open("rb") as fh:
        result = import_roster(fh, user=job.user, commit=True, progress=job.report, on_saved=saved)
    if not result.ok:  # the roster changed since the check (someone added the same person): nothing was written
        job.stage = ""
        job.finish(result=result.as_dict())
    else:
        job.source.delete(save=False)


def filtered_members(user, query):
    """The members the export of `query` (the list page's filters) contains, or the filter errors."""
    filterset = MemberFilterSet(QueryDict(query), queryset=Member.objects.visible_to(user, EXPORT),
                                request=SimpleNamespace(user=user))
    return (filterset.qs, None) if filterset.is_valid() else (None, filterset.errors)


def export(job):
    qs, errors = filtered_members(job.user, job.params.get("query", ""))
    if errors is not None:
        job.finish(error=_("筛选条件无效，未导出任何数据"))
        return
    total = qs.count()
    job.report(0, total, _("写出 Excel"))
    filename = f"党员花名册_{timezone.localdate():%Y%m%d}.xlsx"
    with tempfile.TemporaryFile(suffix=".xlsx") as tmp:
        count = write_roster(qs, tmp, user=job.user, progress=lambda n: job.report(n))
        tmp.seek(0)
        job.output.save(f"{job.pk}-{os.urandom(8).hex()}.xlsx", File(tmp), save=False)
    job.stage = ""
    job.finish(result={"rows": count, "filename": filename})
