"""Dialogs: forms, confirmations, help."""
