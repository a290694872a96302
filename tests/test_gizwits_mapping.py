"""Gizwits datapoints without a cloud: names, values, grids and the lamp rule."""

from typing import Any

import pytest

from custom_components.cloud_bridge.model import (
    Kind,
    LightCommand,
    LightFeatures,
    LightState,
)
from custom_components.cloud_bridge.quantities import quantity, words
from custom_components.cloud_bridge.vendors.gizwits.inferred import inferred_point
from custom_components.cloud_bridge.vendors.gizwits.lamp import (
    DEFAULT_KELVIN,
    LIGHT_KEY,
    Lamp,
    find_lamp,
)
from custom_components.cloud_bridge.vendors.gizwits.mapping import (
    datapoint_point,
    read_value,
    snap,
    write_value,
)
from custom_components.cloud_bridge.vendors.gizwits.models import Datapoint

W = "status_writable"
R = "status_readonly"


def dp(
    name: str,
    data_type: str = "uint8",
    *,
    kind: str = W,
    display_name: str = "",
    low: float = 0,
    high: float = 100,
    ratio: float = 1,
    addition: float = 0,
    labels: tuple[str, ...] = (),
) -> Datapoint:
    """Return a datapoint as the definition parser would."""
    return Datapoint(
        name=name,
        display_name=display_name or name,
        type=kind,
        data_type=data_type,
        minimum=low,
        maximum=high,
        ratio=ratio,
        addition=addition,
        labels=labels,
    )


SWITCH = dp("power", "bool", display_name="开关")
BRIGHTNESS = dp("brightness", display_name="亮度")
KELVIN = dp("color_temp", "uint16", high=3800, addition=2700, display_name="色温")
RED, GREEN, BLUE = (dp(c, high=255) for c in "RGB")
MODES = ("自动", "制冷", "制热", "送风", "除湿")


# --- quantities ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("room_temp", {"room", "temp", "room_temp"}),
        ("roomTemp", {"room", "temp", "roomtemp"}),
        ("PM25", {"pm", "25", "pm25"}),
        ("pm2_5", {"pm", "2", "pm2", "5", "pm25", "pm2_5"}),
        ("set_temp", {"set", "temp", "set_temp"}),
        ("Temperature", {"temperature"}),
        ("current_mode", {"current", "mode", "current_mode"}),
        ("LED_OnOff", {"led", "on", "off", "led_onoff"}),
    ],
)
def test_words_of_a_name(name: str, expected: set[str]) -> None:
    """Names split at underscores, case changes and digits; the whole name counts."""
    assert words(name) == expected


@pytest.mark.parametrize(
    ("name", "display_name", "device_class", "unit", "state_class"),
    [
        ("room_temp", "室内温度", "temperature", "°C", "measurement"),
        ("roomTemp", "x", "temperature", "°C", "measurement"),
        ("set_temp", "x", "temperature", "°C", "measurement"),
        ("Temperature", "x", "temperature", "°C", "measurement"),
        ("PM25", "x", "pm25", "µg/m³", "measurement"),
        ("pm2_5", "x", "pm25", "µg/m³", "measurement"),
        # "current" followed by a setting word (current_mode) is not amperes.
        ("output_current", "x", "current", "A", "measurement"),
        ("a1", "温度", "temperature", "°C", "measurement"),
        ("a2", "湿度", "humidity", "%", "measurement"),
        ("a3", "功率", "power", "W", "measurement"),
        ("a4", "电量", "energy", "kWh", "total_increasing"),
        ("a5", "电压", "voltage", "V", "measurement"),
        ("a6", "电流", "current", "A", "measurement"),
    ],
)
def test_quantity_from_names(
    name: str, display_name: str, device_class: str, unit: str, state_class: str
) -> None:
    """The name's words or the Chinese display name say what is measured."""
    measured = quantity(name, display_name)
    assert measured is not None
    assert (measured.device_class, measured.unit, measured.state_class) == (
        device_class,
        unit,
        state_class,
    )


