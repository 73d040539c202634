"""The version is written once, in pyproject.toml, and every installer takes it from there."""

from __future__ import annotations

import re
from importlib.metadata import version

import deb
import project
import pytest


def test_version_comes_from_pyproject_and_matches_the_installed_metadata():
    v = project.project_version()
    assert re.fullmatch(r"\d+\.\d+(\.\d+)?([ab]|rc|\.dev)?\d*", v)
    # The frozen app reads importlib.metadata (copied into the bundle), so the two must agree.
    assert version("sanhui") == v


def test_version_is_read_from_the_project_table_only(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.other]\nversion = "9.9"\n\n[project]\nname = "x"\nversion = "2.3.4"\n')
    assert project.project_version(pyproject) == "2.3.4"


@pytest.mark.parametrize(("pep440", "debian"), [("0.1.0", "0.1.0"), ("1.0rc1", "1.0~rc1"), ("2.0b3", "2.0~b3")])
def test_pre_releases_sort_before_the_release_in_debian(pep440, debian):
    assert project.deb_version(pep440) == debian


def test_installer_file_names_carry_the_version():
    v = project.project_version()
    assert deb.deb_filename(v, "amd64") == f"sanhui_{v}_amd64.deb"
    iss = (project.ROOT / "installers" / "windows" / "sanhui.iss").read_text(encoding="utf-8")
    assert "OutputBaseFilename=sanhui-{#AppVersion}-windows-x64-setup" in iss
    # No version literal in the Windows script: it must be passed in from pyproject.
    assert not re.search(r"^#define\s+AppVersion\s+\"\d", iss, re.M)
    assert v not in iss
