"""WEGnology alerts (events): new count, worst level, open alerts, what fires.

Each poll sends two small requests: Most Recent by Severity (how many events
are new, and the worst) and the events changed since the last read (their
``lastUpdated`` at or after the newest change seen before, so usually the one
event of that moment). The second tells which events were raised (each fires
once) and which were acknowledged or resolved, so a device's open alert
follows within a poll. With the topology (every 10 minutes, and at start)
every open event (new or acknowledged) is read again, page by page.

What fired is remembered across restarts (``AlertMemory``): the creation time
of the newest event fired and the ids raised at that moment. An entry that
starts for the first time fires nothing of what the application already has.

Free of Home Assistant, like the client.
"""

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
import logging
from typing import Any, Protocol

from ...errors import CloudInvalidValueError, CloudRejectedError
from ..base import ProblemLog
from .client import WegnologyApiError, WegnologyClient
from .models import EVENT_LEVELS, Event, MostRecent, parse_time

_LOGGER = logging.getLogger(__name__)

OPEN_STATES = ("new", "acknowledged")
# The worst level shown when no event is new.
NO_ALERT = "none"
ALERT_LEVELS = (NO_ALERT, *EVENT_LEVELS)
# What a token needs, as the README says it.
READ_SCOPES = "all.Application.read, or events.get and events.mostRecentBySeverity"
PATCH_SCOPES = "all.Application or event.patch"


class AlertMemory(Protocol):
    """Where an application's fired events are remembered between restarts."""

    def saved(self) -> Mapping[str, Any] | None:
        """Return what was saved, None when nothing was."""

    def save(self, data: Mapping[str, Any]) -> None:
        """Keep data (soon; it need not be written at once)."""


class Caller(Protocol):
    """Sends a client request with its errors made the core's (VendorAdapter._call)."""

    async def __call__[T](self, request: Callable[[], Awaitable[T]]) -> T:
        """Send the request."""


@dataclass(frozen=True, slots=True)
class EventStateChange:
    """A request to move an event: acknowledge, resolve or reopen it."""

    event_id: str
    state: str
    comment: str | None = None


