"""Serving an uploaded file after the scope check — the one way every download of an upload goes out.

Behind nginx (DANGJIAN_X_ACCEL_REDIRECT=/protected/), the response is an empty X-Accel-Redirect that nginx
fulfils from the shared media path, marked `internal` so it cannot be reached directly; without it, the file is
streamed from the configured storage (a shared path, or an S3-compatible store through django-storages)."""
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse


def serve_upload(fieldfile, *, filename=None, as_attachment=True):
    if not fieldfile:
        raise Http404
    filename = filename or fieldfile.name.rsplit("/", 1)[-1]
    prefix = settings.X_ACCEL_REDIRECT_PREFIX
    if prefix:
        response = HttpResponse()
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(fieldfile.name)
        response["Content-Type"] = ""  # nginx sets it from the file
        disposition = "attachment" if as_attachment else "inline"
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
        return response
    try:
        handle = fieldfile.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=as_attachment, filename=filename)
