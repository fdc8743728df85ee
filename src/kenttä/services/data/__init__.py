"""Helpers for generated data (demo caseload, seeding at scale): synthetic only."""
