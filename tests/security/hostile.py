"""Hostile change batches for an enrolled device of scope A (hypothesis strategies).

Everything here follows the wire format (kenttä_sync.ground.changes.Change, protocol.PushRequest),
never the server's checks: ids of rows in other scopes and of existing rows, other devices'
change ids and sequence numbers, inserts over existing ids followed by updates, deletes and
erasures, resolve and merge changes, columns that do not exist, values of the wrong type,
huge and negative numbers, codes outside their lists, dates that are not dates, long strings.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from tests.security.judge import SCOPE_A, SCOPE_B, Snapshot, schema

# personal-data-shaped sentinels the attacker sends: a response must never echo them
HETUS = [f"0101{yy:02d}-9{n:02d}{c}" for yy, n, c in ((90, 1, "A"), (85, 42, "K"), (77, 99, "Y"))]
NAMES = ["Hyökkääjä", "Murtautuja", "Väärennetty"]
FAKE_TABLES = ["_devices", "_device_auth", "_changes", "_sync_state", "_enrol_codes", "sqlite_master",
               "clients; DROP TABLE notes", "Clients", "nonexistent", "", "pg_catalog.pg_user"]  # fmt: skip
FAKE_COLUMNS = ["_erased", "_deleted", "_stamp", "_origin", "id", "scope", "nonexistent",
                "first_name = 'x' --", "_clock", "_seq"]  # fmt: skip
HUGE = [2**63, 2**63 - 1, -(2**63) - 1, -1, 10**30, -(10**30), 0, 10_001, 1e308, -0.0]
BAD_DATES = ["2026-02-30", "not a date", "99999-01-01", "", "2026-13-01T25:61:00", "0000-00-00"]
OUT_OF_CODES = ["hacked", "CONTACTED", "", "participating ", "ä" * 3]


def hostile_values() -> st.SearchStrategy[Any]:
    leaf = (
        st.none() | st.booleans() | st.sampled_from(HUGE) | st.integers(-(2**70), 2**70)
        | st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(BAD_DATES)
        | st.sampled_from(OUT_OF_CODES) | st.sampled_from(HETUS) | st.sampled_from(NAMES)
        | st.text(max_size=30)
        | st.builds(lambda n: "x" * n, st.sampled_from([1000, 70_000]))
    )  # fmt: skip
    return st.recursive(
        leaf,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                     max_size=3),
        max_leaves=6,
    )  # fmt: skip


HOSTILE = hostile_values()  # built once: building a recursive strategy is not cheap
# values a column of text could hold: an attack that is refused only for its value type
# proves nothing about scope or role checks, so most attacks on rows carry these
PLAUSIBLE = st.sampled_from([*NAMES, "040 1234567", "met", "finished", "2026-03-01", "fi"]) | (
    st.text(alphabet="abcdefghij ", max_size=12)
)


@dataclass
class Ctx:
    """What an attack may point at, read from the central store before the example."""

    snap: Snapshot
    me: str  # the attacker's device id
    next_seq: int  # the attacker's next device_seq (acked + 1)
    others: dict[str, int]  # other devices' id -> their acked_seq
    victims: dict[str, int] = field(default_factory=dict)  # honest laptops -> last local seq
    sent: list[Any] = field(default_factory=list)  # values sent (for the echo check)

    def __repr__(self) -> str:  # hypothesis names strategies by their arguments
        return f"<ctx of {self.me}>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


def _pick(draw: st.DrawFn, pool: list[Any]) -> Any:
    """An element of a pool read from the store: the pool changes between examples, so the
    choice is an index drawn with a fixed bound (hypothesis' replays stay consistent)."""
    return pool[draw(st.integers(0, 2**16)) % len(pool)]


def _stamp(draw: st.DrawFn, device: str) -> str:
    now = int(time.time() * 1000)
    ms = draw(st.sampled_from([now, now + 1, now - 86_400_000, now + 10**9, 1, 10**15]))
    return f"{ms:016d}-{draw(st.integers(0, 99)):05d}-{device}"


def _table(draw: st.DrawFn, real_only: bool = False) -> str:
    real = list(schema().table_names)
    if real_only or draw(st.integers(0, 9)) > 0:
        return draw(st.sampled_from(real))
    return draw(st.sampled_from(FAKE_TABLES))


def _row_id(draw: st.DrawFn, ctx: Ctx, table: str, where: str) -> str:
    """An id: of a row of scope B, of an existing row of scope A, new, or garbage."""
    tables = list(schema().table_names)
    if where == "any":
        where = draw(st.sampled_from(["b", "b", "a", "new", "other_table", "garbage"]))
    if where == "other_table":
        table, where = draw(st.sampled_from(tables)), draw(st.sampled_from(["a", "b"]))
    if where in ("a", "b"):
        pool = ctx.snap.ids(table, scope=SCOPE_A if where == "a" else SCOPE_B) if (
            table in tables) else []  # fmt: skip
        if not pool:
            pool = ctx.snap.ids("clients", scope=SCOPE_A if where == "a" else SCOPE_B)
        return _pick(draw, pool)
    if where == "new":
        return str(uuid.UUID(int=draw(st.integers(0, 2**128 - 1))))
    return draw(st.sampled_from(["", "*", "%", "' OR 1=1 --", "x" * 300, "central"]))


def _template(ctx: Ctx, table: str, scope: str) -> dict[str, Any]:
    """A plausible full row of `table` (a real one's values, scope replaced)."""
    rows = ctx.snap.rows.get(table) or {}
    for row in rows.values():
        return {k: v for k, v in row.items() if not k.startswith("_") and k != "id"} | {
            "scope": scope
        }
    return {"scope": scope}


def _value(
    draw: st.DrawFn, ctx: Ctx, op: str, table: str, column: str | None, row_id: str,
    plausible: bool,
) -> Any:  # fmt: skip
    if op == "insert":
        scope = draw(st.sampled_from([SCOPE_A, SCOPE_A, SCOPE_B, None, "*", ""]))
        row = _template(ctx, table, scope)
        for _ in range(0 if plausible else draw(st.integers(0, 3))):
            key = _pick(draw, [*sorted(row), *FAKE_COLUMNS])
            row[key] = draw(HOSTILE)
        if table == "clients" and draw(st.booleans()):
            row["henkilotunnus"] = draw(st.sampled_from(HETUS))
            row["first_name"] = draw(st.sampled_from(NAMES))
        return row
    if op == "resolve":
        conflicts = [row[0] for row in sorted(ctx.snap.conflicts)][:2] or [row_id]
        return {"conflicts": draw(st.sampled_from([conflicts, [row_id], []])),
                "value": draw(PLAUSIBLE if plausible else HOSTILE)}  # fmt: skip
    if op == "merge":
        pool = ctx.snap.ids(table if table in schema().table_names else "clients")
        return {"into": _pick(draw, pool or [row_id])}
    if op == "update":
        return draw(PLAUSIBLE if plausible else HOSTILE)
    return None if plausible else draw(st.sampled_from([None, None, draw(HOSTILE)]))


def _column(draw: st.DrawFn, table: str) -> str:
    try:
        real = list(schema().table(table).columns)
    except KeyError:
        real = ["first_name"]
    if draw(st.integers(0, 4)) == 0:
        return draw(st.sampled_from(FAKE_COLUMNS))
    return draw(st.sampled_from(real))


@st.composite
def change(
    draw: st.DrawFn, ctx: Ctx, seq: int, tx: str, *, ops: list[str] | None = None,
    where: str = "any", table: str | None = None, row_id: str | None = None,
    forge: bool = False, plausible: bool | None = None, columns: list[str] | None = None,
    mode: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """One change with the attacker's next own id (or, `forge`, another device's)."""
    table = table or _table(draw)
    op = draw(st.sampled_from(ops or ["insert", "update", "update", "delete", "erase", "resolve",
                                      "merge"]))  # fmt: skip
    row_id = row_id or _row_id(draw, ctx, table, where)
    column = None
    if op in ("update", "resolve"):
        column = draw(st.sampled_from(columns)) if columns else _column(draw, table)
    device, device_seq = ctx.me, seq
    change_id = f"{device}:{device_seq}"
    if forge and ctx.others:
        # mostly an honest laptop's next change ids (what it will number its next writes)
        known = ctx.victims if ctx.victims and draw(st.integers(0, 3)) else ctx.others
        other = _pick(draw, sorted(known))
        mode = mode or draw(st.sampled_from(FORGERIES))
        their_next = known[other] + draw(st.integers(1, 8))  # its writes in this example
        if mode == "all":
            device, device_seq, change_id = other, their_next, f"{other}:{their_next}"
        elif mode == "id_only":
            change_id = f"{other}:{their_next}"
        elif mode == "device_only":
            device = other
        else:
            device_seq = draw(st.sampled_from([-1, 0, 2**63 - 1, seq + 1000]))
            change_id = f"{device}:{device_seq}"
    if plausible is None:  # mostly plausible values, a quarter hostile ones
        plausible = draw(st.integers(0, 3)) > 0
    value = _value(draw, ctx, op, table, column, row_id, plausible)
    ctx.sent.append(value)
    return {
        "change_id": change_id, "device_id": device, "device_seq": device_seq, "table": table,
        "row_id": row_id, "column": column, "op": op, "value": value,
        "stamp": _stamp(draw, ctx.me), "prev_stamp": None, "tx_id": tx,
        "author": draw(st.sampled_from(["testi.hyokkaaja", "", "x" * 200])),
    }  # fmt: skip


@st.composite
def insert_over(draw: st.DrawFn, ctx: Ctx, seq: int, tx: str) -> list[dict[str, Any]]:
    """Point 1: an insert with the id of an existing row (scope B or A) claiming scope A,
    then updates, a delete or an erase of that id in the same transaction."""
    table = draw(st.sampled_from(["clients", "clients", "notes", "vouchers", "employers",
                                  "assessments", "placements"]))  # fmt: skip
    target = draw(st.sampled_from(["b", "b", "a"]))
    pool = ctx.snap.ids(table, scope=SCOPE_B if target == "b" else SCOPE_A)
    row_id = _pick(draw, pool)
    first = draw(change(ctx, seq, tx, ops=["insert"], table=table, row_id=row_id))
    first["value"] = {**_template(ctx, table, SCOPE_A), "scope": SCOPE_A}
    ctx.sent.append(first["value"])
    rest = [
        draw(change(ctx, seq + 1 + i, tx, ops=["update", "update", "delete", "erase"],
                    table=table, row_id=row_id))
        for i in range(draw(st.integers(1, 3)))
    ]  # fmt: skip
    return [first, *rest]


FORGERIES = ("all", "id_only", "id_only", "device_only", "seq")
KINDS = ("foreign_rows", "insert_over", "forged_ids", "role_ops", "bad_values", "mixed")


@st.composite
def batch(draw: st.DrawFn, ctx: Ctx, kind: str) -> list[dict[str, Any]]:
    """A push's changes for one attack kind (1–3 transactions)."""
    out: list[dict[str, Any]] = []
    seq = ctx.next_seq
    # one forgery per push: a push with an impossible sequence is refused whole, which would
    # hide what the other forgeries in it do
    mode = draw(st.sampled_from(FORGERIES)) if kind == "forged_ids" else None
    for t in range(draw(st.integers(1, 3))):
        tx = draw(st.sampled_from([f"tx-{t}", "tx-0", str(uuid.uuid4())]))
        if kind == "insert_over" or (kind == "mixed" and draw(st.integers(0, 3)) == 0):
            made = draw(insert_over(ctx, seq, tx))
        else:
            made = []
            for _ in range(draw(st.integers(1, 3))):
                made.append(draw(_one(ctx, kind, seq + len(made), tx, mode)))
        out += made
        seq += len(made)
    return out


def _one(
    ctx: Ctx, kind: str, seq: int, tx: str, mode: str | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    if kind == "foreign_rows":
        return change(ctx, seq, tx, where="b", table=None)
    if kind == "forged_ids":
        # writes a coach may make (clients' text columns in scope A), so what is tested is
        # the ids: another laptop's next change ids, its device id, impossible sequences
        return change(ctx, seq, tx, where="a", forge=True, table="clients", plausible=True,
                      ops=["update", "update", "update", "insert", "delete"],
                      columns=["phone", "email", "postal_code", "programme", "owner"],
                      mode=mode)  # fmt: skip
    if kind == "role_ops":
        return st.sampled_from(["notes", "assessments", "clients", "plans", "vouchers"]).flatmap(
            lambda table: change(
                ctx, seq, tx, table=table, where="a",
                ops=["erase", "resolve", "merge", "update", "insert", "delete"],
            )
        )  # fmt: skip
    if kind == "bad_values":
        return change(ctx, seq, tx, where="a", ops=["update", "update", "insert"], plausible=False)
    return st.booleans().flatmap(lambda f: change(ctx, seq, tx, forge=f))


def garbage_bodies(me: str, schema_name: str, version: int) -> st.SearchStrategy[bytes]:
    """Raw bytes, JSON that is not a request, and requests with hostile numbers."""
    import json

    base = {"protocol_version": 1, "schema_name": schema_name, "schema_version": version,
            "device_id": me}  # fmt: skip
    pulls = st.builds(
        lambda limit, cursor: json.dumps({**base, "kind": "pull", "limit": limit,
                                          "cursor": cursor}).encode(),
        st.sampled_from([-1, 0, -(2**63), 2**63, 10**30, 1, 10**9]),
        st.sampled_from([0, -1, 2**63, -(2**63), 10**30]),
    )  # fmt: skip
    junk = st.one_of(
        st.binary(max_size=200),
        st.builds(lambda v: json.dumps(v).encode(), HOSTILE),
        st.builds(lambda h: json.dumps({**base, "kind": "push", "changes": [h]}).encode(),
                  st.sampled_from(HETUS)),
        st.builds(lambda h, n: json.dumps({**base, "kind": "push", "changes": [
            {"change_id": f"{me}:1", "device_id": me, "device_seq": "x", "table": "clients",
             "row_id": "r1", "op": "insert", "value": {"henkilotunnus": h, "first_name": n}}]}
        ).encode(), st.sampled_from(HETUS), st.sampled_from(NAMES)),
        st.just(b"{" * 5000),
        st.just(b"[" * 100_000),
    )  # fmt: skip
    return pulls | junk
