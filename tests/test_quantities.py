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
        ("pm2_5", "pm25", "µg/m³"),
        ("indoor_pm2_5", "pm25", "µg/m³"),
        ("outdoorPm2_5", "pm25", "µg/m³"),
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


@pytest.mark.parametrize(
    ("name", "device_class", "unit"),
    [
        # Signal strength.
        ("rssi", "signal_strength", "dBm"),
        ("wifiRssi", "signal_strength", "dBm"),
        ("signal", "signal_strength", "dBm"),
        ("signalStrength", "signal_strength", "dBm"),
        ("signal_strength", "signal_strength", "dBm"),
        ("signal_dbm", "signal_strength", "dBm"),
        # Durations: seconds, unless a unit is spelt.
        ("uptime", "duration", "s"),
        ("upTime", "duration", "s"),
        ("runtime", "duration", "s"),
        ("runTime", "duration", "s"),
        ("pumpRuntime", "duration", "s"),
        ("duration", "duration", "s"),
        ("uptimeMs", "duration", "ms"),
        ("runtime_h", "duration", "h"),
        ("cycleDurationMin", "duration", "min"),
        ("uptime_days", "duration", "d"),
        # Revolutions: no device class in Home Assistant, the unit all the same.
        ("rpm", None, "rpm"),
        ("motorRpm", None, "rpm"),
        ("speedRpm", None, "rpm"),
        # Frequency.
        ("frequency", "frequency", "Hz"),
        ("hz", "frequency", "Hz"),
        ("mainsHz", "frequency", "Hz"),
        ("gridFreq", "frequency", "Hz"),
        ("frequency_khz", "frequency", "kHz"),
        # A flow only with its unit spelt.
        ("flowRateLpm", "volume_flow_rate", "L/min"),
        ("flow_m3h", "volume_flow_rate", "m³/h"),
        ("flowM3H", "volume_flow_rate", "m³/h"),
        ("flow_lph", "volume_flow_rate", "L/h"),
        ("flowGpm", "volume_flow_rate", "gal/min"),
        ("air_flow_cfm", "volume_flow_rate", "ft³/min"),
        # A level only in percent.
        ("levelPct", None, "%"),
        ("tank_level_percent", None, "%"),
        ("fillLevelPct", None, "%"),
    ],
)
def test_more_unit_words(name: str, device_class: str | None, unit: str | None) -> None:
    """Signal strength, durations, rpm, frequency, spelt flows and levels in %."""
    found = quantity(name)
    if unit is None:
        assert found is None
        return
    assert found is not None
    assert (found.device_class, found.unit) == (device_class, unit)
    assert found.state_class == "measurement"


@pytest.mark.parametrize(
    "name",
    [
        # Ambiguous without a unit: a flow of what, in what; a level in % or m?
        "flow",
        "flowRate",
        "airFlow",
        "level",
        "tankLevel",
        "speed",
        "fanSpeed",
        # Bars (0-5) as often as dBm.
        "signal_level",
        "signalLevel",
    ],
)
def test_ambiguous_words_get_no_guess(name: str) -> None:
    """A word that stays ambiguous gets no device class and no unit."""
    assert quantity(name) is None
