"""Development only: links Cloud Bridge to the simulated clouds when HA starts.

scripts/develop runs Home Assistant with this folder's configuration. This
helper registers the simulator's client ID as application credentials and, if
no WiZ Pro entry exists yet, drives Cloud Bridge's own config flow against the
simulator (the same steps a user clicks, with the code pasted), then points the
simulator's Data export webhook at Home Assistant.
"""

import logging
from typing import Any

import aiohttp
import probatio
from yarl import URL

from homeassistant.components import webhook
from homeassistant.components.application_credentials import (
    ClientCredential,
    async_import_client_credential,
)
from homeassistant.const import CONF_WEBHOOK_ID, EVENT_HOMEASSISTANT_STARTED
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

_LOGGER = logging.getLogger(__name__)

DOMAIN = "cloud_bridge_demo"
CLOUD_BRIDGE = "cloud_bridge"
CLIENT_ID = "cloud-bridge-demo"
AUTH_DOMAIN = "cloud_bridge_simulator"
CONF_WIZ_PRO_URL = "wiz_pro_url"
CONF_GIZWITS_URL = "gizwits_url"
CONF_WEGNOLOGY_URL = "wegnology_url"
WEGNOLOGY_LOGIN = {"email": "demo@wegnology.example", "password": "demo-password"}
WEGNOLOGY_APPLICATION = "Demo Plant"
# The demo account Gizwits "moved" to its newer app login: set-up signs it in
# there and its state comes pushed through the app WebSocket. The simulator
# keeps the classic user (demo / demo-password) for trying the classic login.
GIZWITS_LOGIN = {
    "app_id": "cloud-bridge-demo-app",
    "username": "demo-moved",
    "password": "moved-password",
}

CONFIG_SCHEMA = probatio.Schema(
    {
        DOMAIN: probatio.Schema(
            {
                probatio.Required(CONF_WIZ_PRO_URL): str,
                probatio.Optional(CONF_GIZWITS_URL): str,
                probatio.Optional(CONF_WEGNOLOGY_URL): str,
            }
        )
    },
    extra=probatio.ALLOW_EXTRA,
)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the simulator's credentials; link WiZ Pro once HA has started."""
    wiz_pro_url = config[DOMAIN][CONF_WIZ_PRO_URL].rstrip("/")
    gizwits_url = config[DOMAIN].get(CONF_GIZWITS_URL)
    wegnology_url = config[DOMAIN].get(CONF_WEGNOLOGY_URL)
    await async_import_client_credential(
        hass,
        CLOUD_BRIDGE,
        ClientCredential(CLIENT_ID, "none", "WiZ Pro simulator"),
        AUTH_DOMAIN,
    )

    async def link(_event: Event) -> None:
        try:
            await _async_link_wiz_pro(hass, wiz_pro_url)
        except (aiohttp.ClientError, KeyError, ValueError) as err:
            _LOGGER.warning("Could not link the WiZ Pro simulator: %s", err)
        if gizwits_url:
            await _async_add_gizwits(hass, gizwits_url)
        if wegnology_url:
            await _async_add_wegnology(hass, wegnology_url)

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STARTED, link)
    return True


async def _async_link_wiz_pro(hass: HomeAssistant, wiz_pro_url: str) -> None:
    """Add the WiZ Pro demo through the config flow unless it is there."""
    entries = [
        entry
        for entry in hass.config_entries.async_entries(CLOUD_BRIDGE)
        if entry.data.get("vendor") == "wiz_pro"
    ]
    if not entries:
        await _async_run_wiz_pro_flow(hass, wiz_pro_url)
        entries = [
            entry
            for entry in hass.config_entries.async_entries(CLOUD_BRIDGE)
            if entry.data.get("vendor") == "wiz_pro"
        ]
    for entry in entries:
        await _async_point_webhook(hass, wiz_pro_url, entry.data[CONF_WEBHOOK_ID])


