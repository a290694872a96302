"""Constants of the WEGnology vendor."""

from typing import Final

VENDOR_ID: Final = "wegnology"
DEFAULT_BASE_URL: Final = "https://api.app.wnology.io"
CONF_BASE_URL: Final = "base_url"
CONF_AUTH: Final = "auth"
AUTH_LOGIN: Final = "login"
AUTH_TOKEN: Final = "token"
CONF_API_TOKEN: Final = "api_token"
CONF_USER_TOKEN: Final = "user_token"
CONF_APPLICATION_ID: Final = "application_id"
# Options: per-attribute unit and device class, and attributes made switches.
CONF_ATTRIBUTES: Final = "attributes"
CONF_SWITCHES: Final = "switches"
