"""WiZ Pro's STATUSCHANGE webhook: what it changes at once and what it refuses."""

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
import json
import logging
from typing import Any

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_COLOR_MODE,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_EFFECT,
    ATTR_RGBWW_COLOR,
    ColorMode,
)
from homeassistant.const import (
    ATTR_UNIT_OF_MEASUREMENT,
    CONF_WEBHOOK_ID,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    EntityCategory,
)
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er

from custom_components.cloud_bridge.const import DOMAIN
from simulator.recording import RecordedRequest
from simulator.wiz_pro import WizProSimulator
from simulator.wiz_pro_model import Light

from .helpers import next_poll
from .wiz_helpers import (
    GRAPHQL,
    entity_id,
    record_state_writes,
    reported_before,
    sim_group,
    sim_light,
    unique_id,
)

ACCENT = "Reception Accent 1"  # an RGBTW bulb, on, in colour
OTHER = "Reception Accent 2"


def point_entity(
    hass: HomeAssistant, sim: WizProSimulator, name: str, platform: str, point: str
) -> str:
    """Return the entity of one point of a bulb, by the bulb's name."""
    return entity_id(hass, platform, unique_id("light", sim_light(sim, name).id, point))


def status_body(sim: WizProSimulator, light: Light, **overrides: Any) -> dict[str, Any]:
    """Return a STATUSCHANGE notification for a light, as WiZ Pro sends it."""
    return {
        "floorId": sim.floor_of(light.id).id,
        "type": "STATUSCHANGE",
        "payload": json.dumps({**light.status_payload(), **overrides}),
    }


async def settle(hass: HomeAssistant, sim: WizProSimulator) -> None:
    """Wait until the cloud has delivered its notifications and HA took them."""
    await sim.flush_webhooks()
    await hass.async_block_till_done()


@pytest.fixture(autouse=True)
def frozen_time(freezer: FrozenDateTimeFactory) -> None:
    """Freeze time before anything is set up, so only ticks make polls happen."""


@pytest.fixture
def accent_reported(
    hass_storage: dict[str, Any], wiz_entry: MockConfigEntry, wiz_sim: WizProSimulator
) -> None:
    """Have the accent light's telemetry known from notifications before a restart."""
    reported_before(hass_storage, wiz_entry, sim_light(wiz_sim, ACCENT).mac)


@pytest.fixture
async def http(
    wiz_loaded: MockConfigEntry, hass_client_no_auth: ClientSessionGenerator
) -> TestClient:
    """Return a client of Home Assistant's HTTP server."""
    return await hass_client_no_auth()


@pytest.fixture
def webhook_path(wiz_loaded: MockConfigEntry) -> str:
    """Return the path of the entry's webhook."""
    return f"/api/webhook/{wiz_loaded.data[CONF_WEBHOOK_ID]}"


@pytest.fixture
def delivering(wiz_sim: WizProSimulator, http: TestClient, webhook_path: str) -> None:
    """Point WiZ Pro's Data export at Home Assistant's webhook."""
    wiz_sim.webhook_url = str(http.make_url(webhook_path))
    wiz_sim.clear_requests()


@pytest.fixture
def state_writes(hass: HomeAssistant, wiz_loaded: MockConfigEntry) -> list[str]:
    """Record the entity ids of this entry whose state is written from now on."""
    return record_state_writes(hass, wiz_loaded.entry_id)


# --- real deliveries from the cloud ----------------------------------------------


def rgbww_of(light: Light) -> tuple[int, ...]:
    """Return the colour channels the simulator holds for a light."""
    return tuple(light.state[key] for key in ("r", "g", "b", "cw", "ww"))


CHANGES: list[tuple[str, dict[str, Any], Callable[[State, Light], bool]]] = [
    (
        "dimming",
        {"dimming": 40},
        lambda state, _light: (
            state.attributes[ATTR_BRIGHTNESS] == round(40 * 255 / 100)
        ),
    ),
    (
        "temperature",
        {"temperature": 5000},
        lambda state, _light: (
            state.attributes[ATTR_COLOR_MODE] == ColorMode.COLOR_TEMP
            and state.attributes[ATTR_COLOR_TEMP_KELVIN] == 5000
        ),
    ),
    (
        "rgb",
        {"r": 255, "g": 0, "b": 0},
        lambda state, light: (
            state.attributes[ATTR_COLOR_MODE] == ColorMode.RGBWW
            and state.attributes[ATTR_RGBWW_COLOR] == rgbww_of(light)
            and rgbww_of(light)[:3] == (255, 0, 0)
        ),
    ),
    (
        "light mode",
        {"sceneId": 1},
        lambda state, _light: state.attributes[ATTR_EFFECT] == "Ocean",
    ),
    ("off", {"state": False}, lambda state, _light: state.state == STATE_OFF),
    ("on", {"state": True}, lambda state, _light: state.state == STATE_ON),
]


