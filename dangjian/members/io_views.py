"""Roster import (upload → preview with every error → confirm) and export of the filtered list."""
import os
import tempfile
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.accounts.roles import EXPORT, IMPORT
from dangjian.core.scope import grant_paths

from .exporter import build_template, write_roster
from .filtersets import MemberFilterSet
from .importer import RosterFileError, check_upload, import_file_path, import_roster
from .models import Member
from .roster import COLUMNS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "roster_import_token"


def _require(user, action):
    if not (user.is_superuser or grant_paths(user, action)):
        raise PermissionDenied


@login_required
def template(request):
    _require(request.user, IMPORT)
    response = HttpResponse(build_template(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E5%85%9A%E5%91%98%E8%8A%B1%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx"
    return response


@login_required
def upload(request):
    """Step 1 and 2: upload, then a preview that lists every error (nothing is written yet)."""
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
    token = uuid.uuid4().hex
    path = import_file_path(token)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        for chunk in f.chunks():
            out.write(chunk)
    with open(path, "rb") as fh:
        result = import_roster(fh, user=request.user, commit=False)
    if result.ok:
        request.session[SESSION_KEY] = {"token": token, "name": f.name, "user": request.user.pk}
    else:
        os.remove(path)
    return render(request, "members/import_preview.html", {"result": result, "filename": f.name, "token": token,
                                                           "columns": COLUMNS})


@login_required
@require_POST
def confirm(request):
    """Step 3: import the previewed file — validated again, all rows or none."""
    _require(request.user, IMPORT)
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("token") != request.POST.get("token") or pending.get("user") != request.user.pk:
        messages.error(request, _("导入已过期或无效，请重新上传文件"))
        return redirect("members:import")
    path = import_file_path(pending["token"])
    if not os.path.exists(path):
        messages.error(request, _("导入已过期或无效，请重新上传文件"))
        return redirect("members:import")
    with open(path, "rb") as fh:
        result = import_roster(fh, user=request.user, commit=True)
    del request.session[SESSION_KEY]
    os.remove(path)
    if not result.ok:  # the database changed between preview and confirm (e.g. someone added the same person)
        return render(request, "members/import_preview.html", {"result": result, "filename": pending["name"],
                                                               "columns": COLUMNS})
    messages.success(request, _("已导入 %(n)d 名党员") % {"n": result.created})
    return redirect("members:list")


@login_required
def export(request):
    """The current filtered list as .xlsx, spooled to a temporary file and streamed."""
    _require(request.user, EXPORT)
    filterset = MemberFilterSet(request.GET, queryset=Member.objects.visible_to(request.user, EXPORT), request=request)
    if not filterset.is_valid():  # never fall back to "everyone" when a filter cannot be applied
        return render(request, "members/export_error.html", {"errors": filterset.errors}, status=400)
    qs = filterset.qs
    tmp = tempfile.TemporaryFile(suffix=".xlsx")
    write_roster(qs, tmp, user=request.user)
    tmp.seek(0)
    filename = f"党员花名册_{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(tmp, as_attachment=True, filename=filename, content_type=XLSX)
