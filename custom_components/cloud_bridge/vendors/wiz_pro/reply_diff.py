"""What changed between two buildingTopology replies, read before parsing them.

A poll of a large building mostly finds what the last one found. Comparing
the decoded replies (dictionary equality runs in C) finds the few lights whose
``currentState`` moved without parsing the rest; anything else that moved (an
id, a name, a model, a scene, a favorite, a light or room more or fewer) is a
change of topology, for the caller to read whole.
"""

from typing import Any


def _same_except(old: Any, new: Any, key: str) -> bool:
    """Tell whether two objects hold the same keys and values but for one key."""
    return (
        isinstance(old, dict)
        and isinstance(new, dict)
        and old.keys() == new.keys()
        and all(old[name] == new[name] for name in old if name != key)
    )


def _pairs(
    old: Any, new: Any, key: str, *, unequal: bool = True
) -> list[tuple[Any, Any]] | None:
    """Return the items of two objects' lists at key, side by side; None if unlike.

    unequal leaves out the pairs that are the same; without it, each pair is
    compared once, further down, rather than here and again there.
    """
    if not _same_except(old, new, key):
        return None
    old_items, new_items = old.get(key), new.get(key)
    if not isinstance(old_items, list) or not isinstance(new_items, list):
        return None if old_items != new_items else []
    if len(old_items) != len(new_items):
        return None
    pairs = zip(old_items, new_items, strict=True)
    return [pair for pair in pairs if pair[0] != pair[1]] if unequal else list(pairs)


def changed_lights(
    old: dict[str, Any], new: dict[str, Any]
) -> list[tuple[Any, dict[str, Any]]] | None:
    """Return (room id, light) for each light whose currentState alone changed.

    None when anything but light states changed: the topology did.
    """
    if (floors := _pairs(old, new, "floors", unequal=False)) is None:
        return None
    changed: list[tuple[Any, dict[str, Any]]] = []
    for old_floor, new_floor in floors:
        if (rooms := _pairs(old_floor, new_floor, "rooms")) is None:
            return None
        for old_room, new_room in rooms:
            if (lights := _pairs(old_room, new_room, "lights")) is None:
                return None
            for old_light, new_light in lights:
                if not _same_except(old_light, new_light, "currentState"):
                    return None
                changed.append((new_room.get("id"), new_light))
    return changed
