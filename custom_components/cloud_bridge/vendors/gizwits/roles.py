"""What a datapoint is for, read from its names and its enum labels.

The lamp, climate and fan rules share these readings. A name is split into
words (``fan_swing`` → fan, swing; ``setTemp`` → set, temp); a display name
(often Chinese) is searched for terms; an enum label is matched whole, once
lower-cased, with separators as spaces and a trailing "mode"/模式 dropped.
"""

from collections.abc import Iterable, Mapping
import re

from ...quantities import quantity, words
from .mapping import is_number
from .models import Datapoint

# The name of an appliance's own on/off: nothing in it but these words.
POWER_WORDS = frozenset({"switch", "power", "onoff", "on"})
POWER_EXTRA_WORDS = frozenset({"off", "main", "is", "state", "status"})
POWER_TERMS = ("开关", "电源", "电源开关", "总开关", "开关机")
SWING_WORDS = frozenset(
    {
        "swing",
        "swinging",
        "oscillate",
        "oscillation",
        "oscillating",
        "shake",
        "shaking",
        "sweep",
    }
)
SWING_TERMS = ("摆风", "摆动", "扫风", "摇头", "摆头")
# A speed: of a fan, or of an air conditioner's fan (风速, 风量, 档位).
SPEED_WORDS = frozenset({"speed", "fan", "wind", "gear"})
SPEED_TERMS = ("风速", "风量", "风档", "档位")
MODE_WORDS = frozenset({"mode"})
MODE_TERMS = ("模式",)
# A temperature is a setting when its name says so.
SETTING_WORDS = frozenset({"set", "target", "setpoint", "setting"})
SETTING_TERMS = ("设定", "设置", "目标")
# Where a read-only temperature is measured: the room, or somewhere else.
ROOM_WORDS = frozenset({"room", "indoor", "inside", "current", "actual", "inner"})
ROOM_TERMS = ("室内", "室温", "当前", "实际")
ELSEWHERE_WORDS = frozenset(
    {"outdoor", "outside", "outer", "pipe", "coil", "exhaust", "evaporator"}
)
ELSEWHERE_TERMS = ("室外", "管温", "排气", "盘管", "蒸发器")
# What a product that heats or cools says of itself, in its own or its
# writable datapoints' names.
HEAT_WORDS = frozenset(
    {"heat", "heater", "heating", "warm", "warmer", "boiler", "radiator"}
)
HEAT_TERMS = ("取暖", "加热", "制热", "制暖", "暖", "热水", "电热", "供热", "采暖")
COOL_WORDS = frozenset({"cool", "cooler", "cooling", "chiller"})
# 冷暖 (cools and heats) says both.
COOL_TERMS = ("制冷", "冷风", "冷气", "降温", "冷暖")

# Enum labels by what they mean, in Home Assistant's words.
HVAC_LABELS: Mapping[str, tuple[str, ...]] = {
    "cool": ("cool", "cooling", "制冷"),
    "heat": ("heat", "heating", "制热", "制暖", "加热"),
    "dry": (
        "dry",
        "dehumidify",
        "dehumidifying",
        "dehumidification",
        "除湿",
        "抽湿",
    ),
    "fan_only": ("fan", "fan only", "ventilate", "ventilation", "送风", "通风"),
    "auto": ("auto", "automatic", "自动"),
    "heat_cool": ("heat cool", "heatcool", "冷暖"),
}
# Modes that heat, cool or dry the air: a product with one is no mere fan.
CLIMATE_ONLY_MODES = frozenset({"cool", "heat", "dry", "heat_cool"})
CLIMATE_PRESET_LABELS: Mapping[str, tuple[str, ...]] = {
    "eco": ("eco", "economy", "energy saving", "节能", "经济"),
    "comfort": ("comfort", "舒适"),
    "sleep": ("sleep", "睡眠"),
    "away": ("away", "离家"),
    "boost": ("boost", "turbo", "强力"),
    "frost_protection": (
        "frost protection",
        "anti frost",
        "antifreeze",
        "anti freeze",
        "防冻",
    ),
}
FAN_MODE_LABELS: Mapping[str, tuple[str, ...]] = {
    "low": ("low", "低", "低风", "低速", "低档", "弱", "弱风"),
    "medium": ("medium", "mid", "middle", "中", "中风", "中速", "中档"),
    "high": ("high", "高", "高风", "高速", "高档", "强", "强风"),
    "auto": ("auto", "automatic", "自动", "自动风"),
}
SWING_LABELS: Mapping[str, tuple[str, ...]] = {
    "off": ("off", "关", "关闭", "不摆", "停止"),
    "on": ("on", "开", "开启", "摆风"),
    "vertical": ("vertical", "up down", "上下", "上下摆风", "上下摆动"),
    "horizontal": ("horizontal", "left right", "左右", "左右摆风", "左右摆动"),
    "both": ("both", "3d", "全方位", "上下左右", "立体"),
}
FAN_PRESET_LABELS: Mapping[str, tuple[str, ...]] = {
    "auto": ("auto", "automatic", "自动", "自动风"),
    "natural": ("natural", "natural wind", "breeze", "自然", "自然风"),
    "sleep": ("sleep", "睡眠", "睡眠风"),
    "smart": ("smart", "智能"),
    "normal": ("normal", "standard", "正常", "标准", "正常风"),
}
# Labels of a speed enum that stop the fan rather than set a speed.
OFF_LABELS = frozenset({"off", "关", "关闭", "停", "停止"})

