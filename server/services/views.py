"""A record as one viewer sees it.

Response schemas are the only description of each answer, and they dump records directly. Some
values of an answer are not in the record but computed for the viewer by a service: a presigned
link, the steps this person may take, a parent's per-child state. A ``View`` carries those beside
the record, and a schema reads it exactly like the record itself.
"""

from __future__ import annotations

from typing import Any


class View:
    """A record plus values computed for the viewer; attributes come from the computed values
    first, then from the record."""

    __slots__ = ("_computed", "_record")

    def __init__(self, record: Any, **computed: Any) -> None:
        self._record = record
        self._computed = computed

    def __getattr__(self, name: str) -> Any:
        """A computed value if there is one, else the record's attribute."""
        computed = object.__getattribute__(self, "_computed")
        if name in computed:
            return computed[name]
        return getattr(object.__getattribute__(self, "_record"), name)

    def __repr__(self) -> str:
        return f"View({self._record!r}, {sorted(self._computed)})"
