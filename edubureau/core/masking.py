"""Which sensitive fields a user sees in full; masking itself is in core.idcodes."""

from . import idcodes
from .scope import scope_of

MASKERS = {
    "id_number": idcodes.mask_id,
    "phone": idcodes.mask_phone,
    "address": idcodes.mask_address,
}


def mask(value, kind: str, unmasked: bool = False) -> str:
    if not value or unmasked:
        return value or ""
    return MASKERS[kind](value)


def may_unmask(user) -> bool:
    return scope_of(user).can_unmask
