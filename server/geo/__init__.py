"""The spatial room: the only place that spells ST_* functions, `<->` or an SRID."""
