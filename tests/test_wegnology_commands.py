"""WEGnology commands: the send_command action and command switches."""

from datetime import timedelta
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockUser,
    async_fire_time_changed,
)

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
)
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    Unauthorized,
)
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
    label_registry as lr,
)
from homeassistant.helpers.service import async_get_all_descriptions
from homeassistant.helpers.translation import async_get_translations
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from custom_components.cloud_bridge.const import DOMAIN
from simulator.wegnology import WegnologySimulator
from simulator.wegnology_demo import (
    BOILER_RELAY_ID,
    BOILER_ROOM_SENSOR_ID,
    FAN_RELAY_ID,
    LINE_2_POWER_METER_ID,
)

from .helpers import SetupEntry, poll_now, state_of
from .wegnology_helpers import (
    bulk_state_path,
    command_path,
    devices_path,
    entity,
    entity_of,
    events_path,
    make_entry,
    most_recent_path,
    registered_device,
    state_poll,
)

SEND_COMMAND = "send_command"
RELAY = f"{BOILER_RELAY_ID}/relay"
HOME_ASSISTANT = {"source": "home-assistant"}


def device_id(hass: HomeAssistant, wegnology_device_id: str) -> str:
    """Return the device registry id of a WEGnology device."""
    device = registered_device(hass, wegnology_device_id)
    assert device is not None, wegnology_device_id
    return device.id


async def send_command(
    hass: HomeAssistant, targets: list[str], command: str, **data: Any
) -> None:
    """Call cloud_bridge.send_command on devices (registry ids) and wait for it."""
    await send_to(hass, {"device_id": targets}, command, **data)


async def send_to(
    hass: HomeAssistant, target: dict[str, Any], command: str, **data: Any
) -> None:
    """Call cloud_bridge.send_command on any target and wait for it."""
    await hass.services.async_call(
        DOMAIN, SEND_COMMAND, {"command": command, **data}, target=target, blocking=True
    )


