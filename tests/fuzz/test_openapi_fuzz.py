"""schemathesis over the served OpenAPI document, as an admin and as a rep: no input, alone or
in a sequence the document's links describe, answers a server error, and every answer matches
the document."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import requests
import schemathesis
from schemathesis import BaseSchema, Config
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.stateful.state_machine import StepInput, StepOutput

from server.openapi.spec import openapi_document
from tests.fuzz.conftest import FuzzTarget

# Bounded so both roles, one request at a time and in sequences, finish within two minutes on a
# small machine; the seeds make every run try the same inputs. The admin's run adds the coverage
# phase (boundary and malformed values for every parameter and field, unexpected methods): a rep
# reaches the same validation code, so the rep's run spends its budget on random examples.
ADMIN_EXAMPLES = 10
REP_EXAMPLES = 15
SEED = 20261204
STATEFUL_SUITES = 3
STATEFUL_SCENARIOS = 10
STATEFUL_STEPS = 6
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
# The geocoder stands for an outside service: its outage or back-pressure is a designed 503.
GEOCODER_PATHS = ("/api/v1/geocode/reverse", "/api/v1/geocode/search")


def _config(max_examples: int, coverage: bool) -> Config:
    checks: dict[str, Any] = {"enabled": False} | {name: {"enabled": True} for name in CHECKS}
    return Config.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": max_examples, "deterministic": True, "database": "none"},
            "checks": checks,
            "phases": {
                "coverage": {"enabled": coverage},
                "stateful": {"max-steps": STATEFUL_STEPS, "inference": {"algorithms": []}},
            },
            "operations": [
                {
                    "include-path": path,
                    "checks": {
                        "not_a_server_error": {"expected-statuses": ["2xx", "3xx", "4xx", 503]}
                    },
                }
                for path in GEOCODER_PATHS
            ],
        }
    )


# The server serves the document this function builds (the first test holds them equal), so the
# tests can be laid out per operation before any server runs.
admin_schema = schemathesis.openapi.from_dict(
    openapi_document(), config=_config(ADMIN_EXAMPLES, True)
)
rep_schema = schemathesis.openapi.from_dict(openapi_document(), config=_config(REP_EXAMPLES, False))


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_fuzzed_document_equals_the_served_one_when_fetched_over_http(
    fuzz_target: FuzzTarget,
) -> None:
    served = requests.get(f"{fuzz_target.url}/api/v1/openapi.json", timeout=30).json()
    assert served == json.loads(json.dumps(openapi_document()))


@admin_schema.parametrize()
def test_no_request_answers_a_server_error_when_an_admin_sends_it(
    case: schemathesis.Case, fuzz_target: FuzzTarget
) -> None:
    fuzz_target.geocoder.down = False
    case.call_and_validate(base_url=fuzz_target.url, headers=_bearer(fuzz_target.admin_token))


@rep_schema.parametrize()
def test_no_request_answers_a_server_error_when_a_rep_sends_it_while_the_geocoder_is_down(
    case: schemathesis.Case, fuzz_target: FuzzTarget
) -> None:
    # The outside service is out: reverse lookups answer 503, new addresses wait as pending.
    fuzz_target.geocoder.down = True
    case.call_and_validate(base_url=fuzz_target.url, headers=_bearer(fuzz_target.rep_token))


@dataclass
class SequenceRun:
    """What the linked scenarios did: steps sent, steps that followed a link, failures found."""

    steps: int = 0
    linked_steps: int = 0
    failures: list[str] = field(default_factory=list)


def _run_sequences(schema: BaseSchema, url: str, token: str) -> SequenceRun:
    """Run the linked scenarios, suite after suite with fixed seeds. Failures are collected, not
    raised: Hypothesis would replay a failing scenario to shrink it, and a replay against a server
    whose data has moved on draws differently. For the same reason Hypothesis may call a suite
    flaky when it revisits a prefix of an earlier scenario; that ends the suite, as it does in
    schemathesis's own runner."""
    run = SequenceRun()

    class Sequences(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"base_url": url, "headers": _bearer(token)}

        def step(self, input: StepInput) -> StepOutput:
            run.steps += 1
            run.linked_steps += input.transition is not None
            return super().step(input)

        def validate_response(
            self,
            response: schemathesis.Response,
            case: schemathesis.Case,
            *args: Any,
            **kwargs: Any,
        ) -> None:
            try:
                super().validate_response(response, case, *args, **kwargs)
            except FailureGroup as group:
                run.failures.append(f"{case.method} {case.formatted_path} {case.body!r}\n{group}")

    settings = hypothesis.settings(
        max_examples=STATEFUL_SCENARIOS,
        stateful_step_count=STATEFUL_STEPS,
        database=None,
        deadline=None,
        phases=[hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    for suite in range(STATEFUL_SUITES):
        with contextlib.suppress(hypothesis.errors.Flaky):
            hypothesis.seed(SEED + suite)(Sequences).run(settings=settings)
    return run


def test_no_linked_sequence_answers_a_server_error_when_an_admin_sends_it(
    fuzz_target: FuzzTarget,
) -> None:
    fuzz_target.geocoder.down = False
    run = _run_sequences(admin_schema, fuzz_target.url, fuzz_target.admin_token)

    assert run.failures == []
    assert run.linked_steps > 0, run


def test_no_linked_sequence_answers_a_server_error_when_a_rep_sends_it_while_the_geocoder_is_down(
    fuzz_target: FuzzTarget,
) -> None:
    fuzz_target.geocoder.down = True
    run = _run_sequences(rep_schema, fuzz_target.url, fuzz_target.rep_token)

    assert run.failures == []
    assert run.linked_steps > 0, run
