"""The layers import only downwards; the core, lessons, progress and exercises never load Textual.

From the bottom up: ``nntui.core``, ``nntui.printable``, ``nntui.paths``, ``nntui.numbers`` and
``nntui.files``; ``nntui.course`` and ``nntui.progress``; ``nntui.exercises``; ``nntui.app``;
``nntui.serve``; ``nntui.cli``.
Every ``import`` statement of every module counts, including those inside functions
(the modules import heavy libraries lazily, and a lazy import runs back up just the same).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import nntui

PACKAGE = Path(nntui.__file__).parent

#: Each part of nntui and its layer: a module may import its own layer and those below.
LAYERS = {
    "nntui": 0,  # the package itself: the version number
    "nntui.core": 0,
    "nntui.printable": 0,
    "nntui.paths": 0,
    "nntui.numbers": 0,
    "nntui.files": 0,
    "nntui.room": 0,
    "nntui.course": 1,
    "nntui.progress": 1,
    "nntui.exercises": 2,
    "nntui.app": 3,
    "nntui.serve": 4,
    "nntui.cli": 5,
    "nntui.__main__": 6,
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imported(path: Path) -> set[str]:
    """Every nntui module the file at ``path`` imports, anywhere in it."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # `from nntui import cli` imports the module nntui.cli.
            subs = {f"{module}.{alias.name}" for alias in node.names}
            found.update({sub for sub in subs if _is_module(sub)} or {module})
    return {module for module in found if module == "nntui" or module.startswith("nntui.")}


def _part(module: str) -> str:
    """The layer part ``module`` belongs to (``nntui.serve.ssh`` -> ``nntui.serve``)."""
    return module if module == "nntui" else ".".join(module.split(".")[:2])


def _upward_imports() -> list[str]:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = _module_name(path)
        for imported in sorted(_imported(path)):
            if LAYERS[_part(imported)] > LAYERS[_part(importer)]:
                problems.append(f"{importer} imports {imported}")
    return problems


def test_every_part_of_nntui_has_a_layer():
    parts = {_part(_module_name(path)) for path in PACKAGE.rglob("*.py")}
    assert parts <= set(LAYERS), f"give these a layer: {sorted(parts - set(LAYERS))}"


def test_no_module_imports_a_layer_above_its_own():
    problems = _upward_imports()
    assert not problems, "imports that run up a layer:\n" + "\n".join(problems)


def _loaded_after_importing_all_of(module: str, prefix: str) -> list[str]:
    """Modules named ``prefix`` or ``prefix.*`` that a fresh Python loads importing all of ``module``."""
    code = (
        "import importlib, pkgutil, sys\n"
        f"mod = importlib.import_module({module!r})\n"
        "for info in pkgutil.walk_packages(getattr(mod, '__path__', []), mod.__name__ + '.'):\n"
        "    if not info.name.endswith('.__main__'):  # that would run the program\n"
        "        importlib.import_module(info.name)\n"
        f"print('\\n'.join(m for m in sys.modules if m == {prefix!r} or m.startswith({prefix + '.'!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return result.stdout.split()


@pytest.mark.parametrize("package", ["nntui.app", "nntui.serve"])
def test_loading_the_app_or_the_servers_never_loads_the_command_line(package):
    # Also catches imports the statements above cannot see (importlib with a computed name).
    assert _loaded_after_importing_all_of(package, "nntui.cli") == [], f"{package} loads the command line"


@pytest.mark.parametrize(
    "module", ["nntui.core", "nntui.course", "nntui.progress", "nntui.exercises", "nntui.cli"]
)
def test_module_does_not_import_textual(module):
    assert _loaded_after_importing_all_of(module, "textual") == [], f"{module} imports textual"


def test_reading_the_course_never_loads_numpy():
    """The app paints its first step before NumPy loads: the lessons (their pane settings checked
    against the schema) are read without it. NumPy's import is about 0.1 s of every start."""
    code = (
        "import sys\n"
        "from nntui.course import load_course, resolve_lessons_dir\n"
        "course = load_course(resolve_lessons_dir(None))\n"
        "assert course.lessons and not course.problems\n"
        "print('numpy' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False"], "reading the course loads NumPy"
