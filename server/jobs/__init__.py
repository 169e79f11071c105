"""Background jobs on the queue (procrastinate): the task functions and their schedule.

A job calls the same domain operations as an endpoint and commits through unit_of_work inside
the app context of the worker's Flask app. `flask --app wsgi worker` runs them.
"""

from server.jobs.schedule import register

__all__ = ["register"]
