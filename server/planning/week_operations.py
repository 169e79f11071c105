"""Plan my week: what is due and booked, as one problem on the plan's clock, and the answer as
days of visits (and, when asked, as the caller's tasks).

The work comes in three steps so that neither the routing service nor the solver runs while a
transaction is open: `week_inputs` reads (a short transaction), `solve_week` computes (no
database), `save_week` writes the visits as tasks (a unit of work holding the caller's
planning lock, in which the earlier plan's untouched tasks are found again and replaced).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.core.auth import Principal
from server.core.clock import new_id
from server.core.concurrency import off_the_event_loop
from server.geo.geojson import Point
from server.planning import navigation, week
from server.planning.matrix import LngLat, TravelMatrix, travel_matrix
from server.planning.navigation import LegLinks
from server.planning.plan_stop import PlanStop
from server.planning.solver import Visit
from server.planning.week_queries import (
    Appointment,
    DueAccount,
    appointment_of,
    booked_tasks,
    due_accounts,
)
from server.planning.week_schemas import DayPlan, Leg, PlanWeekIn, Unplanned, WeekPlanOut
from server.tasks import operations as tasks
from server.tasks.operations import PlannedTask

# A visit takes this long, appointments too (the same default as a day's plan).
SERVICE_S = 1_200


@dataclass(frozen=True)
class WeekInputs:
    """What a plan is made of: the days' hours on the plan's clock (seconds from `origin`), the
    stops (appointments first) and what each stop is (its account, and an appointment's task)."""

    origin: datetime
    ends: datetime
    shifts: list[week.Shift]
    stops: list[week.Stop]
    accounts: list[PlanStop]


@dataclass(frozen=True)
class SolvedWeek:
    """A plan made: the inputs, the matrix it was made on, and the solver's answer."""

    inputs: WeekInputs
    matrix: TravelMatrix
    plan: week.WeekPlan


def week_inputs(principal: Principal, data: PlanWeekIn) -> WeekInputs:
    """The caller's appointments on the days and the accounts due by the last of them that
    have no open task of theirs in that time (a visit is booked there already)."""
    zone = data.zone()
    opens, closes = data.working_hours.times()
    origin = _at(data.days[0], time(0), zone)
    ends = _at(data.days[-1] + timedelta(days=1), time(0), zone)
    shifts = [
        week.Shift(_clock(origin, _at(day, opens, zone)), _clock(origin, _at(day, closes, zone)))
        for day in data.days
    ]
    booked = booked_tasks(principal, origin, ends)
    appointments = [
        found
        for found in map(appointment_of, booked)
        if found is not None and _within_hours(found, data, zone)
    ]
    busy = {row.account_id for row in booked}
    due = [item for item in due_accounts(principal, ends, zone) if item.id not in busy]
    stops = [_appointment_stop(origin, item) for item in appointments]
    stops += [_visit_stop(item, data.days, shifts) for item in due]
    accounts = [
        _account(item.account_id, item.name, item.point, item.task_id) for item in appointments
    ]
    accounts += [_account(item.id, item.name, item.point) for item in due]
    return WeekInputs(origin, ends, shifts, stops, accounts)


def _account(
    account_id: uuid.UUID, name: str, point: LngLat, task_id: uuid.UUID | None = None
) -> PlanStop:
    return PlanStop(id=account_id, name=name, location=Point.at(*point), task_id=task_id)


def _at(day: date, moment: time, zone: ZoneInfo) -> datetime:
    """A wall-clock time of the zone, in UTC: arithmetic on it is then real elapsed time."""
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)


def _clock(origin: datetime, moment: datetime) -> int:
    """Seconds from the plan's origin (a day with a DST change is an hour longer or shorter)."""
    return int((moment - origin).total_seconds())


def _within_hours(appointment: Appointment, data: PlanWeekIn, zone: ZoneInfo) -> bool:
    """Due on a planned day, at a time inside its working hours: a set time, not a deadline."""
    local = appointment.due_at.astimezone(zone)
    opens, closes = data.working_hours.times()
    return local.date() in data.days and opens <= local.time().replace(tzinfo=None) <= closes


def _appointment_stop(origin: datetime, item: Appointment) -> week.Stop:
    moment = _clock(origin, item.due_at)
    return week.Stop(item.point, moment, moment, SERVICE_S, appointment=True)