@pytest.mark.parametrize(
    ("name", "display_name"),
    [
        ("on_timing", "定时开机"),
        ("attempts", "次数"),
        ("contemporary", "x"),
        ("color_temp", "色温"),
        ("colour_temperature", "x"),
        ("cct_temp", "x"),
        ("level", "色温"),
    ],
)
def test_no_quantity_without_a_plain_name(name: str, display_name: str) -> None:
    """A word inside another word is no quantity; a colour temperature is no °C."""
    assert quantity(name, display_name) is None


# --- values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [(True, True), (False, False), (1, True), (0, False), (2, None), ("1", None)],
)
def test_read_bool(raw: Any, value: bool | None) -> None:
    """Booleans come as true/false or 1/0; anything else is no value."""
    assert read_value(dp("switch", "bool"), raw) is value


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("制热", "制热"),
        (2, "制热"),
        (0, "自动"),
        (4, "除湿"),
        (5, None),
        (-1, None),
        (True, None),
        ("heat", None),
        (None, None),
    ],
)
def test_read_enum(raw: Any, value: str | None) -> None:
    """Enums come as a label or an order number; others are no value."""
    assert read_value(dp("mode", "enum", labels=MODES), raw) == value


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("0000a1b2", "0000a1b2"),
        ([0, 0, 161, 178], "0000a1b2"),
        ([1, "a"], None),
        (12, None),
    ],
)
def test_read_binary(raw: Any, value: str | None) -> None:
    """A binary shows as hex, from hex text or a list of bytes."""
    assert read_value(dp("status_code", "binary", kind=R), raw) == value


@pytest.mark.parametrize(
    ("raw", "value"), [(-10, -10), (85.3, 85.3), (True, None), ("12", None)]
)
def test_read_number(raw: Any, value: float | None) -> None:
    """Numbers come already scaled and are kept as they are."""
    room_temp = dp("room_temp", kind=R, addition=-30)
    assert read_value(room_temp, raw) == value


def test_write_bool_and_enum() -> None:
    """Booleans go as JSON booleans, enums as the label's order number."""
    assert write_value(dp("switch", "bool"), 1) is True
    mode = dp("mode", "enum", labels=MODES)
    assert write_value(mode, "制热") == 2
    assert write_value(mode, "自动") == 0
    with pytest.raises(ValueError, match="heat"):
        write_value(mode, "heat")


@pytest.mark.parametrize(
    ("datapoint", "value", "sent"),
    [
        # set_temp 16-30, step 1: whole numbers, as ints.
        (dp("set_temp", low=16, high=30), 24.4, 24),
        (dp("set_temp", low=16, high=30), 24.6, 25),
        (dp("set_temp", low=16, high=30), 35, 30),
        (dp("set_temp", low=16, high=30), 3, 16),
        # raw 0-1000, ratio 0.1, addition -20: -20.0 to 80.0.
        (dp("t", high=1000, ratio=0.1, addition=-20), 24.44, 24.4),
        (dp("t", high=1000, ratio=0.1, addition=-20), -7.26, -7.3),
        (dp("t", high=1000, ratio=0.1, addition=-20), -25, -20),
        (dp("t", high=1000, ratio=0.1, addition=-20), 99, 80),
        # the plug's ratios
        (dp("power", high=65535, ratio=0.1), 85.34, 85.3),
        (dp("energy", high=99999999, ratio=0.01), 123.456, 123.46),
        (dp("current", high=16000, ratio=0.001), 0.3714, 0.371),
        (dp("current", high=16000, ratio=0.001), 17, 16),
        # a grid whose step has two significant digits
        (dp("level", high=40, ratio=0.25), 7.3, 7.25),
        (dp("level", high=40, ratio=0.25), 0.8, 0.75),
        (dp("level", high=40, ratio=2.5, addition=5), 13, 12.5),
    ],
)
def test_write_number_snaps_to_the_grid(
    datapoint: Datapoint, value: float, sent: float
) -> None:
    """A number goes scaled, on the grid (raw * ratio + addition), within range."""
    written = write_value(datapoint, value)
    steps = (written - datapoint.addition) / datapoint.ratio
    assert abs(steps - round(steps)) < 1e-9, f"BUG: {written} is off the grid"
    # Exactly the decimal the cloud expects (no 24.400000000000002 in the JSON).
    assert written == sent


