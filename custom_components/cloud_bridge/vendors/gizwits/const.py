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

# The newer app login ("AEP") of each region; "custom" uses its own address
# unless a second one is given.
AEP_HOSTS: Final = {
    "cn": "https://aep-app.gizwits.com",
    "us": "https://usaepapp.gizwits.com",
    "eu": "https://euaepapp.gizwits.com",
}
CONF_AEP_URL: Final = "aep_url"
# Which login the account uses: the classic Open API login or the newer one.
CONF_LOGIN: Final = "login"
LOGIN_CLASSIC: Final = "classic"
LOGIN_AEP: Final = "aep"
CONF_REFRESH_TOKEN: Final = "refresh_token"
SECTION_ADVANCED: Final = "advanced"
