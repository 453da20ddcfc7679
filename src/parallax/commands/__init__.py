"""Command groups of the ``parallax`` CLI, one module per pipeline stage.

Each module has ``register(app, eval_app)``, which adds its commands to the main CLI and its
evaluations to ``parallax eval``. The modules stay thin: they parse, call the library, render.
"""
