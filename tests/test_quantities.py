"""What a number measures, read from its name, as a user would read the name."""

import pytest

from custom_components.cloud_bridge.quantities import quantity


@pytest.mark.parametrize(
    ("name", "device_class", "unit"),
    [
        ("room_temp", "temperature", "°C"),
        ("current_temp", "temperature", "°C"),
        ("supplyTemp2", "temperature", "°C"),
        ("temperatureF", "temperature", "°F"),
        ("pressurePsi", "pressure", "psi"),
        ("pressure_kpa", "pressure", "kPa"),
        ("power", "power", "W"),
        ("power_kw", "power", "kW"),
        ("energyWh", "energy", "Wh"),
        ("voltage_mv", "voltage", "mV"),
        ("lineCurrent", "current", "A"),
        ("current_l1", "current", "A"),
        ("co2Level", "carbon_dioxide", "ppm"),
        ("supplyCO2", "carbon_dioxide", "ppm"),
        ("pm25_value", "pm25", "µg/m³"),
        ("batteryLevel", "battery", "%"),
        ("powerFactor", "power_factor", None),
        ("power_factor", "power_factor", None),
    ],
)
def test_names_that_say_what_they_measure(
    name: str, device_class: str, unit: str | None
) -> None:
    """Split, joined and unit-bearing names get their device class and unit."""
    found = quantity(name)
    assert found is not None
    assert (found.device_class, found.unit) == (device_class, unit)


@pytest.mark.parametrize(
    "name",
    [
        "power_level",
        "powerMode",
        "currentSpeed",
        "current_mode",
        "color_temp",
        "speed",
        # mW or MW? Lower-cased names cannot tell, and a guess could be 10⁹ off.
        "txPowerMw",
        "energy_MWh",
    ],
)
def test_settings_are_not_quantities(name: str) -> None:
    """A power level or the current mode is a setting, not watts or amperes."""
    assert quantity(name) is None
