"""One settings object for the whole tool.

Sources, lowest to highest precedence: defaults below, a TOML settings file
(``INDMAP_SETTINGS_FILE`` or ``indmap.toml`` in the working directory),
environment variables (prefix ``INDMAP_``, nested with ``__``, e.g.
``INDMAP_ANALYSIS__WEAK_MIN_COUNT=4``), then explicit overrides passed to
:func:`load_settings` (CLI flags, the app's sidebar).

Every analysis result carries ``settings.analysis.model_dump()`` of the object
that produced it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STORE = ROOT / "data" / "store" / "indmap.lbug"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class PriorityWeights(_Strict):
    """Gap priority factor weights (analysis.md, 'Gap priority')."""

    dependents: float = Field(0.25, ge=0)
    demand: float = Field(0.20, ge=0)
    broken: float = Field(0.15, ge=0)
    key: float = Field(0.15, ge=0)
    category: float = Field(0.15, ge=0)
    supply: float = Field(0.10, ge=0)


class TargetWeights(_Strict):
    """Target ranking factor weights (analysis.md, 'Target-enterprise ranking')."""

    scale: float = Field(0.25, ge=0)
    innovation: float = Field(0.20, ge=0)
    ties: float = Field(0.20, ge=0)
    fit: float = Field(0.15, ge=0)
    growth: float = Field(0.10, ge=0)
    green: float = Field(0.10, ge=0)


class CategoryWeights(_Strict):
    leading: float = Field(1.0, ge=0, le=1)
    emerging: float = Field(0.8, ge=0, le=1)
    specialty: float = Field(0.6, ge=0, le=1)


class AnalysisSettings(_Strict):
    """Every threshold and weight of analysis.md, with its default."""

    above_scale_revenue: float = Field(2000.0, ge=0, description="规模以上 revenue threshold, 万元")
    weak_min_count: int = Field(3, ge=1, description="present with fewer local enterprises than this is weak")
    priority_weights: PriorityWeights = Field(default_factory=PriorityWeights)
    category_weights: CategoryWeights = Field(default_factory=CategoryWeights)
    weak_priority_multiplier: float = Field(0.6, ge=0, le=1)
    supply_saturation: int = Field(10, ge=1, description="candidate_count at which the supply factor reaches 1")
    key_weight: float = Field(2.0, ge=1, description="weight of a key segment in key-weighted completeness")
    target_weights: TargetWeights = Field(default_factory=TargetWeights)
    ties_saturation: int = Field(3, ge=1, description="local supply partners at which the target ties factor reaches 1")
    gate_high_pollution: bool = True
    gate_high_energy: bool = True
    overlap_threshold: float = Field(0.6, ge=0, le=1)
    concentration_threshold: float = Field(0.5, ge=0, le=1)
    focus_share_threshold: float = Field(0.5, ge=0, le=1)
    stall_days: int = Field(90, ge=1)
    intensity_min: float = Field(300.0, ge=0, description="投资强度 万元/亩")
    output_per_mu_min: float = Field(400.0, ge=0, description="亩均产出 万元/亩")
    tax_per_mu_min: float = Field(20.0, ge=0, description="亩均税收 万元/亩")


class Settings(BaseSettings):
    """Settings for stores, the query console and the analysis."""

    model_config = SettingsConfigDict(
        env_prefix="INDMAP_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="forbid",
        validate_assignment=True,
    )

    store: str = Field(str(DEFAULT_STORE), description="embedded store file path, or bolt:// / neo4j:// URI")
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("")
    neo4j_database: str = "neo4j"
    neo4j_connect_timeout_s: float = Field(3.0, gt=0)
    neo4j_batch_size: int = Field(5000, ge=1)
    buffer_pool_mb: int = Field(1024, ge=64, description="LadybugDB buffer pool size")
    query_timeout_s: float = Field(10.0, gt=0)
    query_row_cap: int = Field(1000, ge=1)
    workspace: str = Field(
        "",
        title="工作区文件",
        description=(
            "SQLite file holding the bureau's own work (leads, snapshots); empty = beside the embedded store "
            "(<store>.workspace.sqlite), or data/store/neo4j.workspace.sqlite with Neo4j"
        ),
    )
    analysis: AnalysisSettings = Field(default_factory=AnalysisSettings)

    @model_validator(mode="after")
    def _store_not_empty(self) -> "Settings":
        if not self.store.strip():
            raise ValueError("store must not be empty")
        return self

    @property
    def is_neo4j(self) -> bool:
        return self.store.startswith(("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://"))

    @property
    def workspace_path(self) -> Path:
        """Where the workspace (leads, snapshots) lives: the ``workspace`` setting, else beside the store."""
        if self.workspace.strip():
            return Path(self.workspace.strip())
        if self.is_neo4j:
            return DEFAULT_STORE.with_name("neo4j.workspace.sqlite")
        store = Path(self.store)
        return store.with_name(store.name + ".workspace.sqlite")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = os.environ.get("INDMAP_SETTINGS_FILE") or "indmap.toml"
        return (
            init_settings,
            env_settings,
            dotenv_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=toml_file),
            file_secret_settings,
        )


def load_settings(**overrides: Any) -> Settings:
    """Build settings from file and environment, then apply explicit overrides.

    ``None`` overrides are ignored, so CLI flags that were not given do not
    mask the environment.
    """
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
