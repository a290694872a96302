"""The climate and fan rules, datapoint combination by combination."""

import pytest

from custom_components.cloud_bridge.model import (
    ClimateCommand,
    ClimateState,
    FanCommand,
    FanState,
    LightCommand,
)
from custom_components.cloud_bridge.vendors.gizwits.climate import (
    Climate,
    find_climate,
)
from custom_components.cloud_bridge.vendors.gizwits.fan import Fan, find_fan
from custom_components.cloud_bridge.vendors.gizwits.lamp import find_lamp
from custom_components.cloud_bridge.vendors.gizwits.models import (
    Datapoint,
    ProductDefinition,
)

W = "status_writable"
R = "status_readonly"


def switch(name: str = "switch", display: str = "开关") -> Datapoint:
    """Return a writable boolean."""
    return Datapoint(name=name, display_name=display, type=W, data_type="bool")


def enum(name: str, display: str, *labels: str, kind: str = W) -> Datapoint:
    """Return an enum."""
    return Datapoint(
        name=name, display_name=display, type=kind, data_type="enum", labels=labels
    )


def number(
    name: str,
    display: str,
    low: float = 0,
    high: float = 100,
    *,
    ratio: float = 1,
    addition: float = 0,
    kind: str = W,
) -> Datapoint:
    """Return a number (its range raw, as a definition gives it)."""
    return Datapoint(
        name=name,
        display_name=display,
        type=kind,
        data_type="uint8",
        minimum=low,
        maximum=high,
        ratio=ratio,
        addition=addition,
    )


def product(name: str, *datapoints: Datapoint) -> ProductDefinition:
    """Return a product definition."""
    return ProductDefinition(product_key="k" * 32, name=name, datapoints=datapoints)


def climate_of(definition: ProductDefinition) -> Climate:
    """Return the thermostat a product must be."""
    found = find_climate(definition)
    assert found is not None
    return found


def fan_of(definition: ProductDefinition) -> Fan:
    """Return the fan a product must be."""
    found = find_fan(definition)
    assert found is not None
    return found


SET_TEMP = number("set_temp", "设定温度", 16, 30)
ROOM_TEMP = number("room_temp", "室内温度", 0, 100, addition=-30, kind=R)
CHINESE_AC = product(
    "空调",
    switch(),
    enum("mode", "模式", "自动", "制冷", "制热", "送风", "除湿"),
    enum("fan_speed", "风速", "低风", "中风", "高风", "自动"),
    switch("fan_swing", "摆风"),
    SET_TEMP,
    ROOM_TEMP,
    number("on_timing", "定时开机", 0, 1440),
    switch("child_lock", "童锁"),
)
ENGLISH_AC = product(
    "Split AC",
    switch("power", "Power"),
    enum("workMode", "Mode", "Cool", "Heat", "Dry", "Fan only", "Auto", "Sleep"),
    enum("fanSpeed", "Fan speed", "Low", "Mid", "High", "Turbo"),
    enum("swing", "Swing", "Off", "Vertical", "Horizontal", "3D"),
    number("targetTemperature", "Target temperature", 32, 60, ratio=0.5),
    number("indoorTemp", "Indoor temperature", 0, 500, ratio=0.1, addition=-20, kind=R),
    number(
        "outdoorTemp", "Outdoor temperature", 0, 500, ratio=0.1, addition=-20, kind=R
    ),
)


# --- the climate rule -------------------------------------------------------------


def test_chinese_air_conditioner() -> None:
    """开关, 模式, 风速, 摆风, 设定温度, 室内温度: one thermostat; the rest stays."""
    ac = climate_of(CHINESE_AC)
    assert ac.names == {
        "switch",
        "mode",
        "fan_speed",
        "fan_swing",
        "set_temp",
        "room_temp",
    }
    spec = ac.spec
    assert spec.hvac_modes == ("off", "auto", "cool", "heat", "fan_only", "dry")
    assert spec.fan_modes == ("low", "medium", "high", "auto")
    assert spec.swing_modes == ("off", "on")
    assert spec.preset_modes == ()
    assert (spec.target_range, spec.target_step, spec.precision) == ((16, 30), 1, 1)
    assert spec.unit == "°C"
    values = {
        "switch": 1,
        "mode": "制冷",
        "fan_speed": "自动",
        "fan_swing": 0,
        "set_temp": 26,
        "room_temp": 28,
    }
    assert ac.state(values) == ClimateState(
        hvac_mode="cool",
        current_temperature=28,
        target_temperature=26,
        fan_mode="auto",
        swing_mode="off",
    )
    assert ac.state({**values, "switch": 0}).hvac_mode == "off"
    assert ac.state({}) == ClimateState()


