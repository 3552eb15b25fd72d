from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from apps.plugins import registry
from apps.plugins.tests.factories import TEST_KEY_ID, TEST_PUBLIC


@pytest.fixture
def plugins_dir(settings: Any, tmp_path: Path) -> Path:
    """An empty plugins folder trusted with the test publisher key (and the catalogue rescanned)."""
    root = tmp_path / "plugins"
    root.mkdir()
    settings.PLUGINS_DIR = root
    settings.PLUGINS_TRUSTED_KEYS = {TEST_KEY_ID: TEST_PUBLIC}
    return root


@pytest.fixture
def rescan() -> Any:
    def run() -> registry.Catalogue:
        return registry.catalogue(reload=True)

    return run
