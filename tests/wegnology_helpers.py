"""Shared steps of WEGnology tests: entries, polls, requests, devices, entities."""

from typing import Any

from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er

from custom_components.cloud_bridge.const import DOMAIN
from simulator.wegnology import WegnologySimulator
from simulator.wegnology_demo import DEMO_APPLICATION_ID, TEST_BENCH_APPLICATION_ID

from .conftest import wegnology_data
from .registry import device_with

AUTH_USER = "/auth/user"
APPLICATIONS = "/applications"
DEVICES_LOGGER = "custom_components.cloud_bridge.vendors.wegnology.devices"


def application_path(application_id: str = DEMO_APPLICATION_ID) -> str:
    """Return the path of Application Get."""
    return f"/applications/{application_id}"


def devices_path(application_id: str = DEMO_APPLICATION_ID) -> str:
    """Return the path of an application's device list."""
    return f"/applications/{application_id}/devices"


def bulk_state_path(application_id: str = DEMO_APPLICATION_ID) -> str:
    """Return the path of an application's bulk composite state."""
    return f"/applications/{application_id}/devices/compositeState"


def device_state_path(device_id: str, application_id: str = DEMO_APPLICATION_ID) -> str:
    """Return the path of one device's composite state."""
    return f"/applications/{application_id}/devices/{device_id}/compositeState"


def command_path(device_id: str, application_id: str = DEMO_APPLICATION_ID) -> str:
    """Return the path of one device's command endpoint."""
    return f"/applications/{application_id}/devices/{device_id}/command"


def make_entry(
    hass: HomeAssistant,
    sim: WegnologySimulator,
    *,
    login: bool = True,
    title: str = "Demo Plant",
    application_id: str = DEMO_APPLICATION_ID,
    **changes: Any,
) -> MockConfigEntry:
    """Add a WEGnology entry for an application (data changed), not set up."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=title,
        unique_id=application_id,
        data={
            **wegnology_data(sim, login=login),
            "application_id": application_id,
            **changes,
        },
    )
    entry.add_to_hass(hass)
    return entry


def bench_entry(hass: HomeAssistant, sim: WegnologySimulator) -> MockConfigEntry:
    """Add an entry for the demo's second application, Test Bench, not set up."""
    return make_entry(
        hass, sim, title="Test Bench", application_id=TEST_BENCH_APPLICATION_ID
    )


def device_key(device_id: str, application_id: str = DEMO_APPLICATION_ID) -> str:
    """Return the key a device has in the Snapshot: application:device."""
    return f"{application_id}:{device_id}"


def device_entry(
    hass: HomeAssistant, device_id: str, application_id: str = DEMO_APPLICATION_ID
) -> dr.DeviceEntry | None:
    """Return the registered device of a WEGnology device id."""
    return registered_device(hass, device_id, application_id)


def entity_of(
    hass: HomeAssistant,
    platform: str,
    device_id: str,
    point: str,
    application_id: str = DEMO_APPLICATION_ID,
) -> str | None:
    """Return the entity id of a device's attribute (or "$connected"), if any."""
    return er.async_get(hass).async_get_entity_id(
        platform,
        DOMAIN,
        f"wegnology:{device_key(device_id, application_id)}:{point}",
    )


def entity(
    hass: HomeAssistant,
    platform: str,
    device_id: str,
    point: str,
    application_id: str = DEMO_APPLICATION_ID,
) -> str:
    """Return the entity id of a device's attribute that must be registered."""
    found = entity_of(hass, platform, device_id, point, application_id)
    assert found is not None, (platform, device_id, point)
    return found


def demo_device_id(
    sim: WegnologySimulator, name: str, application_id: str = DEMO_APPLICATION_ID
) -> str:
    """Return the id of the application's device with a name."""
    found = [
        device.id
        for device in sim.application(application_id).devices.values()
        if device.name == name
    ]
    assert len(found) == 1, name
    return found[0]


def registered_device(
    hass: HomeAssistant, device_id: str, application_id: str = DEMO_APPLICATION_ID
) -> dr.DeviceEntry | None:
    """Return the device registry entry of a WEGnology device id, if registered."""
    return device_with(
        hass, (DOMAIN, f"wegnology:{device_key(device_id, application_id)}")
    )


def most_recent_path(application_id: str = DEMO_APPLICATION_ID) -> str:
    """Return the path of an application's Most Recent by Severity."""
    return f"/applications/{application_id}/events/mostRecentBySeverity"


def events_path(application_id: str = DEMO_APPLICATION_ID) -> str:
    """Return the path of an application's event list."""
    return f"/applications/{application_id}/events"


def flows_path(application_id: str = DEMO_APPLICATION_ID) -> str:
    """Return the path of an application's workflow list."""
    return f"/applications/{application_id}/flows"


def after_state(application_id: str = DEMO_APPLICATION_ID) -> list[str]:
    """Return what a poll reads after the state: connection changes, then alerts."""
    return [
        devices_path(application_id),
        most_recent_path(application_id),
        events_path(application_id),
    ]


def state_poll(application_id: str = DEMO_APPLICATION_ID) -> list[str]:
    """Return the requests of a poll without the topology, in order."""
    return [bulk_state_path(application_id), *after_state(application_id)]


def setup_reads(application_id: str = DEMO_APPLICATION_ID) -> list[str]:
    """Return the requests of an entry's first start, in order.

    The device list, the state, the new count, the newest event (nothing raised
    before fires), the open events and the workflows.
    """
    return [
        devices_path(application_id),
        bulk_state_path(application_id),
        most_recent_path(application_id),
        events_path(application_id),
        events_path(application_id),
        flows_path(application_id),
    ]


def topology_poll(application_id: str = DEMO_APPLICATION_ID) -> list[str]:
    """Return the requests of a poll with the topology (every 10 minutes), in order.

    The device list, the state, the new count, the events changed, the open
    events and the workflows.
    """
    return setup_reads(application_id)


def device_list_reads(
    sim: WegnologySimulator, application_id: str = DEMO_APPLICATION_ID
) -> int:
    """Return how often the whole device list was read (not a query's few)."""
    return sum(
        1
        for request in sim.requests
        if request.path == devices_path(application_id) and "query" not in request.query
    )
