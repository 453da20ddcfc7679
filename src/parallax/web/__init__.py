"""The web UI and HTTP API: ``create_app("parallax.db")``, served by ``parallax serve``."""

from parallax.web.app import create_app

__all__ = ["create_app"]
