"""What every platform's entity class owes Home Assistant."""

import importlib
from pathlib import Path

import pytest

from homeassistant.helpers.entity import Entity

from custom_components.cloud_bridge import PLATFORMS

PACKAGE = Path(__file__).parent.parent / "custom_components" / "cloud_bridge"
# The methods that make Home Assistant 2026.11 re-add an entity on a rename
# unless the class (or a subclass of it) defines async_entity_id_changed.
_ADD_REMOVE_METHODS = (
    "async_prepare_to_add_to_hass",
    "async_added_to_hass",
    "async_will_remove_from_hass",
)


def _entity_classes() -> list[type[Entity]]:
    """Return the entity classes of every platform module."""
    classes: list[type[Entity]] = []
    for platform in PLATFORMS:
        module = importlib.import_module(f"custom_components.cloud_bridge.{platform}")
        classes.extend(
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, Entity)
            and value.__module__ == module.__name__
        )
    return classes


@pytest.mark.parametrize("entity_class", _entity_classes(), ids=lambda c: c.__name__)
def test_entities_are_renamed_in_place(entity_class: type[Entity]) -> None:
    """A renamed entity is renamed in place (Home Assistant 2026.11's rule).

    A class of ours that hooks adding or removal is covered by
    async_entity_id_changed in it or a subclass; otherwise Home Assistant
    removes the entity and adds it again.
    """
    ours = [
        cls
        for cls in entity_class.__mro__
        if not cls.__module__.startswith("homeassistant.")
    ]
    owners = [cls for cls in ours if "async_entity_id_changed" in cls.__dict__]
    uncovered = [
        cls.__name__
        for cls in ours
        if any(method in cls.__dict__ for method in _ADD_REMOVE_METHODS)
        and not any(issubclass(owner, cls) for owner in owners)
    ]
    assert uncovered == []


def test_every_platform_has_an_entity_class() -> None:
    """The check above sees each platform's entities."""
    modules = {cls.__module__.rsplit(".", 1)[1] for cls in _entity_classes()}
    assert modules == {str(platform) for platform in PLATFORMS}
