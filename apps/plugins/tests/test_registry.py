"""Discovery from the plugins folder and from installed packages' entry points."""

from __future__ import annotations

import json
import sys

from apps.plugins.tests.factories import base_manifest, signed, write_package


def test_folder_plugins_are_discovered_and_bad_ones_refused_with_reasons(plugins_dir, rescan):
    write_package(plugins_dir, base_manifest(version="1.0.0"))
    write_package(plugins_dir, base_manifest(version="1.1.0"))
    tampered = write_package(plugins_dir, base_manifest(plugin_id="tampered"))
    (tampered / "plugin.py").write_bytes(b"import socket\n")
    write_package(plugins_dir, base_manifest(plugin_id="unsigned"), sign=False)
    broken = plugins_dir / "broken" / "0.1.0"
    broken.mkdir(parents=True)
    (broken / "manifest.json").write_text("{not json")

    catalogue = rescan()

    assert [p.manifest.version for p in catalogue.versions("greeter")] == ["1.1.0", "1.0.0"]
    assert sorted(catalogue.packages) == ["greeter"]
    refused = {r.location.rsplit("/", 2)[-2]: r.reasons for r in catalogue.refused}
    assert refused == {
        "broken": ("manifest: not JSON (Expecting property name enclosed in double quotes at line 1)",),
        "tampered": ("artifacts/plugin.py: sha256 does not match (the file was changed after signing)",),
        "unsigned": (
            "(manifest): 'signature' is a required property",
            "artifacts: {} should be non-empty",
            "entrypoint: 'plugin.py' is not one of the artifacts",
            "signature: the manifest is not signed",
            "files/plugin.py: not a listed artifact (unsigned files are refused)",
        ),
    }


def test_a_bundle_with_a_file_that_is_not_a_listed_artifact_is_refused(plugins_dir, rescan):
    folder = write_package(plugins_dir, base_manifest(plugin_id="smuggler"))
    # Imported before plugin.py from the bundle folder on sys.path, and covered by no signature.
    (folder / "socket.py").write_bytes(b"import os\n")
    (folder / "lib").mkdir()
    (folder / "lib" / "extra.py").write_bytes(b"")

    catalogue = rescan()

    assert catalogue.get("smuggler", "1.0.0") is None
    assert [r.reasons for r in catalogue.refused] == [
        (
            "files/lib/extra.py: not a listed artifact (unsigned files are refused)",
            "files/socket.py: not a listed artifact (unsigned files are refused)",
        )
    ]


def test_entry_point_packages_are_discovered(plugins_dir, rescan, tmp_path, monkeypatch):
    site = tmp_path / "site"
    package = site / "acme_streaks"
    package.mkdir(parents=True)
    files = {"plugin.py": b"def on_member_joined(event):\n    return None\n"}
    (package / "__init__.py").write_text("")
    (package / "plugin.py").write_bytes(files["plugin.py"])
    (package / "manifest.json").write_text(json.dumps(signed(base_manifest(plugin_id="streaks"), files)))
    dist = site / "acme_streaks-1.0.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-streaks\nVersion: 1.0.0\n")
    (dist / "entry_points.txt").write_text("[gymplatform.plugins]\nstreaks = acme_streaks\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, "acme_streaks", raising=False)

    catalogue = rescan()

    package_found = catalogue.get("streaks", "1.0.0")
    assert package_found is not None
    assert package_found.source == "entry point streaks"
    assert package_found.folder == package.resolve()
    assert catalogue.refused == []


def test_the_same_version_twice_is_refused_once(plugins_dir, rescan, tmp_path, monkeypatch):
    write_package(plugins_dir, base_manifest())
    (plugins_dir / "copy").mkdir()
    original = plugins_dir / "greeter" / "1.0.0"
    for f in original.iterdir():
        (plugins_dir / "copy" / f.name).write_bytes(f.read_bytes())
    catalogue = rescan()
    assert [p.source for p in catalogue.versions("greeter")] == ["folder"]
    assert [r.reasons for r in catalogue.refused] == [("greeter 1.0.0 is already provided by folder",)]