def test_snap_keeps_whole_grids_whole() -> None:
    """A whole-number grid sends ints, so the cloud sees 24 and not 24.0."""
    assert type(snap(dp("set_temp", low=16, high=30), 24.4)) is int
    assert type(snap(dp("t", high=1000, ratio=0.1), 24.4)) is float


# --- points -----------------------------------------------------------------


def test_points_of_each_datapoint_type() -> None:
    """The table: type and data_type pick the platform."""
    switch = datapoint_point(dp("fan_swing", "bool"), 1)
    assert (switch.spec.kind, switch.value) == (Kind.SWITCH, True)
    seen = datapoint_point(dp("Infrared", "bool", kind=R), 0)
    assert (seen.spec.kind, seen.spec.device_class, seen.value) == (
        Kind.BINARY_SENSOR,
        None,
        False,
    )
    alert = datapoint_point(dp("alert_full", "bool", kind="alert"), 1)
    assert (alert.spec.kind, alert.spec.device_class) == (Kind.BINARY_SENSOR, "safety")
    fault = datapoint_point(dp("fault_x", "bool", kind="fault"), 0)
    assert (fault.spec.kind, fault.spec.device_class) == (Kind.BINARY_SENSOR, "problem")
    number = datapoint_point(dp("t", high=1000, ratio=0.1, addition=-20), 21.5)
    assert (
        number.spec.kind,
        number.spec.native_range,
        number.spec.step,
        number.value,
    ) == (
        Kind.NUMBER,
        (-20, 80),
        0.1,
        21.5,
    )
    assert (number.spec.device_class, number.spec.unit) == (None, None)
    sensor = datapoint_point(dp("room_temp", kind=R, addition=-30), -10)
    assert (
        sensor.spec.kind,
        sensor.spec.device_class,
        sensor.spec.unit,
        sensor.spec.state_class,
    ) == (
        Kind.SENSOR,
        "temperature",
        "°C",
        "measurement",
    )
    plain = datapoint_point(dp("count", kind=R), 3)
    assert (plain.spec.device_class, plain.spec.unit, plain.spec.state_class) == (
        None,
        None,
        "measurement",
    )
    select = datapoint_point(dp("mode", "enum", labels=MODES), 2)
    assert (select.spec.kind, select.spec.options, select.value) == (
        Kind.SELECT,
        MODES,
        "制热",
    )
    state = datapoint_point(dp("state", "enum", kind=R, labels=MODES), "送风")
    assert (state.spec.kind, state.spec.device_class, state.spec.options) == (
        Kind.SENSOR,
        "enum",
        MODES,
    )
    binary = datapoint_point(dp("status_code", "binary", kind=R), [0, 1])
    assert (binary.spec.kind, binary.spec.category, binary.spec.enabled_by_default) == (
        Kind.SENSOR,
        "diagnostic",
        False,
    )
    assert binary.value == "0001"


def test_points_guessed_without_a_definition() -> None:
    """Without a definition a value still shows, read-only."""
    flag = inferred_point("flag", True)
    assert flag is not None
    assert (flag.spec.kind, flag.value) == (Kind.BINARY_SENSOR, True)
    temp = inferred_point("room_temp", -3)
    assert temp is not None
    assert (temp.spec.kind, temp.spec.device_class, temp.value) == (
        Kind.SENSOR,
        "temperature",
        -3,
    )
    text = inferred_point("mode", "制冷")
    assert text is not None
    assert (text.spec.kind, text.value) == (Kind.SENSOR, "制冷")
    assert inferred_point("blob", [1, 2]) is None


