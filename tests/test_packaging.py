"""The wheel carries the whole app: every package and file under saleor_automation/, the
migrations and the .graphql documents that live at the top of the repository (installed
inside the package, never as top-level `migrations` or `graphql`), and the console script.
setup.cfg lists packages one by one, so a forgotten package or data file fails here."""

import configparser
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "saleor_automation"
# Not part of a clean clone: what the fallback walk (no git) leaves out.
_LOCAL_ONLY = {".git", ".venv", "var", "node_modules", "build", "dist", "__pycache__"}


def source_files() -> list[str]:
    """Repository-relative paths of the files a clean clone has (plus new, unignored ones)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=True,
        ).stdout.decode()
        paths = [path for path in listed.split("\0") if path]
    except (OSError, subprocess.CalledProcessError):
        paths = [
            str(path.relative_to(REPO))
            for path in REPO.rglob("*")
            if not _LOCAL_ONLY.intersection(path.relative_to(REPO).parts)
            and not any(part.endswith(".egg-info") for part in path.parts)
            and path.suffix != ".pyc"
        ]
    return sorted(path for path in paths if (REPO / path).is_file())


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the sources (builds write into the tree they build)."""
    tmp = tmp_path_factory.mktemp("packaging")
    src = tmp / "src"
    for path in source_files():
        (src / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / path, src / path)
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp / "dist"), str(src)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (built,) = (tmp / "dist").glob("*.whl")
    return built


@pytest.fixture(scope="module")
def wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_graphql_documents_are_never_a_python_package() -> None:
    # graphql/__init__.py would shadow graphql-core for anything run from the repository.
    assert not [path for path in source_files() if path.endswith("graphql/__init__.py")]
    assert not (REPO / "graphql" / "__init__.py").exists()


@pytest.mark.slow
def test_wheel_holds_every_file_of_the_package(wheel_names: set[str]) -> None:
    expected = {
        path for path in source_files() if path.startswith(f"{PACKAGE}/") and path != f"{PACKAGE}/"
    }
    missing = sorted(expected - wheel_names)
    assert not missing, (
        "Missing from the wheel (list the package in setup.cfg [options] packages, or its "
        f"files in [options.package_data]): {missing}"
    )


@pytest.mark.slow
def test_migrations_and_documents_install_inside_the_package(wheel_names: set[str]) -> None:
    migrations = {
        f"{PACKAGE}/migrations/{Path(path).name}"
        for path in source_files()
        if path.startswith("migrations/") and path.endswith(".py")
    }
    assert f"{PACKAGE}/migrations/__init__.py" in migrations
    documents = {
        f"{PACKAGE}/{path}"
        for path in source_files()
        if path.startswith("graphql/") and path.endswith(".graphql")
    }
    assert f"{PACKAGE}/graphql/saleor/subscriptions/checkout-events.graphql" in documents
    assert not sorted((migrations | documents) - wheel_names)

    top_level = {name.split("/", 1)[0] for name in wheel_names}
    dist_info = next(name for name in top_level if name.endswith(".dist-info"))
    assert top_level == {PACKAGE, dist_info}, "only the package and its metadata, no `graphql/`"


@pytest.mark.slow
def test_wheel_declares_the_console_script(wheel: Path, wheel_names: set[str]) -> None:
    (entry_points,) = [name for name in wheel_names if name.endswith(".dist-info/entry_points.txt")]
    parser = configparser.ConfigParser()
    with zipfile.ZipFile(wheel) as archive:
        parser.read_string(archive.read(entry_points).decode())
    assert parser["console_scripts"]["saleor-automation"] == "saleor_automation.__main__:main"


@pytest.mark.slow
def test_installed_wheel_finds_its_documents_and_migrations(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
    subprocess.run([*pip, "--no-deps", "--no-index", str(wheel)], check=True, timeout=120)
    # The dependencies come from the test environment, after the venv's own site-packages;
    # the test environment's editable install of the app stays off (its .pth is not read).
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "_test_dependencies.pth").write_text("\n".join(sorted(deps)) + "\n")

    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL"}
    }
    env |= {"DATA_DIR": str(tmp_path / "var"), "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}

    def run(*argv: str) -> str:
        result = subprocess.run(
            argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, f"{argv}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        return result.stdout

    located = run(
        str(python),
        "-c",
        "import saleor_automation.saleor.documents as d, saleor_automation as p;"
        "print(p.__file__); print(d.documents_root());"
        "print(d.document('subscriptions/checkout-events'))",
    ).splitlines()
    assert Path(located[0]).is_relative_to(venv), located[0]
    assert Path(located[1]) == Path(located[0]).parent / "graphql"
    assert "subscription" in "\n".join(located[2:])

    cli = str(venv / "bin" / "saleor-automation")
    run(cli, "migrate", "--noinput")
    shown = run(cli, "showmigrations", PACKAGE)
    for path in source_files():
        if path.startswith("migrations/0") and path.endswith(".py"):
            assert f"[X] {Path(path).stem}" in shown, shown
    # The installed migrations describe the models completely.
    run(cli, "makemigrations", "--check", "--dry-run", PACKAGE)
