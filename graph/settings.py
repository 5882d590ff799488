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

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
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


class ParkRankingWeights(_Strict):
    """Weights of the park scale (十强) and speed (十快) scores (analysis.md, 'Parks')."""

    revenue: float = Field(0.4, ge=0, le=1, title="主营业务收入", description="weight of revenue (scale) and revenue growth (speed)")
    fixed_investment: float = Field(0.3, ge=0, le=1, title="固定资产投资", description="weight of fixed investment and its growth")
    tax: float = Field(0.2, ge=0, le=1, title="税收", description="weight of tax and its growth")
    profit: float = Field(0.1, ge=0, le=1, title="利润总额", description="weight of profit and its growth")

    @model_validator(mode="after")
    def _some_weight(self) -> "ParkRankingWeights":
        if self.revenue + self.fixed_investment + self.tax + self.profit <= 0:
            raise ValueError("园区排名权重不能全为 0")
        return self


def _region_code(value: Any) -> str | None:
    """A division code as text: ``4103`` (a number from ``--set``) -> ``410300``; empty -> None."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if text.isdigit() and len(text) in (2, 4):
        return text + "0" * (6 - len(text))
    return text


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
    home_region: str | None = Field(
        None,
        title="本市（行政区划代码）",
        description="parks within this region are 本市 in the province-wide ranking; empty = the city holding most local enterprises (inferred, and the result says so)",
    )
    park_ranking_weights: ParkRankingWeights = Field(default_factory=ParkRankingWeights, title="园区排名权重（十强/十快）")
    cohesion_threshold: float = Field(0.2, ge=0, le=1, title="区内企业关联性阈值", description="a park whose share of local firms with a supply tie inside the park is below this is flagged 区内企业关联性不强")

    @field_validator("home_region", mode="before")
    @classmethod
    def _home_region(cls, value: Any) -> str | None:
        return _region_code(value)


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
    analysis: AnalysisSettings = Field(default_factory=AnalysisSettings)

    @model_validator(mode="after")
    def _store_not_empty(self) -> "Settings":
        if not self.store.strip():
            raise ValueError("store must not be empty")
        return self

    @property
    def is_neo4j(self) -> bool:
        return self.store.startswith(("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://"))

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
