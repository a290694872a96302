"""WEGnology workflow buttons: one per virtual button, pressed as in the web app."""

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import ATTR_ENTITY_ID, ATTR_FRIENDLY_NAME, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er

from custom_components.cloud_bridge.const import DOMAIN
from simulator.wegnology import WegnologySimulator
from simulator.wegnology_demo import (
    ACK_PUMP_BUTTON_KEY,
    ACK_PUMP_COMMENT,
    ACK_PUMP_FLOW_ID,
    DEMO_APPLICATION_ID,
    FLUSH_VALVE_BUTTON_KEY,
    FLUSH_VALVE_FLOW_ID,
    LINE_2_COUNTER_ID,
    PUMP_FAULT_EVENT_ID,
    PUMP_ID,
    RESET_COUNTER_BUTTON_KEY,
    RESET_COUNTER_FLOW_ID,
)
from simulator.wegnology_flows import Trigger, Workflow, virtual_button
from simulator.wegnology_model import SCOPE_WITHOUT_BUTTON_PRESS, scopes_except

from .helpers import SetupEntry, entity_state, next_poll, paths, state_of
from .wegnology_helpers import (
    entity,
    events_path,
    flows_path,
    make_entry,
    most_recent_path,
)

NEW_FLOW_ID = "6600000000000000000000f1"


@pytest.fixture(autouse=True)
def frozen_time(freezer: FrozenDateTimeFactory) -> None:
    """Freeze time before anything is set up, so only ticks make polls happen."""


def button_key(flow_id: str, key: str) -> str:
    """Return the point key of a workflow's virtual button."""
    return f"$button:{flow_id}:{key}"


def button_of(hass: HomeAssistant, flow_id: str, key: str) -> str | None:
    """Return the button entity of a workflow's virtual button, if any."""
    return er.async_get(hass).async_get_entity_id(
        BUTTON_DOMAIN,
        DOMAIN,
        f"wegnology:{DEMO_APPLICATION_ID}:{button_key(flow_id, key)}",
    )


def button(hass: HomeAssistant, flow_id: str, key: str) -> str:
    """Return the button entity of a workflow's virtual button."""
    found = button_of(hass, flow_id, key)
    assert found is not None, (flow_id, key)
    return found


def buttons(hass: HomeAssistant, entry: MockConfigEntry) -> set[str]:
    """Return the unique ids of an entry's buttons."""
    return {
        registered.unique_id
        for registered in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
        if registered.domain == BUTTON_DOMAIN
    }


async def press(hass: HomeAssistant, entity_id: str) -> None:
    """Press a button and wait for it."""
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


async def test_each_enabled_virtual_button_is_a_button(
    hass: HomeAssistant, wegnology_loaded: MockConfigEntry
) -> None:
    """Two buttons: a disabled workflow's and a timer are none; named by workflow."""
    prefix = f"wegnology:{DEMO_APPLICATION_ID}:"
    assert buttons(hass, wegnology_loaded) == {
        prefix + button_key(ACK_PUMP_FLOW_ID, ACK_PUMP_BUTTON_KEY),
        prefix + button_key(RESET_COUNTER_FLOW_ID, RESET_COUNTER_BUTTON_KEY),
    }
    ack = entity_state(hass, button(hass, ACK_PUMP_FLOW_ID, ACK_PUMP_BUTTON_KEY))
    assert ack.state == STATE_UNKNOWN
    assert ack.attributes[ATTR_FRIENDLY_NAME] == "Demo Plant Acknowledge Pump Faults"
    reset = hass.states.get(
        button(hass, RESET_COUNTER_FLOW_ID, RESET_COUNTER_BUTTON_KEY)
    )
    assert reset is not None
    assert reset.attributes[ATTR_FRIENDLY_NAME] == "Demo Plant Reset Line 2 Counter"
    assert button_of(hass, FLUSH_VALVE_FLOW_ID, FLUSH_VALVE_BUTTON_KEY) is None


