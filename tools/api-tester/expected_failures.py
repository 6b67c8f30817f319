"""The failures of the fake that the spec's own gaps force, and nothing else.

Loaded by Schemathesis as a hook module (`hooks` in schemathesis.toml). Its
`filter_failure` drops a failure only when one rule below matches all of it:
the check, the operation, the status, and what the response says (the error
type or the validation message). Everything else fails the run. Each rule
names its operations by operationId and says why; at load, every rule is
checked against openapi.yaml, so a spec that starts documenting one of these
statuses makes its rule fail loudly instead of hiding something.

When the run ends, how many failures each rule excused is printed, and a rule
that excused none is named: the list stays exactly what the spec forces.
"""

import atexit
import base64
import os
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import schemathesis
import yaml

SPEC = Path(__file__).resolve().parents[2] / "openapi.yaml"


@dataclass(frozen=True)
class Rule:
    name: str
    check: str
    status: int
    operations: frozenset[str]
    matches: Callable[[str, dict], bool]
    reason: str


def _error(body: object) -> dict:
    """The error object of either of Imprint's error shapes, or the inner one alone."""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return body["error"]
    return body if isinstance(body, dict) else {}


def _error_type_in(*types: str) -> Callable[[str, dict], bool]:
    return lambda _op, body: _error(body).get("type") in types


def _validation_refusal(_op: str, body: object) -> bool:
    # Imprint's validation shape: {"error": "Bad Request", "details": [...], ...}.
    return isinstance(body, dict) and body.get("error") == "Bad Request" and bool(body.get("details"))


def _validation_detail(*prefixes: str) -> Callable[[str, dict], bool]:
    def matches(_op: str, body: object) -> bool:
        details = body.get("details") if isinstance(body, dict) else None
        return (
            _validation_refusal(_op, body)
            and len(details) == 1
            and isinstance(details[0], str)
            and details[0].startswith(prefixes)
        )

    return matches


def _load_operations() -> dict[str, tuple[str, frozenset[str]]]:
    """Label ("GET /v2/customers") -> (operationId, documented statuses)."""
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    operations = {}
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            if isinstance(operation, dict) and "operationId" in operation:
                statuses = frozenset(str(status) for status in operation.get("responses", {}))
                operations[f"{method.upper()} {path}"] = (operation["operationId"], statuses)
    return operations


OPERATIONS = _load_operations()
DOCUMENTED = {op_id: statuses for op_id, statuses in OPERATIONS.values()}


# Per operation, the not-found errors it answers for a resource it names (in
# its path or its body) that does not exist: mock/src/lib.rs and the README's
# table of "a body naming a resource the fake never issued".
NOT_FOUND = {
    "createSession": ("CUSTOMER_NOT_FOUND_ERROR",),
    "createTransactionIntent": ("CUSTOMER_NOT_FOUND_ERROR", "PAYMENT_METHOD_NOT_FOUND_ERROR"),
    "updateTransactionIntent": ("TRANSACTION_INTENT_NOT_FOUND_ERROR", "CUSTOMER_NOT_FOUND_ERROR"),
    "createOrder": ("PAYMENT_METHOD_NOT_FOUND_ERROR",),
    "putOrder": ("ORDER_NOT_FOUND_ERROR", "PAYMENT_METHOD_NOT_FOUND_ERROR"),
    "deleteOrder": ("ORDER_NOT_FOUND_ERROR",),
    "postOrderEvent": ("ORDER_NOT_FOUND_ERROR",),
    "deleteOrderEvent": ("ORDER_EVENT_NOT_FOUND_ERROR",),
    "patchReward": ("REWARD_NOT_FOUND_ERROR",),
    "simulateTransactionEvent": ("PAYMENT_METHOD_NOT_FOUND_ERROR", "TRANSACTION_NOT_FOUND_ERROR"),
}

LIST_OPERATIONS = frozenset(
    {
        "searchCustomers",
        "searchCustomersPost",
        "searchPaymentMethods",
        "searchTransactionIntents",
        "searchRewards",
        "getTransactions",
        "getRewards",
        "listOrderEvents",
    }
)

ORDER_LINES = frozenset({"createOrder", "putOrder", "postOrderEvent"})

