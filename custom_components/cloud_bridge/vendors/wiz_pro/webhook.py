"""WiZ Pro's Data export: STATUSCHANGE notifications POSTed to a webhook."""

from collections.abc import Callable
from http import HTTPStatus
import logging

from aiohttp import web

from homeassistant.components import webhook
from homeassistant.core import HomeAssistant, callback

from ..parse import decode_json
from .status_change import StatusChange

_LOGGER = logging.getLogger(__name__)

# A notification is a few hundred bytes; anything far larger is not WiZ.
MAX_BODY_BYTES = 16 * 1024


def _reply(status: HTTPStatus) -> web.Response:
    """Return an empty reply with a status."""
    return web.Response(status=status)


@callback
def async_register_webhook(
    hass: HomeAssistant,
    webhook_id: str,
    name: str,
    on_status: Callable[[StatusChange], bool],
    on_delivery: Callable[[], None] | None = None,
) -> Callable[[], None]:
    """Listen for notifications; return what unregisters the webhook.

    on_status returns whether the MAC is known; on_delivery hears of every
    valid notification, of any type.
    """

    async def handle(
        hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Validate a notification and hand it on."""
        if (request.content_length or 0) > MAX_BODY_BYTES:
            return _reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        # read(n) returns what has arrived so far: read on until the end.
        body = b""
        while len(body) <= MAX_BODY_BYTES and (
            chunk := await request.content.read(MAX_BODY_BYTES + 1 - len(body))
        ):
            body += chunk
        if len(body) > MAX_BODY_BYTES:
            return _reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        try:
            status = StatusChange.from_notification(decode_json(body))
        except ValueError as err:  # WizProParseError is one
            _LOGGER.debug("Ignoring an invalid WiZ Pro notification: %s", err)
            return _reply(HTTPStatus.BAD_REQUEST)
        if on_delivery is not None:
            on_delivery()
        known = status is None or on_status(status)
        if not known and status is not None:
            _LOGGER.debug("Ignoring a notification for unknown MAC %s", status.mac)
        return _reply(HTTPStatus.OK)

    webhook.async_register(
        hass, "cloud_bridge", name, webhook_id, handle, allowed_methods=["POST"]
    )
    return lambda: webhook.async_unregister(hass, webhook_id)
