"""The demo organisation: realistic accounts along a real city's streets."""