RULES = [
    Rule(
        name="401 where the spec documents none",
        check="status_code_conformance",
        status=401,
        operations=frozenset(op for op, statuses in DOCUMENTED.items() if "401" not in statuses),
        matches=lambda op, body: _error(body).get("type") == "AUTHENTICATION_ERROR",
        reason=(
            "Every operation needs the API key (the spec's global `security`), but the spec documents "
            "401 only for createKey and deleteKey. Only requests sent without the key or with a wrong "
            "one are excused (checked in filter_failure): a 401 to the right key still fails."
        ),
    ),
    Rule(
        name="400 for invalid input where the spec documents none",
        check="status_code_conformance",
        status=400,
        operations=LIST_OPERATIONS
        | ORDER_LINES
        | frozenset({"patchReward", "simulateTransactionEvent"}),
        matches=_validation_refusal,
        reason=(
            "These operations take a query or a body but document no 400; a server refuses input that "
            "breaks the schema with Imprint's validation 400 all the same. Whether the refused input "
            "really was invalid is positive_data_acceptance's to say, and that check stays on."
        ),
    ),
    Rule(
        name="404 for a missing resource where the spec documents none",
        check="status_code_conformance",
        status=404,
        operations=frozenset(NOT_FOUND),
        matches=lambda op, body: _error(body).get("type") in NOT_FOUND.get(op, ()),
        reason=(
            "The operation names a resource (in its path or its body) and documents no 404; an id "
            "that does not exist is answered with that resource's documented not-found error, as "
            "Imprint answers it. Only the not-found types of the resources the operation names are "
            "excused."
        ),
    ),
    Rule(
        name="409 for a reward that is no longer pending",
        check="status_code_conformance",
        status=409,
        operations=frozenset({"patchReward"}),
        matches=_error_type_in("CONFLICT_ERROR"),
        reason=(
            "patchReward \"updates the status or amount of pending rewards\" (its description) and "
            "documents only 200: a reward past PENDING cannot be updated, which a server answers "
            "with a 409 the spec does not list."
        ),
    ),
    Rule(
        name="limit above the fake's largest page",
        check="positive_data_acceptance",
        status=400,
        operations=LIST_OPERATIONS,
        matches=_validation_detail("limit: must be at most "),
        reason=(
            "The spec sets no maximum for `limit` (only int32 and >= 1); the fake bounds a page at "
            "MAX_PAGE_SIZE (1000) so one request cannot make it build hundreds of megabytes, and "
            "refuses a larger limit with a 400 naming the bound. Only that refusal is excused."
        ),
    ),
    Rule(
        name="order lines that do not add up to the totals",
        check="positive_data_acceptance",
        status=400,
        operations=ORDER_LINES,
        matches=_validation_detail("order_lines: the "),
        reason=(
            "The spec requires in prose that the order lines' rates and rewards rates (times "
            "quantities) add up to the order's or event's amounts; no JSON Schema can say so, so "
            "the tester generates lines that do not add up and counts their refusal against the fake."
        ),
    ),
    Rule(
        name="an SSN that is not nine digits",
        check="positive_data_acceptance",
        status=400,
        operations=frozenset({"searchCustomersPost"}),
        matches=_validation_detail("ssn: must be 9 digits"),
        reason=(
            "`ssn` is `type: string` with the description \"the ssn of the customer without "
            "hyphens\": the format is in prose only, so any string counts as valid to the tester."
        ),
    ),
    Rule(
        name="a cursor that is no item's id",
        check="positive_data_acceptance",
        status=400,
        operations=LIST_OPERATIONS,
        matches=_validation_detail("starting_after: is not the id of "),
        reason=(
            "`starting_after` is `type: string`, defined in prose as \"an id that defines your place "
            "in the list\": a string that is no item's id defines no place, and the fake refuses it "
            "with a 400 naming the cursor (an empty one is no cursor). The schema cannot say so."
        ),
    ),
    Rule(
        name="a date of birth that is not a whole, real date",
        check="positive_data_acceptance",
        status=400,
        operations=frozenset({"searchCustomersPost"}),
        matches=_validation_detail("date_of_birth: is not a valid date"),
        reason=(
            "DateOfBirth makes year, month and day each optional and bounds each alone, so `{}` or "
            "February 30 is schema-valid; a date of birth to search by is a whole, existing date "
            "(the SDK refuses the same values before sending, tests/integration/validation.rs)."
        ),
    ),
    Rule(
        name="a payment method of another customer",
        check="positive_data_acceptance",
        status=400,
        operations=frozenset({"createTransactionIntent"}),
        matches=_validation_detail("payment_method_id: is not a payment method of the customer"),
        reason=(
            "Both ids exist, but the payment method is another customer's: a relation between two "
            "resources that no schema can carry (the tester pairs ids from different customers). "
            "Documented 400."
        ),
    ),
]

CHECK_OF_FAILURE = {
    "UndefinedStatusCode": "status_code_conformance",
    "RejectedPositiveData": "positive_data_acceptance",
}


for _rule in RULES:
    for _op in _rule.operations:
        if _op not in DOCUMENTED:
            raise SystemExit(f"expected_failures.py: rule {_rule.name!r} names {_op}, not an operation of the spec")
        if _rule.check == "status_code_conformance" and str(_rule.status) in DOCUMENTED[_op]:
            raise SystemExit(
                f"expected_failures.py: rule {_rule.name!r}: the spec now documents {_rule.status} "
                f"for {_op}; remove it from the rule"
            )

_key = os.environ.get("IMPRINT_API_KEY", "")
_VALID_AUTH = {
    f"Bearer {_key}",
    "Basic " + base64.b64encode(f"{_key}:".encode()).decode(),
}

_excused: Counter[str] = Counter()
_lock = threading.Lock()


def _rule_for(failure, case, response) -> Rule | None:
    check = CHECK_OF_FAILURE.get(type(failure).__name__)
    known = OPERATIONS.get(getattr(failure, "operation", None) or case.operation.label)
    if check is None or known is None:
        return None
    op = known[0]
    try:
        body = response.json()
    except ValueError:
        return None
    for rule in RULES:
        if rule.check != check or rule.status != response.status_code or op not in rule.operations:
            continue
        if rule.status == 401 and response.request.headers.get("Authorization") in _VALID_AUTH:
            continue
        if rule.matches(op, body):
            return rule
    return None


@schemathesis.hook
def filter_failure(context, failure, case, response) -> bool:
    rule = _rule_for(failure, case, response)
    if rule is None:
        return True
    with _lock:
        _excused[rule.name] += 1
    return False


def _summary() -> None:
    lines = ["", "Expected failures (the spec's gaps), excused this run:"]
    for rule in RULES:
        lines.append(f"  {_excused[rule.name]:>5}  {rule.name}")
    unused = [rule.name for rule in RULES if _excused[rule.name] == 0]
    if unused:
        lines.append("  Rules that excused nothing this run (stale, or not reached): " + "; ".join(unused))
    print("\n".join(lines), file=sys.stderr)


atexit.register(_summary)
