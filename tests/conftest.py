"""Plugins every test run loads (the controller's too, under pytest-xdist)."""

pytest_plugins = ["tests.support.report"]
