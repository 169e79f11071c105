"""The only module a server process loads.

`app` is for WSGI servers; `python wsgi.py` runs the development server.
"""

from server import create_app
from server.config import Settings
from server.extensions import socketio

app = create_app()

if __name__ == "__main__":
    settings: Settings = app.config["WAYPOINT_SETTINGS"]
    print(f"Waypoint is serving on http://{settings.host}:{settings.port}", flush=True)
    socketio.run(app, host=settings.host, port=settings.port, allow_unsafe_werkzeug=True)
