"""Where WiZ sends the browser back after the user grants access.

A callback with the ``state`` of a set-up waiting in the browser step hands
that set-up the code (or WiZ's error). Anything else finishes nothing: a code
is kept unclaimed and every set-up waiting in the browser step moves on to ask
for the characters this page shows, which only the person who saw it knows.
The page reads the same whichever set-ups exist.
"""

from html import escape
from http import HTTPStatus

from aiohttp import web

from homeassistant.components.http import KEY_HASS, HomeAssistantView
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import UnknownFlow
from homeassistant.util.hass_dict import HassKey

from ...const import DOMAIN
from .linking import LINK_STEP, abort_reason, async_keep_unclaimed
from .oauth import CALLBACK_PATH, PENDING_LINKS

_REGISTERED: HassKey[bool] = HassKey("cloud_bridge_oauth_callback")

# What a user reads for WiZ's error, in place of WiZ's own text.
_ERROR_TEXT = {
    "link_denied": "Access was declined in WiZ Pro.",
    "link_refused": (
        "WiZ Pro refused the link request. Check the client ID in the "
        "application credentials and the redirect URI registered with WiZ."
    ),
    "link_unavailable": "WiZ Pro could not link right now. Try again later.",
    "link_failed": "WiZ Pro could not link the account.",
}


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


def _waiting(hass: HomeAssistant) -> list[str]:
    """Return the set-ups waiting in the browser step, by flow id."""
    return [
        flow["flow_id"]
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow.get("step_id") == LINK_STEP
    ]


class WizProCallbackView(HomeAssistantView):
    """Receives the authorization code and hands it to its set-up."""

    requires_auth = False
    url = CALLBACK_PATH
    name = "api:cloud_bridge:oauth:callback"

    async def get(self, request: web.Request) -> web.Response:
        """Route the code by its state, or keep it for the user to confirm."""
        hass = request.app[KEY_HASS]
        code = request.query.get("code")
        error = request.query.get("error")
        if not code and not error:
            return _page("<p>The link has no code.</p>", HTTPStatus.BAD_REQUEST)
        waiting = _waiting(hass)
        pending = hass.data.setdefault(PENDING_LINKS, {})
        for state, pending_flow in list(pending.items()):
            if pending_flow not in waiting:
                del pending[state]  # closed, or no longer waiting for WiZ
        if (flow_id := pending.pop(request.query.get("state") or "", None)) is not None:
            user_input = {"code": code} if code else {"error": error}
            try:
                await hass.config_entries.flow.async_configure(flow_id, user_input)
            except UnknownFlow:
                pass
            else:
                if code:
                    return _page(
                        "<p>WiZ Pro is linked. You can close this window.</p>"
                        "<script>window.close()</script>"
                    )
        if not code:
            return _page(f"<p>{escape(_ERROR_TEXT[abort_reason(error)])}</p>")
        confirmation = async_keep_unclaimed(hass, code)
        for flow_id in _waiting(hass):
            try:
                await hass.config_entries.flow.async_configure(
                    flow_id, {"unclaimed": True}
                )
            except UnknownFlow:
                continue
        return _page(
            "<p>WiZ Pro sent a code. To finish linking, go back to the Cloud "
            "Bridge set-up in Home Assistant and enter:</p>"
            f"<p style='font-size: 2em'><code>{escape(confirmation)}</code></p>"
            "<p>To link another way, start the set-up again, choose <b>Paste the "
            f"code</b> and paste:</p><pre>{escape(code)}</pre>"
        )
