"""One home per Genesys entity the program manages or reads: its settings, its calls, its provider, and
what the doctor and the exporter need of it. Which entities exist in each API dialect is said once, in
``registry.py`` at the top of the tree."""
