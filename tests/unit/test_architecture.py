"""The layout a newcomer relies on: no import circles, a pure domain, small modules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
MAX_MODULES_PER_FOLDER = 15
MAX_MODULE_LINES = 400
# Data, not logic: the demo's message texts and the Piccolo table declarations.
LONG_DATA_MODULES = {"app/demo/cases_data.py"}


def _cycle(graph: grimp.ImportGraph) -> list[str] | None:
    """One import circle among the modules of app, or None."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if not imported.startswith("app."):
                continue
            if state.get(imported) == 1:
                return [*path[path.index(imported) :], imported]
            if imported not in state and (found := visit(imported)):
                return found
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph.modules):
        if module.startswith("app") and module not in state and (found := visit(module)):
            return found
    return None


def test_no_import_circle_in_app() -> None:
    graph = grimp.build_graph("app", exclude_type_checking_imports=True)
    assert _cycle(graph) is None


def test_importing_the_domain_loads_no_web_framework_or_database() -> None:
    probe = (
        "import sys, app.domain.worktime, app.domain.lifecycle, app.domain.regulation;"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'litestar', 'piccolo', 'asyncpg', 'redis', 'pyhanko', 'openpyxl', 'weasyprint'}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert loaded.stdout.strip() == "[]"


def test_app_package_itself_imports_nothing() -> None:
    probe = "import sys, app; print(sorted(m for m in sys.modules if m.startswith('app.')))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert loaded.stdout.strip() == "[]"


def test_folders_and_modules_stay_small() -> None:
    crowded, long = [], []
    for folder in [ROOT / "app", *(p for p in (ROOT / "app").rglob("*") if p.is_dir())]:
        modules = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
        if len(modules) > MAX_MODULES_PER_FOLDER:
            crowded.append(f"{folder.relative_to(ROOT)}: {len(modules)}")
        for module in folder.glob("*.py"):
            name = str(module.relative_to(ROOT))
            lines = len(module.read_text(encoding="utf-8").splitlines())
            if lines > MAX_MODULE_LINES and name not in LONG_DATA_MODULES:
                long.append(f"{name}: {lines}")
    assert crowded == []
    assert long == []
