"""Schemas of the web console's QR login, as the phone confirms it."""

from __future__ import annotations

import marshmallow as ma

from server.api.fields import Text


class ConsoleLoginConfirm(ma.Schema):
    """The code the phone scanned (with or without its ``SAFETY-WEB:`` prefix)."""

    code = Text(required=True, min_length=1, max_length=80)


class ConsoleLoginConfirmed(ma.Schema):
    """The approval: the browser that shows the code is logged in at its next poll."""

    approved_at = ma.fields.DateTime()
    expires_at = ma.fields.DateTime()
