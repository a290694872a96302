"""Product definitions kept with Home Assistant's Store: a restart costs no requests."""

from collections.abc import Mapping
import time
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.singleton import singleton
from homeassistant.helpers.storage import Store
from homeassistant.util.hass_dict import HassKey

from .models import GizwitsParseError, ProductDefinition

STORAGE_KEY = "cloud_bridge.gizwits_definitions"
STORAGE_VERSION = 1
# Which points were inferred from each device's values (products without a
# definition), by account and did: their entities outlive a lapse of data.
INFERRED_KEY = "cloud_bridge.gizwits_inferred"
# Definitions rarely change; one read from the cloud is kept this long.
REFRESH_AFTER = 7 * 24 * 3600
DATA_STORE: HassKey[DefinitionStore] = HassKey("cloud_bridge_gizwits_definitions")


class DefinitionStore:
    """Definitions by product key, from the cloud or pasted by the user."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Use the integration's storage file."""
        self._store: Store[dict[str, Any]] = Store(hass, STORAGE_VERSION, STORAGE_KEY)
        self._saved: dict[str, Any] = {}
        self._parsed: dict[str, ProductDefinition] = {}
        self._inferred_store: Store[dict[str, dict[str, dict[str, str]]]] = Store(
            hass, STORAGE_VERSION, INFERRED_KEY
        )
        self._inferred: dict[str, dict[str, dict[str, str]]] = {}

    async def async_load(self) -> None:
        """Read what was kept."""
        self._saved = await self._store.async_load() or {}
        self._inferred = await self._inferred_store.async_load() or {}

    def inferred(self, account: str) -> Mapping[str, Mapping[str, str]]:
        """Return an account's inferred points: kind of value by name, by did."""
        shapes = self._inferred.get(account)
        return shapes if isinstance(shapes, dict) else {}

    async def async_put_inferred(
        self, account: str, shapes: dict[str, dict[str, str]]
    ) -> None:
        """Keep an account's inferred points."""
        self._inferred[account] = shapes
        await self._inferred_store.async_save(self._inferred)

    def get(self, product_key: str) -> ProductDefinition | None:
        """Return a kept definition."""
        if (parsed := self._parsed.get(product_key)) is not None:
            return parsed
        saved = self._saved.get(product_key)
        if not isinstance(saved, dict):
            return None
        try:
            parsed = ProductDefinition.from_json(saved.get("definition"), product_key)
        except GizwitsParseError:
            return None
        self._parsed[product_key] = parsed
        return parsed

    def is_due(self, product_key: str) -> bool:
        """Tell whether a definition from the cloud is old enough to read again."""
        saved = self._saved.get(product_key)
        if not isinstance(saved, dict):
            return True
        if saved.get("pasted"):
            return False
        return time.time() - float(saved.get("fetched_at", 0)) > REFRESH_AFTER

    async def async_put(
        self, definition: ProductDefinition, *, pasted: bool = False
    ) -> None:
        """Keep a definition."""
        self._saved[definition.product_key] = {
            "fetched_at": time.time(),
            "pasted": pasted,
            "definition": definition.raw,
        }
        self._parsed[definition.product_key] = definition
        await self._store.async_save(self._saved)


@singleton(DATA_STORE, async_=True)
async def async_get_definition_store(hass: HomeAssistant) -> DefinitionStore:
    """Return the one store of definitions, loaded."""
    store = DefinitionStore(hass)
    await store.async_load()
    return store
