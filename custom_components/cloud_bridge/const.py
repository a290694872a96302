"""Constants for Cloud Bridge."""

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "cloud_bridge"
LOGGER = logging.getLogger(__package__)

# Home Assistant asks for a fixed interval; push and update_entity cover the rest.
STATE_INTERVAL: Final = timedelta(seconds=30)
# While a cloud pushes state, reading it in a poll is only the safety net.
PUSHED_STATE_INTERVAL: Final = timedelta(minutes=5)
TOPOLOGY_INTERVAL: Final = timedelta(minutes=10)

CONF_VENDOR: Final = "vendor"

# Home Assistant adds at most 10,000 enabled entities to one entry; past this
# many, optional entities start disabled, keeping room for the account to grow.
ENTITY_BUDGET: Final = 9000
