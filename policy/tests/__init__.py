"""Unit tests of the policy pack, run in its own virtualenv."""
