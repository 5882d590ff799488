"""Analysis of the industry map: pure functions of a GraphView and AnalysisSettings.

The contract is docs/analysis-api.md; the definitions are docs/analysis.md (one copy). Each
module holds one role: scope, presence, gaps (labels, priority, completeness),
targets, parks (overlap, concentration), parks_rank (十强/十快), parks_cohesion,
cities (本市), projects, whatif, company (one company's profile); result models in results, Chinese reason
texts in reasons.
"""

from graph.analysis.company import CompanyProfile, company_profile
from graph.analysis.gaps import chain_summary, gaps, weakest_first
from graph.analysis.parks import park_concentration, park_overlap
from graph.analysis.parks_cohesion import park_cohesion
from graph.analysis.parks_rank import park_ranking
from graph.analysis.presence import segment_presence
from graph.analysis.projects import project_report
from graph.analysis.results import (
    ChainRow,
    CohesionResult,
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
    "weakest_first",
    "targets",
    "park_overlap",
    "park_concentration",
    "park_ranking",
    "park_cohesion",
    "project_report",
    "whatif",
    "company_profile",
    "CompanyProfile",
    "GapResult",
    "GapRow",
    "ChainRow",
    "TargetResult",
    "TargetRow",
    "OverlapResult",
    "ConcentrationRow",
    "CohesionResult",
    "ParkRanking",
    "ProjectReport",
    "WhatIfResult",
]
