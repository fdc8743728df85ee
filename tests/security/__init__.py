"""The office trusts only what it can check (issue 12): hand-made pushes and bundles."""
