"""The plug-in loader (harness/plugins.py) with real entry points: a dist-info on sys.path, as pip installs one."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.plugins import PluginsByName, load_plugins

GROUP = "harness.test_plugins"
MODULES = ("plugin_fine", "plugin_broken", "plugin_misfit")


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Three plug-ins: one that works, one whose module raises on import, one that is not callable."""
    site = tmp_path / "site"
    info = site / "harness_test_plugins-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: harness-test-plugins\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        f"[{GROUP}]\nfine = plugin_fine:make\nbroken = plugin_broken:make\nmisfit = plugin_misfit:make\n"
    )
    (site / "plugin_fine.py").write_text("def make(name):\n    return lambda: f'{name} works'\n")
    (site / "plugin_broken.py").write_text("raise ImportError('needs a library that is not installed')\n")
    (site / "plugin_misfit.py").write_text("def make(name):\n    return 42\n")
    monkeypatch.syspath_prepend(str(site))
    yield
    for name in MODULES:
        sys.modules.pop(name, None)


def _plugins() -> PluginsByName[object]:
    return PluginsByName(GROUP, lambda name, factory: factory(name), _callable, "a callable")


def _callable(plugin: object) -> bool:
    return callable(plugin)


def test_names_are_known_without_importing_any_plugin(installed: None) -> None:
    plugins = _plugins()
    assert sorted(plugins) == ["broken", "fine", "misfit"] and len(plugins) == 3
    assert not any(name in sys.modules for name in MODULES)


def test_a_plugin_is_imported_and_built_once_when_first_looked_up(installed: None) -> None:
    plugins = _plugins()
    fine = plugins["fine"]
    assert callable(fine) and fine() == "fine works"
    assert plugins.get("fine") is fine  # built once per mapping
    assert "plugin_fine" in sys.modules and "plugin_broken" not in sys.modules and "plugin_misfit" not in sys.modules


def test_a_broken_or_misfit_plugin_is_warned_about_once_and_then_is_not_there(
    installed: None, caplog: pytest.LogCaptureFixture
) -> None:
    plugins = _plugins()
    with caplog.at_level(logging.WARNING, logger="harness.plugins"):
        assert plugins.get("broken") is None and "broken" not in plugins
        assert plugins.get("misfit") is None
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 2
    assert "plug-in broken (plugin_broken:make) failed to load: needs a library that is not installed" in warnings[0]
    assert "plug-in misfit (plugin_misfit:make) does not implement a callable" in warnings[1]
    assert sorted(plugins) == ["fine"] and len(plugins) == 1
    with pytest.raises(KeyError):
        plugins["broken"]


def test_items_and_the_eager_loader_skip_the_broken_ones(installed: None) -> None:
    assert sorted(name for name, _ in _plugins().items()) == ["fine"]
    assert [plugin() for plugin in _plugins().values()] == ["fine works"]  # type: ignore[operator]
    eager = load_plugins(GROUP, lambda name, factory: factory(name), _callable, "a callable")
    assert list(eager) == ["fine"] and isinstance(eager, dict)
