"""The campaign builder's preview over the capital's polygon on an existing database: without
filters (an audience past COUNT_CAP at 1M accounts) and with the three filters, p50/p95, with
the map cells and, in the same run, without them (every account of the audience read).

    DATABASE_URL=... python -m bench.capped_preview ORG_ID MANAGER_ID
"""

from __future__ import annotations

import sys
import uuid
from typing import Any

from bench.issue_acceptance import PREVIEW_VIEWPORT
from bench.map_viewport import AUDIENCE_FILTERS, AUDIENCE_RING, PAGE, _time
from server.app import create_app
from server.campaigns import queries as campaign_queries
from server.campaigns.schemas import CampaignFilters
from server.core.auth import SystemPrincipal
from server.extensions import db
from server.geo import queries as geo
from server.geo.geojson import Polygon

REPEATS = 10


def main(org_id: str, manager_id: str) -> None:
    """Print the preview's answer and timings, with and without filters."""
    app = create_app()
    principal = SystemPrincipal(id=uuid.UUID(manager_id), org_id=uuid.UUID(org_id), role="manager")
    area = Polygon(type="Polygon", coordinates=[AUDIENCE_RING])
    text, zoom = PREVIEW_VIEWPORT
    bbox = geo.parse_bbox(text)
    cases = [
        (name, filters, use_cells)
        for name, filters in (("no filters", {}), ("3 filters", AUDIENCE_FILTERS))
        for use_cells in (False, True)
    ]
    for name, filters, use_cells in cases:
        chosen = CampaignFilters.model_validate(filters)

        def preview(chosen: CampaignFilters = chosen, use_cells: bool = use_cells) -> Any:
            audience = campaign_queries.audience_of(principal, area, None, chosen)
            answer = campaign_queries.audience_page(audience, PAGE, None, bbox, zoom, use_cells)
            db.session.rollback()
            return answer

        with app.app_context():
            answer = preview()
            members = sum(cluster.count for cluster in answer["clusters"])
            timing = _time(preview, REPEATS)
        way = "cells" if use_cells else "read"
        print(
            f"{name:>10}, {way:>5}: count {answer['count']:,} capped {answer['count_capped']}, "
            f"{len(answer['clusters'])} clusters of {members:,}; "
            f"p50 {timing['p50']:.1f} ms / p95 {timing['p95']:.1f} ms"
        )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
