"""Waypoint: a self-hostable field-sales CRM."""

from server.app import create_app

__all__ = ["create_app"]
