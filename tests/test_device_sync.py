"""The device registry follows the cloud's hierarchy, however deep."""

from collections.abc import Awaitable, Callable

from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from simulator.wegnology import WegnologySimulator
from simulator.wegnology_demo import PLANT_SYSTEM_ID, PUMP_GATEWAY_ID, PUMP_ID

from .wegnology_helpers import device_entry, make_entry

type SetupEntry = Callable[[MockConfigEntry], Awaitable[MockConfigEntry]]


def registered(hass: HomeAssistant, device_id: str) -> dr.DeviceEntry:
    """Return the registry entry of a WEGnology demo device."""
    device = device_entry(hass, device_id)
    assert device is not None, device_id
    return device


async def test_a_peripheral_under_a_gateway_under_a_system(
    hass: HomeAssistant, wegnology_sim: WegnologySimulator, setup_entry: SetupEntry
) -> None:
    """Each device hangs below its own parent, three levels deep."""
    wegnology_sim.device(PUMP_GATEWAY_ID).parent_id = PLANT_SYSTEM_ID
    await setup_entry(make_entry(hass, wegnology_sim))

    plant = registered(hass, PLANT_SYSTEM_ID)
    gateway = registered(hass, PUMP_GATEWAY_ID)
    pump = registered(hass, PUMP_ID)
    assert plant.via_device_id is None
    assert gateway.via_device_id == plant.id
    assert pump.via_device_id == gateway.id
