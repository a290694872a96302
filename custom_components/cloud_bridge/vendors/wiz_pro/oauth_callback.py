"""Where WiZ sends the browser back after the user grants access.

WiZ's documented callback carries only ``code`` and ``expires_at``. When it
echoes our ``state`` the waiting flow is found by it; when it does not, the
one flow waiting for WiZ is; with none or several, the page shows the code so
the user can paste it into the flow.
"""

from html import escape
from http import HTTPStatus

from aiohttp import web

from homeassistant.components.http import KEY_HASS, HomeAssistantView
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import UnknownFlow
from homeassistant.util.hass_dict import HassKey

from .oauth import CALLBACK_PATH, PENDING_LINKS

_REGISTERED: HassKey[bool] = HassKey("cloud_bridge_oauth_callback")


@callback
def async_register_callback_view(hass: HomeAssistant) -> None:
    """Register the callback once, before the first link is sent to WiZ."""
    if not hass.data.get(_REGISTERED):
        hass.data[_REGISTERED] = True
        hass.http.register_view(WizProCallbackView())


_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Cloud Bridge</title></head>
<body style="font-family: sans-serif; margin: 3em">
<h1>Cloud Bridge</h1>
{body}
</body></html>"""


def _page(body: str, status: HTTPStatus = HTTPStatus.OK) -> web.Response:
    """Return a small HTML page."""
    return web.Response(
        text=_PAGE.format(body=body), status=status, content_type="text/html"
    )


def _waiting_flows(hass: HomeAssistant) -> dict[str, str]:
    """Return the pending links whose flow still waits for WiZ, by state."""
    pending = hass.data.setdefault(PENDING_LINKS, {})
    waiting: dict[str, str] = {}
    for state, flow_id in list(pending.items()):
        try:
            flow = hass.config_entries.flow.async_get(flow_id)
        except UnknownFlow:
            del pending[state]
            continue
        if flow.get("step_id") == "auth":
            waiting[state] = flow_id
    return waiting


class WizProCallbackView(HomeAssistantView):
    """Receives the authorization code and hands it to the waiting flow."""

    requires_auth = False
    url = CALLBACK_PATH
    name = "api:cloud_bridge:oauth:callback"

    async def get(self, request: web.Request) -> web.Response:
        """Route the code to its flow."""
        hass = request.app[KEY_HASS]
        code = request.query.get("code")
        error = request.query.get("error")
        if not code and not error:
            return _page("<p>The link has no code.</p>", HTTPStatus.BAD_REQUEST)
        waiting = _waiting_flows(hass)
        state = request.query.get("state")
        if state is None and len(waiting) == 1:
            state = next(iter(waiting))
        if state is None or (flow_id := waiting.get(state)) is None:
            return _page(
                "<p>No WiZ Pro set-up in Home Assistant is waiting for this link. "
                "Go back to the set-up, choose <b>Paste the code</b> and paste:</p>"
                f"<pre>{escape(code or '')}</pre>",
                HTTPStatus.NOT_FOUND,
            )
        hass.data[PENDING_LINKS].pop(state, None)
        user_input = {"code": code, "state": state} if code else {"error": error}
        await hass.config_entries.flow.async_configure(
            flow_id=flow_id, user_input=user_input
        )
        return _page(
            "<p>WiZ Pro is linked. You can close this window.</p>"
            "<script>window.close()</script>"
        )