def test_english_air_conditioner() -> None:
    """English labels; a label naming no mode is a preset; the indoor temperature."""
    ac = climate_of(ENGLISH_AC)
    spec = ac.spec
    assert spec.hvac_modes == ("off", "cool", "heat", "dry", "fan_only", "auto")
    assert spec.preset_modes == ("sleep",)
    assert spec.fan_modes == ("low", "medium", "high", "Turbo")
    assert spec.swing_modes == ("off", "vertical", "horizontal", "both")
    assert (spec.target_range, spec.target_step) == ((16, 30), 0.5)
    assert spec.precision == 0.1
    assert ac.current is not None
    assert ac.current.name == "indoorTemp"
    assert "outdoorTemp" not in ac.names
    values = {
        "power": True,
        "workMode": "Sleep",
        "fanSpeed": "Turbo",
        "swing": "3D",
        "targetTemperature": 24.5,
        "indoorTemp": 25.3,
    }
    # A preset of an AC with several modes: which one it runs is not known.
    assert ac.state(values) == ClimateState(
        hvac_mode=None,
        current_temperature=25.3,
        target_temperature=24.5,
        fan_mode="Turbo",
        swing_mode="both",
        preset_mode="sleep",
    )


@pytest.mark.parametrize(
    ("labels", "modes", "presets"),
    [
        (("Heat/Cool", "Cool", "Heat"), ("heat_cool", "cool", "heat"), ()),
        (("冷暖", "制冷模式", "抽湿"), ("heat_cool", "cool", "dry"), ()),
        (("除湿", "抽湿", "送风"), ("dry", "fan_only"), ("抽湿",)),
        (("COOLING MODE", "heating", "ventilation"), ("cool", "heat", "fan_only"), ()),
        (("制冷", "节能", "睡眠", "强力"), ("cool",), ("eco", "sleep", "boost")),
        (("自动", "智能", "舒适"), ("auto",), ("智能", "comfort")),
        (("制冷", "节能", "eco"), ("cool",), ("eco",)),
    ],
)
def test_mode_labels(
    labels: tuple[str, ...], modes: tuple[str, ...], presets: tuple[str, ...]
) -> None:
    """Labels name modes in either language; a second label for a mode is a preset."""
    ac = climate_of(product("空调", switch(), enum("mode", "模式", *labels), SET_TEMP))
    assert ac.spec.hvac_modes == ("off", *modes)
    assert ac.spec.preset_modes == presets


def test_one_mode_and_presets_run_in_that_mode() -> None:
    """制冷 and 睡眠: the AC cools while it sleeps."""
    ac = climate_of(
        product("空调", switch(), enum("mode", "模式", "制冷", "睡眠"), SET_TEMP)
    )
    assert ac.spec.hvac_modes == ("off", "cool")
    state = ac.state({"switch": 1, "mode": "睡眠"})
    assert (state.hvac_mode, state.preset_mode) == ("cool", "sleep")
    assert ac.attrs(ClimateCommand(hvac_mode="cool")) == {"switch": True, "mode": 0}


