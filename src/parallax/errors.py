"""Errors that say what went wrong and what to do about it.

Each has a number so that a message seen in a log can be looked up in docs/errors.md.
"""

from __future__ import annotations


class ParallaxError(Exception):
    """Base class: ``str(error)`` is a message fit to show a person, with the fix."""

    code = "P000"

    def __init__(self, message: str) -> None:
        super().__init__(f"[{self.code}] {message}")


class InputError(ParallaxError):
    """An input cannot be read as news (it goes to quarantine; the batch goes on)."""

    code = "P100"


class FetchError(InputError):
    """A URL could not be fetched politely and safely."""

    code = "P110"


class ConfigError(ParallaxError):
    """A setting, manifest or registry file is wrong."""

    code = "P200"


class StoreError(ParallaxError):
    """The store cannot be opened or is of an unknown schema."""

    code = "P300"


class NotFoundError(ParallaxError):
    """An id names nothing in the store."""

    code = "P400"


class DatasetError(ParallaxError):
    """An evaluation dataset is missing, or not in the layout the command reads."""

    code = "P600"


class MissingExtraError(ParallaxError):
    """An optional dependency is needed and not installed."""

    code = "P500"

    def __init__(self, module: str, extra: str) -> None:
        super().__init__(
            f"this feature needs the optional package '{module}': install it with "
            f"`pip install 'parallax-news[{extra}]'`"
        )