async def switch(hass: HomeAssistant, service: str, entity_id: str) -> None:
    """Turn a switch on or off and wait for it."""
    await hass.services.async_call(
        SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


def posted(sim: WegnologySimulator, device: str) -> list[Any]:
    """Return the bodies of the commands POSTed to a device."""
    return [
        request.json
        for request in sim.requests
        if request.method == "POST" and request.path == command_path(device)
    ]


@pytest.fixture
async def relay_switch(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator, setup_entry: SetupEntry
) -> MockConfigEntry:
    """Set up the demo plant with the boiler relay as a command switch."""
    entry = make_entry(hass, wegnology_sim)
    hass.config_entries.async_update_entry(
        entry,
        options={
            "switches": {
                RELAY: {
                    "on_command": "relayOn",
                    "on_payload": HOME_ASSISTANT,
                    "off_command": "relayOff",
                }
            }
        },
    )
    return await setup_entry(entry)


# --- the action -------------------------------------------------------------


async def test_the_action_is_there_before_any_entry(hass: HomeAssistant) -> None:
    """Automations using the action validate even before an entry is loaded."""
    assert not hass.services.has_service(DOMAIN, SEND_COMMAND)
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()
    assert hass.config_entries.async_entries(DOMAIN) == []
    assert hass.services.has_service(DOMAIN, SEND_COMMAND)

    described = (await async_get_all_descriptions(hass))[DOMAIN][SEND_COMMAND]
    assert described["target"] == {
        "device": [{"integration": DOMAIN, "manufacturer": "WEGnology"}]
    }
    assert set(described["fields"]) == {"command", "payload"}
    assert described["fields"]["command"]["required"] is True
    assert "text" in described["fields"]["command"]["selector"]
    assert "object" in described["fields"]["payload"]["selector"]
    # "Fill example data" puts an object in the payload, not a string.
    assert described["fields"]["payload"]["example"] == {"state": True}
    assert not described["fields"]["payload"].get("required")

    texts = await async_get_translations(hass, "en", "services", [DOMAIN])
    prefix = f"component.{DOMAIN}.services.{SEND_COMMAND}"
    assert texts[f"{prefix}.name"] == "Send command"
    assert texts[f"{prefix}.description"].startswith("Sends a named command")
    assert texts[f"{prefix}.fields.command.name"] == "Command"
    assert texts[f"{prefix}.fields.payload.name"] == "Payload"
    assert texts[f"{prefix}.fields.payload.description"]


async def test_a_command_with_a_payload(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """The device's command endpoint receives exactly the name and payload."""
    payload = {"offset": -0.5, "sensors": ["temperature", "humidity"], "save": True}
    await send_command(
        hass,
        [device_id(hass, BOILER_ROOM_SENSOR_ID)],
        "calibrate",
        payload=payload,
    )
    assert wegnology_sim.commands == [(BOILER_ROOM_SENSOR_ID, "calibrate", payload)]
    assert posted(wegnology_sim, BOILER_ROOM_SENSOR_ID) == [
        {"name": "calibrate", "payload": payload}
    ]


async def test_a_command_without_a_payload(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """Without a payload, the command is sent with its name alone."""
    await send_command(hass, [device_id(hass, BOILER_ROOM_SENSOR_ID)], "reboot")
    assert posted(wegnology_sim, BOILER_ROOM_SENSOR_ID) == [{"name": "reboot"}]
    assert wegnology_sim.commands == [(BOILER_ROOM_SENSOR_ID, "reboot", None)]


async def test_relay_on_shows_when_the_call_returns(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """A relay that acts at once shows on when the call returns.

    The coordinator polls right after a command; the simulated firmware, with no
    delay, has reported the new state before that poll reads it.
    """
    relay = entity(hass, "binary_sensor", BOILER_RELAY_ID, "relay")
    assert state_of(hass, relay) == STATE_OFF
    wegnology_sim.clear_requests()
    await send_command(hass, [device_id(hass, BOILER_RELAY_ID)], "relayOn")
    assert state_of(hass, relay) == STATE_ON
    assert wegnology_sim.commands == [(BOILER_RELAY_ID, "relayOn", None)]
    # The poll after the command is what brought it.
    assert [request.path for request in wegnology_sim.requests] == [
        command_path(BOILER_RELAY_ID),
        *state_poll(),
    ]


async def test_relay_on_shows_at_the_poll_after_the_firmware_acted(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """A relay that takes a moment shows on at the next poll after it reported."""
    wegnology_sim.firmware_delay = 0.2
    relay = entity(hass, "binary_sensor", BOILER_RELAY_ID, "relay")
    await send_command(
        hass, [device_id(hass, BOILER_RELAY_ID)], "setRelay", payload={"state": True}
    )
    # Nothing is assumed: the poll after the command still read the old state.
    assert state_of(hass, relay) == STATE_OFF
    await wegnology_sim.wait_background()
    assert wegnology_sim.device(BOILER_RELAY_ID).state["relay"].value is True
    await poll_now(hass, wegnology_loaded)
    assert state_of(hass, relay) == STATE_ON


async def test_one_command_per_target(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """Several devices each get the command once."""
    fan = entity(hass, "binary_sensor", FAN_RELAY_ID, "relay")
    boiler = entity(hass, "binary_sensor", BOILER_RELAY_ID, "relay")
    wegnology_sim.set_attribute(BOILER_RELAY_ID, "relay", True)
    await poll_now(hass, wegnology_loaded)
    assert (state_of(hass, boiler), state_of(hass, fan)) == (STATE_ON, STATE_ON)
    await send_command(
        hass,
        [device_id(hass, BOILER_RELAY_ID), device_id(hass, FAN_RELAY_ID)],
        "relayOff",
    )
    assert sorted(wegnology_sim.commands) == sorted(
        [(BOILER_RELAY_ID, "relayOff", None), (FAN_RELAY_ID, "relayOff", None)]
    )
    assert state_of(hass, boiler) == STATE_OFF
    # Each command asks for a poll; polls asked for within 10 s of one another
    # are merged, so the second relay shows off at the end of that wait.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await hass.async_block_till_done()
    assert state_of(hass, fan) == STATE_OFF


# --- targets the action refuses ---------------------------------------------


async def test_targets_that_are_not_wegnology_devices(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    gizwits_loaded: MockConfigEntry,
) -> None:
    """Another integration's device, another cloud's, or no device: refused."""
    other_entry = MockConfigEntry(domain="other")
    other_entry.add_to_hass(hass)
    other = dr.async_get(hass).async_get_or_create(
        config_entry_id=other_entry.entry_id,
        identifiers={("other", f"wegnology:{BOILER_RELAY_ID}")},
        name="Someone else's relay",
    )
    gizwits = next(
        device
        for device in dr.async_entries_for_config_entry(
            dr.async_get(hass), gizwits_loaded.entry_id
        )
    )
    relay = device_id(hass, BOILER_RELAY_ID)
    unknown = "0123456789abcdef0123456789abcdef"
    for refused, shown in (
        (other.id, "Someone else's relay"),
        (gizwits.id, gizwits.name),
        (unknown, unknown),
    ):
        with pytest.raises(ServiceValidationError) as err:
            # A good target next to a bad one: nothing is sent at all.
            await send_command(hass, [relay, refused], "relayOn")
        assert err.value.translation_domain == DOMAIN
        assert err.value.translation_key == "not_a_wegnology_device"
        assert err.value.translation_placeholders == {"device_id": shown}
        assert str(err.value) == (
            f"{shown} is not a WEGnology device of Cloud Bridge and holds none"
        )
    assert wegnology_sim.commands == []


async def test_a_device_whose_entry_is_not_loaded(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """A device of an unloaded entry cannot be reached."""
    relay = device_id(hass, BOILER_RELAY_ID)
    assert await hass.config_entries.async_unload(wegnology_loaded.entry_id)
    await hass.async_block_till_done()
    with pytest.raises(ServiceValidationError) as err:
        await send_command(hass, [relay], "relayOn")
    assert err.value.translation_key == "entry_not_loaded"
    assert err.value.translation_placeholders == {"device": "Boiler Relay"}
    # Through its area too.
    boiler_room = ar.async_get(hass).async_get_area_by_name("Boiler room")
    assert boiler_room is not None
    with pytest.raises(ServiceValidationError) as err:
        await send_to(hass, {"area_id": boiler_room.id}, "relayOn")
    assert err.value.translation_key == "entry_not_loaded"
    assert wegnology_sim.commands == []


async def test_an_area_target(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """An area: its WEGnology devices get the command; anything else there is left.

    The demo's "Boiler room" area tag puts the sensor and the relay there.
    """
    boiler_room = ar.async_get(hass).async_get_area_by_name("Boiler room")
    assert boiler_room is not None
    other_entry = MockConfigEntry(domain="other")
    other_entry.add_to_hass(hass)
    lamp = dr.async_get(hass).async_get_or_create(
        config_entry_id=other_entry.entry_id,
        identifiers={("other", "lamp")},
        name="Boiler room lamp",
    )
    dr.async_get(hass).async_update_device(lamp.id, area_id=boiler_room.id)

    await send_to(hass, {"area_id": boiler_room.id}, "relayOn")
    assert sorted(wegnology_sim.commands) == sorted(
        [(BOILER_ROOM_SENSOR_ID, "relayOn", None), (BOILER_RELAY_ID, "relayOn", None)]
    )
    assert state_of(hass, entity(hass, "binary_sensor", BOILER_RELAY_ID, "relay")) == (
        STATE_ON
    )


async def test_label_entity_and_device_targets_together(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """A labelled device, an entity's device and a device: each gets it once."""
    label = lr.async_get(hass).async_create("Relays")
    fan = device_id(hass, FAN_RELAY_ID)
    dr.async_get(hass).async_update_device(fan, labels={label.label_id})
    power = entity(hass, "sensor", LINE_2_POWER_METER_ID, "power")
    registry_id = er.async_get(hass).async_get(power)
    assert registry_id is not None
    await send_to(
        hass,
        {
            "label_id": label.label_id,
            # By entity registry id, as automations store it.
            "entity_id": [registry_id.id],
            "device_id": [fan],
        },
        "reboot",
    )
    assert sorted(wegnology_sim.commands) == sorted(
        [(FAN_RELAY_ID, "reboot", None), (LINE_2_POWER_METER_ID, "reboot", None)]
    )


async def test_targets_that_hold_no_wegnology_device(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """An empty area, or an entity of another integration: the translated refusal."""
    empty = ar.async_get(hass).async_create("Garden")
    hass.states.async_set("light.garden", "off")
    for target, shown in (
        ({"area_id": empty.id}, "Garden"),
        ({"area_id": empty.id, "entity_id": "light.garden"}, "Garden, light.garden"),
        ({"area_id": "none"}, "-"),
    ):
        with pytest.raises(ServiceValidationError) as err:
            await send_to(hass, target, "relayOn")
        assert err.value.translation_key == "not_a_wegnology_device"
        assert err.value.translation_placeholders == {"device_id": shown}
        assert str(err.value) == (
            f"{shown} is not a WEGnology device of Cloud Bridge and holds none"
        )
    assert wegnology_sim.commands == []


async def test_some_targets_fail(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """One device failing does not keep the command from the others; it is named."""
    wegnology_sim.faults.add("server_error", path=command_path(BOILER_RELAY_ID))
    fan = entity(hass, "binary_sensor", FAN_RELAY_ID, "relay")
    assert state_of(hass, fan) == STATE_ON
    with pytest.raises(HomeAssistantError) as err:
        await send_command(
            hass,
            [
                device_id(hass, BOILER_RELAY_ID),
                device_id(hass, FAN_RELAY_ID),
                device_id(hass, BOILER_ROOM_SENSOR_ID),
            ],
            "relayOff",
        )
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "send_command_failed"
    assert str(err.value) == (
        "The command reached 2 of 3 devices; these did not take it: Boiler Relay: "
        "The cloud cannot be reached right now: WEGnology failed with HTTP 500"
    )
    assert sorted(wegnology_sim.commands) == sorted(
        [(FAN_RELAY_ID, "relayOff", None), (BOILER_ROOM_SENSOR_ID, "relayOff", None)]
    )
    assert [r.path for r in wegnology_sim.requests].count(
        command_path(BOILER_RELAY_ID)
    ) == 1
    await poll_now(hass, wegnology_loaded)
    assert state_of(hass, fan) == STATE_OFF


# --- what the cloud refuses --------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "translation_key"),
    [
        ({"kind": "server_error"}, "cloud_unavailable"),
        ({"kind": "server_error", "status": 503}, "cloud_unavailable"),
        ({"kind": "rate_limit", "retry_after": 30}, "rate_limited"),
        ({"kind": "disconnect"}, "cloud_unavailable"),
    ],
)
async def test_cloud_errors(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    fault: dict[str, Any],
    translation_key: str,
) -> None:
    """A cloud that fails or throttles reaches the user as a translated error."""
    wegnology_sim.faults.add(
        fault.pop("kind"), path=command_path(BOILER_RELAY_ID), **fault
    )
    with pytest.raises(HomeAssistantError) as err:
        await send_command(hass, [device_id(hass, BOILER_RELAY_ID)], "relayOn")
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == translation_key
    assert wegnology_sim.commands == []
    relay = entity(hass, "binary_sensor", BOILER_RELAY_ID, "relay")
    assert state_of(hass, relay) == STATE_OFF


async def test_a_command_the_cloud_rejects(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """A command the cloud refuses as invalid (400) is a command_rejected error."""
    with pytest.raises(HomeAssistantError) as err:
        await send_command(hass, [device_id(hass, BOILER_RELAY_ID)], "x" * 256)
    assert err.value.translation_key == "command_rejected"
    assert "name is required" in err.value.translation_placeholders["error"]
    assert str(err.value).startswith("The cloud refused the command: ")
    assert wegnology_sim.commands == []


async def test_a_device_deleted_in_the_cloud(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """A command to a deleted device is refused, and the device leaves at once.

    The 404 makes the device list stale and asks for a poll before the user
    hears of the refusal: no waiting for the next scheduled poll.
    """
    meter = device_id(hass, LINE_2_POWER_METER_ID)
    wegnology_sim.remove_device(LINE_2_POWER_METER_ID)
    # State polls do not read the device list: the device stays for now.
    await poll_now(hass, wegnology_loaded)
    assert registered_device(hass, LINE_2_POWER_METER_ID) is not None

    wegnology_sim.clear_requests()
    with pytest.raises(HomeAssistantError) as err:
        await send_command(hass, [meter], "reset")
    assert err.value.translation_key == "device_gone"
    assert wegnology_sim.commands == []
    assert [request.path for request in wegnology_sim.requests] == [
        command_path(LINE_2_POWER_METER_ID),
        devices_path(),
        bulk_state_path(),
        most_recent_path(),
        events_path(),
    ]
    assert registered_device(hass, LINE_2_POWER_METER_ID) is None
    assert entity_of(hass, "sensor", LINE_2_POWER_METER_ID, "power") is None
    assert registered_device(hass, BOILER_RELAY_ID) is not None


# --- command switches --------------------------------------------------------


async def test_a_command_switch_turns_on_and_off(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    relay_switch: MockConfigEntry,
) -> None:
    """On sends the on command with its payload; off sends the off command."""
    assert entity_of(hass, "binary_sensor", BOILER_RELAY_ID, "relay") is None
    relay = entity(hass, "switch", BOILER_RELAY_ID, "relay")
    assert state_of(hass, relay) == STATE_OFF
    wegnology_sim.firmware_delay = 0.2

    await switch(hass, SERVICE_TURN_ON, relay)
    assert posted(wegnology_sim, BOILER_RELAY_ID) == [
        {"name": "relayOn", "payload": HOME_ASSISTANT}
    ]
    # Shown at once, before the relay has reported it.
    assert state_of(hass, relay) == STATE_ON
    assert wegnology_sim.device(BOILER_RELAY_ID).state["relay"].value is False
    await wegnology_sim.wait_background()
    await poll_now(hass, relay_switch)
    assert state_of(hass, relay) == STATE_ON

    await switch(hass, SERVICE_TURN_OFF, relay)
    assert state_of(hass, relay) == STATE_OFF
    await wegnology_sim.wait_background()
    await poll_now(hass, relay_switch)
    assert state_of(hass, relay) == STATE_OFF
    assert wegnology_sim.commands == [
        (BOILER_RELAY_ID, "relayOn", HOME_ASSISTANT),
        (BOILER_RELAY_ID, "relayOff", None),
    ]


async def test_the_poll_shows_what_the_relay_reports(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    relay_switch: MockConfigEntry,
) -> None:
    """A relay that ignored the command shows off again at the next poll."""
    relay = entity(hass, "switch", BOILER_RELAY_ID, "relay")
    wegnology_sim.set_connected(BOILER_RELAY_ID, False)  # misses the command
    await switch(hass, SERVICE_TURN_ON, relay)
    assert state_of(hass, relay) == STATE_ON
    wegnology_sim.set_connected(BOILER_RELAY_ID, True)
    await wegnology_sim.wait_background()
    await poll_now(hass, relay_switch)
    assert state_of(hass, relay) == STATE_OFF

    # And a relay switched by hand shows at the next poll too.
    wegnology_sim.set_attribute(BOILER_RELAY_ID, "relay", True)
    await poll_now(hass, relay_switch)
    assert state_of(hass, relay) == STATE_ON


@pytest.mark.parametrize(
    ("fault", "translation_key"),
    [
        ({"kind": "server_error"}, "cloud_unavailable"),
        ({"kind": "rate_limit"}, "rate_limited"),
    ],
)
async def test_a_switch_command_that_fails(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    relay_switch: MockConfigEntry,
    fault: dict[str, Any],
    translation_key: str,
) -> None:
    """A failed command keeps the old state and tells the user why."""
    relay = entity(hass, "switch", BOILER_RELAY_ID, "relay")
    wegnology_sim.faults.add(
        fault.pop("kind"), path=command_path(BOILER_RELAY_ID), **fault
    )
    with pytest.raises(HomeAssistantError) as err:
        await switch(hass, SERVICE_TURN_ON, relay)
    assert err.value.translation_key == translation_key
    assert state_of(hass, relay) == STATE_OFF
    assert wegnology_sim.commands == []


async def test_a_switch_with_the_other_switch_options(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator, setup_entry: SetupEntry
) -> None:
    """One payload-driven command can switch both ways."""
    entry = make_entry(hass, wegnology_sim)
    hass.config_entries.async_update_entry(
        entry,
        options={
            "switches": {
                f"{FAN_RELAY_ID}/relay": {
                    "on_command": "setRelay",
                    "on_payload": {"state": True},
                    "off_command": "setRelay",
                    "off_payload": {"state": False},
                }
            }
        },
    )
    await setup_entry(entry)
    fan = entity(hass, "switch", FAN_RELAY_ID, "relay")
    assert state_of(hass, fan) == STATE_ON
    await switch(hass, SERVICE_TURN_OFF, fan)
    await wegnology_sim.wait_background()
    await poll_now(hass, entry)
    assert state_of(hass, fan) == STATE_OFF
    assert wegnology_sim.device(FAN_RELAY_ID).state["relay"].value is False
    assert wegnology_sim.commands == [(FAN_RELAY_ID, "setRelay", {"state": False})]


# --- who may send, and how much ---------------------------------------------


async def test_only_administrators_may_send_commands(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    hass_read_only_user: MockUser,
    hass_admin_user: MockUser,
) -> None:
    """A read-only user is refused before anything reaches the cloud."""
    target = {"device_id": [device_id(hass, BOILER_ROOM_SENSOR_ID)]}

    async def reboot_as(user: MockUser) -> None:
        await hass.services.async_call(
            DOMAIN,
            SEND_COMMAND,
            {"command": "reboot"},
            target=target,
            blocking=True,
            context=Context(user_id=user.id),
        )

    with pytest.raises(Unauthorized):
        await reboot_as(hass_read_only_user)
    assert wegnology_sim.commands == []
    await reboot_as(hass_admin_user)
    assert wegnology_sim.commands == [(BOILER_ROOM_SENSOR_ID, "reboot", None)]


async def test_a_payload_too_large_is_refused(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """Past 16 KiB of JSON a payload is refused with its size; nothing is sent."""
    target = [device_id(hass, BOILER_ROOM_SENSOR_ID)]
    with pytest.raises(ServiceValidationError) as refused:
        await send_command(hass, target, "upload", payload={"blob": "x" * 20_000})
    assert refused.value.translation_key == "payload_too_large"
    assert refused.value.translation_placeholders == {
        "size": str(len('{"blob":""}') + 20_000),
        "limit": "16384",
    }
    assert wegnology_sim.commands == []
    # Just under the limit goes through.
    await send_command(hass, target, "upload", payload={"blob": "x" * 16_000})
    assert len(wegnology_sim.commands) == 1


async def test_each_command_is_confirmed_at_once(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """Two commands in a row each get their reading of the state, none waits 10 s.

    (A debounced refresh would hold the second one back until its cooldown.)
    """
    target = [device_id(hass, BOILER_ROOM_SENSOR_ID)]
    wegnology_sim.clear_requests()
    await send_command(hass, target, "calibrate")
    reads = [r.path for r in wegnology_sim.requests].count(bulk_state_path())
    assert reads == 1
    wegnology_sim.set_attribute(BOILER_ROOM_SENSOR_ID, "temperature", 55.5)
    await send_command(hass, target, "calibrate")
    assert [r.path for r in wegnology_sim.requests].count(bulk_state_path()) == 2
    temperature = entity(hass, "sensor", BOILER_ROOM_SENSOR_ID, "temperature")
    assert state_of(hass, temperature) == "55.5"
