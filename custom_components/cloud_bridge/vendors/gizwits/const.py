"""Constants of the Gizwits vendor."""

from typing import Final

VENDOR_ID: Final = "gizwits"
CONF_REGION: Final = "region"
CONF_BASE_URL: Final = "base_url"
CONF_APP_ID: Final = "app_id"
CONF_UID: Final = "uid"
CONF_TOKEN: Final = "token"
CONF_EXPIRE_AT: Final = "expire_at"

# Regional Open API hosts; "custom" takes a base URL (a private or test server).
REGIONS: Final = {
    "cn": "https://api.gizwits.com",
    "us": "https://usapi.gizwits.com",
    "eu": "https://euapi.gizwits.com",
}
REGION_CUSTOM: Final = "custom"
