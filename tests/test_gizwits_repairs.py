"""Products whose definition Gizwits refuses: read-only entities and the repair."""

import json
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from homeassistant.components.climate import HVACMode
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_TEMPERATURE, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.setup import async_setup_component

from custom_components.cloud_bridge.const import DOMAIN
from custom_components.cloud_bridge.vendors.gizwits.definitions import (
    DATA_STORE,
    INFERRED_KEY,
    STORAGE_KEY,
)
from simulator.gizwits import GizwitsSimulator
from simulator.gizwits_demo import (
    AIR_CONDITIONER,
    BALCONY_PLUG_DID,
    BEDROOM_FAN_DID,
    CEILING_LAMP_DID,
    COLOUR_LAMP,
    DEMO_UID,
    DESK_LAMP_DID,
    DIMMABLE_LAMP,
    FLOOR_LAMP_DID,
    HEATER,
    LIVING_AC_DID,
    LIVING_LIGHTS_GROUP_ID,
    PET_HOUSE,
    PET_HOUSE_DID,
    PRODUCTS,
    SMART_PLUG,
    STUDY_HEATER_DID,
    TOWER_FAN,
    TV_PLUG_DID,
)

from .gizwits_helpers import (
    ADAPTER_LOGGER,
    DATAPOINT,
    devdata,
    device_entities,
    device_entry,
    entity,
    entity_of,
)
from .helpers import SetupEntry, entity_state, log_lines, next_poll, paths, state_of

FIX = "/api/repairs/issues/fix"
WRITABLE = {"switch", "number", "select", "light", "climate", "fan"}


@pytest.fixture(autouse=True)
def frozen_time(freezer: FrozenDateTimeFactory) -> None:
    """Freeze time before anything is set up, so only ticks make polls happen."""


@pytest.fixture
async def read_only(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_entry: MockConfigEntry,
    setup_entry: SetupEntry,
) -> MockConfigEntry:
    """Set the demo entry up with an AppID that may not read definitions."""
    gizwits_sim.super_app_ids = set()
    return await setup_entry(gizwits_entry)


def issue_id(entry: MockConfigEntry, product_key: str) -> str:
    """Return the repair issue of a product without definition."""
    return f"gizwits_definition_{entry.entry_id}_{product_key}"


def definition_issues(hass: HomeAssistant) -> dict[str, ir.IssueEntry]:
    """Return the open definition issues by product key."""
    return {
        issue.translation_placeholders["product_key"]: issue
        for issue in ir.async_get(hass).issues.values()
        if issue.domain == DOMAIN
        and issue.translation_key == "gizwits_definition"
        and issue.translation_placeholders
    }


def ac_thermostat(hass: HomeAssistant) -> str:
    """Return the thermostat of the living-room air conditioner."""
    return entity(hass, "climate", LIVING_AC_DID, "climate")


def domains_of(hass: HomeAssistant, did: str) -> set[str]:
    """Return the platforms of a device's entities."""
    return {registered.domain for registered in device_entities(hass, did)}


# --- set-up without definitions ----------------------------------------------------


