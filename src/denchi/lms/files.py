"""Where the tool may write: only inside its data directory, and privately.

Every path the tool writes to or deletes is made by :func:`inside`, which resolves it and
refuses anything outside its root (``..``, an absolute part, a symbolic link that leads out).
What the tool keeps there (prepared courses with solutions and hidden tests, uploaded
notebooks, the SQLite database with the signing keys) is readable by the tool's user only:
folders 0700, files 0600.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


class OutsideDataDir(ValueError):
    """A path would leave the folder it must stay in."""


def inside(root: Path, *parts: str) -> Path:
    """``root/parts...`` resolved; :class:`OutsideDataDir` if it is not inside ``root``.

    Args:
        root: The folder the path must stay in (resolved, links followed).
        *parts: Path parts below ``root`` (may come from outside: ids, file names).

    Raises:
        OutsideDataDir: a part is absolute, climbs out with ``..``, or a link leads out.
    """
    base = root.resolve()
    path = base.joinpath(*parts).resolve()
    if path != base and not path.is_relative_to(base):
        raise OutsideDataDir(f"{'/'.join(parts)!r} leads outside {base}")
    return path


def private_dir(path: Path) -> Path:
    """Create ``path`` if needed and make it readable by the owner only (mode 0700); folders
    it creates on the way are private too (existing ones are left as they are).

    Args:
        path: The folder to create or tighten.

    Raises:
        OSError: the folder cannot be created or its mode changed (permissions, full disk);
            ``FileExistsError`` when ``path`` is a file (which is left as it is).
    """
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=PRIVATE_DIR, exist_ok=True)
        folder.chmod(PRIVATE_DIR)
    path.mkdir(exist_ok=True)  # a file of that name: FileExistsError before its mode changes
    path.chmod(PRIVATE_DIR)
    return path


def make_private(root: Path) -> None:
    """Folders 0700 and files 0600 under ``root`` (and ``root`` itself), links left alone.

    Args:
        root: The folder whose tree is made private.

    Raises:
        OSError: a mode cannot be changed (a file not owned by the tool's user).
    """
    for folder, dirs, files in os.walk(root):
        os.chmod(folder, PRIVATE_DIR)
        for name in files:
            path = Path(folder, name)
            if not path.is_symlink():
                path.chmod(PRIVATE_FILE)
        dirs[:] = [d for d in dirs if not Path(folder, d).is_symlink()]


def private_file(path: Path) -> Path:
    """Create ``path`` empty with mode 0600 if it does not exist; tighten it if it does.

    Args:
        path: The file (its parent folders are created as needed).

    Raises:
        OSError: the file cannot be created or its mode changed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE))
    path.chmod(PRIVATE_FILE)
    return path