def test_heater_with_presets() -> None:
    """A heater whose modes are presets heats in each of them."""
    heater = climate_of(
        product(
            "电暖器",
            switch(),
            enum("mode", "模式", "舒适", "节能", "防冻"),
            number("set_temp", "设定温度", 10, 70, ratio=0.5),
            number("room_temp", "室内温度", 0, 1000, ratio=0.1, addition=-20, kind=R),
        )
    )
    assert heater.spec.hvac_modes == ("off", "heat")
    assert heater.spec.preset_modes == ("comfort", "eco", "frost_protection")
    state = heater.state({"switch": True, "mode": "节能", "set_temp": 18.5})
    assert (state.hvac_mode, state.preset_mode) == ("heat", "eco")
    assert state.target_temperature == 18.5
    # heat turns it on in the preset it is in; a preset turns it on in that one.
    assert heater.attrs(ClimateCommand(hvac_mode="heat")) == {"switch": True}
    assert heater.attrs(ClimateCommand(preset_mode="frost_protection")) == {
        "switch": True,
        "mode": 2,
    }


@pytest.mark.parametrize(
    ("definition", "mode"),
    [
        pytest.param(
            product("Oil Heater", switch("power", "Power"), SET_TEMP),
            "heat",
            id="heater named in English",
        ),
        pytest.param(
            product("取暖器", switch(), SET_TEMP), "heat", id="heater named in Chinese"
        ),
        pytest.param(
            product("控制器", switch(), SET_TEMP, number("heat_level", "档位", 1, 3)),
            "heat",
            id="a datapoint says heat",
        ),
        pytest.param(
            product("Chiller", switch("onOff", "On/off"), SET_TEMP),
            "cool",
            id="cooler",
        ),
        pytest.param(
            product(
                "热水器",
                switch("power", "电源"),
                number("set_water_temp", "设定水温", 35, 75),
                number("water_temp", "水温", 0, 100, kind=R),
            ),
            "heat",
            id="water heater",
        ),
    ],
)
def test_heat_or_cool_alone_from_the_names(
    definition: ProductDefinition, mode: str
) -> None:
    """No mode enum: the product's or its datapoints' names say heat or cool."""
    found = climate_of(definition)
    assert found.spec.hvac_modes == ("off", mode)
    assert found.state({found.switch.name: True}).hvac_mode == mode
    assert found.attrs(ClimateCommand(hvac_mode=mode)) == {found.switch.name: True}


def test_water_heater_shows_the_water_temperature() -> None:
    """热水器: its water temperature is the current temperature."""
    heater = climate_of(
        product(
            "热水器",
            switch("power", "电源"),
            number("set_water_temp", "设定水温", 35, 75),
            number("water_temp", "水温", 0, 100, kind=R),
        )
    )
    assert heater.state({"power": 1, "water_temp": 52}).current_temperature == 52


def test_fahrenheit_and_a_swing_enum_in_chinese() -> None:
    """A unit spelt in the name; 上下/左右/全方位/关 swings."""
    ac = climate_of(
        product(
            "空调",
            switch(),
            enum("mode", "模式", "制冷", "制热"),
            number("set_temp_f", "设定温度", 60, 86),
            enum("swing_mode", "摆风", "关", "上下", "左右", "全方位"),
        )
    )
    assert ac.spec.unit == "°F"
    assert ac.spec.swing_modes == ("off", "vertical", "horizontal", "both")
    assert ac.state({"swing_mode": "左右"}).swing_mode == "horizontal"
    assert ac.attrs(ClimateCommand(swing_mode="both")) == {"swing_mode": 3}


def test_two_room_temperatures_leave_both_as_they_are() -> None:
    """Two temperatures of the room: neither is taken; the thermostat still is."""
    ac = climate_of(
        product(
            "空调",
            switch(),
            enum("mode", "模式", "制冷"),
            SET_TEMP,
            ROOM_TEMP,
            number("current_temp", "当前温度", 0, 100, kind=R),
        )
    )
    assert ac.current is None
    assert ac.spec.precision == 1