async def _async_run_wiz_pro_flow(hass: HomeAssistant, wiz_pro_url: str) -> None:
    """Click through Cloud Bridge's flow, pasting the simulator's code."""
    flow = hass.config_entries.flow
    result: Any = await flow.async_init(CLOUD_BRIDGE, context={"source": "user"})
    flow_id = result["flow_id"]
    steps: list[dict[str, Any]] = [
        {"next_step_id": "wiz_pro"},
        {"advanced": {"api_url": wiz_pro_url}},
    ]
    for step in steps:
        result = await flow.async_configure(flow_id, step)
    if result.get("step_id") == "pick_implementation":
        result = await flow.async_configure(flow_id, {"implementation": AUTH_DOMAIN})
    result = await flow.async_configure(flow_id, {"next_step_id": "link_paste"})
    code = await _async_approve(
        hass, result["description_placeholders"]["authorize_url"]
    )
    result = await flow.async_configure(flow_id, {"code": code})
    if result.get("step_id") == "buildings":
        options = result["data_schema"].schema["building_ids"].config["options"]
        result = await flow.async_configure(
            flow_id, {"building_ids": [option["value"] for option in options]}
        )
    _LOGGER.info("WiZ Pro simulator linked: %s", result.get("title", result))


async def _async_approve(hass: HomeAssistant, authorize_url: str) -> str:
    """Do what the user's browser does on the simulator's authorize page."""
    url = URL(authorize_url)
    query = url.fragment.partition("?")[2]
    approve = url.with_fragment(None).join(URL(f"oauth/authorize?{query}"))
    session = async_get_clientsession(hass)
    async with session.get(approve, allow_redirects=False) as response:
        return URL(response.headers["Location"]).query["code"]


async def _async_point_webhook(
    hass: HomeAssistant, wiz_pro_url: str, webhook_id: str
) -> None:
    """Set the simulator's Data export to the entry's webhook."""
    target = webhook.async_generate_url(hass, webhook_id, prefer_external=False)
    session = async_get_clientsession(hass)
    async with session.post(
        f"{wiz_pro_url}/_simulator/webhook", json={"url": target}
    ) as response:
        _LOGGER.info("Simulator webhook → %s (HTTP %s)", target, response.status)


async def _async_add_gizwits(hass: HomeAssistant, gizwits_url: str) -> None:
    """Add the Gizwits demo account (newer login, pushed) unless one is there."""
    if any(
        entry.data.get("vendor") == "gizwits"
        for entry in hass.config_entries.async_entries(CLOUD_BRIDGE)
    ):
        return
    flow = hass.config_entries.flow
    result: Any = await flow.async_init(CLOUD_BRIDGE, context={"source": "user"})
    result = await flow.async_configure(result["flow_id"], {"next_step_id": "gizwits"})
    result = await flow.async_configure(
        result["flow_id"],
        {"region": "custom", "base_url": gizwits_url, **GIZWITS_LOGIN},
    )
    _LOGGER.info("Gizwits simulator added: %s", result.get("title", result))


async def _async_add_wegnology(hass: HomeAssistant, wegnology_url: str) -> None:
    """Add the WEGnology demo application through the config flow unless it is there."""
    if any(
        entry.data.get("vendor") == "wegnology"
        for entry in hass.config_entries.async_entries(CLOUD_BRIDGE)
    ):
        return
    flow = hass.config_entries.flow
    result: Any = await flow.async_init(CLOUD_BRIDGE, context={"source": "user"})
    flow_id = result["flow_id"]
    for step in (
        {"next_step_id": "wegnology"},
        {"base_url": wegnology_url},
        {"next_step_id": "wegnology_login"},
        WEGNOLOGY_LOGIN,
    ):
        result = await flow.async_configure(flow_id, step)
    if result.get("step_id") == "wegnology_application":
        options = result["data_schema"].schema["application_id"].config["options"]
        chosen = next(
            (o["value"] for o in options if o["label"] == WEGNOLOGY_APPLICATION),
            options[0]["value"],
        )
        result = await flow.async_configure(flow_id, {"application_id": chosen})
    _LOGGER.info("WEGnology simulator added: %s", result.get("title", result))