_SEPARATORS = re.compile(r"[\s_\-/]+")
_MODE_SUFFIX = re.compile(r"(?:\s*mode|模式)$")


def says(datapoint: Datapoint, names: frozenset[str], terms: Iterable[str]) -> bool:
    """Tell whether a datapoint's name or display name says it is this."""
    return bool(words(datapoint.name) & names) or any(
        term in datapoint.display_name for term in terms
    )


def name_says(text: str, names: frozenset[str], terms: Iterable[str]) -> bool:
    """Tell whether a product's name has one of the words or terms."""
    return bool(words(text) & names) or any(term in text for term in terms)


def plain_label(label: str) -> str:
    """Return a label as it is matched: "Fan-only Mode" → "fan only"."""
    text = _SEPARATORS.sub(" ", label.strip().lower()).strip()
    return _MODE_SUFFIX.sub("", text).strip() or text


def label_key(label: str, table: Mapping[str, tuple[str, ...]]) -> str | None:
    """Return what a label means in a table, or None when it names none of it."""
    plain = plain_label(label)
    return next((key for key, names in table.items() if plain in names), None)


def keyed_labels(
    labels: Iterable[str], table: Mapping[str, tuple[str, ...]]
) -> dict[str, str]:
    """Return each label's key: the table's where it says so, else the label.

    A key that two labels mean goes to the first; the other keeps its label (and
    a label that would still repeat a key is not offered).
    """
    keys: dict[str, str] = {}
    for label in labels:
        key = label_key(label, table)
        if key is None or key in keys.values():
            key = label
        if key not in keys.values():
            keys[label] = key
    return keys


def names_climate_mode(datapoint: Datapoint) -> bool:
    """Tell whether an enum's labels name a mode that heats, cools or dries."""
    return any(
        label_key(label, HVAC_LABELS) in CLIMATE_ONLY_MODES
        for label in datapoint.labels
    )


def is_power(datapoint: Datapoint) -> bool:
    """Tell whether a writable boolean is plainly the appliance's on/off."""
    if datapoint.data_type != "bool" or says(datapoint, SWING_WORDS, SWING_TERMS):
        return False
    # The whole name counts as a word too; only its parts matter here.
    found = words(datapoint.name) - {datapoint.name.lower()} or frozenset(
        {datapoint.name.lower()}
    )
    named = bool(found & POWER_WORDS) and found <= POWER_WORDS | POWER_EXTRA_WORDS
    return named or datapoint.display_name.strip() in POWER_TERMS


def is_temperature(datapoint: Datapoint) -> bool:
    """Tell whether a number is a temperature (never a colour temperature)."""
    if not is_number(datapoint):
        return False
    measured = quantity(datapoint.name, datapoint.display_name)
    return measured is not None and measured.device_class == "temperature"


def is_setting(datapoint: Datapoint) -> bool:
    """Tell whether a datapoint's names mark it as a setting (set, target, 设定)."""
    return says(datapoint, SETTING_WORDS, SETTING_TERMS)


def only[T](found: list[T]) -> T | None:
    """Return the one item found, or None for none or several."""
    return found[0] if len(found) == 1 else None
