"""What Data export delivered, per entry, kept with Home Assistant's Store.

Which telemetry each light has reported (its entities exist from then on),
which lights it last said are disconnected, and when it last delivered.
"""

from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.singleton import singleton
from homeassistant.helpers.storage import Store
from homeassistant.util.hass_dict import HassKey

from .telemetry import PushRecord

STORAGE_KEY = "cloud_bridge.wiz_pro_push"
STORAGE_VERSION = 1
# A delivery per light change: writes are gathered, at most one this often.
SAVE_DELAY = 30
DATA_STORE: HassKey[PushStore] = HassKey("cloud_bridge_wiz_pro_push")


class PushStore:
    """Every WiZ Pro entry's PushRecord, saved together."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Use the integration's storage file."""
        self._store: Store[dict[str, dict[str, Any]]] = Store(
            hass, STORAGE_VERSION, STORAGE_KEY
        )
        self._hass = hass
        self._records: dict[str, PushRecord] = {}
        self._saved: dict[str, dict[str, Any]] = {}

    async def async_load(self) -> None:
        """Read what was kept, leaving out entries that are gone."""
        saved = await self._store.async_load() or {}
        entries = self._hass.config_entries
        self._saved = {
            entry_id: record
            for entry_id, record in saved.items()
            if isinstance(record, dict) and entries.async_get_entry(entry_id)
        }

    def record(self, entry_id: str) -> PushRecord:
        """Return an entry's record; its changes are saved."""
        if (record := self._records.get(entry_id)) is None:
            record = self._records[entry_id] = PushRecord(
                self._saved.get(entry_id), self._schedule_save
            )
        return record

    @callback
    def _schedule_save(self) -> None:
        """Save every record soon."""
        self._store.async_delay_save(self._data, SAVE_DELAY)

    def _data(self) -> dict[str, dict[str, Any]]:
        """Return what to save."""
        return {
            **self._saved,
            **{entry_id: rec.as_dict() for entry_id, rec in self._records.items()},
        }


@singleton(DATA_STORE, async_=True)
async def async_get_push_store(hass: HomeAssistant) -> PushStore:
    """Return the one store of push records, loaded."""
    store = PushStore(hass)
    await store.async_load()
    return store