@pytest.mark.usefixtures("delivering")
async def test_status_change_updates_light_at_once(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """Changes made outside HA reach the light entity with no poll."""
    light = sim_light(wiz_sim, ACCENT)
    entity = point_entity(hass, wiz_sim, ACCENT, "light", "light")
    assert hass.states.get(entity).state == STATE_ON
    for number, (what, change, check) in enumerate(CHANGES, start=1):
        assert not check(hass.states.get(entity), light), what
        assert wiz_sim.change_light_locally(light.id, **change), what
        await settle(hass, wiz_sim)
        assert [d.status for d in wiz_sim.webhook_deliveries] == [200] * number
        assert check(hass.states.get(entity), light), what
    assert [r.path for r in wiz_sim.requests if r.path == GRAPHQL] == []


@pytest.mark.usefixtures("delivering")
async def test_status_change_from_a_command(
    hass: HomeAssistant, wiz_sim: WizProSimulator
) -> None:
    """A room command notifies every bulb it changed; each one follows."""
    kitchen = wiz_sim.room_of(sim_light(wiz_sim, "Kitchen Ceiling 3").id)
    room_light = entity_id(hass, "light", unique_id("room", kitchen.id))
    were_on = {light.mac for light in kitchen.lights if light.is_on}
    assert were_on
    await hass.services.async_call(
        "light", "turn_off", {"entity_id": room_light}, blocking=True
    )
    await settle(hass, wiz_sim)
    notified = {delivery.payload["mac"] for delivery in wiz_sim.webhook_deliveries}
    assert notified == were_on
    assert {d.status for d in wiz_sim.webhook_deliveries} == {200}
    for light in kitchen.lights:
        entity = point_entity(hass, wiz_sim, light.name, "light", "light")
        assert hass.states.get(entity).state == STATE_OFF


async def test_status_change_feeds_sensors(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    http: TestClient,
    webhook_path: str,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Power, signal strength and connectivity come from notifications only.

    Polls carry none of them, so a light has none of these entities (never an
    "unknown" one) until WiZ first sends them; they come with that notification.
    """
    entities = er.async_get(hass)
    light = sim_light(wiz_sim, ACCENT)
    telemetry = {
        "rssi": "sensor",
        "power": "sensor",
        "connectivity": "binary_sensor",
    }
    for point, platform in telemetry.items():
        uid = unique_id("light", light.id, point)
        assert entities.async_get_entity_id(platform, DOMAIN, uid) is None, point

    wiz_sim.webhook_url = str(http.make_url(webhook_path))
    light.rssi = -63
    delivery = await wiz_sim.send_status_change(light.id)
    await hass.async_block_till_done()
    assert delivery.status == 200
    watts = delivery.payload["consumptionRateInHour"]
    assert watts > 0
    power = point_entity(hass, wiz_sim, ACCENT, "sensor", "power")
    connectivity = point_entity(hass, wiz_sim, ACCENT, "binary_sensor", "connectivity")
    assert float(hass.states.get(power).state) == watts
    assert hass.states.get(power).attributes[ATTR_UNIT_OF_MEASUREMENT] == "W"
    assert hass.states.get(connectivity).state == STATE_ON

    rssi = point_entity(hass, wiz_sim, ACCENT, "sensor", "rssi")
    registered = entities.async_get(rssi)
    assert registered.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert registered.entity_category is EntityCategory.DIAGNOSTIC
    entities.async_update_entity(rssi, disabled_by=None)
    # Home Assistant reloads the entry 30 s after an entity is enabled.
    freezer.tick(timedelta(seconds=31))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(rssi) is not None
    delivery = await wiz_sim.send_status_change(light.id)
    await hass.async_block_till_done()
    assert delivery.status == 200

    def check() -> None:
        state = hass.states.get(power)
        assert float(state.state) == watts
        assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == "W"
        assert hass.states.get(rssi).state == "-63"
        assert hass.states.get(connectivity).state == STATE_ON

    check()
    # The next poll has no such fields and keeps what was pushed.
    wiz_sim.clear_requests()
    freezer.tick(timedelta(seconds=30))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [r.path for r in wiz_sim.requests] == [GRAPHQL]
    check()
    # Other lights still have none.
    other = sim_light(wiz_sim, OTHER)
    uid = unique_id("light", other.id, "power")
    assert entities.async_get_entity_id("sensor", DOMAIN, uid) is None


@pytest.mark.usefixtures("accent_reported", "delivering")
async def test_disconnected_bulb_is_unavailable(
    hass: HomeAssistant, wiz_sim: WizProSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """A bulb WiZ reports disconnected is unavailable but for its connectivity."""
    light = sim_light(wiz_sim, ACCENT)
    light_entity = point_entity(hass, wiz_sim, ACCENT, "light", "light")
    power = point_entity(hass, wiz_sim, ACCENT, "sensor", "power")
    speed = point_entity(hass, wiz_sim, ACCENT, "number", "effect_speed")
    connectivity = point_entity(hass, wiz_sim, ACCENT, "binary_sensor", "connectivity")
    other = point_entity(hass, wiz_sim, OTHER, "light", "light")

    wiz_sim.set_connected(light.id, False)
    await settle(hass, wiz_sim)
    for entity in (light_entity, power, speed):
        assert hass.states.get(entity).state == STATE_UNAVAILABLE, entity
    assert hass.states.get(connectivity).state == STATE_OFF
    assert hass.states.get(other).state == STATE_ON

    # A poll does not say a bulb is connected, so it stays as pushed.
    freezer.tick(timedelta(seconds=30))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [r.path for r in wiz_sim.requests] == [GRAPHQL]
    assert hass.states.get(light_entity).state == STATE_UNAVAILABLE
    assert hass.states.get(connectivity).state == STATE_OFF

    wiz_sim.set_connected(light.id, True)
    await settle(hass, wiz_sim)
    assert hass.states.get(light_entity).state == STATE_ON
    assert float(hass.states.get(power).state) == light.consumption_rate()
    assert hass.states.get(speed).state != STATE_UNAVAILABLE
    assert hass.states.get(connectivity).state == STATE_ON
    assert hass.states.get(other).state == STATE_ON


@pytest.mark.usefixtures("accent_reported", "delivering")
async def test_disconnected_bulb_that_changed_is_connected_again(
    hass: HomeAssistant, wiz_sim: WizProSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """A poll showing a disconnected bulb's state moved brings it back.

    WiZ pushed "disconnected" and then nothing: the bulb came back and was
    switched at the wall, which the cloud's currentState shows.
    """
    light = sim_light(wiz_sim, ACCENT)
    light_entity = point_entity(hass, wiz_sim, ACCENT, "light", "light")
    connectivity = point_entity(hass, wiz_sim, ACCENT, "binary_sensor", "connectivity")
    wiz_sim.set_connected(light.id, False)
    await settle(hass, wiz_sim)
    assert hass.states.get(light_entity).state == STATE_UNAVAILABLE

    # Back, with no notification (Data export switched off meanwhile).
    wiz_sim.webhook_url = None
    light.connected = True
    freezer.tick(timedelta(seconds=30))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    # Unchanged: nothing says it is back yet.
    assert hass.states.get(light_entity).state == STATE_UNAVAILABLE
    assert hass.states.get(connectivity).state == STATE_OFF

    assert wiz_sim.change_light_locally(light.id, dimming=35)
    freezer.tick(timedelta(seconds=30))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    state = hass.states.get(light_entity)
    assert state.state == STATE_ON
    assert state.attributes[ATTR_BRIGHTNESS] == round(35 * 255 / 100)
    assert hass.states.get(connectivity).state == STATE_ON

    # And a later disconnection counts from the state it has then.
    await hass.services.async_call(
        "light", "turn_off", {"entity_id": light_entity}, blocking=True
    )
    wiz_sim.webhook_url = wiz_sim.webhook_deliveries[0].url
    wiz_sim.set_connected(light.id, False)
    await settle(hass, wiz_sim)
    for _ in range(2):
        freezer.tick(timedelta(seconds=30))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert hass.states.get(light_entity).state == STATE_UNAVAILABLE


# --- what the webhook refuses or ignores -----------------------------------------


async def test_notifications_for_nothing_we_know_are_ignored(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    http: TestClient,
    webhook_path: str,
    state_writes: list[str],
) -> None:
    """Unknown MACs and other event types are acknowledged and change nothing."""
    light = sim_light(wiz_sim, ACCENT)
    unknown_mac = status_body(wiz_sim, light, mac="a8bb50000000", state=False)
    other_type = {**status_body(wiz_sim, light, state=False), "type": "SENSOREVENT"}
    for body in (unknown_mac, other_type):
        response = await http.post(webhook_path, json=body)
        assert response.status == 200, body
    await hass.async_block_till_done()
    assert state_writes == []


def payload(**changes: Any) -> str:
    """Return a STATUSCHANGE payload string with keys changed (None: removed)."""
    base = {
        "timestamp": 1580366320,
        "mac": "a8bb50343f9a",
        "connected": True,
        "state": False,
    }
    base.update(changes)
    return json.dumps({key: value for key, value in base.items() if value is not None})


def raw_payload(**literals: str) -> bytes:
    """Return a notification whose payload has numbers written as given, in JSON text.

    For what json.dumps cannot write: -1e400, or an integer of 4,000 digits.
    """
    extra = "".join(f', "{key}": {literal}' for key, literal in literals.items())
    text = payload()[:-1] + extra + "}"
    return json.dumps({"type": "STATUSCHANGE", "payload": text}).encode()


# Numbers no reading is: beyond a double, NaN, infinite, or past any range.
NO_NUMBERS = (
    ("rssi", "-1e400"),
    ("rssi", "-1e300"),
    ("rssi", "-" + "9" * 400),
    ("consumptionRateInHour", "NaN"),
    ("consumptionRateInHour", "Infinity"),
    ("consumptionRateInHour", "-Infinity"),
    ("consumptionRateInHour", "1e400"),
    ("consumptionRateInHour", "1" * 4000),
    ("dimming", "NaN"),
    ("colorTemperature", "9" * 4000),
    ("timestamp", "Infinity"),
)


INVALID_BODIES: dict[str, bytes] = {
    "not JSON": b"not json",
    "not an object": b"[1, 2]",
    "no type": json.dumps({"payload": payload()}).encode(),
    "type not a string": json.dumps({"type": 7, "payload": payload()}).encode(),
    "payload not a string": json.dumps(
        {"type": "STATUSCHANGE", "payload": {"mac": "a8bb50343f9a"}}
    ).encode(),
    "payload not JSON": json.dumps(
        {"type": "STATUSCHANGE", "payload": "{broken"}
    ).encode(),
    "payload not an object": json.dumps(
        {"type": "STATUSCHANGE", "payload": "[]"}
    ).encode(),
    "no mac": json.dumps(
        {"type": "STATUSCHANGE", "payload": payload(mac=None)}
    ).encode(),
    "no connected": json.dumps(
        {"type": "STATUSCHANGE", "payload": payload(connected=None)}
    ).encode(),
    "connected not a bool": json.dumps(
        {"type": "STATUSCHANGE", "payload": payload(connected="yes")}
    ).encode(),
    # Documented fields of the wrong type or outside their documented range.
    **{
        f"{key} {value!r}": json.dumps(
            {"type": "STATUSCHANGE", "payload": payload(**{key: value})}
        ).encode()
        for key, value in (
            ("dimming", 5000),
            ("dimming", -1),
            ("dimming", "50"),
            ("dimming", 50.5),
            ("state", "on"),
            ("state", 1),
            ("sceneId", 99),
            ("speed", 500),
            ("r", 300),
            ("w", -2),
            ("colorTemperature", "warm"),
            ("rssi", 12),
            ("rssi", "-60"),
            ("consumptionRateInHour", -1),
            ("consumptionRateInHour", "9.6"),
            ("timestamp", "yesterday"),
            ("onSince", True),
            ("mac", 42),
        )
    },
    **{
        f"{key} {literal[:14]}": raw_payload(**{key: literal})
        for key, literal in NO_NUMBERS
    },
}


async def test_invalid_notifications_are_refused(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    http: TestClient,
    webhook_path: str,
    state_writes: list[str],
) -> None:
    """What is not a valid notification gets 400 and changes nothing."""
    # Aimed at a real bulb, so that accepting one would show.
    real_mac = sim_light(wiz_sim, ACCENT).mac.encode()
    for what, body in INVALID_BODIES.items():
        response = await http.post(
            webhook_path,
            data=body.replace(b"a8bb50343f9a", real_mac),
            headers={"Content-Type": "application/json"},
        )
        assert response.status == 400, what
    await hass.async_block_till_done()
    assert state_writes == []


async def test_a_number_no_float_holds_is_refused_quietly(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    *,
    wiz_loaded: MockConfigEntry,
    http: TestClient,
    webhook_path: str,
    state_writes: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A 4,000-digit power is a 400, with no traceback and no webhook id logged."""
    real_mac = sim_light(wiz_sim, ACCENT).mac.encode()
    body = raw_payload(consumptionRateInHour="1" * 4000)
    caplog.clear()
    response = await http.post(
        webhook_path,
        data=body.replace(b"a8bb50343f9a", real_mac),
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 400
    await hass.async_block_till_done()
    assert state_writes == []
    # Home Assistant's and ours (aiohttp's access log trips over the frozen clock).
    logged = [
        record
        for record in caplog.records
        if record.name.startswith(("homeassistant", "custom_components"))
    ]
    assert [r.getMessage() for r in logged if r.levelno >= logging.INFO] == []
    assert [r.getMessage() for r in logged if r.exc_info] == []
    # Home Assistant's own debug line names every webhook; ours names none.
    webhook_id = wiz_loaded.data[CONF_WEBHOOK_ID]
    ours = [r for r in logged if r.name.startswith("custom_components")]
    assert ours
    assert not [r for r in ours if webhook_id in r.getMessage()]


async def test_valid_notification_in_the_same_shape_is_taken(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    http: TestClient,
    webhook_path: str,
    state_writes: list[str],
) -> None:
    """The minimal payload the refusals above start from is itself accepted."""
    light = sim_light(wiz_sim, ACCENT)
    body = {"type": "STATUSCHANGE", "payload": payload(mac=light.mac)}
    response = await http.post(webhook_path, json=body)
    assert response.status == 200
    await hass.async_block_till_done()
    entity = point_entity(hass, wiz_sim, ACCENT, "light", "light")
    assert hass.states.get(entity).state == STATE_OFF
    assert entity in state_writes


@pytest.mark.usefixtures("accent_reported")
async def test_a_kelvin_beyond_the_bulb_leaves_the_rest_of_the_news(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    http: TestClient,
    webhook_path: str,
) -> None:
    """A disconnection that carries an odd Kelvin still disconnects the bulb."""
    light = sim_light(wiz_sim, ACCENT)  # on, orange, 2200-6500 K
    entity = point_entity(hass, wiz_sim, ACCENT, "light", "light")
    connectivity = point_entity(hass, wiz_sim, ACCENT, "binary_sensor", "connectivity")
    before = hass.states.get(entity).attributes
    for kelvin in (99999, 1800):
        body = {
            "type": "STATUSCHANGE",
            "payload": payload(
                mac=light.mac, connected=False, state=True, colorTemperature=kelvin
            ),
        }
        response = await http.post(webhook_path, json=body)
        assert response.status == 200
        await hass.async_block_till_done()
        assert hass.states.get(entity).state == STATE_UNAVAILABLE
        assert hass.states.get(connectivity).state == STATE_OFF
    # Back online: the colour it had is still the one shown, not a white.
    body = {"type": "STATUSCHANGE", "payload": payload(mac=light.mac, state=True)}
    assert (await http.post(webhook_path, json=body)).status == 200
    await hass.async_block_till_done()
    state = hass.states.get(entity)
    assert state.attributes[ATTR_COLOR_MODE] == ColorMode.RGBWW
    assert state.attributes[ATTR_RGBWW_COLOR] == before[ATTR_RGBWW_COLOR]


@pytest.mark.usefixtures("accent_reported")
async def test_partial_notification_keeps_what_it_leaves_out(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    http: TestClient,
    webhook_path: str,
) -> None:
    """Fields a notification leaves out keep their values; the light stays known."""
    light = sim_light(wiz_sim, ACCENT)  # on, 70 %, orange
    entity = point_entity(hass, wiz_sim, ACCENT, "light", "light")
    power = point_entity(hass, wiz_sim, ACCENT, "sensor", "power")
    before = hass.states.get(entity).attributes

    async def push(**fields: Any) -> None:
        body = {"type": "STATUSCHANGE", "payload": payload(mac=light.mac, **fields)}
        response = await http.post(webhook_path, json=body)
        assert response.status == 200, fields
        await hass.async_block_till_done()

    # Only the brightness (and no on/off): the colour and "on" stay.
    await push(state=None, dimming=40, consumptionRateInHour=3.4)
    state = hass.states.get(entity)
    assert state.state == STATE_ON
    assert state.attributes[ATTR_BRIGHTNESS] == round(40 * 255 / 100)
    assert state.attributes[ATTR_COLOR_MODE] == ColorMode.RGBWW
    assert state.attributes[ATTR_RGBWW_COLOR] == before[ATTR_RGBWW_COLOR]
    assert float(hass.states.get(power).state) == 3.4

    # Only a white: it replaces the colour; brightness and power stay.
    await push(state=None, colorTemperature=5000)
    state = hass.states.get(entity)
    assert state.state == STATE_ON
    assert state.attributes[ATTR_COLOR_MODE] == ColorMode.COLOR_TEMP
    assert state.attributes[ATTR_COLOR_TEMP_KELVIN] == 5000
    assert state.attributes[ATTR_BRIGHTNESS] == round(40 * 255 / 100)
    assert float(hass.states.get(power).state) == 3.4

    # Only a light mode: it plays; then only "off".
    await push(state=None, sceneId=4)
    assert hass.states.get(entity).attributes[ATTR_EFFECT] == "Party"
    await push(state=False)
    assert hass.states.get(entity).state == STATE_OFF
    await push(state=True)
    state = hass.states.get(entity)
    assert state.attributes[ATTR_EFFECT] == "Party"
    assert state.attributes[ATTR_BRIGHTNESS] == round(40 * 255 / 100)


async def _chunks(data: bytes, size: int = 4096) -> AsyncGenerator[bytes]:
    """Yield a body in pieces, so it is sent without a Content-Length.

    Each piece is its own write, as a slow network would deliver them.
    """
    for start in range(0, len(data), size):
        yield data[start : start + size]
        await asyncio.sleep(0)


async def test_notification_in_pieces_is_read_whole(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    http: TestClient,
    webhook_path: str,
) -> None:
    """A notification that arrives in several pieces is read to its end."""
    entity = point_entity(hass, wiz_sim, ACCENT, "light", "light")
    body = status_body(wiz_sim, sim_light(wiz_sim, ACCENT), state=False)
    data = json.dumps(body).encode()
    response = await http.post(
        webhook_path,
        data=_chunks(data, 64),
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 200
    await hass.async_block_till_done()
    assert hass.states.get(entity).state == STATE_OFF


async def test_oversized_or_wrong_method_is_refused(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    http: TestClient,
    webhook_path: str,
    state_writes: list[str],
) -> None:
    """A body over 16 KiB is not read (413), sized or chunked; GET is refused."""
    body = status_body(wiz_sim, sim_light(wiz_sim, ACCENT), state=False)
    body["padding"] = "x" * (16 * 1024)
    data = json.dumps(body).encode()
    for sent in (data, _chunks(data), _chunks(data, 1000)):
        response = await http.post(
            webhook_path, data=sent, headers={"Content-Type": "application/json"}
        )
        assert response.status == 413
    response = await http.get(webhook_path)
    assert response.status == 405
    await hass.async_block_till_done()
    assert state_writes == []


# --- pushes and commands while a poll is out ---------------------------------------


def is_query(request: RecordedRequest) -> bool:
    """Tell whether a request is a GraphQL query (a poll), not a mutation."""
    return request.graphql is not None and request.graphql.kind == "query"


@asynccontextmanager
async def slow_poll(
    hass: HomeAssistant,
    sim: WizProSimulator,
    freezer: FrozenDateTimeFactory,
    *read_before: Light,
) -> AsyncIterator[list[str]]:
    """Start a poll whose answer lands only when the block ends.

    The cloud holds its answer, and gives the lights named the state they had
    when the poll was sent, as a reply read before a change and delivered after
    it would. Yields the ids of the lights the answer gave their old state.
    """
    before = {light.id: dict(light.state) for light in read_before}
    answered_as_before: list[str] = []
    arrived = asyncio.Event()

    def held(request: RecordedRequest) -> bool:
        if not is_query(request):
            return False
        arrived.set()
        return True

    def as_before(reply: dict[str, Any]) -> None:
        for floor in reply["data"]["buildingTopology"]["floors"]:
            for room in floor["rooms"]:
                for light in room["lights"]:
                    if (old := before.get(light["id"])) is not None:
                        state = light["currentState"]
                        state.update({key: old[key] for key in state})
                        answered_as_before.append(light["id"])

    sim.faults.add("latency", path=GRAPHQL, match=held, seconds=10)
    sim.faults.add("patch_response", path=GRAPHQL, match=is_query, patch=as_before)
    freezer.tick(timedelta(seconds=30))
    async_fire_time_changed(hass)
    for _ in range(10_000):
        if arrived.is_set():
            break
        await asyncio.sleep(0)
    assert arrived.is_set(), "the poll did not reach the cloud"
    yield answered_as_before
    # Time passes: the cloud answers.
    freezer.tick(timedelta(seconds=10))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def executed_polls(sim: WizProSimulator) -> int:
    """Return how many buildingTopology queries the cloud answered."""
    return [field for field, _ in sim.queries].count("buildingTopology")


@pytest.mark.usefixtures("delivering")
async def test_push_during_a_poll_is_not_undone_by_it(
    hass: HomeAssistant, wiz_sim: WizProSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """A change pushed while a poll is out survives that poll's older answer."""
    light = sim_light(wiz_sim, ACCENT)
    entity = point_entity(hass, wiz_sim, ACCENT, "light", "light")
    assert hass.states.get(entity).state == STATE_ON

    async with slow_poll(hass, wiz_sim, freezer, light) as answered_as_before:
        wiz_sim.change_light_locally(light.id, state=False)
        await settle(hass, wiz_sim)
        assert hass.states.get(entity).state == STATE_OFF
    assert answered_as_before == [light.id]
    assert executed_polls(wiz_sim) == 1
    assert hass.states.get(entity).state == STATE_OFF

    await next_poll(hass, freezer)
    assert executed_polls(wiz_sim) == 2
    assert hass.states.get(entity).state == STATE_OFF


@pytest.mark.usefixtures("wiz_loaded")
async def test_command_during_a_poll_is_not_undone_by_it(
    hass: HomeAssistant, wiz_sim: WizProSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """A light turned off while a poll is out stays off when its answer lands.

    The poll also brings news (another bulb dimmed at the wall), so its answer
    is not one Home Assistant could leave unannounced.
    """
    light = sim_light(wiz_sim, ACCENT)
    entity = point_entity(hass, wiz_sim, ACCENT, "light", "light")
    other = point_entity(hass, wiz_sim, OTHER, "light", "light")
    assert wiz_sim.change_light_locally(sim_light(wiz_sim, OTHER).id, dimming=20)
    wiz_sim.clear_requests()

    async with slow_poll(hass, wiz_sim, freezer, light) as answered_as_before:
        await hass.services.async_call(
            "light", "turn_off", {"entity_id": entity}, blocking=True
        )
        assert wiz_sim.mutations == [
            (
                "changeLightState",
                {
                    "floorId": wiz_sim.floor_of(light.id).id,
                    "lightId": light.id,
                    "provider": "WiZ",
                    "mac": light.mac,
                    "state": {"state": False},
                },
            )
        ]
        assert hass.states.get(entity).state == STATE_OFF
    assert answered_as_before == [light.id]
    assert hass.states.get(other).attributes[ATTR_BRIGHTNESS] == round(20 * 255 / 100)
    assert hass.states.get(entity).state == STATE_OFF

    await next_poll(hass, freezer)
    assert executed_polls(wiz_sim) == 2
    assert not light.is_on
    assert hass.states.get(entity).state == STATE_OFF


@pytest.mark.usefixtures("accent_reported", "delivering")
async def test_disconnect_pushed_during_a_poll_stays(
    hass: HomeAssistant, wiz_sim: WizProSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """A bulb reported disconnected while a poll is out stays unavailable after it."""
    light = sim_light(wiz_sim, ACCENT)
    entity = point_entity(hass, wiz_sim, ACCENT, "light", "light")
    connectivity = point_entity(hass, wiz_sim, ACCENT, "binary_sensor", "connectivity")

    async with slow_poll(hass, wiz_sim, freezer):
        wiz_sim.set_connected(light.id, False)
        await settle(hass, wiz_sim)
        assert hass.states.get(entity).state == STATE_UNAVAILABLE
    assert executed_polls(wiz_sim) == 1
    assert hass.states.get(entity).state == STATE_UNAVAILABLE
    assert hass.states.get(connectivity).state == STATE_OFF


@pytest.mark.usefixtures("delivering")
async def test_telemetry_first_pushed_during_a_poll_stays(
    hass: HomeAssistant, wiz_sim: WizProSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """A light's first notification while a poll is out: its entities stay after it."""
    light = sim_light(wiz_sim, OTHER)
    async with slow_poll(hass, wiz_sim, freezer):
        delivery = await wiz_sim.send_status_change(light.id)
        await hass.async_block_till_done()
        assert delivery.status == 200
        power = point_entity(hass, wiz_sim, OTHER, "sensor", "power")
    assert executed_polls(wiz_sim) == 1
    assert point_entity(hass, wiz_sim, OTHER, "sensor", "power") == power
    assert float(hass.states.get(power).state) == light.consumption_rate()


@pytest.mark.usefixtures("delivering")
async def test_member_pushed_during_a_poll_counts_for_its_group(
    hass: HomeAssistant, wiz_sim: WizProSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """A group light follows its members, also after a poll with an older answer.

    Kitchen Ceiling 1 is turned off at the wall while a poll is out; then
    Kitchen Ceiling 2. Both members of Kitchen Island are off: so is the group.
    """
    first = sim_light(wiz_sim, "Kitchen Ceiling 1")
    second = sim_light(wiz_sim, "Kitchen Ceiling 2")
    island = sim_group(wiz_sim, "Kitchen Island")
    assert set(island.lights) == {first, second}
    group = entity_id(hass, "light", unique_id("group", island.id))
    first_entity = point_entity(hass, wiz_sim, first.name, "light", "light")
    assert hass.states.get(group).state == STATE_ON

    async with slow_poll(hass, wiz_sim, freezer, first):
        wiz_sim.change_light_locally(first.id, state=False)
        await settle(hass, wiz_sim)
    assert hass.states.get(first_entity).state == STATE_OFF
    assert hass.states.get(group).state == STATE_ON

    wiz_sim.change_light_locally(second.id, state=False)
    await settle(hass, wiz_sim)
    assert hass.states.get(group).state == STATE_OFF, (
        "Kitchen Island shows on although both its lights were pushed off: "
        "the adapter kept Kitchen Ceiling 1 as the older poll answer read it "
        "(only the coordinator's Snapshot kept the push)"
    )


@pytest.mark.usefixtures("accent_reported")
async def test_repeated_notification_writes_nothing(
    hass: HomeAssistant,
    wiz_sim: WizProSimulator,
    wiz_loaded: MockConfigEntry,
    http: TestClient,
    webhook_path: str,
) -> None:
    """A notification that repeats what is shown writes no state.

    Home Assistant fires state_changed only for a state that differs; a state
    written again unchanged fires state_reported, so both are counted.
    """
    written = record_state_writes(hass, wiz_loaded.entry_id)
    body = status_body(wiz_sim, sim_light(wiz_sim, ACCENT))
    response = await http.post(webhook_path, json=body)
    assert response.status == 200
    await hass.async_block_till_done()
    # The first one brings power and connectivity, which polls do not carry.
    power = point_entity(hass, wiz_sim, ACCENT, "sensor", "power")
    assert power in written
    written.clear()

    response = await http.post(webhook_path, json=body)
    assert response.status == 200
    await hass.async_block_till_done()
    assert written == []
