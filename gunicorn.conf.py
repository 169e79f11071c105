"""Production server settings: `gunicorn -c gunicorn.conf.py`, HTTP and /socket.io on one port.

gunicorn's gevent worker: each connection (an HTTP request, a keep-alive connection, an open
websocket) is a greenlet, so thousands of idle websockets cost memory, not threads, and never
keep an HTTP request waiting. The worker monkey-patches the standard library before it imports
the app, and WAYPOINT_ASYNC_MODE=gevent (set by post_fork below) tells the app to run
Flask-SocketIO in gevent mode (websockets through simple-websocket on gevent's events), never
left to guessing from what is installed. This file runs before the patching, in the process
the worker is forked from: it must import nothing of the app and nothing that imports psycopg,
whose queries would then block the whole worker (the app refuses to start when that happened).

One worker per process: Socket.IO needs every request of a client to reach the same process,
which gunicorn's own balancing does not do. To scale out, run more gunicorn processes behind a
load balancer with sticky sessions, all sharing SECRET_KEY and REDIS_URL.

Environment: HOST and PORT (127.0.0.1:8000), GUNICORN_WORKER_CONNECTIONS (4000: open websockets
plus HTTP connections at once), GUNICORN_ACCESS_LOG (a file, or "-" for stderr; no access log
when unset).
"""

import os
import resource

wsgi_app = "wsgi:app"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
worker_class = "gevent"
workers = 1
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS") or 4000)
# An idle keep-alive connection waits as a greenlet, holding one of worker_connections.
keepalive = 30
# The worker reports in every second from gevent's loop: a loop blocked this long (a call that
# does not yield) gets the worker restarted.
timeout = 60
# On SIGTERM requests under way get this long to finish; open websockets never finish on their
# own, so they are closed then (their clients reconnect, to another process or this one again).
graceful_timeout = 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# Newer gunicorn opens a control socket at one fixed path in $HOME: a second process on the
# same host (scaling out) would take it over from the first. Nothing here uses it.
control_socket_disable = True

# Every connection is a file descriptor; the database pool, Redis, the job queue and the files
# served need some more. Raise the soft limit (the worker inherits it) as far as the hard limit
# allows.
FILES_BESIDE_CONNECTIONS = 512
_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
_wanted = worker_connections + FILES_BESIDE_CONNECTIONS
if _soft != resource.RLIM_INFINITY and _soft < _wanted:
    _raised = _wanted if _hard == resource.RLIM_INFINITY else min(_wanted, _hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (_raised, _hard))


def post_fork(server, worker):
    """Tell the app, which the worker imports next, how this worker runs connections: gevent for
    gunicorn's gevent worker (this file's), threads for any other worker class given with -k."""
    gevent_worker = any(
        cls.__module__ == "gunicorn.workers.ggevent" for cls in type(worker).__mro__
    )
    os.environ["WAYPOINT_ASYNC_MODE"] = "gevent" if gevent_worker else "threading"
