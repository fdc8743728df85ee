"""kenttä: an offline-first terminal app for Finnish municipal employment services."""

__version__ = "0.1.0"
