"""nginx in front of app processes, configured by the example in deploy/nginx/waypoint.conf.

The example is rendered, not copied: its listen ports, its upstream servers and its certificate
paths are replaced (each replacement must find its line, so an edit of the example that the
rendering no longer understands fails here), and it is included in a small nginx.conf of the
test's own that keeps pid, logs and temporary files in one directory. nginx runs in the
foreground, on unprivileged ports, stopped at the end. Its access log says, for every request,
which app process answered it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import requests

from tests.support.app_process import ROOT, AppProcess, free_port

EXAMPLE = ROOT / "deploy" / "nginx" / "waypoint.conf"
START_TIMEOUT_S = 15.0
# Every request the access log records, one JSON object a line.
LOG_FORMAT = (
    "log_format upstreams escape=json "
    '\'{"upstream": "$upstream_addr", "status": "$status", '
    '"method": "$request_method", "uri": "$request_uri", '
    '"client": "$http_x_test_client"}\';'
)
MAIN_CONF = """\
{user}
worker_processes 1;
pid {dir}/nginx.pid;
events {{
    worker_connections 1024;
}}
http {{
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    {log_format}
    access_log {dir}/access.log upstreams;
    include {dir}/waypoint.conf;
}}
"""


def nginx_binary() -> str:
    """nginx, which `make test` installs (scripts/ensure-servers.sh) when missing."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if found is None:
        raise RuntimeError("nginx is missing: run scripts/ensure-servers.sh")
    return found


def _replace(text: str, pattern: str, replacement: str, count: int = 1) -> str:
    rendered, found = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    if found != count:
        raise AssertionError(f"{EXAMPLE.name}: expected {count} line(s) matching {pattern!r}")
    return rendered


def render_example(
    https_port: int, http_port: int, upstreams: Sequence[str], certificate: Path, key: Path
) -> str:
    """The example config with its ports, app processes and certificate made the test's."""
    text = EXAMPLE.read_text()
    text = _replace(text, r"^(\s*)listen 443 ssl;$", rf"\1listen 127.0.0.1:{https_port} ssl;")
    text = _replace(text, r"^(\s*)listen 80;$", rf"\1listen 127.0.0.1:{http_port};")
    text = _replace(text, r"^(\s*)ssl_certificate \S+;$", rf"\1ssl_certificate {certificate};")
    text = _replace(text, r"^(\s*)ssl_certificate_key \S+;$", rf"\1ssl_certificate_key {key};")
    servers = "".join(f"    server {upstream};\n" for upstream in upstreams)
    return _replace(text, r"^(?:\s*server 127\.0\.0\.1:\d+;\n)+", servers)


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (and its key), valid for a day."""
    certificate, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            shutil.which("openssl") or "openssl",
            *("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(key), "-out", str(certificate)),
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key


class Nginx:
    """nginx with the example config in front of some app processes, over TLS."""

    def __init__(self, directory: Path, apps: Sequence[AppProcess]) -> None:
        self.dir = directory
        self.port = free_port()
        self.redirect_port = free_port()
        self.certificate, key = make_certificate(directory)
        self.upstreams = {f"127.0.0.1:{app.port}": app for app in apps}
        site = render_example(
            self.port, self.redirect_port, list(self.upstreams), self.certificate, key
        )
        (directory / "waypoint.conf").write_text(site)
        # As root the workers would switch to an account that may not enter the test's directory.
        user = "user root;" if os.geteuid() == 0 else ""
        main = MAIN_CONF.format(user=user, dir=directory, log_format=LOG_FORMAT)
        (directory / "nginx.conf").write_text(main)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Where browsers reach the app."""
        return f"https://127.0.0.1:{self.port}"

    def session(self) -> requests.Session:
        """A requests session that trusts this nginx's certificate."""
        session = requests.Session()
        session.verify = str(self.certificate)
        session.trust_env = False  # REQUESTS_CA_BUNDLE would replace the certificate
        return session

    def start(self) -> Nginx:
        """Start nginx in the foreground and wait until it passes /healthz to an app."""
        command = [
            nginx_binary(),
            *("-p", str(self.dir), "-c", str(self.dir / "nginx.conf")),
            *("-e", str(self.dir / "error.log"), "-g", "daemon off;"),
        ]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        with self.session() as probe:
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    if probe.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                        return self
                except requests.RequestException:
                    time.sleep(0.05)
        self.stop()
        raise RuntimeError(self.error_log())

    def stop(self) -> None:
        """Stop nginx (SIGTERM: at once, open websockets too) and wait until it has exited."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def error_log(self) -> str:
        """The end of nginx's error log."""
        path = self.dir / "error.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def access_log(self) -> list[dict[str, Any]]:
        """Every request logged so far (a websocket is logged once it has closed), each with
        `app`: the AppProcess that answered it (None when no app did)."""
        path = self.dir / "access.log"
        lines = path.read_text().splitlines() if path.exists() else []
        entries = [json.loads(line) for line in lines]
        for entry in entries:
            # Retried on another process: "a, b"; the last one answered.
            answered = entry["upstream"].split(", ")[-1]
            entry["app"] = self.upstreams.get(answered)
        return entries


def running_nginx(directory: Path, apps: Sequence[AppProcess]) -> Iterator[Nginx]:
    """nginx in front of `apps` for the duration of a fixture."""
    proxy = Nginx(directory, apps).start()
    try:
        yield proxy
    finally:
        proxy.stop()
