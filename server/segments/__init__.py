"""Saved segments: an area and filters kept under a name; members computed when used."""
