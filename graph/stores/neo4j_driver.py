"""The official Neo4j driver, imported without its optional pandas support.

When pandas is installed the driver imports it on its own import (``neo4j._optional_deps``) for
``Result.to_df`` and for sending pandas values as parameters; indmap uses neither (it reads rows
into polars). Importing pandas costs ≈ 0.22 s of a ≈ 1.1 s ``indmap gaps`` or ``indmap targets``
process on a Neo4j store at 100k enterprises, where the embedded store answers the same command
in ≈ 0.6 s. So every module of indmap imports the driver from here: while the driver loads,
pandas reads as absent; afterwards ``import pandas`` works as usual. When pandas (or the driver)
is already loaded — the app, since Streamlit imports pandas — nothing changes.

>>> import sys
>>> neo4j.__name__, sys.modules.get("pandas", "unset") is not None
('neo4j', True)
"""

from __future__ import annotations

import sys
from types import ModuleType


def _import_driver() -> ModuleType:
    if "neo4j" in sys.modules or "pandas" in sys.modules:
        import neo4j

        return neo4j
    sys.modules["pandas"] = None  # type: ignore[assignment]  # `import pandas` raises ImportError, which the driver skips
    try:
        import neo4j
    finally:
        if "pandas" in sys.modules and sys.modules["pandas"] is None:
            del sys.modules["pandas"]
    return neo4j


neo4j = _import_driver()

__all__ = ["neo4j"]
