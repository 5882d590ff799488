"""Analysis of the industry map: pure functions of a GraphView and AnalysisSettings.

The contract is docs/analysis-api.md; the definitions are analysis.md. Each
module holds one role: scope, presence, gaps (labels, priority, completeness),
targets, parks, projects, whatif; result models in results, Chinese reason
texts in reasons.
"""

from graph.analysis.gaps import chain_summary, gaps
from graph.analysis.parks import park_concentration, park_overlap, park_ranking
from graph.analysis.presence import segment_presence
from graph.analysis.projects import project_report
from graph.analysis.results import (
    ChainRow,
    ConcentrationRow,
    GapResult,
    GapRow,
    OverlapResult,
    ParkRanking,
    ProjectReport,
    TargetResult,
    TargetRow,
    WhatIfResult,
)
from graph.analysis.scope import Scope
from graph.analysis.targets import targets
from graph.analysis.whatif import whatif

__all__ = [
    "Scope",
    "segment_presence",
    "gaps",
    "chain_summary",
    "targets",
    "park_overlap",
    "park_concentration",
    "park_ranking",
    "project_report",
    "whatif",
    "GapResult",
    "GapRow",
    "ChainRow",
    "TargetResult",
    "TargetRow",
    "OverlapResult",
    "ConcentrationRow",
    "ParkRanking",
    "ProjectReport",
    "WhatIfResult",
]
