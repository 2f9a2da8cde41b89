"""The notebooks ship inside the package, once: the wheel carries them, ``notebooks/`` links to them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from govkit.paths import bundled_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ("report.ipynb", "edit.ipynb", "district.ipynb")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_repository_notebooks_are_links_to_the_packaged_ones(name):
    link = ROOT / "notebooks" / name
    assert link.is_symlink(), f"notebooks/{name} must be a symlink, not a second copy"
    assert os.readlink(link) == f"../govkit/notebooks/{name}"  # relative, so a checkout anywhere works
    assert link.resolve() == (ROOT / "govkit" / "notebooks" / name).resolve()
    assert nbformat.read(link, as_version=4).cells  # what papermill and Jupyter read through the link


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_bundled_notebook_is_found_from_the_package(name):
    path = bundled_notebook(name)
    assert path.is_file() and not path.is_symlink()
    assert path.resolve() == (ROOT / "govkit" / "notebooks" / name).resolve()


def test_only_the_package_holds_notebook_files():
    real = sorted(p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*.ipynb") if not p.is_symlink() and _tracked(p))
    assert real == [f"govkit/notebooks/{name}" for name in sorted(NOTEBOOKS)]


def _tracked(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return not any(part.startswith(".") or part in {"build", "dist"} for part in parts)


@pytest.mark.slow
def test_wheel_carries_notebooks_templates_and_the_papermill_engine(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
        check=True,
        timeout=600,
        cwd=tmp_path,
    )
    (wheel,) = tmp_path.glob("govkit-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for name in NOTEBOOKS:
            packaged = archive.read(f"govkit/notebooks/{name}")
            assert packaged == (ROOT / "govkit" / "notebooks" / name).read_bytes(), name
        entry_points = archive.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    expected = {
        "govkit/render/templates/fragment.html.j2",
        "govkit/render/templates/grid.html.j2",
        "govkit/render/templates/page.html.j2",
        "govkit/render/templates/index.html.j2",
        "govkit/render/templates/nbconvert/govkit/index.html.j2",
        "govkit/render/templates/nbconvert/govkit/conf.json",
        "govkit/render/report.css",
        "govkit/jupyter/voila/templates/govkit/index.html.j2",
        "govkit/jupyter/voila/templates/govkit/conf.json",
        "govkit/district/district.css",
        "govkit/formats/format_2019.yaml",
        "govkit/formats/format_2021.yaml",
    }
    expected |= {
        f"govkit/district/templates/{p.name}" for p in (ROOT / "govkit" / "district" / "templates").glob("*.j2")
    }
    # nbconvert's template path: `jupyter nbconvert --template govkit` works after `pip install .`
    expected |= {
        f"govkit-0.1.0.data/data/share/jupyter/nbconvert/templates/govkit/{name}"
        for name in ("conf.json", "index.html.j2")
    }
    assert expected <= names, sorted(expected - names)
    assert "[papermill.engine]\ngovkit = govkit.kernels:GovkitEngine" in entry_points
    assert "[console_scripts]\ngovkit = govkit.cli:main" in entry_points
