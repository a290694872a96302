"""WEGnology alerts: the new count, the worst level, open alerts, the alert event."""

import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components.sensor import ATTR_OPTIONS, ATTR_STATE_CLASS
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_FRIENDLY_NAME,
    EVENT_HOMEASSISTANT_FINAL_WRITE,
    EVENT_STATE_CHANGED,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)

from custom_components.cloud_bridge import coordinator as coordinator_module
from custom_components.cloud_bridge.const import DOMAIN
from custom_components.cloud_bridge.event import REMEMBERED_OCCURRENCES
from custom_components.cloud_bridge.vendors.wegnology.memory import (
    DATA_STORE,
    STORAGE_KEY,
)
from simulator.wegnology import WegnologySimulator
from simulator.wegnology_demo import (
    ACK_PUMP_BUTTON_KEY,
    ACK_PUMP_FLOW_ID,
    BATTERY_LOW_EVENT_ID,
    BOILER_ROOM_SENSOR_ID,
    DEMO_APPLICATION_ID,
    GUARD_DOOR_EVENT_ID,
    LINE_2_GUARD_DOOR_ID,
    PUMP_FAULT_EVENT_ID,
    PUMP_ID,
    SHIFT_EVENT_ID,
    TANK_LEVEL_ID,
    WAREHOUSE_SOUTH_SENSOR_ID,
    YARD_SENSOR_ID,
    demo_data,
)
from simulator.wegnology_events import Source
from simulator.wegnology_model import SCOPE_WITHOUT_EVENTS, scopes_except

from .helpers import SetupEntry, entity_state, next_poll, paths, state_of, stored_before
from .wegnology_helpers import (
    device_list_reads,
    entity,
    entity_of,
    events_path,
    make_entry,
    most_recent_path,
    registered_device,
    state_poll,
)

OPEN_ALERT = "$open_alert"
ALERTS_LOGGER = "custom_components.cloud_bridge.vendors.wegnology.alerts"
SOMEONE = Source("user", None, "Operator")
ACK_PUMP_BUTTON = f"$button:{ACK_PUMP_FLOW_ID}:{ACK_PUMP_BUTTON_KEY}"


@pytest.fixture(autouse=True)
def frozen_time(freezer: FrozenDateTimeFactory) -> None:
    """Freeze time before anything is set up, so only ticks make polls happen."""


def application_entity(hass: HomeAssistant, platform: str, point: str) -> str | None:
    """Return the entity id of one of the application's own points, if any."""
    return er.async_get(hass).async_get_entity_id(
        platform, DOMAIN, f"wegnology:{DEMO_APPLICATION_ID}:{point}"
    )


def new_alerts(hass: HomeAssistant) -> str:
    """Return the new alerts sensor."""
    found = application_entity(hass, "sensor", "$new_alerts")
    assert found is not None
    return found


def worst_level(hass: HomeAssistant) -> str:
    """Return the worst new alert sensor."""
    found = application_entity(hass, "sensor", "$alert_level")
    assert found is not None
    return found


def alert_event(hass: HomeAssistant) -> str:
    """Return the alert event entity."""
    found = application_entity(hass, "event", "$alerts")
    assert found is not None
    return found


def open_alert(hass: HomeAssistant, device_id: str) -> str:
    """Return a device's open alert binary sensor."""
    return entity(hass, "binary_sensor", device_id, OPEN_ALERT)


class Fired:
    """The events an event entity fired: each write with a new time or event."""

    def __init__(self, hass: HomeAssistant, entity_id: str) -> None:
        """Start listening."""
        self.events: list[dict[str, Any]] = []
        self._seen: set[tuple[str, Any]] = set()
        self._entity_id = entity_id
        hass.bus.async_listen(EVENT_STATE_CHANGED, self._heard)

    @callback
    def _heard(self, event: Event) -> None:
        new = event.data["new_state"]
        if event.data["entity_id"] != self._entity_id or new is None:
            return
        if new.state in (STATE_UNKNOWN, STATE_UNAVAILABLE):
            return
        # A write that fires nothing shows the last event's time and id again.
        # (Before Home Assistant 2026.10 two events fired in one millisecond
        # share a time: the event id tells them apart.)
        fired = (new.state, new.attributes.get("event_id"))
        if fired in self._seen:
            return
        self._seen.add(fired)
        self.events.append(dict(new.attributes))

    @property
    def ids(self) -> list[str]:
        """Return the event ids fired, in order."""
        return [attributes["event_id"] for attributes in self.events]


