"""buildingTopology replies as WiZ Pro sends them, and bulbs, for unit tests."""

import copy
from typing import Any

from custom_components.cloud_bridge.model import LightSpec
from custom_components.cloud_bridge.vendors.wiz_pro.light_modes import bulb_class
from custom_components.cloud_bridge.vendors.wiz_pro.mapping import light_features
from custom_components.cloud_bridge.vendors.wiz_pro.models import LightModel
from custom_components.cloud_bridge.vendors.wiz_pro.topology import Bulb

MODELS: dict[str, dict[str, Any]] = {
    "RGBTW": {
        "id": "12",
        "brand": "WiZ",
        "name": "A60 E27 RGBTW",
        "hasRatio": False,
        "temperatureMin": 2200,
        "temperatureMax": 6500,
    },
    "TW": {
        "id": "18",
        "brand": "WiZ",
        "name": "GU10 TW",
        "hasRatio": False,
        "temperatureMin": 2700,
        "temperatureMax": 6500,
    },
    "PANEL": {
        "id": "44",
        "brand": "WiZ",
        "name": "Panel 60x60 TW",
        "hasRatio": False,
        "temperatureMin": 3000,
        "temperatureMax": 5000,
    },
    "DUAL": {
        "id": "52",
        "brand": "WiZ",
        "name": "Linear Dual Zone TW",
        "hasRatio": True,
        "temperatureMin": 2700,
        "temperatureMax": 6500,
    },
    "DW": {
        "id": "25",
        "brand": "WiZ",
        "name": "Filament ST64 DW",
        "hasRatio": False,
        "temperatureMin": 2700,
        "temperatureMax": 2700,
    },
}

UNSET_FAVORITE = {"__typename": "FavoriteStateStatus", "status": False}


def state_json(**fields: Any) -> dict[str, Any]:
    """Return a currentState: white 3000 K at 50 % unless told otherwise."""
    state: dict[str, Any] = {
        "r": 0,
        "g": 0,
        "b": 0,
        "cw": 0,
        "ww": 0,
        "dimming": 50,
        "sceneId": 0,
        "speed": 100,
        "ratio": None,
        "state": True,
        "temperature": 3000,
    }
    state.update(fields)
    return state


def light_json(light_id: str, kind: str = "RGBTW", **state: Any) -> dict[str, Any]:
    """Return a BuildingLight."""
    return {
        "id": light_id,
        "name": f"Lamp {light_id}",
        "mac": f"a8bb5000{int(light_id):04x}",
        "model": dict(MODELS[kind]),
        "currentState": state_json(**state),
    }


def room_json(room_id: str, lights: list[dict[str, Any]]) -> dict[str, Any]:
    """Return a BuildingRoom with its lights, one group of the first two."""
    return {
        "id": room_id,
        "name": f"Room {room_id}",
        "favorite1": {"__typename": "FavoriteStateStatus", "status": True},
        "favorite2": UNSET_FAVORITE,
        "favorite3": UNSET_FAVORITE,
        "favorite4": UNSET_FAVORITE,
        "roomScenes": [{"id": f"s{room_id}", "name": "Evening"}],
        "lights": lights,
        "groups": [
            {
                "id": f"g{room_id}",
                "name": f"Group {room_id}",
                "lights": [{"id": light["id"]} for light in lights[:2]],
            }
        ],
    }


def building_json() -> dict[str, Any]:
    """Return a building: two floors of two rooms of four lights each."""
    floors = []
    number = 1
    for floor in (1, 2):
        rooms = []
        for room in (1, 2):
            kinds = ("RGBTW", "TW", "DW", "DUAL")
            lights = [
                light_json(str(number + index), kind)
                for index, kind in enumerate(kinds)
            ]
            number += len(kinds)
            rooms.append(room_json(f"{floor}{room}", lights))
        floors.append({"id": f"f{floor}", "name": f"Floor {floor}", "rooms": rooms})
    return {"id": "b1", "name": "Office", "floors": floors}


def lights_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return every light of a reply, in order."""
    return [
        light
        for floor in data["floors"]
        for room in floor["rooms"]
        for light in room["lights"]
    ]


def changed(data: dict[str, Any], light_id: str, **state: Any) -> dict[str, Any]:
    """Return a copy of a reply with one light's currentState changed."""
    copied = copy.deepcopy(data)
    for light in lights_of(copied):
        if light["id"] == light_id:
            light["currentState"].update(state)
    return copied


def bulb(kind: str = "RGBTW", key: str = "b1:light-1") -> Bulb:
    """Return an indexed bulb of a model of the replies above."""
    model = LightModel.from_json(MODELS[kind])
    klass = bulb_class(model)
    features = light_features(model, klass)
    return Bulb(
        key=key,
        light_id=key.rpartition("-")[2],
        name=f"Lamp {key}",
        mac=f"mac-{key}",
        model=model,
        floor_id="f1",
        bulb=klass,
        features=features,
        spec=LightSpec(features=features),
    )
