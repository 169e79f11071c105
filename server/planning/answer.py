"""A solved day in the API's shape: legs with their links, times of day, the matrix."""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime, timedelta
from typing import Literal

from server.geo.geojson import LineString, Point
from server.planning import navigation
from server.planning.matrix import LngLat, TravelMatrix
from server.planning.navigation import LegLinks
from server.planning.plan_stop import PlanStop
from server.planning.queries import StopRow
from server.planning.schemas import (
    Leg,
    PlanMatrix,
    PlanOut,
    PlanRequest,
    Unplanned,
)
from server.planning.solver import DayPlan


def plan_answer(
    request: PlanRequest,
    stops: list[StopRow],
    departure: datetime,
    points: list[LngLat],
    matrix: TravelMatrix,
    plan: DayPlan,
    geometry: LineString | None = None,
) -> PlanOut:
    """The answer to POST /routes/plan for `plan`, made on `matrix` over `points` (the start,
    the stops in request order, then the end when one was given), with the road line
    `geometry` when the routing service gave one."""
    route = route_indices(request, stops, plan)
    pairs = list(itertools.pairwise(route))
    legs = [
        _leg(stops, points, matrix, here, there, to_end=there == len(stops) + 1)
        for here, there in pairs
    ]

    def at(seconds: int) -> datetime:
        return departure + timedelta(seconds=seconds)

    urls = navigation.google_urls([points[index] for index in route])
    ids = ["start", *(str(stop.id) for stop in stops)]
    if request.end is not None:
        ids.append("end")
    return PlanOut(
        order=[stops[number].id for number in plan.order],
        legs=legs,
        total_distance_m=sum(leg.distance_m for leg in legs),
        total_duration_s=sum(leg.duration_s for leg in legs),
        arrivals={stops[visit.stop].id: at(visit.begins_at) for visit in plan.visits},
        departures={stops[visit.stop].id: at(visit.leaves_at) for visit in plan.visits},
        unplanned=[Unplanned(id=stops[number].id, reason=why) for number, why in plan.unplanned],
        navigation_url=urls[0] if urls else None,
        navigation_urls=urls,
        provider=matrix.provider,
        matrix=PlanMatrix(ids=ids, distance_m=matrix.distance_m, duration_s=matrix.duration_s),
        stops=[
            PlanStop(
                id=stop.id,
                name=stop.name,
                location=Point.at(stop.lng, stop.lat),
                task_id=stop.task_id,
            )
            for stop in stops
        ],
        geometry=geometry,
    )


def route_indices(request: PlanRequest, stops: list[StopRow], plan: DayPlan) -> list[int]:
    """The route as matrix indices: start, each stop in order, then the end when one was
    given (without one the day ends at its last visit)."""
    route = [0, *(number + 1 for number in plan.order)]
    if request.end is not None:
        route.append(len(stops) + 1)
    return route


def _leg(
    stops: list[StopRow],
    points: list[LngLat],
    matrix: TravelMatrix,
    here: int,
    there: int,
    *,
    to_end: bool,
) -> Leg:
    """The leg between matrix indices `here` and `there` (the end point: "end")."""
    origin: Literal["start"] | uuid.UUID = "start" if here == 0 else stops[here - 1].id
    destination: uuid.UUID | Literal["end"] = "end" if to_end else stops[there - 1].id
    return Leg.model_validate(
        {
            "from": origin,
            "to": destination,
            "distance_m": matrix.distance_m[here][there],
            "duration_s": matrix.duration_s[here][there],
            "links": LegLinks(**navigation.leg_links(points[here], points[there])),
        }
    )
