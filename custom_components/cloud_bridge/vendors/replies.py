"""What the three clouds' replies share: lists with odd items.

Free of Home Assistant, like the clients that use it.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Listing[T]:
    """The items a cloud listed, and why each one it could not read was skipped."""

    items: tuple[T, ...]
    skipped: tuple[str, ...] = ()
