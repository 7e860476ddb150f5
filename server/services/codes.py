"""Short human codes (invitations, class codes) from an alphabet without look-alikes."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L: people read these aloud and type them on phones.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_QR_PREFIX = "SAFETY-INVITE:"


def new_code(length: int) -> str:
    """A random code of ``length`` characters (cryptographically random: codes grant access)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise_code(raw: str) -> str:
    """Accept what people type or scan: spaces, lower case, or the QR prefix."""
    text = raw.strip()
    if text.upper().startswith(INVITE_QR_PREFIX):
        text = text[len(INVITE_QR_PREFIX) :]
    return "".join(text.split()).upper()
