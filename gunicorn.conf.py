"""Production server settings: `gunicorn -c gunicorn.conf.py`.

Flask-SocketIO runs in threading mode with simple-websocket, which gunicorn's threaded (gthread)
worker serves: every open websocket holds one thread, so `threads` also caps live connections.
One worker per process: Socket.IO needs every request of a client to reach the same process,
which gunicorn's own balancing does not do. To scale out, run more gunicorn processes behind a
load balancer with sticky sessions, all sharing SECRET_KEY and REDIS_URL.

Environment: HOST and PORT (127.0.0.1:8000), GUNICORN_THREADS (32), GUNICORN_ACCESS_LOG (a file,
or "-" for stderr; no access log when unset).
"""

import os

wsgi_app = "wsgi:app"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = 1
threads = int(os.environ.get("GUNICORN_THREADS") or 32)
# Idle keep-alive connections wait in the worker's poller, not in a thread.
keepalive = 30
timeout = 60
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# Newer gunicorn opens a control socket at one fixed path in $HOME: a second process on the
# same host (scaling out) would take it over from the first. Nothing here uses it.
control_socket_disable = True
