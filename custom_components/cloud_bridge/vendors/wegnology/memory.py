"""What fired of each entry's alerts, kept with Home Assistant's Store."""

from collections.abc import Mapping
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.singleton import singleton
from homeassistant.helpers.storage import Store
from homeassistant.util.hass_dict import HassKey

STORAGE_KEY = "cloud_bridge.wegnology_alerts"
STORAGE_VERSION = 1
# Alerts come in bursts; one write a few seconds later covers a burst (a
# pending write is made when Home Assistant stops).
SAVE_DELAY = 5
DATA_STORE: HassKey[AlertStore] = HassKey("cloud_bridge_wegnology_alerts")


class AlertStore:
    """What fired, by config entry: an entry added again starts afresh."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Use the integration's storage file."""
        self._store: Store[dict[str, dict[str, Any]]] = Store(
            hass, STORAGE_VERSION, STORAGE_KEY
        )
        self._data: dict[str, dict[str, Any]] = {}

    async def async_load(self) -> None:
        """Read what was kept."""
        self._data = await self._store.async_load() or {}

    def memory(self, entry_id: str) -> EntryAlertMemory:
        """Return one entry's memory."""
        return EntryAlertMemory(self, entry_id)

    def saved(self, entry_id: str) -> Mapping[str, Any] | None:
        """Return what an entry saved."""
        saved = self._data.get(entry_id)
        return saved if isinstance(saved, dict) else None

    def save(self, entry_id: str, data: Mapping[str, Any]) -> None:
        """Keep what an entry fired; written soon."""
        self._data[entry_id] = dict(data)
        self._store.async_delay_save(lambda: self._data, SAVE_DELAY)


class EntryAlertMemory:
    """One entry's part of the store (the adapter's AlertMemory)."""

    def __init__(self, store: AlertStore, entry_id: str) -> None:
        """Belong to an entry."""
        self._store = store
        self._entry_id = entry_id

    def saved(self) -> Mapping[str, Any] | None:
        """Return what was saved, None when nothing was."""
        return self._store.saved(self._entry_id)

    def save(self, data: Mapping[str, Any]) -> None:
        """Keep data."""
        self._store.save(self._entry_id, data)


@singleton(DATA_STORE, async_=True)
async def async_get_alert_store(hass: HomeAssistant) -> AlertStore:
    """Return the one store of fired alerts, loaded."""
    store = AlertStore(hass)
    await store.async_load()
    return store
