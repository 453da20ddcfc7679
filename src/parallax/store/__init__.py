"""The one store of Parallax. ``Store("parallax.db")`` or ``Store(memory=True)``."""

from parallax.store.sqlite import SCHEMA_VERSION, Store, default_db_path

__all__ = ["SCHEMA_VERSION", "Store", "default_db_path"]
