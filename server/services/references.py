"""What refers to a row: every foreign key in the schema that points at its table.

Derived from the metadata rather than listed by hand, so a table added later (patrol photos,
checklist items) protects the rows it refers to just by declaring its foreign key: the photo
sweep and the removal of an unbound child ask here before deleting anything.
"""

from __future__ import annotations

from sqlalchemy import Column, ColumnElement, Table, and_, exists

from server.extensions import db


def referring_columns(table: Table) -> list[Column]:
    """Every column with a foreign key to ``table``'s id, in a stable order."""
    return sorted(
        (
            fk.parent
            for other in db.metadata.tables.values()
            for fk in other.foreign_keys
            if fk.references(table) and fk.column is table.c.id
        ),
        key=lambda column: (column.table.name, column.name),
    )


def unreferenced(model: type) -> ColumnElement[bool]:
    """A condition true for a row of ``model`` that no row anywhere refers to."""
    table = model.__table__
    return and_(*(~exists().where(column == table.c.id) for column in referring_columns(table)))
