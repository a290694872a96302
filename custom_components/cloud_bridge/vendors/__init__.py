"""The clouds Cloud Bridge speaks to, by vendor id: the only place that names them."""

from . import gizwits, wegnology, wiz_pro
from .vendor import OAuthLinking, Vendor

VENDORS: dict[str, Vendor] = {
    vendor.id: vendor for vendor in (wiz_pro.VENDOR, gizwits.VENDOR, wegnology.VENDOR)
}

__all__ = ["VENDORS", "OAuthLinking", "Vendor"]
