"""Rules of the layout that import-linter cannot see: where commits and spatial SQL may live."""

from __future__ import annotations

import re
from pathlib import Path

SERVER = Path(__file__).resolve().parents[2] / "server"


def _python_files_containing(pattern: str) -> set[str]:
    expression = re.compile(pattern)
    return {
        str(path.relative_to(SERVER))
        for path in SERVER.rglob("*.py")
        if expression.search(path.read_text(encoding="utf-8"))
    }


def test_only_the_transaction_module_commits():
    """`commit()` is called in core/transaction.py and nowhere else."""
    assert _python_files_containing(r"\.commit\(") == {"core/transaction.py"}


def test_only_the_geo_room_spells_spatial_sql():
    """ST_* functions, the `<->` operator and SRIDs appear only under server/geo/."""
    spatial = _python_files_containing(r"\bST_[A-Za-z]+|<->|\b4326\b")
    outside_geo = {path for path in spatial if not path.startswith("geo/")}

    assert outside_geo == set()


def test_business_areas_leave_the_tenant_condition_to_core():
    """No area compares `org_id` by hand: ids resolve through core.visibility, whose rule adds
    the tenant condition (core.tenancy.in_org), so no area can forget it."""
    by_hand = _python_files_containing(r"\.org_id\s*[!=]=")
    in_areas = {path for path in by_hand if path.split("/")[0] not in {"core", "sync"}}

    assert in_areas == set()
