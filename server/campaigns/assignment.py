"""Who gets each target of a campaign: its owner, a rep of its territory, or the nearest rep.

Candidate reps are the launching manager's active reps (an admin's: every active rep of the
organisation). `nearest_rep` is balanced: no rep gets more than ceil(n / reps * 1.1) of the n
accounts placed at once; when the nearest rep is full the account goes to the next nearest.
`owner` falls back to the nearest rep for unowned accounts, owners no longer active and owners
a manager does not assign to (outside their team: an account a manager sees through a territory
of their team may be owned by another team's rep); `territory` falls back for accounts whose
territory has no candidate rep. With no candidate rep at all the launching manager takes the
tasks.
"""

from __future__ import annotations

import math
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select

from server.accounts.models import Account
from server.campaigns.models import CampaignTarget
from server.core.auth import Principal
from server.core.visibility import visible
from server.extensions import db
from server.geo import nearest
from server.territories.models import TerritoryRep
from server.users.models import User

# Nearest-rep shares may exceed an even share by this much.
BALANCE_SLACK = 1.1
# How many nearest reps each account is first offered; most accounts find room among them.
NEAREST_FIRST_K = 4


@dataclass(frozen=True)
class Target:
    """An account to place: its id, owner, territory and whether it has a location."""

    account_id: uuid.UUID
    owner_id: uuid.UUID | None
    territory_id: uuid.UUID | None
    located: bool


def balance_cap(accounts: int, reps: int) -> int:
    """The most accounts one rep may get when `accounts` are shared among `reps`."""
    return math.ceil(accounts / reps * BALANCE_SLACK) if reps else accounts


def candidate_reps(principal: Principal) -> list[uuid.UUID]:
    """The active reps the caller assigns campaign tasks to, by id."""
    query = select(User.id).where(
        visible(User, principal), User.role == "rep", User.is_active.is_(True)
    )
    if principal.role != "admin":
        query = query.where(User.manager_id == principal.id)
    return list(db.session.scalars(query.order_by(User.id)))


def assign(
    principal: Principal, campaign_id: uuid.UUID, targets: Sequence[Target], how: str
) -> dict[uuid.UUID, uuid.UUID]:
    """account id -> assignee for each target, by the campaign's assignment."""
    reps = candidate_reps(principal)
    chosen: dict[uuid.UUID, uuid.UUID] = {}
    if how == "owner":
        active = _assignable_owners(principal, {t.owner_id for t in targets if t.owner_id})
        for target in targets:
            if target.owner_id is not None and target.owner_id in active:
                chosen[target.account_id] = target.owner_id
    elif how == "territory":
        chosen = _by_territory(campaign_id, targets, reps)
    rest = [target for target in targets if target.account_id not in chosen]
    chosen.update(nearest_balanced(principal, rest, reps))
    return chosen


def _assignable_owners(principal: Principal, user_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """The owners among these the caller gives tasks to: active, and for a manager, the
    manager or one of their team (the rule tasks.operations checks)."""
    if not user_ids:
        return set()
    query = select(User.id).where(
        visible(User, principal), User.id.in_(user_ids), User.is_active.is_(True)
    )
    if principal.role == "manager":
        query = query.where(or_(User.id == principal.id, User.manager_id == principal.id))
    return set(db.session.scalars(query))


def _by_territory(
    campaign_id: uuid.UUID, targets: Sequence[Target], reps: list[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """Each target with a territory to the candidate rep of that territory with the fewest
    targets of this campaign so far (ties: the smaller id)."""
    territories = {t.territory_id for t in targets if t.territory_id is not None}
    if not territories or not reps:
        return {}
    rows = db.session.execute(
        select(TerritoryRep.territory_id, TerritoryRep.user_id)
        .where(TerritoryRep.territory_id.in_(territories), TerritoryRep.user_id.in_(reps))
        .order_by(TerritoryRep.user_id)
    )
    reps_of: dict[uuid.UUID, list[uuid.UUID]] = {}
    for territory_id, user_id in rows:
        reps_of.setdefault(territory_id, []).append(user_id)
    load = _targets_so_far(campaign_id, reps)
    chosen: dict[uuid.UUID, uuid.UUID] = {}
    for target in targets:
        choices = reps_of.get(target.territory_id) if target.territory_id else None
        if choices:
            rep = min(choices, key=lambda user_id: (load[user_id], str(user_id)))
            load[rep] += 1
            chosen[target.account_id] = rep
    return chosen


def _targets_so_far(campaign_id: uuid.UUID, reps: Iterable[uuid.UUID]) -> Counter[uuid.UUID]:
    counts: Counter[uuid.UUID] = Counter(dict.fromkeys(reps, 0))
    rows = db.session.execute(
        select(CampaignTarget.assignee_id, func.count())
        .where(CampaignTarget.campaign_id == campaign_id, CampaignTarget.assignee_id.is_not(None))
        .group_by(CampaignTarget.assignee_id)
    )
    for user_id, count in rows:
        if user_id is not None and user_id in counts:
            counts[user_id] = int(count)
    return counts


def nearest_balanced(
    principal: Principal, targets: Sequence[Target], reps: list[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """Each target to the rep whose home base is geodesically nearest, no rep past
    balance_cap; targets without a location (or reps without home bases) go to the least
    loaded rep. Pairs are taken nearest first, so an account goes to a farther rep only when
    the nearer ones are full; each account is offered its few nearest reps first, so the work
    grows with the accounts, not with accounts x reps."""
    if not targets:
        return {}
    if not reps:
        return {target.account_id: principal.id for target in targets}
    homes = _reps_with_home(reps)
    pool = homes or reps
    cap = balance_cap(len(targets), len(pool))
    load: Counter[uuid.UUID] = Counter(dict.fromkeys(pool, 0))
    chosen: dict[uuid.UUID, uuid.UUID] = {}
    waiting = [target.account_id for target in targets if target.located]
    k = NEAREST_FIRST_K
    # Each round offers the accounts still waiting their k nearest reps, nearest pairs first;
    # an account all of whose k nearest are full waits for the next round, with 4k. A rep
    # never gets less full, so whoever an account ends with, every nearer rep was full.
    while homes and waiting:
        for account_id, user_id in _pairs_nearest_first(waiting, homes, k):
            if account_id not in chosen and load[user_id] < cap:
                chosen[account_id] = user_id
                load[user_id] += 1
        if k >= len(homes):
            break
        waiting = [account_id for account_id in waiting if account_id not in chosen]
        k *= 4
    for target in targets:
        if target.account_id not in chosen:
            rep = min(pool, key=lambda user_id: (load[user_id], str(user_id)))
            chosen[target.account_id] = rep
            load[rep] += 1
    return chosen


def _reps_with_home(reps: list[uuid.UUID]) -> list[uuid.UUID]:
    query = select(User.id).where(User.id.in_(reps), User.home_location.is_not(None))
    return list(db.session.scalars(query.order_by(User.id)))


def _pairs_nearest_first(
    account_ids: list[uuid.UUID], rep_ids: list[uuid.UUID], k: int
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(account, rep) pairs of each account and its k nearest reps by geodesic distance from
    the rep's home base, nearest first."""
    home: Any = User.home_location
    points = select(Account.id, Account.location).where(Account.id.in_(account_ids)).subquery()
    homes = select(User.id, home.label("location")).where(User.id.in_(rep_ids)).subquery()
    statement = nearest.k_nearest_pairs(points, homes, k)
    return [(row.point_id, row.home_id) for row in db.session.execute(statement)]
