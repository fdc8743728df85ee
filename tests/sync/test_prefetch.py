"""The snapshot's pipeline stage (`ground.prefetch.prefetched`): the same items in the same
order, the producer's error raised at the item where it happened, and a consumer that stops
early ends the producer (its generator's `finally` runs, as a snapshot's read transaction
must end)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from kenttä_sync.ground.prefetch import prefetched


def test_items_come_in_order_and_all_of_them() -> None:
    assert list(prefetched(range(1000), depth=3)) == list(range(1000))
    assert list(prefetched([])) == []


def test_the_producers_error_is_raised_at_its_item() -> None:
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("broken page")

    got: list[int] = []
    with pytest.raises(ValueError, match="broken page"):
        for item in prefetched(source()):
            got.append(item)
    assert got == [1, 2]


def test_stopping_early_closes_the_source_and_ends_the_thread() -> None:
    closed = threading.Event()

    def source() -> Iterator[int]:
        try:
            yield from range(10**9)
        finally:
            closed.set()

    before = threading.active_count()
    items = prefetched(source(), depth=2)
    assert [next(items) for _ in range(5)] == [0, 1, 2, 3, 4]
    items.close()
    assert closed.is_set()
    assert threading.active_count() == before
