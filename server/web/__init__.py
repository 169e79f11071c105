"""Serving the built offline app: the shell, its assets, the service worker and the manifest."""