@pytest.mark.parametrize(
    "definition",
    [
        pytest.param(
            product(
                "空调",
                switch(),
                enum("mode", "模式", "自动", "制冷", "制热"),
                enum("fan_speed", "风速", "低风", "高风"),
                ROOM_TEMP,
            ),
            id="AC without a target temperature",
        ),
        pytest.param(
            product("空调", switch(), ROOM_TEMP, number("temp", "温度", 16, 30)),
            id="a writable temperature that is no setting",
        ),
        pytest.param(
            product("空调", switch("child_lock", "童锁"), SET_TEMP),
            id="no on/off",
        ),
        pytest.param(
            product("空调", switch(), switch("power", "电源"), SET_TEMP),
            id="two on/offs",
        ),
        pytest.param(
            product("空调", switch("LED_OnOff", "开启/关闭红色灯"), SET_TEMP),
            id="the on/off of something else",
        ),
        pytest.param(
            product(
                "空调",
                switch(),
                enum("mode", "模式", "制冷", "制热"),
                number("set_temp_heat", "制热设定温度", 16, 30),
                number("set_temp_cool", "制冷设定温度", 16, 30),
            ),
            id="two targets",
        ),
        pytest.param(
            product("调光灯", switch(), number("set_color_temp", "设定色温", 27, 65)),
            id="a colour temperature",
        ),
        pytest.param(product("温控器", switch(), SET_TEMP), id="names say neither"),
        pytest.param(product("冷暖机", switch(), SET_TEMP), id="names say both"),
        pytest.param(
            product("空调", switch(), enum("mode", "模式", "舒适", "节能"), SET_TEMP),
            id="presets only, names say neither",
        ),
        pytest.param(
            product(
                "空调",
                switch(),
                enum("mode", "模式", "制冷", "制热"),
                enum("work_mode", "工作模式", "制冷", "除湿"),
                SET_TEMP,
            ),
            id="two mode enums",
        ),
        pytest.param(
            product(
                "空调",
                switch(),
                enum("mode", "模式", "制冷"),
                switch("swing_ud", "上下摆风"),
                switch("swing_lr", "左右摆风"),
                SET_TEMP,
            ),
            id="two swings",
        ),
        pytest.param(
            product("取暖器", switch(), number("set_temp", "设定温度", 20, 20)),
            id="a target without a range",
        ),
    ],
)
def test_no_thermostat(definition: ProductDefinition) -> None:
    """A product that does not plainly fit keeps its entities."""
    assert find_climate(definition) is None


def test_commands_in_one_request() -> None:
    """Each command names the datapoints it sets, as the cloud takes them."""
    ac = climate_of(CHINESE_AC)
    assert ac.attrs(ClimateCommand(on=False)) == {"switch": False}
    assert ac.attrs(ClimateCommand(on=True)) == {"switch": True}
    assert ac.attrs(ClimateCommand(hvac_mode="off")) == {"switch": False}
    assert ac.attrs(ClimateCommand(hvac_mode="dry")) == {"switch": True, "mode": 4}
    assert ac.attrs(ClimateCommand(target_temperature=24.4, hvac_mode="heat")) == {
        "switch": True,
        "mode": 2,
        "set_temp": 24,
    }
    assert ac.attrs(ClimateCommand(target_temperature=35)) == {"set_temp": 30}
    assert ac.attrs(ClimateCommand(fan_mode="low")) == {"fan_speed": 0}
    assert ac.attrs(ClimateCommand(swing_mode="on")) == {"fan_swing": True}


@pytest.mark.parametrize(
    "command",
    [
        ClimateCommand(hvac_mode="heat_cool"),
        ClimateCommand(preset_mode="sleep"),
        ClimateCommand(fan_mode="Turbo"),
        ClimateCommand(swing_mode="vertical"),
        LightCommand(on=True),
    ],
)
def test_commands_it_cannot_take(command: object) -> None:
    """A mode, preset, speed or swing the product lacks; another kind of command."""
    with pytest.raises(ValueError):
        climate_of(CHINESE_AC).attrs(command)


def test_a_product_without_fan_or_swing_refuses_them() -> None:
    """No fan enum, no swing: their commands are refused."""
    heater = climate_of(product("取暖器", switch(), SET_TEMP))
    for command in (ClimateCommand(fan_mode="low"), ClimateCommand(swing_mode="on")):
        with pytest.raises(ValueError):
            heater.attrs(command)


