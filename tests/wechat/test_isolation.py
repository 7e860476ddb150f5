"""server/wechat must stay self-contained: no imports of other server modules."""

from __future__ import annotations

import ast
from pathlib import Path

import server.wechat

PACKAGE_DIR = Path(server.wechat.__file__).parent


def test_no_imports_from_other_server_modules() -> None:
    """Only server.wechat.* may be imported from the server package."""
    offenders = []
    for path in sorted(PACKAGE_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name.split(".")[0] == "server" and not name.startswith("server.wechat"):
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []
