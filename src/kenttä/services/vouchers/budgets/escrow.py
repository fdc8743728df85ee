"""Voucher budget escrow as a pure model: what the central store and each device compute.

No database, no I/O: the central store keeps a `BudgetLedger` per budget in its own tables
and calls these methods; each device keeps a `DeviceShare` per budget (in kenttä the store
computes the same numbers from `voucher_grants` and `voucher_ledger`).

The rules
- The central store grants a device a share only out of the unallocated budget, by a rule
  (`grant_by_rule`) or on request (`grant`). It counts a grant as given when it makes it,
  before the device has received it.
- A device issues only within its unspent share (granted − returned − live vouchers), with
  no network. A cancelled or expired voucher gives its value back to the share of the device
  that issued it, as soon as that device sees the new status.
- A device may return unused share; it is taken off the device's share at once and off the
  central count when the return arrives. The central store cannot take share from a device:
  to move share it asks (`request_return`); the device answers at its next sync with what is
  unspent (`answer_request`), and the arriving return is granted on to the target device.
- Every message has an id and is applied once (`receive_return`, `DeviceShare.apply_grant`),
  so re-sent, duplicated or replayed syncs change nothing.

Why the sum issued never exceeds the budget, under any partition or sync schedule
  (C) Σ_d central_granted[d] ≤ total: grants come only from the unallocated rest, and the
      total cannot be set below what is granted.
  (D) for each device, live_d ≤ share_d: issuing and returning are refused beyond the unspent
      share, and releases only lower live_d.
  (L) share_d ≤ central_granted[d]: a grant is counted centrally before the device can see
      it, and a return leaves the device's share before it leaves the central count.
  Hence Σ live ≤ Σ share ≤ Σ central_granted ≤ total. It needs three things of the data:
  each voucher is charged to exactly one device (its issuer's ledger); its value never
  changes; and cancelled/expired are final — a concurrent edit must never bring a released
  voucher back to life in the merge. The vouchers table declares them sticky
  (`TableSpec.sticky` in store/schema.py): every replica keeps a released voucher released
  whatever the stamps, and keeps the concurrent pair as a conflict for review
  (tests/budget/test_sticky_release.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kenttä_sync.ground import uuid7


class EscrowError(ValueError):
    """A budget operation refused; one line; `code` names the reason for the screens'
    catalogue and `details` its amounts in cents."""

    def __init__(self, message: str, *, code: str = "invalid", **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.details = details


def _eur(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d} €" if cents >= 0 else f"-{_eur(-cents)}"


@dataclass(frozen=True)
class Grant:
    """Share given to (cents > 0) or returned by (cents < 0) a device for one budget."""

    grant_id: str
    budget_id: str
    device: str
    cents: int
    source: str  # rule | request | central | move | return


@dataclass(frozen=True)
class ReturnRequest:
    request_id: str
    device: str
    cents: int
    move_to: str | None = None


@dataclass
class BudgetLedger:
    """The central store's account of one programme budget for one period."""

    budget_id: str
    total_cents: int
    granted: dict[str, int] = field(default_factory=dict)
    requests: dict[str, ReturnRequest] = field(default_factory=dict)
    seen_returns: set[str] = field(default_factory=set)

    @property
    def granted_cents(self) -> int:
        return sum(self.granted.values())

    @property
    def unallocated_cents(self) -> int:
        return self.total_cents - self.granted_cents

    def set_total(self, cents: int) -> None:
        """A supervisor sets the budget; never below what devices already hold."""
        if cents < 0:
            raise EscrowError("a budget cannot be negative", code="amount_negative")
        if cents < self.granted_cents:
            raise EscrowError(
                f"budget of {_eur(cents)} is below the {_eur(self.granted_cents)} already"
                " granted to devices: ask them to return unused share first",
                code="below_granted",
                total=cents,
                granted=self.granted_cents,
            )
        self.total_cents = cents

    def grant(self, device: str, cents: int, *, source: str = "request") -> Grant:
        """Give a device share out of the unallocated budget (counted here at once)."""
        if cents <= 0:
            raise EscrowError("a grant must be more than 0.00 €", code="amount_positive")
        if cents > self.unallocated_cents:
            raise EscrowError(
                f"grant of {_eur(cents)} exceeds the unallocated budget of"
                f" {_eur(self.unallocated_cents)}",
                code="over_unallocated",
            )
        self.granted[device] = self.granted.get(device, 0) + cents
        return Grant(uuid7(), self.budget_id, device, cents, source)

    def grant_by_rule(self, device: str, target_cents: int) -> Grant | None:
        """Top a device's share up towards `target_cents` (the rule's per-device share),
        as far as the unallocated budget allows; None when nothing is due."""
        due = min(target_cents - self.granted.get(device, 0), self.unallocated_cents)
        return self.grant(device, due, source="rule") if due > 0 else None

    def request_return(
        self, device: str, cents: int, *, move_to: str | None = None
    ) -> ReturnRequest:
        """Ask a device to give back up to `cents` of unused share at its next sync
        (and, with `move_to`, grant what comes back to that device)."""
        if cents <= 0:
            raise EscrowError("a return request must be more than 0.00 €", code="amount_positive")
        if cents > self.granted.get(device, 0):
            raise EscrowError(
                f"the device holds only {_eur(self.granted.get(device, 0))} of this budget",
                code="over_held",
                held=self.granted.get(device, 0),
            )
        request = ReturnRequest(uuid7(), device, cents, move_to)
        self.requests[device] = request
        return request

    def receive_return(
        self, device: str, return_id: str, cents: int, *, request_id: str | None = None
    ) -> Grant | None:
        """A device's return arrives (once or many times). Returns the onward grant of a move."""
        if return_id in self.seen_returns:
            return None
        if cents <= 0 or cents > self.granted.get(device, 0):
            raise EscrowError(
                "a return larger than the device's share cannot be applied", code="over_held_return"
            )
        self.seen_returns.add(return_id)
        self.granted[device] -= cents
        request = self.requests.get(device)
        if request is not None and (request_id is None or request_id == request.request_id):
            del self.requests[device]
            if request.move_to is not None:
                return self.grant(request.move_to, cents, source="move")
        return None