async def test_setup_succeeds_with_read_only_entities(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    read_only: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Definitions refused: every device is there, with sensors from its data."""
    assert read_only.state is ConfigEntryState.LOADED
    assert paths(gizwits_sim).count(DATAPOINT) == len(PRODUCTS)
    for did in gizwits_sim.user().bindings:
        device = device_entry(hass, did)
        assert device is not None, did
        assert not domains_of(hass, did) & WRITABLE, did
    # Without a definition, the product's name is unknown: its key stands in.
    pet_house = device_entry(hass, PET_HOUSE_DID)
    assert pet_house is not None
    assert pet_house.model == PET_HOUSE.product_key
    assert pet_house.name == PET_HOUSE_DID
    ac = device_entry(hass, LIVING_AC_DID)
    assert ac is not None
    assert (ac.name, ac.model) == ("客厅空调", AIR_CONDITIONER.product_key)

    # What the devices report: numbers (bools come as 0/1) and text are sensors.
    assert state_of(hass, entity(hass, "sensor", LIVING_AC_DID, "set_temp")) == "26"
    assert state_of(hass, entity(hass, "sensor", LIVING_AC_DID, "switch")) == "1"
    assert state_of(hass, entity(hass, "sensor", LIVING_AC_DID, "mode")) == "制冷"
    assert state_of(hass, entity(hass, "sensor", LIVING_AC_DID, "status_code")) == (
        "0000a1b2"
    )
    assert entity_of(hass, "sensor", PET_HOUSE_DID, "Temperature") is not None
    # A device that never reported has nothing to infer from.
    assert domains_of(hass, BALCONY_PLUG_DID) == set()
    # No definition, no lights: neither the lamps nor the lamp group.
    assert device_entry(hass, f"group-{LIVING_LIGHTS_GROUP_ID}") is None
    assert hass.states.async_entity_ids("light") == []
    # Scenarios do not need definitions.
    assert len(hass.states.async_entity_ids("scene")) == 2

    warnings = [
        record.getMessage()
        for record in caplog.get_records("setup")
        if record.name == ADAPTER_LOGGER and record.levelno == logging.WARNING
    ]
    assert len(warnings) == len(PRODUCTS)
    assert all("refused" in line and "(9003)" in line for line in warnings)


async def test_json_booleans_become_binary_sensors(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_entry: MockConfigEntry,
    setup_entry: SetupEntry,
) -> None:
    """A cloud that reports true/false: read-only binary sensors."""

    def as_booleans(reply: dict[str, Any]) -> None:
        for name in ("LED_OnOff", "Infrared"):
            reply["attr"][name] = bool(reply["attr"][name])

    gizwits_sim.super_app_ids = set()
    gizwits_sim.faults.add(
        "patch_response", path=devdata(PET_HOUSE_DID), count=None, patch=as_booleans
    )
    await setup_entry(gizwits_entry)
    assert domains_of(hass, PET_HOUSE_DID) == {"binary_sensor", "sensor"}
    assert state_of(hass, entity(hass, "binary_sensor", PET_HOUSE_DID, "Infrared")) == (
        STATE_ON
    )
    assert state_of(
        hass, entity(hass, "binary_sensor", PET_HOUSE_DID, "LED_OnOff")
    ) == (STATE_OFF)
    assert state_of(hass, entity(hass, "sensor", PET_HOUSE_DID, "Temperature")) == (
        "-5"
    )


async def test_one_repair_issue_per_product(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, read_only: MockConfigEntry
) -> None:
    """Each product without definition has one fixable issue that names it."""
    issues = definition_issues(hass)
    assert sorted(issues) == sorted(product.product_key for product in PRODUCTS)
    for product_key, issue in issues.items():
        assert issue.issue_id == issue_id(read_only, product_key)
        assert issue.is_fixable
        assert issue.severity is ir.IssueSeverity.WARNING
        assert issue.translation_placeholders == {
            "product_key": product_key,
            "title": read_only.title,
        }
        assert issue.data == {
            "entry_id": read_only.entry_id,
            "product_key": product_key,
        }


async def test_refused_definitions_not_asked_on_every_poll(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    read_only: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A refused definition is asked for again with the topology, not every 30 s."""
    caplog.clear()
    gizwits_sim.clear_requests()
    await next_poll(hass, freezer)
    await next_poll(hass, freezer)
    assert DATAPOINT not in paths(gizwits_sim), (
        "BUG: every 30 s poll asks /app/datapoint again for each refused product"
    )
    await next_poll(hass, freezer, 600)
    assert paths(gizwits_sim).count(DATAPOINT) == len(PRODUCTS)
    # Refused again: not logged again, and the issues stay.
    assert log_lines(caplog, logging.WARNING, ADAPTER_LOGGER) == []
    assert len(definition_issues(hass)) == len(PRODUCTS)


async def test_definition_allowed_later_clears_the_issue(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    read_only: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The AppID made a super AppID: the next topology read unlocks the controls."""
    gizwits_sim.super_app_ids = set(gizwits_sim.app_ids)
    await next_poll(hass, freezer, 600)
    assert definition_issues(hass) == {}
    assert state_of(hass, ac_thermostat(hass)) == HVACMode.COOL
    assert entity_of(hass, "light", CEILING_LAMP_DID, "light") is not None
    # Without a reload too, the sensors that stood in for controls are gone.
    for point in ("switch", "set_temp", "mode", "room_temp"):
        assert entity_of(hass, "sensor", LIVING_AC_DID, point) is None, point
    assert entity_of(hass, "sensor", CEILING_LAMP_DID, "power") is None
    assert entity_of(hass, "sensor", PET_HOUSE_DID, "Temperature") is not None


# --- the fix flow -----------------------------------------------------------------


async def start_fix(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    entry: MockConfigEntry,
    product_key: str,
) -> tuple[Any, dict[str, Any]]:
    """Open an issue's fix flow as the frontend does; return the client and form."""
    http = await hass_client()
    response = await http.post(
        FIX, json={"handler": DOMAIN, "issue_id": issue_id(entry, product_key)}
    )
    assert response.status == 200, await response.text()
    result: dict[str, Any] = await response.json()
    assert result["type"] == "form"
    assert result["step_id"] == "init"
    assert result["description_placeholders"] == {"product_key": product_key}
    return http, result


async def paste(http: Any, flow_id: str, text: str) -> dict[str, Any]:
    """Paste text into a fix flow's form; return the result."""
    response = await http.post(f"{FIX}/{flow_id}", json={"definition": text})
    assert response.status == 200, await response.text()
    result: dict[str, Any] = await response.json()
    return result


def attrs_of(sim: GizwitsSimulator, product_key: str) -> list[dict[str, Any]]:
    """Return a product's datapoint list as /app/datapoint has it."""
    attrs: list[dict[str, Any]] = sim.product(product_key).definition()["entities"][0][
        "attrs"
    ]
    return attrs


@pytest.fixture
async def repairs(hass: HomeAssistant) -> None:
    """Set up Repairs before the first client starts the HTTP server."""
    assert await async_setup_component(hass, "repairs", {})


@pytest.mark.usefixtures("repairs")
async def test_fix_refuses_what_is_not_a_definition(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    read_only: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    hass_storage: dict[str, Any],
) -> None:
    """Not JSON, no datapoints, another product's: each refused on the form."""
    product_key = AIR_CONDITIONER.product_key
    http, result = await start_fix(hass, hass_client, read_only, product_key)
    flow_id = result["flow_id"]
    other = json.dumps(gizwits_sim.product(PET_HOUSE.product_key).definition())
    for text, error in (
        ("{not json", "invalid_json"),
        ("", "invalid_json"),
        ('{"name": "空调", "entities": []}', "no_datapoints"),
        ('{"product_key": "' + product_key + '"}', "no_datapoints"),
        ("[1, 2, 3]", "no_datapoints"),
        (other, "wrong_product"),
    ):
        result = await paste(http, flow_id, text)
        assert result["type"] == "form", text
        assert result["errors"] == {"definition": error}, text
    await hass.async_block_till_done()
    assert product_key in definition_issues(hass)
    assert entity_of(hass, "climate", LIVING_AC_DID, "climate") is None
    stored = hass_storage.get(STORAGE_KEY, {}).get("data", {})
    assert product_key not in stored


@pytest.mark.usefixtures("repairs")
async def test_pasted_definitions_unlock_the_controls(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    read_only: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    hass_storage: dict[str, Any],
) -> None:
    """The API's reply, an attrs object or a bare list: each fixes its product."""
    pastes = {
        AIR_CONDITIONER.product_key: gizwits_sim.product(
            AIR_CONDITIONER.product_key
        ).definition(),
        DIMMABLE_LAMP.product_key: {
            "attrs": attrs_of(gizwits_sim, DIMMABLE_LAMP.product_key)
        },
        COLOUR_LAMP.product_key: attrs_of(gizwits_sim, COLOUR_LAMP.product_key),
        HEATER.product_key: gizwits_sim.product(HEATER.product_key).definition(),
        TOWER_FAN.product_key: gizwits_sim.product(TOWER_FAN.product_key).definition(),
    }
    for product_key, definition in pastes.items():
        http, result = await start_fix(hass, hass_client, read_only, product_key)
        result = await paste(http, result["flow_id"], json.dumps(definition))
        assert result["type"] == "create_entry", result
        await hass.async_block_till_done()
        assert read_only.state is ConfigEntryState.LOADED
        assert product_key not in definition_issues(hass)

    assert sorted(definition_issues(hass)) == sorted(
        [PET_HOUSE.product_key, SMART_PLUG.product_key]
    )
    # The air conditioner is a thermostat; its timers and alarms stay apart.
    assert domains_of(hass, LIVING_AC_DID) == {
        "climate",
        "number",
        "sensor",
        "binary_sensor",
    }
    thermostat = entity_state(hass, ac_thermostat(hass))
    assert thermostat.state == HVACMode.COOL
    assert thermostat.attributes[ATTR_TEMPERATURE] == 26
    assert state_of(hass, entity(hass, "number", LIVING_AC_DID, "on_timing")) == "0"
    # So is the heater (its product's name says it heats); the fan is a fan.
    assert state_of(hass, entity(hass, "climate", STUDY_HEATER_DID, "climate")) == (
        HVACMode.HEAT
    )
    assert state_of(hass, entity(hass, "fan", BEDROOM_FAN_DID, "fan")) == STATE_OFF
    ac = device_entry(hass, LIVING_AC_DID)
    assert ac is not None
    assert ac.model == "空调"
    # The lamps and the lamp group are lights.
    for did in (CEILING_LAMP_DID, FLOOR_LAMP_DID, DESK_LAMP_DID):
        assert domains_of(hass, did) == {"light"}, did
    assert state_of(hass, entity(hass, "light", CEILING_LAMP_DID, "light")) == STATE_ON
    assert entity_of(hass, "light", f"group-{LIVING_LIGHTS_GROUP_ID}", "light")
    # The sensors that stood in for the controls are gone, not left unavailable.
    registry = er.async_get(hass)
    for point in ("switch", "set_temp", "mode", "room_temp"):
        assert entity_of(hass, "sensor", LIVING_AC_DID, point) is None, (
            f"BUG: the read-only sensor {point} stays in the entity registry "
            "after the definition turned it into a control"
        )
    assert not [
        e
        for e in er.async_entries_for_config_entry(registry, read_only.entry_id)
        if hass.states.get(e.entity_id) is None and e.disabled_by is None
    ]
    # The definitions are stored as pasted.
    stored = hass_storage[STORAGE_KEY]["data"]
    for product_key, definition in pastes.items():
        assert stored[product_key]["pasted"] is True
        assert stored[product_key]["definition"] == definition


@pytest.mark.usefixtures("repairs")
async def test_pasted_definition_survives_restart_and_refusals(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    read_only: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    hass_storage: dict[str, Any],
    *,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A pasted definition is kept over restarts and never asked for again."""
    product_key = AIR_CONDITIONER.product_key
    definition = gizwits_sim.product(product_key).definition()
    http, result = await start_fix(hass, hass_client, read_only, product_key)
    result = await paste(http, result["flow_id"], json.dumps(definition))
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()

    # A restart: what was in memory is gone; what was stored stays.
    assert await hass.config_entries.async_unload(read_only.entry_id)
    hass.data.pop(DATA_STORE)
    gizwits_sim.clear_requests()
    assert await hass.config_entries.async_setup(read_only.entry_id)
    await hass.async_block_till_done()
    assert read_only.state is ConfigEntryState.LOADED
    asked = [
        r.query["product_key"] for r in gizwits_sim.requests if r.path == DATAPOINT
    ]
    assert product_key not in asked
    assert len(asked) == len(PRODUCTS) - 1
    assert state_of(hass, ac_thermostat(hass)) == HVACMode.COOL
    assert product_key not in definition_issues(hass)

    # Weeks of refusals later, the pasted definition is still the one in use.
    for _ in range(3):
        await next_poll(hass, freezer, 8 * 24 * 3600)
    asked = [
        r.query["product_key"] for r in gizwits_sim.requests if r.path == DATAPOINT
    ]
    assert product_key not in asked
    assert entity_of(hass, "climate", LIVING_AC_DID, "climate") is not None
    assert product_key not in definition_issues(hass)
    stored = hass_storage[STORAGE_KEY]["data"][product_key]
    assert stored["pasted"] is True
    assert stored["definition"] == definition


async def test_issues_leave_with_the_entry(
    hass: HomeAssistant, gizwits_sim: GizwitsSimulator, read_only: MockConfigEntry
) -> None:
    """Removing the entry takes its repair issues with it."""
    assert len(definition_issues(hass)) == len(PRODUCTS)
    assert await hass.config_entries.async_remove(read_only.entry_id)
    await hass.async_block_till_done()
    assert definition_issues(hass) == {}, (
        "BUG: the definition repair issues of a removed entry stay in Repairs"
    )


async def test_entity_kinds_follow_the_report(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    read_only: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Inferred sensors show new reports; the never-reported plug gains sensors."""
    mode = entity(hass, "sensor", LIVING_AC_DID, "mode")
    gizwits_sim.set_attr(LIVING_AC_DID, "mode", "除湿")
    gizwits_sim.set_attr(BALCONY_PLUG_DID, "power", 7.5)
    gizwits_sim.clear_requests()
    await next_poll(hass, freezer)
    assert state_of(hass, mode) == "除湿"
    assert state_of(hass, entity(hass, "sensor", BALCONY_PLUG_DID, "power")) == "7.5"
    assert domains_of(hass, BALCONY_PLUG_DID) == {"sensor"}
    assert devdata(TV_PLUG_DID) in paths(gizwits_sim)


# --- a definition that cannot be read, data that lapses ----------------------------


def unreadable(reply: dict[str, Any]) -> dict[str, Any]:
    """Return a definition reply in which no datapoint can be read."""
    odd = {"name": "odd", "type": "status_writable", "data_type": "float"}
    return {**reply, "entities": [{"attrs": [odd]}]}


@pytest.mark.usefixtures("repairs")
async def test_unreadable_definition_of_one_product(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_entry: MockConfigEntry,
    setup_entry: SetupEntry,
    hass_client: ClientSessionGenerator,
    *,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No datapoint of one product readable: it goes read-only, the rest sets up."""
    product_key = PET_HOUSE.product_key
    gizwits_sim.faults.add(
        "patch_response",
        path=DATAPOINT,
        count=None,
        match=lambda request: request.query.get("product_key") == product_key,
        patch=unreadable,
    )
    await setup_entry(gizwits_entry)

    assert gizwits_entry.state is ConfigEntryState.LOADED
    assert state_of(hass, ac_thermostat(hass)) == HVACMode.COOL
    assert entity_of(hass, "light", CEILING_LAMP_DID, "light") is not None
    assert not domains_of(hass, PET_HOUSE_DID) & WRITABLE
    assert state_of(hass, entity(hass, "sensor", PET_HOUSE_DID, "Temperature")) == (
        "-5"
    )
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, issue_id(gizwits_entry, product_key)
    )
    assert issue is not None
    assert issue.translation_key == "gizwits_definition_unusable"
    assert issue.is_fixable
    assert issue.translation_placeholders == {
        "product_key": product_key,
        "title": gizwits_entry.title,
    }
    assert definition_issues(hass) == {}  # none says "refused"
    warnings = log_lines(caplog, logging.WARNING, ADAPTER_LOGGER)
    unusable = f"definition of {product_key} unusable: no datapoints in the definition"
    assert warnings == [f"Gizwits: {unusable}"]

    # Its fix is the same: paste the definition.
    definition = gizwits_sim.product(product_key).definition()
    http, result = await start_fix(hass, hass_client, gizwits_entry, product_key)
    result = await paste(http, result["flow_id"], json.dumps(definition))
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()
    assert gizwits_entry.state is ConfigEntryState.LOADED
    assert (
        ir.async_get(hass).async_get_issue(DOMAIN, issue_id(gizwits_entry, product_key))
        is None
    )
    assert entity_of(hass, "switch", PET_HOUSE_DID, "LED_OnOff") is not None


async def test_lapsed_data_keeps_the_inferred_entities(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    read_only: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Nothing reported in 24 h: the inferred sensors stay, with their last values."""
    registered = {e.entity_id for e in device_entities(hass, LIVING_AC_DID)}
    assert registered
    mode = entity(hass, "sensor", LIVING_AC_DID, "mode")
    gizwits_sim.device(LIVING_AC_DID).updated_at = 1
    await next_poll(hass, freezer)
    await next_poll(hass, freezer, 600)

    assert {e.entity_id for e in device_entities(hass, LIVING_AC_DID)} == registered
    assert state_of(hass, mode) == "制冷"


async def test_inferred_entities_outlive_a_restart_without_data(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    read_only: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Restarted while one device is offline and one silent: their sensors stay."""
    ac = {e.entity_id for e in device_entities(hass, LIVING_AC_DID)}
    pet_house = {e.entity_id for e in device_entities(hass, PET_HOUSE_DID)}
    assert ac
    assert pet_house
    kept = hass_storage[INFERRED_KEY]["data"][DEMO_UID]
    assert kept[LIVING_AC_DID]["mode"] == "text"
    assert kept[LIVING_AC_DID]["room_temp"] == "number"
    assert BALCONY_PLUG_DID not in kept  # never reported: nothing to keep

    # A restart: what was in memory is gone; what was stored stays.
    assert await hass.config_entries.async_unload(read_only.entry_id)
    hass.data.pop(DATA_STORE)
    gizwits_sim.set_online(LIVING_AC_DID, False)
    gizwits_sim.device(PET_HOUSE_DID).updated_at = 1  # nothing within 24 h
    assert await hass.config_entries.async_setup(read_only.entry_id)
    await hass.async_block_till_done()

    assert read_only.state is ConfigEntryState.LOADED
    assert {e.entity_id for e in device_entities(hass, LIVING_AC_DID)} == ac
    assert {e.entity_id for e in device_entities(hass, PET_HOUSE_DID)} == pet_house
    mode = entity(hass, "sensor", LIVING_AC_DID, "mode")
    assert state_of(hass, mode) == "unavailable"
    temperature = entity(hass, "sensor", PET_HOUSE_DID, "Temperature")
    assert state_of(hass, temperature) == "unknown"

    gizwits_sim.set_online(LIVING_AC_DID, True)
    gizwits_sim.set_attr(PET_HOUSE_DID, "Temperature", 20)
    await next_poll(hass, freezer)
    assert state_of(hass, mode) == "制冷"
    assert state_of(hass, temperature) == "20"


async def test_definition_outage_is_no_refusal(
    hass: HomeAssistant,
    gizwits_sim: GizwitsSimulator,
    gizwits_entry: MockConfigEntry,
    setup_entry: SetupEntry,
) -> None:
    """/app/datapoint failing (5xx) retries the set-up; no product goes read-only."""
    gizwits_sim.faults.add("server_error", path=DATAPOINT, count=None)
    await setup_entry(gizwits_entry)
    assert gizwits_entry.state is ConfigEntryState.SETUP_RETRY
    assert definition_issues(hass) == {}
    assert not [
        issue for issue in ir.async_get(hass).issues.values() if issue.domain == DOMAIN
    ]
