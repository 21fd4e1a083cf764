"""A background job's page: progress while it runs (htmx polls the partial), then its result — rendered by the
template of the job's kind (`jobs/<kind>.html`, owned by the app that runs it) — and the file to download."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .files import serve_upload
from .models import Job


def _job(request, pk):
    return get_object_or_404(Job.objects.owned_by(request.user), pk=pk)


@login_required
@require_GET
def detail(request, pk):
    return render(request, "core/job.html", {"job": _job(request, pk)})


@login_required
@require_GET
def progress(request, pk):
    return render(request, "core/_job.html", {"job": _job(request, pk)})


@login_required
@require_GET
def download(request, pk):
    job = _job(request, pk)
    return serve_upload(job.output, filename=job.result.get("filename"))