async def test_a_press_runs_the_workflow(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """The press sends the button's key and payload; what it did shows at once."""
    counter = entity(hass, "sensor", LINE_2_COUNTER_ID, "count")
    assert state_of(hass, counter) == "48211"
    wegnology_sim.clear_requests()
    await press(hass, button(hass, RESET_COUNTER_FLOW_ID, RESET_COUNTER_BUTTON_KEY))
    (pressed,) = wegnology_sim.presses
    assert (pressed.flow_id, pressed.key) == (
        RESET_COUNTER_FLOW_ID,
        RESET_COUNTER_BUTTON_KEY,
    )
    # The payload configured on the button, as the web app sends it.
    assert pressed.payload == {"reason": "shift start"}
    assert paths(wegnology_sim)[0] == (
        f"{flows_path()}/{RESET_COUNTER_FLOW_ID}/virtualButton"
    )
    assert state_of(hass, counter) == "0"


async def test_the_pump_button_acknowledges_its_faults(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
) -> None:
    """Acknowledge Pump Faults: the new count drops at once; the alert stays open."""
    new_alerts = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"wegnology:{DEMO_APPLICATION_ID}:$new_alerts"
    )
    assert new_alerts is not None
    assert state_of(hass, new_alerts) == "3"
    await press(hass, button(hass, ACK_PUMP_FLOW_ID, ACK_PUMP_BUTTON_KEY))
    (pressed,) = wegnology_sim.presses
    assert pressed.payload is None
    event = wegnology_sim.event(PUMP_FAULT_EVENT_ID)
    assert event.state == "acknowledged"
    assert event.updates[-1].comment == ACK_PUMP_COMMENT
    assert state_of(hass, new_alerts) == "2"
    assert state_of(hass, entity(hass, "binary_sensor", PUMP_ID, "$open_alert")) == "on"