def test_lamps_are_no_appliances() -> None:
    """A lamp is a lamp: neither rule takes it."""
    lamp = product(
        "调光灯",
        switch("power", "开关"),
        number("brightness", "亮度"),
        number("color_temp", "色温", 0, 3800, addition=2700),
    )
    assert find_lamp(lamp.datapoints) is not None
    assert find_climate(lamp) is None
    assert find_fan(lamp) is None


# --- the fan rule -----------------------------------------------------------------

TOWER_FAN = product(
    "Tower Fan",
    switch("power", "Power"),
    number("speed", "Speed", 1, 12),
    switch("oscillation", "Oscillation"),
    enum("mode", "Mode", "Normal", "Natural", "Sleep"),
    number("timer", "Timer", 0, 720),
)
FLOOR_FAN = product(
    "落地扇",
    switch(),
    enum("wind_speed", "风速", "低档", "中档", "高档", "自动"),
    switch("shake", "摇头"),
)


def test_english_fan_with_a_speed_number() -> None:
    """Twelve speeds, oscillation and modes as presets; the timer stays apart."""
    fan = fan_of(TOWER_FAN)
    assert fan.names == {"power", "speed", "oscillation", "mode"}
    assert fan.spec.speed_count == 12
    assert fan.spec.preset_modes == ("normal", "natural", "sleep")
    assert fan.spec.oscillation
    values = {"power": 1, "speed": 6, "oscillation": 1, "mode": "Natural"}
    assert fan.state(values) == FanState(
        on=True, percentage=50, preset_mode="natural", oscillating=True
    )
    assert fan.state({**values, "power": 0}).percentage == 0
    assert fan.state({"power": True, "speed": 12}).percentage == 100
    assert fan.state({"power": True}).percentage is None  # not reported
    assert fan.attrs(FanCommand(percentage=50)) == {"power": True, "speed": 6}
    assert fan.attrs(FanCommand(percentage=1)) == {"power": True, "speed": 1}
    assert fan.attrs(FanCommand(preset_mode="sleep")) == {"power": True, "mode": 2}
    assert fan.attrs(FanCommand(oscillating=False)) == {"oscillation": False}
    assert fan.attrs(FanCommand(on=False)) == {"power": False}


def test_chinese_fan_with_a_speed_enum() -> None:
    """Ordered speeds; 自动 among them is a preset; 摇头 is oscillation."""
    fan = fan_of(FLOOR_FAN)
    assert fan.spec.speed_count == 3
    assert fan.spec.preset_modes == ("auto",)
    assert fan.state({"switch": 1, "wind_speed": "中档"}).percentage == 67
    auto = fan.state({"switch": 1, "wind_speed": "自动", "shake": 0})
    assert auto == FanState(
        on=True, percentage=None, preset_mode="auto", oscillating=False
    )
    assert fan.attrs(FanCommand(percentage=100)) == {"switch": True, "wind_speed": 2}
    assert fan.attrs(FanCommand(preset_mode="auto")) == {
        "switch": True,
        "wind_speed": 3,
    }


def test_speed_zero_and_a_stop_label() -> None:
    """A speed number from 0, and an enum with 关: both read as 0 %."""
    number_fan = fan_of(product("风扇", switch(), number("gear", "档位", 0, 3)))
    assert number_fan.spec.speed_count == 3
    assert number_fan.state({"switch": 1, "gear": 0}).percentage == 0
    assert number_fan.state({"switch": 1, "gear": 1}).percentage == 33
    assert number_fan.attrs(FanCommand(percentage=50)) == {"switch": True, "gear": 2}
    # Scaled from -1: the speeds are still those above 0.
    shifted = fan_of(
        product("风扇", switch(), number("gear", "档位", 0, 4, addition=-1))
    )
    assert shifted.spec.speed_count == 3
    assert shifted.attrs(FanCommand(percentage=1)) == {"switch": True, "gear": 1}
    label_fan = fan_of(
        product("风扇", switch(), enum("speed", "风速", "关", "1档", "2档", "3档"))
    )
    assert label_fan.spec.speed_count == 3
    assert label_fan.state({"switch": 1, "speed": "关"}).percentage == 0
    assert label_fan.attrs(FanCommand(percentage=34)) == {"switch": True, "speed": 2}