# --- the lamp rule ---------------------------------------------------------


def lamp_of(*datapoints: Datapoint) -> Lamp:
    """Return the lamp the datapoints make, which they must."""
    lamp = find_lamp(datapoints)
    assert lamp is not None, [d.name for d in datapoints]
    return lamp


def test_switch_and_brightness_make_a_dimmable_light() -> None:
    """On/off plus brightness: brightness mode, its range from 1 (never 0)."""
    power = dp("power", kind=R, display_name="功率")
    lamp = lamp_of(SWITCH, BRIGHTNESS, power)
    assert lamp.names == {"power", "brightness"}
    assert lamp.features() == LightFeatures(
        color_modes=frozenset({"brightness"}), brightness_range=(1, 100)
    )
    point = lamp.point({"power": 1, "brightness": 80})
    assert (point.key, point.spec.kind) == (LIGHT_KEY, Kind.LIGHT)
    assert point.value == LightState(on=True, brightness=80, color_mode="brightness")


def test_brightness_in_tenths_starts_at_one() -> None:
    """A 0.0-100.0 brightness (ratio 0.1) offers 1-100: never 0, a dark "on"."""
    tenths = dp("brightness", "uint16", high=1000, ratio=0.1)
    lamp = lamp_of(SWITCH, tenths)
    assert lamp.features().brightness_range == (1, 100)
    attrs = lamp.attrs(LightCommand(on=True, brightness=37))
    assert attrs == {"power": True, "brightness": 37}


def test_chinese_display_names_say_what_a_datapoint_is() -> None:
    """A brightness named only in Chinese (亮度) still counts."""
    lamp = lamp_of(dp("sw", "bool"), dp("ld", display_name="亮度"))
    assert lamp.brightness.name == "ld"


def test_color_temperature_in_kelvin_is_kept() -> None:
    """A 2700-6500 K datapoint is read and written as it is."""
    lamp = lamp_of(SWITCH, BRIGHTNESS, KELVIN)
    features = lamp.features()
    assert features.color_modes == {"color_temp"}
    assert features.kelvin_range == (2700, 6500)
    state = lamp.state({"power": True, "color_temp": 4000}, features)
    assert (state.color_mode, state.color_temp_kelvin) == ("color_temp", 4000)
    for kelvin in (2700, 4321, 6500):
        attrs = lamp.attrs(LightCommand(on=True, color_temp_kelvin=kelvin))
        assert attrs == {"power": True, "color_temp": kelvin}


def test_color_temperature_in_percent_is_spread_over_kelvin() -> None:
    """A 0-100 colour temperature maps onto 2700-6500 K, warm to cold, both ways."""
    percent = dp("cct", display_name="色温")
    lamp = lamp_of(SWITCH, BRIGHTNESS, percent)
    features = lamp.features()
    assert features.kelvin_range == DEFAULT_KELVIN == (2700, 6500)
    for native, kelvin in ((0, 2700), (50, 4600), (100, 6500)):
        state = lamp.state({"power": 1, "cct": native}, features)
        assert state.color_temp_kelvin == kelvin
        attrs = lamp.attrs(LightCommand(on=True, color_temp_kelvin=kelvin))
        assert attrs == {"power": True, "cct": native}
    attrs = lamp.attrs(LightCommand(on=True, color_temp_kelvin=3000))
    assert attrs["cct"] == 8  # 300 K of 3800 is 7.9 %


def test_red_green_blue_make_a_colour_light() -> None:
    """R, G and B numbers: rgb mode; a command sets all in one go."""
    lamp = lamp_of(SWITCH, BRIGHTNESS, RED, GREEN, BLUE)
    features = lamp.features()
    assert features.color_modes == {"rgb"}
    state = lamp.state(
        {"power": 1, "brightness": 50, "R": 255, "G": 120, "B": 0}, features
    )
    assert (state.color_mode, state.rgb_color) == ("rgb", (255, 120, 0))
    attrs = lamp.attrs(LightCommand(on=True, brightness=30, rgb_color=(1, 2, 3)))
    assert attrs == {"power": True, "brightness": 30, "R": 1, "G": 2, "B": 3}
    assert lamp.attrs(LightCommand(on=False, rgb_color=(1, 2, 3))) == {"power": False}


