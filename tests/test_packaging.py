"""What users install: the sdist and the wheel built as a release is, the wheel installed into a fresh
virtual environment, and the sample book built in every format by that installation (not by the
source tree these tests run from)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("epub", "pdf", "html", "booklet", "kepub", "library")


def _clean_copy(target: Path) -> Path:
    """The source tree as a fresh clone has it (with the files not yet committed, less what git
    ignores): no egg-info or build folders left by earlier builds, whose file lists would hide a
    file that package-data leaves out."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and, built from it, the wheel (``python -m build``'s default), from a clean copy of the tree."""
    source = _clean_copy(tmp_path_factory.mktemp("source"))
    out = tmp_path_factory.mktemp("dist")
    made = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(source)], capture_output=True, text=True)
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def wheel(dist: Path) -> Path:
    (found,) = dist.glob("anthology-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment holding the wheel and what it declares; returns its bin folder."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    made = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], capture_output=True, text=True)
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    return venv / "bin"


def _source_data_files() -> list[str]:
    """Every file below anthology/ in the source tree that is not Python, as a path inside the wheel."""
    found = []
    for path in sorted((ROOT / "anthology").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".py", ".pyc"):
            found.append(path.relative_to(ROOT).as_posix())
    return found


def test_the_wheel_holds_every_non_python_file_of_the_package(wheel: Path) -> None:
    expected = _source_data_files()
    assert "anthology/library/templates/accessibility.html" in expected and "anthology/py.typed" in expected
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert [name for name in expected if name not in names] == []


def test_the_sdist_holds_the_package_data_and_the_licence(dist: Path) -> None:
    import tarfile

    (sdist,) = dist.glob("anthology-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert [name for name in _source_data_files() if name not in names] == []
    assert {"LICENSE", "README.md", "pyproject.toml"} <= names


def _run(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A command of the installed anthology, run outside the source tree."""
    done = subprocess.run([str(bin_dir / "anthology"), *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"anthology {' '.join(args)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def test_the_installed_package_is_the_one_that_runs(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run(
        [str(installed / "python"), "-c", "import anthology; print(anthology.__file__)"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert Path(where).is_relative_to(installed.parent) and "site-packages" in where


def test_the_installed_package_builds_the_sample_book_in_every_format(installed: Path, tmp_path: Path) -> None:
    book = tmp_path / "sample"
    book.mkdir()
    shutil.copy(ROOT / "anthology.toml", book / "anthology.toml")
    for folder in ("chapters", "styles"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, book / folder)
    _run(installed, tmp_path, "build", str(book), "--format", ",".join(FORMATS), "--no-cache")
    out = book / "build"
    slug = "co-production-week-2019"
    for name in (f"{slug}.epub", f"{slug}.pdf", f"{slug}-booklet.pdf", f"{slug}.kepub.epub", "html/index.html"):
        assert (out / name).is_file() and (out / name).stat().st_size > 1000, name
    for name in (f"{slug}.pdf", f"{slug}-booklet.pdf"):
        info = subprocess.run(["pdfinfo", str(out / name)], capture_output=True, text=True, check=True).stdout
        assert int(info.split("Pages:")[1].split()[0]) >= 4, name
    kit = [path for path in out.rglob("*") if path.is_file() and "library" in path.relative_to(out).as_posix()]
    assert any(path.name == "accessibility.html" for path in kit), sorted(p.name for p in out.rglob("*"))


def test_a_new_book_from_the_installed_package_builds(installed: Path, tmp_path: Path) -> None:
    _run(installed, tmp_path, "new", "my-book", "--title", "My Book")
    _run(installed, tmp_path, "build", "my-book")
    built = sorted(path.name for path in (tmp_path / "my-book" / "build").iterdir())
    assert any(name.endswith(".epub") for name in built) and any(name.endswith(".pdf") for name in built) and "html" in built