def test_a_mode_preset_and_a_speed_preset() -> None:
    """Presets from the speed enum come first and rule while they are held."""
    fan = fan_of(
        product(
            "风扇",
            switch(),
            enum("fan_speed", "风速", "低", "高", "自动"),
            enum("mode", "模式", "正常风", "自然风", "睡眠风", "自动"),
        )
    )
    assert fan.spec.preset_modes == ("auto", "normal", "natural", "sleep")
    held = fan.state({"switch": 1, "fan_speed": "自动", "mode": "自然风"})
    assert held.preset_mode == "auto"
    assert fan.state({"switch": 1, "fan_speed": "高", "mode": "自然风"}) == FanState(
        on=True, percentage=100, preset_mode="natural"
    )


@pytest.mark.parametrize(
    "definition",
    [
        pytest.param(
            product("水泵", switch(), number("speed", "转速", 0, 100)),
            id="a pump with a speed",
        ),
        pytest.param(
            product("水泵", switch(), enum("gear", "档位", "低", "中", "高")),
            id="a pump with gears",
        ),
        pytest.param(
            product(
                "取暖器", switch("power", "开关"), number("heat_level", "档位", 1, 3)
            ),
            id="a heater's level",
        ),
        pytest.param(
            product(
                "空调",
                switch(),
                enum("mode", "模式", "制冷", "制热"),
                enum("fan_speed", "风速", "低风", "高风"),
            ),
            id="AC without a target temperature",
        ),
        pytest.param(
            product("风扇", switch(), number("fan_speed", "风速"), SET_TEMP),
            id="a temperature setting",
        ),
        pytest.param(product("风扇", number("fan_speed", "风速")), id="no on/off"),
        pytest.param(
            product(
                "风扇", switch(), number("fan_speed", "风速"), number("wind", "风量")
            ),
            id="two speeds",
        ),
        pytest.param(
            product("风扇", switch(), enum("fan_speed", "风速", "自动", "睡眠")),
            id="a speed enum of presets only",
        ),
        pytest.param(
            product("风扇", switch(), number("fan_speed", "风速", 0, 0)),
            id="a speed number without speeds",
        ),
        pytest.param(
            product(
                "风扇",
                switch(),
                number("fan_speed", "风速"),
                switch("swing", "摇头"),
                switch("swing_lr", "左右摇头"),
            ),
            id="two oscillations",
        ),
        pytest.param(
            product(
                "风扇",
                switch(),
                number("fan_speed", "风速"),
                enum("mode", "模式", "正常", "睡眠"),
                enum("style", "风类", "自然", "正常"),
            ),
            id="two mode enums",
        ),
    ],
)
def test_no_fan(definition: ProductDefinition) -> None:
    """A product that does not plainly move air keeps its entities."""
    assert find_fan(definition) is None


@pytest.mark.parametrize(
    "command",
    [FanCommand(preset_mode="turbo"), ClimateCommand(on=True)],
)
def test_fan_commands_it_cannot_take(command: object) -> None:
    """A preset the fan lacks; another kind of command."""
    with pytest.raises(ValueError):
        fan_of(TOWER_FAN).attrs(command)


def test_a_fan_without_oscillation_refuses_it() -> None:
    """No oscillation datapoint: oscillating is refused."""
    fan = fan_of(product("风扇", switch(), number("fan_speed", "风速", 1, 3)))
    assert fan.spec.preset_modes == ()
    assert not fan.spec.oscillation
    with pytest.raises(ValueError):
        fan.attrs(FanCommand(oscillating=True))


def test_specs_are_equal_when_nothing_changed() -> None:
    """A definition read again gives equal specs: the entities stay as they are."""
    assert climate_of(CHINESE_AC).spec == climate_of(CHINESE_AC).spec
    assert fan_of(TOWER_FAN).spec == fan_of(TOWER_FAN).spec
    changed = product(
        "空调", switch(), enum("mode", "模式", "制冷", "制热", "睡眠"), SET_TEMP
    )
    assert climate_of(changed).spec != climate_of(CHINESE_AC).spec
