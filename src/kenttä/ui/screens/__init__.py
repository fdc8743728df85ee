"""The app's screens; each has its .tcss beside it."""
