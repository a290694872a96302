"""The cloud_bridge.set_event_state action: acknowledge, resolve or reopen an alert."""

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser

from homeassistant.const import ATTR_DEVICE_ID, ATTR_ENTITY_ID
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    Unauthorized,
)
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.service import async_get_all_descriptions
from homeassistant.helpers.translation import async_get_translations

from custom_components.cloud_bridge.const import DOMAIN
from simulator.wegnology import WegnologySimulator
from simulator.wegnology_demo import (
    BOILER_ROOM_SENSOR_ID,
    DEMO_APPLICATION_ID,
    PUMP_FAULT_EVENT_ID,
    PUMP_ID,
    TEST_BENCH_APPLICATION_ID,
    YARD_OFFLINE_EVENT_ID,
)
from simulator.wegnology_model import scopes_except

from .helpers import SetupEntry, state_of
from .wegnology_helpers import bench_entry, entity, make_entry, registered_device

SET_EVENT_STATE = "set_event_state"


def application_point(hass: HomeAssistant, platform: str, point: str) -> str:
    """Return the entity id of one of the demo plant's own points."""
    found = er.async_get(hass).async_get_entity_id(
        platform, DOMAIN, f"wegnology:{DEMO_APPLICATION_ID}:{point}"
    )
    assert found is not None, point
    return found


def device_id(hass: HomeAssistant, wegnology_id: str) -> str:
    """Return the device registry id of a WEGnology device or application."""
    device = registered_device(hass, wegnology_id)
    if device is None:  # the application's own device
        found = [
            d
            for d in er.async_get(hass).entities.values()
            if d.unique_id.startswith(f"wegnology:{wegnology_id}:$")
        ]
        assert found, wegnology_id
        return str(found[0].device_id)
    return device.id


async def set_event_state(
    hass: HomeAssistant,
    target: dict[str, Any],
    event_id: str,
    state: str,
    context: Context | None = None,
    **data: Any,
) -> None:
    """Call cloud_bridge.set_event_state and wait for it."""
    await hass.services.async_call(
        DOMAIN,
        SET_EVENT_STATE,
        {"event_id": event_id, "state": state, **data},
        target=target,
        blocking=True,
        context=context,
    )