# --- the application's alerts ---------------------------------------------------


async def test_the_application_shows_its_alerts(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """Three new events, the worst an error; an alert entity; on the application."""
    count = entity_state(hass, new_alerts(hass))
    assert count.state == "3"
    assert count.attributes[ATTR_STATE_CLASS] == "measurement"
    assert count.attributes[ATTR_FRIENDLY_NAME] == "Demo Plant New alerts"
    level = entity_state(hass, worst_level(hass))
    assert level.state == "error"
    assert level.attributes[ATTR_DEVICE_CLASS] == "enum"
    assert level.attributes[ATTR_OPTIONS] == [
        "none",
        "info",
        "warning",
        "error",
        "critical",
    ]
    assert level.attributes[ATTR_FRIENDLY_NAME] == "Demo Plant Worst new alert"
    alert = entity_state(hass, alert_event(hass))
    # Nothing the application had before the entry started fires.
    assert alert.state == STATE_UNKNOWN
    assert alert.attributes["event_types"] == ["info", "warning", "error", "critical"]
    assert alert.attributes[ATTR_FRIENDLY_NAME] == "Demo Plant Alert"
    registry = er.async_get(hass)
    devices = {
        registry.async_get(entity_id).device_id  # type: ignore[union-attr]
        for entity_id in (new_alerts(hass), worst_level(hass), alert_event(hass))
    }
    (device_id,) = devices
    device = dr.async_get(hass).async_get(device_id)
    assert device is not None
    assert (device.name, device.model) == ("Demo Plant", "Application")


@pytest.mark.parametrize(
    "most_recent_states",
    [("new",), ("new", "acknowledged")],
    ids=["first new by severity", "newest unresolved"],
)
async def test_worst_level_in_both_readings(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_entry: MockConfigEntry,
    setup_entry: SetupEntry,
    *,
    freezer: FrozenDateTimeFactory,
    most_recent_states: tuple[str, ...],
) -> None:
    """The worst new level, in Losant's reading and in the events document's.

    Most Recent by Severity answers with the worst new event, or (the document)
    with the acknowledged critical one: the level shown is the same.
    """
    wegnology_sim.most_recent_states = most_recent_states
    await setup_entry(wegnology_entry)
    assert state_of(hass, worst_level(hass)) == "error"

    for event_id in (PUMP_FAULT_EVENT_ID, BATTERY_LOW_EVENT_ID, SHIFT_EVENT_ID):
        wegnology_sim.event(event_id).change(SOMEONE, state="resolved")
    await next_poll(hass, freezer)
    assert state_of(hass, new_alerts(hass)) == "0"
    assert state_of(hass, worst_level(hass)) == "none"

    wegnology_sim.raise_event("info", "Shift changed")
    wegnology_sim.raise_event("warning", "Tank low", device_id=TANK_LEVEL_ID)
    await next_poll(hass, freezer)
    assert state_of(hass, new_alerts(hass)) == "2"
    assert state_of(hass, worst_level(hass)) == "warning"


async def test_a_new_count_that_cannot_be_read(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_entry: MockConfigEntry,
    setup_entry: SetupEntry,
) -> None:
    """Most Recent by Severity without a count or a readable event: unknown."""
    wegnology_sim.faults.add(
        "patch_response",
        path=most_recent_path(),
        count=None,
        patch=lambda _: {"newCount": "many", "event": {"id": "x"}},
    )
    await setup_entry(wegnology_entry)
    assert state_of(hass, new_alerts(hass)) == STATE_UNKNOWN
    # The open events still say which level is the worst new one.
    assert state_of(hass, worst_level(hass)) == "error"


# --- open alerts on devices -------------------------------------------------------


async def test_a_large_application_starts_open_alerts_disabled(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_entry: MockConfigEntry,
    setup_entry: SetupEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the entity budget, each device's open alert starts off; the rest stay."""
    monkeypatch.setattr(coordinator_module, "ENTITY_BUDGET", 20)
    await setup_entry(wegnology_entry)
    entities = er.async_entries_for_config_entry(
        er.async_get(hass), wegnology_entry.entry_id
    )
    enabled: dict[bool, set[str]] = {True: set(), False: set()}
    for registered in entities:
        point = registered.unique_id.rsplit(":", 1)[1]
        is_open_alert = point == OPEN_ALERT
        enabled[is_open_alert].add(str(registered.disabled_by is None))
    assert enabled[True] == {"False"}
    assert "True" in enabled[False]
    # The application's own entities stay: three events are new.
    assert state_of(hass, new_alerts(hass)) == "3"
    assert hass.states.get(open_alert(hass, PUMP_ID)) is None


async def test_devices_with_open_alerts(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A new or acknowledged event shows on its device, and follows within a poll."""
    shown = entity_state(hass, open_alert(hass, PUMP_ID))
    assert shown.state == STATE_ON
    assert shown.attributes[ATTR_DEVICE_CLASS] == "problem"
    assert shown.attributes[ATTR_FRIENDLY_NAME] == "Feed Pump Open alert"
    assert state_of(hass, open_alert(hass, WAREHOUSE_SOUTH_SENSOR_ID)) == STATE_ON
    # Acknowledged, on a device that is offline: shown all the same.
    assert state_of(hass, open_alert(hass, YARD_SENSOR_ID)) == STATE_ON
    # Resolved, or none.
    assert state_of(hass, open_alert(hass, LINE_2_GUARD_DOOR_ID)) == STATE_OFF
    assert state_of(hass, open_alert(hass, BOILER_ROOM_SENSOR_ID)) == STATE_OFF

    wegnology_sim.event(PUMP_FAULT_EVENT_ID).change(SOMEONE, state="resolved")
    wegnology_sim.raise_event(
        "critical", "Boiler room too hot", device_id=BOILER_ROOM_SENSOR_ID
    )
    wegnology_sim.clear_requests()
    await next_poll(hass, freezer)
    assert paths(wegnology_sim) == state_poll()
    assert state_of(hass, open_alert(hass, PUMP_ID)) == STATE_OFF
    assert state_of(hass, open_alert(hass, BOILER_ROOM_SENSOR_ID)) == STATE_ON
    assert state_of(hass, worst_level(hass)) == "critical"

    # Reopened: on again at the next poll.
    wegnology_sim.event(GUARD_DOOR_EVENT_ID).change(SOMEONE, state="new")
    await next_poll(hass, freezer)
    assert state_of(hass, open_alert(hass, LINE_2_GUARD_DOOR_ID)) == STATE_ON


async def test_open_events_are_read_page_by_page(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_entry: MockConfigEntry,
    setup_entry: SetupEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """250 open events: three pages at start; all of them count."""
    for index in range(248):
        wegnology_sim.raise_event(
            "info", f"Tick {index}", device_id=TANK_LEVEL_ID, at=1_700_000_000_000
        )
    await setup_entry(wegnology_entry)
    open_reads = [
        request.query
        for request in wegnology_sim.requests
        if request.path == events_path() and "query" in request.query
    ]
    assert [query["page"] for query in open_reads] == ["0", "1", "2"]
    assert {query["perPage"] for query in open_reads} == {"100"}
    assert state_of(hass, open_alert(hass, TANK_LEVEL_ID)) == STATE_ON

    # Resolved one by one, it stays on until the last.
    for event in wegnology_sim.events()[:-1]:
        if event.device_id == TANK_LEVEL_ID:
            event.change(SOMEONE, state="resolved")
    await next_poll(hass, freezer)
    assert state_of(hass, open_alert(hass, TANK_LEVEL_ID)) == STATE_ON
    for event in wegnology_sim.events():
        if event.device_id == TANK_LEVEL_ID:
            event.change(SOMEONE, state="resolved")
    await next_poll(hass, freezer)
    assert state_of(hass, open_alert(hass, TANK_LEVEL_ID)) == STATE_OFF


# --- the alert event ----------------------------------------------------------------


async def test_a_new_event_fires_once(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Level, subject, message, device: one trigger can notify a phone."""
    fired = Fired(hass, alert_event(hass))
    raised = wegnology_sim.raise_event(
        "warning",
        "Tank level low",
        device_id=TANK_LEVEL_ID,
        message="Tank level fell below 20 %",
    )
    await next_poll(hass, freezer)
    tank = registered_device(hass, TANK_LEVEL_ID)
    assert tank is not None
    assert fired.events == [
        {
            "event_type": "warning",
            "event_types": ["info", "warning", "error", "critical"],
            "event_id": raised.id,
            "subject": "Tank level low",
            "message": "Tank level fell below 20 %",
            "state": "new",
            "device": "Tank Level",
            "device_id": tank.id,
            "created": wegnology_sim.event(raised.id).to_json()["creationDate"],
            "friendly_name": "Demo Plant Alert",
        }
    ]
    assert state_of(hass, new_alerts(hass)) == "4"

    # Polls, a command, the event acknowledged: nothing fires again.
    for _ in range(3):
        await next_poll(hass, freezer)
    wegnology_sim.event(raised.id).change(SOMEONE, state="acknowledged")
    await next_poll(hass, freezer)
    await next_poll(hass, freezer, 600)
    assert fired.ids == [raised.id]


async def test_events_raised_together_fire_in_order(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Several events between two polls: each fires, oldest first.

    Events of the same millisecond, one raised after the read, are told apart
    by their ids; an event without a device carries none.
    """
    fired = Fired(hass, alert_event(hass))
    first = wegnology_sim.raise_event("info", "Shift started", at=1_800_000_000_000)
    second = wegnology_sim.raise_event(
        "critical", "Pump seized", device_id=PUMP_ID, at=1_800_000_000_000
    )
    third = wegnology_sim.raise_event("error", "Valve stuck", at=1_800_000_000_500)
    await next_poll(hass, freezer)
    assert sorted(fired.ids[:2]) == sorted([first.id, second.id])
    assert fired.ids[2] == third.id
    assert [event["event_type"] for event in fired.events][2] == "error"
    shift = next(event for event in fired.events if event["event_id"] == first.id)
    assert shift["device"] is None
    assert "device_id" not in shift

    # Raised in the same millisecond as the newest fired, after the read.
    fourth = wegnology_sim.raise_event("warning", "Late", at=1_800_000_000_500)
    await next_poll(hass, freezer)
    assert fired.ids[3:] == [fourth.id]


async def test_an_event_fires_once_across_a_restart(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    setup_entry: SetupEntry,
    *,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """What fired before a restart does not fire again; what came meanwhile does."""
    entity_id = alert_event(hass)
    fired = Fired(hass, entity_id)
    before = wegnology_sim.raise_event("error", "Pump fault", device_id=PUMP_ID)
    await next_poll(hass, freezer)
    assert fired.ids == [before.id]

    # Home Assistant stops: what fired is written; it starts again.
    assert await hass.config_entries.async_unload(wegnology_loaded.entry_id)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
    await hass.async_block_till_done()
    saved = hass_storage[STORAGE_KEY]["data"][wegnology_loaded.entry_id]
    assert saved["fired_ids"] == [before.id]
    del hass.data[DATA_STORE]
    freezer.tick(60)
    meanwhile = wegnology_sim.raise_event("critical", "Boiler trip")
    await setup_entry(wegnology_loaded)

    assert fired.ids == [before.id, meanwhile.id]
    # The entity shows the last event fired, as it did before the restart too.
    assert hass.states.get(entity_id).attributes["event_id"] == meanwhile.id  # type: ignore[union-attr]
    await next_poll(hass, freezer)
    await next_poll(hass, freezer, 600)
    assert fired.ids == [before.id, meanwhile.id]


async def test_an_entry_added_again_starts_afresh(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    setup_entry: SetupEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An application without events: what is raised later fires, restart or not.

    A new entry for the application fires nothing of the past.
    """
    data = demo_data()
    for app in data.applications:
        app.events = {}
    async with WegnologySimulator(data) as sim:
        entry = await setup_entry(make_entry(hass, sim))
        fired = Fired(hass, alert_event(hass))
        assert state_of(hass, new_alerts(hass)) == "0"
        assert state_of(hass, worst_level(hass)) == "none"
        assert await hass.config_entries.async_unload(entry.entry_id)
        raised = sim.raise_event("info", "First ever")
        await setup_entry(entry)
        assert fired.ids == [raised.id]

        assert await hass.config_entries.async_remove(entry.entry_id)
        await hass.async_block_till_done()
        again = await setup_entry(make_entry(hass, sim))
        assert again.state is ConfigEntryState.LOADED
        assert fired.ids == [raised.id]


async def test_a_memory_that_cannot_be_read_starts_afresh(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_entry: MockConfigEntry,
    setup_entry: SetupEntry,
    hass_storage: dict[str, Any],
) -> None:
    """A kept time that is no time: the entry starts as new, firing nothing old."""
    memory = {"fired_at": "yesterday", "fired_ids": "x"}
    stored_before(hass_storage, STORAGE_KEY, {wegnology_entry.entry_id: memory})
    await setup_entry(wegnology_entry)
    assert state_of(hass, alert_event(hass)) == STATE_UNKNOWN
    assert events_path() in paths(wegnology_sim)


async def test_a_kept_memory_without_ids_is_read(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_entry: MockConfigEntry,
    setup_entry: SetupEntry,
    hass_storage: dict[str, Any],
) -> None:
    """A kept time with odd ids: what was raised after that time fires."""
    memory = {"fired_at": "2020-01-01T00:00:00.000Z", "fired_ids": "not a list"}
    stored_before(hass_storage, STORAGE_KEY, {wegnology_entry.entry_id: memory})
    await setup_entry(wegnology_entry)
    fired = entity_state(hass, alert_event(hass))
    # Every demo event came later: the newest fired last.
    assert fired.attributes["event_id"] == PUMP_FAULT_EVENT_ID


async def test_events_a_poll_could_not_deliver_fire_later(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A poll that fails after reading the events: they fire with the next one."""
    fired = Fired(hass, alert_event(hass))
    raised = wegnology_sim.raise_event("error", "Pump fault", device_id=PUMP_ID)
    freezer.tick(570)
    # The topology poll fails at the workflows, after the events were read.
    wegnology_sim.faults.add(
        "server_error", path=f"/applications/{DEMO_APPLICATION_ID}/flows"
    )
    await next_poll(hass, freezer)
    assert not wegnology_loaded.runtime_data.coordinator.last_update_success
    assert fired.ids == []
    await next_poll(hass, freezer)
    assert fired.ids == [raised.id]


async def test_odd_events_are_skipped_once(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    *,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Events of an unknown level or without a time: left out, logged once."""
    fired = Fired(hass, alert_event(hass))
    odd = wegnology_sim.raise_event("warning", "Odd one")
    good = wegnology_sim.raise_event("info", "Good one")

    def spoil(reply: dict[str, Any]) -> None:
        for item in reply["items"]:
            if item["id"] == odd.id:
                item["level"] = "panic"
        reply["items"].append({"id": "x", "level": "info", "state": "new"})
        reply["items"].append("not an event")

    wegnology_sim.faults.add(
        "patch_response", path=events_path(), count=None, patch=spoil
    )
    caplog.clear()
    for _ in range(2):
        await next_poll(hass, freezer)
    assert fired.ids == [good.id]
    warnings = [
        record.getMessage()
        for record in caplog.records
        if record.name == ALERTS_LOGGER and record.levelno == logging.WARNING
    ]
    assert sorted(warnings) == sorted(
        [
            "WEGnology: an event skipped: event is not an object",
            f"WEGnology: an event skipped: event {odd.id} has level 'panic'",
            "WEGnology: an event skipped: event x has no creationDate",
        ]
    )


async def test_the_alert_entity_remembers_a_bounded_number(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A burst larger than the entity's memory still fires each event once."""
    fired = Fired(hass, alert_event(hass))
    burst = REMEMBERED_OCCURRENCES + 5
    for index in range(burst):
        wegnology_sim.raise_event("info", f"Tick {index}", at=1_800_000_000_000 + index)
    await next_poll(hass, freezer)
    assert len(fired.ids) == len(set(fired.ids)) == burst
    await next_poll(hass, freezer)
    assert len(fired.ids) == burst


# --- a token that may not read events -------------------------------------------


async def test_events_refused_make_no_alert_entities(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    setup_entry: SetupEntry,
    *,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A token without the events scopes: no alert entities, no repair, no reauth.

    One log line names the scope; events are tried again with the topology only.
    """
    caplog.set_level(logging.INFO, logger=ALERTS_LOGGER)
    token = wegnology_sim.add_api_token(
        application_id=DEMO_APPLICATION_ID, scope=SCOPE_WITHOUT_EVENTS
    )
    entry = await setup_entry(
        make_entry(hass, wegnology_sim, login=False, api_token=token.token)
    )
    assert entry.state is ConfigEntryState.LOADED
    assert application_entity(hass, "sensor", "$new_alerts") is None
    assert application_entity(hass, "sensor", "$alert_level") is None
    assert application_entity(hass, "event", "$alerts") is None
    assert entity_of(hass, "binary_sensor", PUMP_ID, OPEN_ALERT) is None
    # The workflow buttons are there: the application's device stays.
    assert application_entity(hass, "button", ACK_PUMP_BUTTON) is not None
    assert state_of(hass, entity(hass, "sensor", TANK_LEVEL_ID, "level")) == "72.5"
    (line,) = [r.getMessage() for r in caplog.records if r.name == ALERTS_LOGGER]
    assert "events.get and events.mostRecentBySeverity" in line
    assert ir.async_get(hass).issues == {}
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []

    wegnology_sim.clear_requests()
    for _ in range(3):
        await next_poll(hass, freezer)
    assert most_recent_path() not in paths(wegnology_sim)
    assert len([r for r in caplog.records if r.name == ALERTS_LOGGER]) == 1

    # The scope given in WEGnology: the alerts come with the next topology read.
    token.scope = (*token.scope, "events.get", "events.mostRecentBySeverity")
    await next_poll(hass, freezer, 510)
    assert state_of(hass, new_alerts(hass)) == "3"
    assert state_of(hass, open_alert(hass, PUMP_ID)) == STATE_ON
    assert entry.state is ConfigEntryState.LOADED


async def test_nothing_readable_makes_no_application_device(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator, setup_entry: SetupEntry
) -> None:
    """A token that may read neither events nor workflows: devices only."""
    token = wegnology_sim.add_api_token(
        application_id=DEMO_APPLICATION_ID,
        scope=scopes_except("events.", "event.", "flows.", "flow."),
    )
    entry = await setup_entry(
        make_entry(hass, wegnology_sim, login=False, api_token=token.token)
    )
    assert entry.state is ConfigEntryState.LOADED
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert len(devices) == 31
    assert all(device.model != "Application" for device in devices)
    assert entry.runtime_data.coordinator.adapter.diagnostics()["events_readable"] is (
        False
    )


async def test_alert_requests_fail_like_the_rest(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The cloud failing on the events: the poll fails, then comes back whole."""
    wegnology_sim.faults.add("server_error", path=most_recent_path())
    await next_poll(hass, freezer)
    assert state_of(hass, new_alerts(hass)) == STATE_UNAVAILABLE
    assert not wegnology_loaded.runtime_data.coordinator.last_update_success
    await next_poll(hass, freezer)
    assert state_of(hass, new_alerts(hass)) == "3"
    assert device_list_reads(wegnology_sim) == 1
