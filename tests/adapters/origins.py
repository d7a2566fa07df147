"""The origin the adapter tests write bulk records under."""

from __future__ import annotations

import datetime as dt

from domain.changes import Cause, Origin

BULK = Origin(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "tests", Cause.IMPORT, None, "00ff00ff")
