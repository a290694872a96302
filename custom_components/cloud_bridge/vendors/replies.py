"""What the three clouds' replies share: lists with odd items.

Free of Home Assistant, like the clients that use it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .parse import ParseError


@dataclass(frozen=True, slots=True)
class Listing[T]:
    """The items a cloud listed, and why each one it could not read was skipped."""

    items: tuple[T, ...]
    skipped: tuple[str, ...] = ()


class ListingReader[T]:
    """Reads a list's items, page by page, into a Listing.

    An item that does not parse is skipped, and why is kept; with ``key``, an
    item whose key came before is left out (a server that repeats a page).
    """

    def __init__(
        self, parse: Callable[[Any], T], key: Callable[[T], str] | None = None
    ) -> None:
        """Parse each item with parse; tell repeats apart by key."""
        self._parse = parse
        self._key = key
        self._items: list[T] = []
        self._skipped: list[str] = []
        self._seen: set[str] = set()

    def read(self, items: Iterable[Any]) -> int:
        """Parse items; return how many joined the list."""
        joined = 0
        for item in items:
            try:
                parsed = self._parse(item)
            except ParseError as err:
                self._skipped.append(str(err))
                continue
            if self._key is not None:
                if (key := self._key(parsed)) in self._seen:
                    continue
                self._seen.add(key)
            self._items.append(parsed)
            joined += 1
        return joined

    def listing(self) -> Listing[T]:
        """Return the items read, and why each skipped one was."""
        return Listing(tuple(self._items), tuple(self._skipped))


def read_listing[T](
    items: Iterable[Any],
    parse: Callable[[Any], T],
    key: Callable[[T], str] | None = None,
) -> Listing[T]:
    """Parse a list's items into a Listing, as ListingReader reads one page."""
    reader = ListingReader(parse, key)
    reader.read(items)
    return reader.listing()
