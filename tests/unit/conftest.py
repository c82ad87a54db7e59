"""Fixtures shared by the unit tests."""

from __future__ import annotations

import pytest


class Clock:
    """Stands in for ``time.monotonic``: it moves only when a test sets ``now``."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr("time.monotonic", fake)
    return fake
