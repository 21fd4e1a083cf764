"""Roster import (upload → check with every error → confirm) and export of the filtered list; large ones as jobs."""
import os
import tempfile
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.accounts.roles import EXPORT, IMPORT
from dangjian.core import jobs as jobs_core
from dangjian.core.models import Job
from dangjian.core.scope import grant_paths

from . import jobs as member_jobs
from . import tasks
from .exporter import build_template, write_roster
from .filtersets import MemberFilterSet
from .importer import RosterFileError, check_upload
from .models import Member
from .roster import COLUMNS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONFIRMED = "已确认导入"


def _require(user, action):
    if not (user.is_superuser or grant_paths(user, action)):
        raise PermissionDenied


@login_required
def template(request):
    _require(request.user, IMPORT)
    response = HttpResponse(build_template(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E5%85%9A%E5%91%98%E8%8A%B1%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx"
    return response


def _run(job, task, work, *, background):
    """Queue the job (a worker runs it; the page shows progress) or, for a small one, do it in this request."""
    if background:
        return jobs_core.start(job, task)
    jobs_core.run(job.pk, work)
    job.refresh_from_db()
    return job


@login_required
def upload(request):
    """Step 1 and 2: upload, then a check that lists every error (nothing is written yet). A large file is
    checked by a background job: the page shows its progress and the user may come back to it."""
    _require(request.user, IMPORT)
    if request.method != "POST":
        return render(request, "members/import.html", {"columns": COLUMNS})
    f = request.FILES.get("file")
    if f is None:
        return render(request, "members/import.html", {"columns": COLUMNS, "upload_error": _("请选择要导入的 Excel 文件")})
    try:
        check_upload(f.name, f.size)
    except RosterFileError as e:
        return render(request, "members/import.html", {"columns": COLUMNS, "upload_error": str(e)})
    job = Job(kind=Job.Kind.ROSTER_CHECK, user=request.user, params={"filename": f.name})
    job.source.save(uuid.uuid4().hex + os.path.splitext(f.name)[1].lower(), f, save=True)
    background = f.size >= settings.IMPORT_TASK_BYTES
    job = _run(job, tasks.check_roster, member_jobs.check, background=background)
    if background:
        return redirect("jobs:detail", job.pk)
    return render(request, "core/job.html", {"job": job})


@login_required
@require_POST
def confirm(request):
    """Step 3: import the checked file — validated again, all rows or none. Only its uploader may, once."""
    _require(request.user, IMPORT)
    checked = Job.objects.owned_by(request.user).filter(
        pk=request.POST.get("job") if str(request.POST.get("job", "")).isdigit() else None,
        kind=Job.Kind.ROSTER_CHECK, status=Job.Status.DONE, result__error_count=0).first()
    # claimed by one UPDATE, so a double click or a second tab cannot import the file twice
    if checked is None or not Job.objects.filter(pk=checked.pk, stage="").update(stage=CONFIRMED):
        messages.error(request, _("导入已过期或已提交，请重新上传文件"))
        return redirect("members:import")
    job = Job.objects.create(kind=Job.Kind.ROSTER_IMPORT, user=request.user, source=checked.source.name,
                             params={"filename": checked.params.get("filename", ""), "checked": checked.pk})
    background = checked.source.size >= settings.IMPORT_TASK_BYTES
    job = _run(job, tasks.import_roster, member_jobs.import_checked, background=background)
    if background:
        return redirect("jobs:detail", job.pk)
    if job.status == Job.Status.DONE and not job.result.get("error_count"):
        messages.success(request, _("已导入 %(n)d 名党员") % {"n": job.result["created"]})
        return redirect("members:list")
    return render(request, "core/job.html", {"job": job})


@login_required
def export(request):
    """The current filtered list as .xlsx, spooled to a temporary file and streamed."""
    _require(request.user, EXPORT)
    filterset = MemberFilterSet(request.GET, queryset=Member.objects.visible_to(request.user, EXPORT), request=request)
    if not filterset.is_valid():  # never fall back to "everyone" when a filter cannot be applied
        return render(request, "members/export_error.html", {"errors": filterset.errors}, status=400)
    qs = filterset.qs
    if qs.count() >= settings.EXPORT_TASK_ROWS:  # a large export is written by a worker; the page shows progress
        job = Job.objects.create(kind=Job.Kind.ROSTER_EXPORT, user=request.user,
                                 params={"query": request.GET.urlencode()})
        jobs_core.start(job, tasks.export_roster)
        return redirect("jobs:detail", job.pk)
    tmp = tempfile.TemporaryFile(suffix=".xlsx")
    write_roster(qs, tmp, user=request.user)
    tmp.seek(0)
    filename = f"党员花名册_{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(tmp, as_attachment=True, filename=filename, content_type=XLSX)