def query_time(moment: datetime) -> str:
    """Return a time as the API writes one: 2016-06-01T17:16:02.324Z."""
    return (
        moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def refused(err: CloudRejectedError, *statuses: int) -> bool:
    """Tell whether the cloud refused a request with one of these statuses."""
    cause = err.__cause__
    return isinstance(cause, WegnologyApiError) and cause.status in statuses


class Alerts:
    """An application's events as Cloud Bridge shows them."""

    def __init__(
        self,
        client: WegnologyClient,
        application_id: str,
        memory: AlertMemory,
        call: Caller,
    ) -> None:
        """Read the events of an application through call."""
        self._client = client
        self._application_id = application_id
        self._memory = memory
        self._call = call
        # None: not asked yet; False: the token may not read events.
        self.readable: bool | None = None
        self._most = MostRecent(None, None)
        self._open: dict[str, Event] = {}
        self._since: datetime | None = None
        self._started = False
        self._fired_at: datetime | None = None
        self._fired_ids: frozenset[str] = frozenset()
        # Raised since the last Snapshot, not yet fired (a failed poll keeps them).
        self._fresh: list[Event] = []
        self._problems = ProblemLog(_LOGGER, "WEGnology: an event skipped: %s")

    async def poll(self, *, full: bool) -> None:
        """Read the new count and what changed; every open event when full.

        Events a token may not read (403), or a server without them (404),
        are retried only when full.
        """
        if self.readable is False and not full:
            return
        try:
            await self._read(full=full or not self.readable)
        except CloudRejectedError as err:
            if not refused(err, 403, 404):
                raise
            if self.readable is not False:
                _LOGGER.info(
                    "WEGnology: the sign-in may not read the events of application "
                    "%s (it needs %s); no alert entities: %s",
                    self._application_id,
                    READ_SCOPES,
                    err,
                )
            self.readable = False
            self._open = {}
            return
        self.readable = True

    async def _read(self, *, full: bool) -> None:
        """Read Most Recent by Severity, the changes, and (full) the open events."""
        app = self._application_id
        most = await self._call(partial(self._client.most_recent_event, app))
        # An entry's first start has nothing to fire: the open events say all.
        if self._started or await self._start():
            query = (
                None
                if self._since is None
                else {"lastUpdated": {"$gte": query_time(self._since)}}
            )
            changed = await self._call(partial(self._client.events, app, query=query))
            self._report(changed.skipped)
            self._fresh += self._take(changed.items)
        if full:
            listed = await self._call(
                partial(
                    self._client.events,
                    app,
                    query={"state": {"$in": list(OPEN_STATES)}},
                    sort_field="creationDate",
                )
            )
            self._report(listed.skipped)
            self._open = {event.id: event for event in listed.items}
        self._most = most

    def take_fresh(self) -> list[Event]:
        """Return the events raised since the last call, oldest first, once."""
        fresh, self._fresh = self._fresh, []
        return fresh

    async def _start(self) -> bool:
        """Start from what fired before a restart, or from the newest event now.

        Tell whether anything may have been raised since (a restart).
        """
        remembered = self._remembered()
        if remembered is None:
            newest = await self._call(
                partial(self._client.newest_events, self._application_id)
            )
            self._fired_at, self._fired_ids = newest or (None, frozenset())
            self._save()
        else:
            self._fired_at, self._fired_ids = remembered
        self._since = self._fired_at
        self._started = True
        return remembered is not None

    def _remembered(self) -> tuple[datetime | None, frozenset[str]] | None:
        """Return what fired before a restart; None when nothing readable was kept.

        A time of None was kept by an application without events: everything
        raised since fires.
        """
        saved = self._memory.saved()
        if saved is None or "fired_at" not in saved:
            return None
        fired_at = parse_time(saved["fired_at"])
        if fired_at is None and saved["fired_at"] is not None:
            return None
        ids = saved.get("fired_ids")
        if not isinstance(ids, list):
            return fired_at, frozenset()
        return fired_at, frozenset(i for i in ids if isinstance(i, str))

    def _take(self, changed: Iterable[Event]) -> list[Event]:
        """Follow what changed; return the events raised since the last read."""
        fresh: list[Event] = []
        for event in sorted(changed, key=lambda event: (event.updated, event.id)):
            if event.state in OPEN_STATES:
                self._open[event.id] = event
            else:
                self._open.pop(event.id, None)
            if self._since is None or event.updated > self._since:
                self._since = event.updated
            if self._unfired(event):
                fresh.append(event)
        if not fresh:
            return []
        fresh.sort(key=lambda event: (event.created, event.id))
        newest = fresh[-1].created
        raised_then = {event.id for event in fresh if event.created == newest}
        if newest == self._fired_at:
            raised_then |= self._fired_ids
        self._fired_at, self._fired_ids = newest, frozenset(raised_then)
        self._save()
        return fresh

    def _unfired(self, event: Event) -> bool:
        """Tell whether an event was raised after the last one fired."""
        return (
            self._fired_at is None
            or event.created > self._fired_at
            or (event.created == self._fired_at and event.id not in self._fired_ids)
        )

    def _save(self) -> None:
        """Remember what fired."""
        self._memory.save(
            {
                "fired_at": None
                if self._fired_at is None
                else query_time(self._fired_at),
                "fired_ids": sorted(self._fired_ids),
            }
        )

    def _report(self, skipped: Iterable[str]) -> None:
        """Log each unreadable event once."""
        for problem in skipped:
            self._problems.report(problem)

    @property
    def new_count(self) -> int | None:
        """Return how many events are new (None: the cloud did not say)."""
        return self._most.new_count

    @property
    def worst_level(self) -> str | None:
        """Return the worst level among the new events; "none" when none is new.

        Most Recent by Severity answers with the first new event by severity
        (Losant's reading) or the worst unresolved one (the events document's):
        when its event is not new, the open events tell the worst new level.
        """
        most = self._most
        if most.new_count == 0:
            return NO_ALERT
        if most.event is not None and most.event.state == "new":
            return most.event.level
        levels = [event.level for event in self._open.values() if event.state == "new"]
        return max(levels, key=EVENT_LEVELS.index) if levels else None

    @property
    def devices_with_open_alerts(self) -> frozenset[str]:
        """Return the ids of the devices with a new or acknowledged event."""
        return frozenset(
            event.device_id for event in self._open.values() if event.device_id
        )

    @property
    def reported_problems(self) -> list[str]:
        """Return the unreadable events logged, for diagnostics."""
        return self._problems.reported

    async def set_state(self, change: EventStateChange) -> None:
        """Move an event to a state, with a comment; errors say what to do."""
        try:
            await self._call(
                partial(
                    self._client.set_event_state,
                    self._application_id,
                    change.event_id,
                    change.state,
                    change.comment,
                )
            )
        except CloudRejectedError as err:
            if refused(err, 404):
                raise CloudInvalidValueError(
                    f"WEGnology has no event {change.event_id} in this application"
                ) from err
            if refused(err, 403):
                raise CloudRejectedError(
                    f"the sign-in may not change events (it needs {PATCH_SCOPES})"
                ) from err
            if refused(err, 400):
                raise CloudInvalidValueError(str(err)) from err
            raise
