"""Compatibility name for :mod:`ingest.linking` (the linker is a package now)."""

from ingest.linking import *  # noqa: F401,F403
from ingest.linking import _is_part_of  # noqa: F401
