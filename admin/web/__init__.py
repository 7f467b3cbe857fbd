"""The admin web dashboard, served by the same aiohttp server under /admin."""

from admin.web.app import add_admin_routes

__all__ = ["add_admin_routes"]
