"""The app's screens; some have their .tcss beside them (others keep it in DEFAULT_CSS)."""
