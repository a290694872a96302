"""Constants of the WiZ Pro vendor."""

from typing import Final

VENDOR_ID: Final = "wiz_pro"
CONF_API_URL: Final = "api_url"
CONF_BUILDINGS: Final = "building_ids"