@dataclass
class DeviceShare:
    """One device's own view of its share of one budget; all it needs to issue offline."""

    budget_id: str
    device: str = ""
    applied: dict[str, int] = field(default_factory=dict)  # grant_id -> cents (returns < 0)
    live: dict[str, int] = field(default_factory=dict)  # voucher id -> value, issued here
    answered: set[str] = field(default_factory=set)  # return requests already answered

    @property
    def granted_cents(self) -> int:
        return sum(self.applied.values())

    @property
    def spent_cents(self) -> int:
        return sum(self.live.values())

    @property
    def remaining_cents(self) -> int:
        return remaining(self.granted_cents, self.spent_cents)

    def apply_grant(self, grant: Grant) -> bool:
        """Apply a grant from the central store; False when it was applied before."""
        if grant.grant_id in self.applied:
            return False
        self.applied[grant.grant_id] = grant.cents
        return True

    def issue(self, voucher_id: str, cents: int) -> None:
        check_issue(cents, self.remaining_cents)
        self.live[voucher_id] = cents

    def release(self, voucher_id: str) -> int:
        """The voucher was cancelled or expired (seen here): its value is back in the share."""
        return self.live.pop(voucher_id, 0)

    def return_share(self, cents: int) -> Grant:
        """Give back unused share: off this share now, off the central count on arrival."""
        check_return(cents, self.remaining_cents)
        grant = Grant(uuid7(), self.budget_id, self.device, -cents, "return")
        self.applied[grant.grant_id] = -cents
        return grant

    def answer_request(self, request: ReturnRequest) -> Grant | None:
        """Answer a return request with what is unspent now (once per request; a request
        that finds nothing unspent stays open and is answered at a later sync)."""
        if request.request_id in self.answered:
            return None
        cents = answer_amount(request.cents, self.remaining_cents)
        if cents <= 0:
            return None
        self.answered.add(request.request_id)
        return self.return_share(cents)


def remaining(granted_cents: int, spent_cents: int) -> int:
    return granted_cents - spent_cents


def check_issue(value_cents: int, remaining_cents: int) -> None:
    """Refuse a voucher the share cannot cover (the device-side escrow rule)."""
    if value_cents <= 0:
        raise EscrowError("a voucher's value must be more than 0.00 €", code="bad_value")
    if value_cents > remaining_cents:
        raise EscrowError(
            f"voucher of {_eur(value_cents)} exceeds the remaining share of"
            f" {_eur(max(remaining_cents, 0))}",
            code="over_budget",
        )


def check_return(cents: int, remaining_cents: int) -> None:
    if cents <= 0:
        raise EscrowError("a return must be more than 0.00 €", code="amount_positive")
    if cents > remaining_cents:
        raise EscrowError(
            f"cannot return {_eur(cents)}: only {_eur(max(remaining_cents, 0))} is unspent",
            code="over_return",
            remaining_cents=max(remaining_cents, 0),
        )


def answer_amount(requested_cents: int, remaining_cents: int) -> int:
    return max(0, min(requested_cents, remaining_cents))


def equal_target(total_cents: int, devices: int) -> int:
    """The per-device share of the 'equal' rule: the budget split evenly, cents rounded down."""
    return total_cents // devices if devices > 0 else 0


@dataclass(frozen=True)
class Figures:
    budget_cents: int
    granted_cents: int
    issued_cents: int  # every voucher not cancelled or expired
    used_cents: int  # used, invoiced or paid
    invoiced_cents: int  # invoiced or paid
    remaining_cents: int  # granted − issued

    def as_dict(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


USED_STATES = frozenset({"used", "invoiced", "paid"})
INVOICED_STATES = frozenset({"invoiced", "paid"})
RELEASED_STATES = frozenset({"cancelled", "expired"})


def figures(budget_cents: int, granted_cents: int, vouchers: Iterable[tuple[str, int]]) -> Figures:
    """Budget figures from (status, value_cents) of the vouchers charged to it."""
    issued = used = invoiced = 0
    for status, cents in vouchers:
        if status in RELEASED_STATES:
            continue
        issued += cents
        used += cents if status in USED_STATES else 0
        invoiced += cents if status in INVOICED_STATES else 0
    return Figures(budget_cents, granted_cents, issued, used, invoiced, granted_cents - issued)


def figures_by(
    budget_cents: int,
    granted: Mapping[str, int],
    vouchers: Iterable[tuple[str, str, int]],
) -> dict[str, Figures]:
    """Figures per key (device or caseworker) from (key, status, value_cents)."""
    by_key: dict[str, list[tuple[str, int]]] = {k: [] for k in granted}
    for key, status, cents in vouchers:
        by_key.setdefault(key, []).append((status, cents))
    return {
        key: figures(budget_cents, granted.get(key, 0), rows)
        for key, rows in sorted(by_key.items())
    }