def _visit_stop(item: DueAccount, days: list[date], shifts: list[week.Shift]) -> week.Stop:
    """An account due on `due_on` opens on the first planned day on or after it; one due before
    the first day (or never visited) is open all week and counts its days overdue."""
    if item.due_on is None or item.due_on <= days[0]:
        overdue = 0 if item.due_on is None else (days[0] - item.due_on).days
        return week.Stop(item.point, 0, shifts[-1].end_s, SERVICE_S, overdue_days=overdue)
    first = next(i for i, day in enumerate(days) if day >= item.due_on)
    return week.Stop(item.point, shifts[first].start_s, shifts[-1].end_s, SERVICE_S)


def solve_week(inputs: WeekInputs, data: PlanWeekIn) -> SolvedWeek:
    """The matrix (from the routing service when one is set) and the solver's plan; CPU-heavy,
    so it runs off the event loop under gevent. Call it outside any transaction."""
    start = (data.start.lng, data.start.lat)
    end = None if data.end is None else (data.end.lng, data.end.lat)
    matrix = travel_matrix(week.points_of(start, end, inputs.stops))
    plan = off_the_event_loop(
        week.plan_week, inputs.shifts, inputs.stops, matrix, data.end is not None
    )
    return SolvedWeek(inputs, matrix, plan)


def week_answer(solved: SolvedWeek, data: PlanWeekIn, tasks_created: int) -> WeekPlanOut:
    """The plan in the API's shape."""
    inputs = solved.inputs
    days = [
        _day(solved, data, day, visits)
        for day, visits in zip(data.days, solved.plan.days, strict=True)
    ]
    unplanned = [
        Unplanned(
            id=inputs.accounts[i].id,
            reason="appointment_unreachable" if inputs.stops[i].appointment else "no_time",
        )
        for i in solved.plan.unplanned
    ]
    return WeekPlanOut(
        days=days, unplanned=unplanned, tasks_created=tasks_created, stops=inputs.accounts
    )


def _day(solved: SolvedWeek, data: PlanWeekIn, day: date, visits: list[Visit]) -> DayPlan:
    inputs, matrix = solved.inputs, solved.matrix
    offset = 2 if data.end is not None else 1
    rows = [0, *(offset + visit.stop for visit in visits)]
    names = ["start", *(str(inputs.accounts[visit.stop].id) for visit in visits)]
    if data.end is not None and visits:
        rows.append(1)
        names.append("end")
    # The matrix's rows are these points: start, end (when given), the stops.
    start = (data.start.lng, data.start.lat)
    end = None if data.end is None else (data.end.lng, data.end.lat)
    points = week.points_of(start, end, inputs.stops)
    legs = [
        Leg(
            from_=names[i],
            to=names[i + 1],
            distance_m=matrix.distance_m[rows[i]][rows[i + 1]],
            duration_s=matrix.duration_s[rows[i]][rows[i + 1]],
            links=LegLinks(**navigation.leg_links(points[rows[i]], points[rows[i + 1]])),
        )
        for i in range(len(rows) - 1)
    ]
    zone = data.zone()
    return DayPlan(
        date=day,
        order=[inputs.accounts[visit.stop].id for visit in visits],
        legs=legs,
        total_distance_m=sum(leg.distance_m for leg in legs),
        total_duration_s=sum(leg.duration_s for leg in legs),
        arrivals={
            inputs.accounts[visit.stop].id: (
                inputs.origin + timedelta(seconds=visit.begins_at)
            ).astimezone(zone)
            for visit in visits
        },
        # A day without visits has no route to hand over (not a drive from start to end).
        navigation_urls=navigation.google_urls([points[row] for row in rows]) if visits else [],
    )


def save_week(principal: Principal, solved: SolvedWeek) -> int:
    """The planned visits (not the appointments: they are tasks already) as the caller's tasks
    at their planned times, replacing the earlier plan's untouched tasks of these days; how
    many tasks were created. Run in a unit of work."""
    inputs = solved.inputs
    tasks.lock_plans(principal)
    planned = [
        PlannedTask(
            id=new_id(),
            title=f"Visit {inputs.accounts[visit.stop].name}",
            notes="",
            account_id=inputs.accounts[visit.stop].id,
            assignee_id=principal.id,
            due_at=inputs.origin + timedelta(seconds=visit.begins_at),
        )
        for visits in solved.plan.days
        for visit in visits
        if not inputs.stops[visit.stop].appointment
    ]
    return tasks.replan_tasks(principal, inputs.origin, inputs.ends, planned)
