"""Location-targeted campaigns: an audience from an area and filters, launched as visit tasks."""
