"""The services' view of who is working, on which database: a Workspace.

Every service function takes a Workspace; it carries the store, the user (author of changes
and actor of audit events) and their role. Nothing here imports Textual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kenttä.config import Config, load_config
from kenttä.store.db import Store, open_store


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Workspace:
    store: Store
    config: Config = field(default_factory=Config)

    @property
    def user(self) -> str:
        return self.config.user

    @property
    def role(self) -> str:
        return self.config.role

    @property
    def device_id(self) -> str:
        return self.store.device_id

    def close(self) -> None:
        self.store.close()


def open_workspace(path: Path | str, config: Config | None = None) -> Workspace:
    return Workspace(open_store(path), config or load_config())
