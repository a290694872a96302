"""WiZ bulb classes and the light modes each can play."""

from enum import StrEnum
import re

from .models import LightModel

LIGHT_MODES: dict[int, str] = {
    1: "Ocean",
    2: "Romance",
    3: "Sunset",
    4: "Party",
    5: "Fireplace",
    6: "Cozy",
    7: "Forest",
    8: "Pastel Colors",
    9: "Wake up",
    10: "Bedtime",
    11: "Warm white",
    12: "Daylight",
    13: "Cool white",
    14: "Night light",
    15: "Focus",
    16: "Relax",
    17: "True colors",
    18: "TV Time",
    19: "Plant growth",
    20: "Spring",
    21: "Summer",
    22: "Fall",
    23: "Deep dive",
    24: "Jungle",
    25: "Mojito",
    26: "Club",
    27: "Christmas",
    28: "Halloween",
    29: "Candlelight",
    30: "Golden white",
    31: "Pulse",
    32: "Steampunk",
    # 33 "Diwali" is in the table, but sceneId accepts 1-32 only.
}
MODE_IDS: dict[str, int] = {name: mode_id for mode_id, name in LIGHT_MODES.items()}


class BulbClass(StrEnum):
    """The hardware classes of the document's light-modes table."""

    RGBTW = "RGBTW"
    TW = "TW"
    DW = "DW"


# The table lost its empty cells; these follow the document's prose ("TW: most
# static light modes", "DW: only dimming, Wake up, Bedtime and Night light")
# and, for TW, the modes pywizlight has seen tunable-white bulbs accept.
CLASS_MODES: dict[BulbClass, tuple[int, ...]] = {
    BulbClass.RGBTW: tuple(LIGHT_MODES),
    BulbClass.TW: (6, 9, 10, 11, 12, 13, 14, 15, 16, 18, 29, 30, 31, 32),
    BulbClass.DW: (9, 10, 14),
}

_RGB_WORDS = re.compile(r"\b(rgb\w*|colou?r)\b", re.IGNORECASE)
_TW_WORDS = re.compile(r"\b(tw|tunable)\b", re.IGNORECASE)
_DW_WORDS = re.compile(r"\b(dw|dimmable)\b", re.IGNORECASE)


def bulb_class(model: LightModel) -> BulbClass:
    """Tell a model's class from its name, else from its temperature range.

    The API has no field for the class, so the product name ("A60 E27 RGBTW",
    "GU10 Tunable White") is read first; a name without a class word is TW
    when its colour temperature can change and DW when it cannot.
    """
    if _RGB_WORDS.search(model.name):
        return BulbClass.RGBTW
    if _TW_WORDS.search(model.name):
        return BulbClass.TW
    if _DW_WORDS.search(model.name):
        return BulbClass.DW
    if model.temperature_min < model.temperature_max:
        return BulbClass.TW
    return BulbClass.DW
