"""Helpers for tests that start real processes (gunicorn, nginx, the dangjian command) on loopback."""
import os
import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def clean_environ():
    """This process's environment for a server or command started here — without what the test run itself set
    (the browser fixture allows async-unsafe calls in-process; a server must not inherit that)."""
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, proc, seconds=40):
    """The first answer of `url` (any status), failing if `proc` exits first or nothing answers in time."""
    import time
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            return urllib.request.urlopen(url, timeout=5)
        except urllib.error.HTTPError as e:
            return e
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{url} did not come up")
            time.sleep(0.3)


def start_nginx(tmp_path, app_ports, static_root, media_root):
    """The shipped deploy/nginx.conf with its two upstreams pointed at `app_ports`, on a free loopback port.
    Returns (process, base url)."""
    import subprocess

    web = free_port()
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = (site.replace("127.0.0.1:8001", f"127.0.0.1:{app_ports[0]}").replace("127.0.0.1:8002", f"127.0.0.1:{app_ports[1]}")
            .replace("listen 80;", f"listen 127.0.0.1:{web};").replace("/srv/dangjian/static/", f"{static_root}/")
            .replace("/srv/dangjian/media/", f"{media_root}/"))
    conf = tmp_path / "nginx"
    conf.mkdir(exist_ok=True)
    (conf / "site.conf").write_text(site)
    user = "user root;" if os.geteuid() == 0 else ""
    (conf / "nginx.conf").write_text(f"""{user}
worker_processes 1; pid {conf}/nginx.pid; error_log {conf}/error.log;
events {{ worker_connections 512; }}
http {{ include /etc/nginx/mime.types; access_log {conf}/access.log;
  client_body_temp_path {conf}/body; proxy_temp_path {conf}/proxy;
  fastcgi_temp_path {conf}/fcgi; uwsgi_temp_path {conf}/uwsgi; scgi_temp_path {conf}/scgi;
  include {conf}/site.conf; }}
""")
    check = subprocess.run(["/usr/sbin/nginx", "-t", "-p", str(conf), "-c", str(conf / "nginx.conf")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen(["/usr/sbin/nginx", "-p", str(conf), "-c", str(conf / "nginx.conf"), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, f"http://127.0.0.1:{web}"


def stop(processes, timeout=30):
    """Stop what a test started, by process id: terminate, then kill what does not exit."""
    import subprocess

    for p in processes:
        if p.poll() is None:
            p.terminate()
    for p in processes:
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=10)


class Browser:
    """A logged-in HTTP client that fills forms the way a browser does (every field as the page sent it)."""

    def __init__(self, base):
        import urllib.request
        from http.cookiejar import CookieJar

        self.base = base
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def get(self, path, timeout=30):
        return self._open(path, None, timeout)

    def post(self, path, data, timeout=30, content_type=None):
        return self._open(path, data, timeout, content_type)

    def _open(self, path, data, timeout, content_type=None):
        """(status, body) — redirects are not followed, so a 302 after a save is seen as such."""
        import urllib.error
        import urllib.parse
        import urllib.request

        if isinstance(data, dict):
            data = urllib.parse.urlencode(data, doseq=True).encode()
        headers = {"Referer": self.base + path}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read().decode("utf-8", "replace"), response.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace"), e.headers

    def login(self, username, password="dangjian2026"):
        status, page, _h = self.get("/login/")
        fields = form_fields(page, "username")
        status, _body, _h = self.post("/login/", {**fields, "username": username, "password": password})
        assert status == 302, f"login of {username} failed: {status}"
        return self

    def form(self, path, must_have):
        status, page, _h = self.get(path)
        assert status == 200, f"{path}: {status}"
        return form_fields(page, must_have)


def form_fields(html, must_have):
    """The fields the first POST form containing a field named `must_have` would submit, as a browser would."""
    from html.parser import HTMLParser

    class Forms(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.forms, self.current, self.select, self.textarea = [], None, None, None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form":
                self.current = {"method": (a.get("method") or "get").lower(), "fields": [], "names": set()}
                self.forms.append(self.current)
            if self.current is None:
                return
            name = a.get("name")
            if name:
                self.current["names"].add(name)
            if tag == "input" and name:
                kind = (a.get("type") or "text").lower()
                if kind in ("radio", "checkbox"):
                    if "checked" in a:
                        self.current["fields"].append((name, a.get("value", "on")))
                elif kind not in ("submit", "button", "file", "reset"):
                    self.current["fields"].append((name, a.get("value") or ""))
            elif tag == "select" and name:
                self.select = {"name": name, "first": None, "chosen": None}
            elif tag == "option" and self.select is not None:
                value = a.get("value", "")
                if self.select["first"] is None:
                    self.select["first"] = value
                if "selected" in a:
                    self.select["chosen"] = value
            elif tag == "textarea" and name:
                self.textarea = [name, ""]

        def handle_endtag(self, tag):
            if tag == "form":
                self.current = None
            elif tag == "select" and self.select is not None and self.current is not None:
                s = self.select
                value = s["chosen"] if s["chosen"] is not None else s["first"]
                if value is not None:
                    self.current["fields"].append((s["name"], value))
                self.select = None
            elif tag == "textarea" and self.textarea is not None and self.current is not None:
                self.current["fields"].append(tuple(self.textarea))
                self.textarea = None

        def handle_data(self, data):
            if self.textarea is not None:
                self.textarea[1] += data

    parser = Forms()
    parser.feed(html)
    for form in parser.forms:
        if form["method"] == "post" and must_have in form["names"]:
            fields = {}
            for name, value in form["fields"]:  # a repeated name (checkboxes) becomes a list
                if name in fields:
                    fields[name] = [*fields[name], value] if isinstance(fields[name], list) else [fields[name], value]
                else:
                    fields[name] = value
            return fields
    raise AssertionError(f"no POST form with a field {must_have!r}")


def multipart(fields, files):
    """(body, content type) of a multipart/form-data POST: fields {name: value}, files {name: (filename, bytes)}."""
    import uuid

    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _no_redirect():
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    return NoRedirect


_NoRedirect = _no_redirect()


def unit_command(unit, *, instance=None, var_dir=None):
    """(argv, environment) of a shipped systemd unit (deploy/<unit>) as it would run here: ExecStart split into
    arguments, Environment= lines, %i as `instance`, the install paths (/srv/dangjian/app, /srv/dangjian/var) as
    this checkout and `var_dir`. The cluster test starts its processes this way, so the units cannot rot."""
    import shlex

    text = (ROOT / "deploy" / unit).read_text()
    env, argv, reload = {}, None, None
    for line in text.splitlines():
        line = line.strip()
        if instance is not None:
            line = line.replace("%i", str(instance))
        line = line.replace("/srv/dangjian/app", str(ROOT))
        if var_dir is not None:
            line = line.replace("/srv/dangjian/var", str(var_dir))
        if line.startswith("Environment="):
            key, _eq, value = line[len("Environment="):].partition("=")
            env[key] = value
        elif line.startswith("ExecStart="):
            argv = shlex.split(line[len("ExecStart="):])
        elif line.startswith("ExecReload="):
            reload = shlex.split(line[len("ExecReload="):])
    assert argv, f"{unit} has no ExecStart"
    return argv, env, reload


def env_template():
    """deploy/dangjian.env.example as a dict (what EnvironmentFile= gives the units)."""
    out = {}
    for line in (ROOT / "deploy" / "dangjian.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _eq, value = line.partition("=")
            out[key.strip()] = value.strip()
    return out