async def test_buttons_follow_the_workflows_without_a_reload(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Workflows added, disabled, enabled and deleted: read with the topology."""
    coordinator = wegnology_loaded.runtime_data.coordinator
    wegnology_sim.add_workflow(
        Workflow(
            NEW_FLOW_ID,
            "Start Line 2",
            triggers=[
                virtual_button("start-key", "Start"),
                virtual_button("stop-key", "Stop"),
                Trigger("timer", "t", config={"seconds": 60}),
            ],
        ),
        DEMO_APPLICATION_ID,
    )
    await next_poll(hass, freezer)
    assert button_of(hass, NEW_FLOW_ID, "start-key") is None

    wegnology_sim.clear_requests()
    await next_poll(hass, freezer, 570)  # the topology is due
    assert flows_path() in paths(wegnology_sim)
    start = button(hass, NEW_FLOW_ID, "start-key")
    stop = button(hass, NEW_FLOW_ID, "stop-key")
    assert state_of(hass, start) == STATE_UNKNOWN
    assert hass.states.get(stop).attributes[ATTR_FRIENDLY_NAME] == (  # type: ignore[union-attr]
        "Demo Plant Start Line 2: Stop"
    )
    await press(hass, stop)
    assert [p.key for p in wegnology_sim.presses] == ["stop-key"]

    wegnology_sim.workflow(NEW_FLOW_ID).enabled = False
    wegnology_sim.workflow(FLUSH_VALVE_FLOW_ID).enabled = True
    await next_poll(hass, freezer, 600)
    assert button_of(hass, NEW_FLOW_ID, "start-key") is None
    assert hass.states.get(start) is None
    assert button_of(hass, FLUSH_VALVE_FLOW_ID, FLUSH_VALVE_BUTTON_KEY) is not None

    del wegnology_sim.application(DEMO_APPLICATION_ID).flows[RESET_COUNTER_FLOW_ID]
    await next_poll(hass, freezer, 600)
    assert button_of(hass, RESET_COUNTER_FLOW_ID, RESET_COUNTER_BUTTON_KEY) is None
    # No reload: the same coordinator throughout.
    assert wegnology_loaded.runtime_data.coordinator is coordinator


async def test_a_press_on_a_workflow_gone(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A workflow deleted in WEGnology: the press fails, the button goes at once."""
    reset = button(hass, RESET_COUNTER_FLOW_ID, RESET_COUNTER_BUTTON_KEY)
    del wegnology_sim.application(DEMO_APPLICATION_ID).flows[RESET_COUNTER_FLOW_ID]
    with pytest.raises(HomeAssistantError, match="Reset Line 2 Counter"):
        await press(hass, reset)
    wegnology_sim.clear_requests()
    await next_poll(hass, freezer)
    assert flows_path() in paths(wegnology_sim)
    assert button_of(hass, RESET_COUNTER_FLOW_ID, RESET_COUNTER_BUTTON_KEY) is None


async def test_a_press_on_a_workflow_disabled_since(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_loaded: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A workflow disabled since the last read: WEGnology's refusal is shown."""
    ack = button(hass, ACK_PUMP_FLOW_ID, ACK_PUMP_BUTTON_KEY)
    wegnology_sim.workflow(ACK_PUMP_FLOW_ID).enabled = False
    with pytest.raises(HomeAssistantError, match="The workflow is disabled"):
        await press(hass, ack)
    assert wegnology_sim.presses == []
    await next_poll(hass, freezer)
    assert button_of(hass, ACK_PUMP_FLOW_ID, ACK_PUMP_BUTTON_KEY) is None


async def test_a_token_that_may_not_press(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator, setup_entry: SetupEntry
) -> None:
    """Listed but not pressable: the buttons are there; a press says which scope."""
    token = wegnology_sim.add_api_token(
        application_id=DEMO_APPLICATION_ID, scope=SCOPE_WITHOUT_BUTTON_PRESS
    )
    await setup_entry(
        make_entry(hass, wegnology_sim, login=False, api_token=token.token)
    )
    ack = button(hass, ACK_PUMP_FLOW_ID, ACK_PUMP_BUTTON_KEY)
    with pytest.raises(HomeAssistantError) as refused:
        await press(hass, ack)
    assert str(refused.value) == (
        "The cloud refused the command: the sign-in may list workflows but not "
        "press their buttons (it needs all.Application, flow.* or "
        "flow.pressVirtualButton)"
    )
    assert wegnology_sim.presses == []
    assert wegnology_sim.event(PUMP_FAULT_EVENT_ID).state == "new"


async def test_a_token_that_may_not_list_workflows(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    setup_entry: SetupEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No workflow list: no buttons, the alerts all the same; retried with topology."""
    token = wegnology_sim.add_api_token(
        application_id=DEMO_APPLICATION_ID, scope=scopes_except("flows.", "flow.")
    )
    entry = await setup_entry(
        make_entry(hass, wegnology_sim, login=False, api_token=token.token)
    )
    assert buttons(hass, entry) == set()
    assert entry.runtime_data.coordinator.adapter.diagnostics()[
        "workflows_readable"
    ] is (False)
    wegnology_sim.clear_requests()
    await next_poll(hass, freezer)
    assert paths(wegnology_sim)[-2:] == [most_recent_path(), events_path()]

    token.scope = (*token.scope, "flows.get")
    await next_poll(hass, freezer, 570)
    assert button_of(hass, ACK_PUMP_FLOW_ID, ACK_PUMP_BUTTON_KEY) is not None


async def test_odd_workflows_are_skipped(
    hass: HomeAssistant,
    wegnology_sim: WegnologySimulator,
    wegnology_entry: MockConfigEntry,
    setup_entry: SetupEntry,
) -> None:
    """Workflows without an id, odd triggers and payloads: the rest are buttons."""

    def spoil(reply: dict[str, object]) -> None:
        items = reply["items"]
        assert isinstance(items, list)
        for item in items:
            if item["id"] == RESET_COUNTER_FLOW_ID:
                item["triggers"][0]["meta"]["payload"] = "{not json"
            if item["id"] == ACK_PUMP_FLOW_ID:
                item["triggers"].append({"type": "virtualButton"})
                item["triggers"].append("a trigger")
        items.append({"name": "No id"})

    wegnology_sim.faults.add("patch_response", path=flows_path(), patch=spoil)
    await setup_entry(wegnology_entry)
    assert len(buttons(hass, wegnology_entry)) == 2
    await press(hass, button(hass, RESET_COUNTER_FLOW_ID, RESET_COUNTER_BUTTON_KEY))
    (pressed,) = wegnology_sim.presses
    assert pressed.payload is None
    problems = wegnology_entry.runtime_data.coordinator.adapter.diagnostics()[
        "reported_problems"
    ]
    assert "flowId is missing or not a string" in problems