def test_colour_and_white_lamp_shows_colour_while_a_channel_is_lit() -> None:
    """With both, the lamp is in rgb mode while any channel is on."""
    lamp = lamp_of(SWITCH, BRIGHTNESS, KELVIN, RED, GREEN, BLUE)
    features = lamp.features()
    assert features.color_modes == {"rgb", "color_temp"}
    white = {"power": 1, "R": 0, "G": 0, "B": 0, "color_temp": 3000}
    assert lamp.state(white, features).color_mode == "color_temp"
    assert lamp.state({**white, "G": 9}, features).color_mode == "rgb"


@pytest.mark.parametrize(
    "datapoints",
    [
        pytest.param((SWITCH, dp("fan", "bool"), BRIGHTNESS), id="two bools"),
        pytest.param((SWITCH, dp("speed")), id="no brightness"),
        pytest.param((SWITCH,), id="only a switch"),
        pytest.param(
            (SWITCH, BRIGHTNESS, dp("mode", "enum", labels=MODES)), id="an enum"
        ),
        pytest.param((SWITCH, BRIGHTNESS, dp("timer")), id="an extra number"),
        pytest.param((SWITCH, BRIGHTNESS, RED, GREEN), id="two colour channels"),
        pytest.param(
            (SWITCH, BRIGHTNESS, KELVIN, dp("kelvin", high=100)),
            id="two colour temps",
        ),
        pytest.param((SWITCH, BRIGHTNESS, dp("dimming")), id="two brightnesses"),
        pytest.param(
            (SWITCH, dp("heat_level", high=3), dp("set_temp", low=5, high=35)),
            id="heater",
        ),
        pytest.param((dp("switch", "bool"), dp("flow_level")), id="aquarium pump"),
        pytest.param((SWITCH, dp("level")), id="a level"),
        pytest.param((SWITCH, dp("lum")), id="an abbreviation"),
        pytest.param(
            (SWITCH, BRIGHTNESS, dp("temperature", high=40)), id="a temperature"
        ),
        pytest.param((SWITCH, BRIGHTNESS, dp("temp", high=40)), id="a temp"),
        pytest.param((SWITCH, BRIGHTNESS, dp("ct", high=100)), id="a bare ct"),
        pytest.param(
            (SWITCH, BRIGHTNESS, dp("set_temp", high=40, display_name="温度")),
            id="a temperature in Chinese",
        ),
        pytest.param((SWITCH, BRIGHTNESS, dp("raw", "binary")), id="a writable binary"),
    ],
)
def test_what_is_not_plainly_a_lamp(datapoints: tuple[Datapoint, ...]) -> None:
    """Anything more or less than the rule asks keeps its own entities."""
    assert find_lamp(datapoints) is None


@pytest.mark.parametrize(
    "name",
    [
        "color_temp",
        "colour_temp",
        "colorTemp",
        "ColorTemperature",
        "colour_temperature",
        "led_color_temp",
        "cct",
        "kelvin",
        "light_kelvin",
    ],
)
def test_colour_temperature_names(name: str) -> None:
    """Colour temperature is recognised by its own names only."""
    lamp = lamp_of(SWITCH, BRIGHTNESS, dp(name, "uint16", low=2700, high=6500))
    assert lamp.color_temp is not None
    assert lamp.color_temp.name == name


@pytest.mark.parametrize(
    "name", ["bright", "brightness", "dim", "dimming", "lightness", "luminance"]
)
def test_brightness_names(name: str) -> None:
    """Brightness is recognised by names that plainly mean brightness or dimming."""
    assert lamp_of(SWITCH, dp(name)).brightness.name == name