async def test_acknowledge_from_the_alert_entity(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """The alert entity as target, the event's id from its data, with a comment."""
    new_alerts = application_point(hass, "sensor", "$new_alerts")
    assert state_of(hass, new_alerts) == "3"
    await set_event_state(
        hass,
        {ATTR_ENTITY_ID: application_point(hass, "event", "$alerts")},
        PUMP_FAULT_EVENT_ID,
        "acknowledged",
        comment="On my way",
    )
    event = wegnology_sim.event(PUMP_FAULT_EVENT_ID)
    assert event.state == "acknowledged"
    assert event.updates[-1].comment == "On my way"
    assert event.updates[-1].changes == {
        "stateChange": {"old": "new", "new": "acknowledged"}
    }
    (patch,) = [r for r in wegnology_sim.requests if r.method == "PATCH"]
    assert patch.json == {"state": "acknowledged", "comment": "On my way"}
    # Read again at once: the count shows it when the action returns.
    assert state_of(hass, new_alerts) == "2"
    pump_alert = entity(hass, "binary_sensor", PUMP_ID, "$open_alert")
    assert state_of(hass, pump_alert) == "on"

    await set_event_state(
        hass,
        {ATTR_DEVICE_ID: device_id(hass, DEMO_APPLICATION_ID)},
        PUMP_FAULT_EVENT_ID,
        "resolved",
    )
    assert event.state == "resolved"
    assert event.updates[-1].comment is None
    assert state_of(hass, pump_alert) == "off"


async def test_any_device_of_the_application_names_it(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """A device of the application as target: the event is the application's."""
    await set_event_state(
        hass,
        {ATTR_DEVICE_ID: device_id(hass, BOILER_ROOM_SENSOR_ID)},
        YARD_OFFLINE_EVENT_ID,
        "new",
    )
    assert wegnology_sim.event(YARD_OFFLINE_EVENT_ID).state == "new"


async def test_only_administrators_may_change_events(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    hass_read_only_user: MockUser,
    hass_admin_user: MockUser,
) -> None:
    """A read-only user is refused before anything reaches the cloud."""
    target = {ATTR_DEVICE_ID: device_id(hass, DEMO_APPLICATION_ID)}

    async def resolve_as(user: MockUser) -> None:
        context = Context(user_id=user.id)
        await set_event_state(hass, target, PUMP_FAULT_EVENT_ID, "resolved", context)

    with pytest.raises(Unauthorized):
        await resolve_as(hass_read_only_user)
    assert wegnology_sim.event(PUMP_FAULT_EVENT_ID).state == "new"
    await resolve_as(hass_admin_user)
    assert wegnology_sim.event(PUMP_FAULT_EVENT_ID).state == "resolved"


@pytest.mark.parametrize(
    ("event_id", "data", "message"),
    [
        (
            "6400000000000000000000aa",
            {},
            (
                "The value is not accepted: WEGnology has no event "
                "6400000000000000000000aa in this application"
            ),
        ),
        (" ", {}, "Give the id of the event to change"),
        (
            PUMP_FAULT_EVENT_ID,
            {"comment": "x" * 40_000},
            (
                "The value is not accepted: comment must be a string of 0 to "
                "32767 characters (Validation)"
            ),
        ),
    ],
    ids=["unknown event", "no event id", "comment too long"],
)
async def test_a_change_the_cloud_cannot_make(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    *,
    event_id: str,
    data: dict[str, Any],
    message: str,
) -> None:
    """An event the application lacks, no id, a refused comment: said plainly."""
    with pytest.raises(ServiceValidationError) as refused:
        await set_event_state(
            hass,
            {ATTR_DEVICE_ID: device_id(hass, DEMO_APPLICATION_ID)},
            event_id,
            "acknowledged",
            **data,
        )
    assert str(refused.value) == message
    assert wegnology_sim.event(PUMP_FAULT_EVENT_ID).state == "new"


async def test_a_token_that_may_not_change_events(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator, setup_entry: SetupEntry
) -> None:
    """Events readable, not changeable: the error names the scope it needs."""
    token = wegnology_sim.add_api_token(
        application_id=DEMO_APPLICATION_ID, scope=scopes_except("event.patch")
    )
    await setup_entry(
        make_entry(hass, wegnology_sim, login=False, api_token=token.token)
    )
    with pytest.raises(HomeAssistantError) as refused:
        await set_event_state(
            hass,
            {ATTR_ENTITY_ID: application_point(hass, "event", "$alerts")},
            PUMP_FAULT_EVENT_ID,
            "acknowledged",
        )
    assert str(refused.value) == (
        "The cloud refused the command: the sign-in may not change events "
        "(it needs all.Application or event.patch)"
    )


async def test_one_application_at_a_time(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    setup_entry: SetupEntry,
) -> None:
    """Two applications targeted: refused, naming both; nothing changes."""
    bench = await setup_entry(bench_entry(hass, wegnology_sim))
    bench_device = device_id(hass, TEST_BENCH_APPLICATION_ID)
    with pytest.raises(ServiceValidationError) as refused:
        await set_event_state(
            hass,
            {
                ATTR_DEVICE_ID: [
                    device_id(hass, DEMO_APPLICATION_ID),
                    bench_device,
                ]
            },
            PUMP_FAULT_EVENT_ID,
            "resolved",
        )
    assert refused.value.translation_key == "one_application"
    assert str(refused.value) == (
        "The action reaches several WEGnology applications (Demo Plant, Test "
        "Bench); target one, since an event belongs to one application"
    )
    assert wegnology_sim.event(PUMP_FAULT_EVENT_ID).state == "new"
    assert bench.runtime_data.coordinator.last_update_success


async def test_send_command_to_the_application_is_refused(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """The application's own device takes no device command."""
    with pytest.raises(ServiceValidationError) as refused:
        await hass.services.async_call(
            DOMAIN,
            "send_command",
            {"command": "reboot"},
            target={ATTR_DEVICE_ID: device_id(hass, DEMO_APPLICATION_ID)},
            blocking=True,
        )
    assert str(refused.value) == (
        "Demo Plant is a WEGnology application, not a device: send commands to "
        "its devices"
    )
    assert wegnology_sim.commands == []


async def test_the_action_is_described(
    hass: HomeAssistant, wegnology_loaded: MockConfigEntry
) -> None:
    """The action's target, fields and states, in services.yaml and translated."""
    described = (await async_get_all_descriptions(hass))[DOMAIN][SET_EVENT_STATE]
    assert described["target"] == {
        "device": [{"integration": DOMAIN, "manufacturer": "WEGnology"}],
        "entity": [{"integration": DOMAIN, "domain": ["event"]}],
    }
    assert set(described["fields"]) == {"event_id", "state", "comment"}
    assert described["fields"]["state"]["selector"]["select"]["options"] == [
        "acknowledged",
        "resolved",
        "new",
    ]
    texts = await async_get_translations(hass, "en", "services", [DOMAIN])
    prefix = f"component.{DOMAIN}.services.{SET_EVENT_STATE}"
    assert texts[f"{prefix}.name"] == "Set alert state"
    assert "event_id attribute" in texts[f"{prefix}.fields.event_id.description"]
