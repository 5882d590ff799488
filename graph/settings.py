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

from graph.i18n import CATEGORY_LONG_ZH, PARK_INDICATOR_ZH, PRIORITY_FACTOR_ZH, TARGET_FACTOR_ZH

_CHECKOUT = Path(__file__).resolve().parent.parent
# a source checkout keeps its store in its own data/store/; an installed package in ./data/store/ of the
# working directory (never inside site-packages)
DEFAULT_STORE = (_CHECKOUT if (_CHECKOUT / "pyproject.toml").is_file() else Path()) / "data" / "store" / "indmap.lbug"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class PriorityWeights(_Strict):
    """Gap priority factor weights (analysis.md, 'Gap priority')."""

    dependents: float = Field(0.25, ge=0, title=PRIORITY_FACTOR_ZH["dependents"], description="下游本地已有环节越多，越优先")
    demand: float = Field(0.20, ge=0, title=PRIORITY_FACTOR_ZH["demand"], description="直接下游本地营收越大，越优先")
    broken: float = Field(0.15, ge=0, title=PRIORITY_FACTOR_ZH["broken"], description="上下游本地都有、中间缺失")
    key: float = Field(0.15, ge=0, title=PRIORITY_FACTOR_ZH["key"], description="关键环节")
    category: float = Field(0.15, ge=0, title=PRIORITY_FACTOR_ZH["category"], description="主导、新兴、特色产业的系数")
    supply: float = Field(0.10, ge=0, title=PRIORITY_FACTOR_ZH["supply"], description="外地候选企业越多，越容易招")


class TargetWeights(_Strict):
    """Target ranking factor weights (analysis.md, 'Target-enterprise ranking')."""

    scale: float = Field(0.25, ge=0, title=TARGET_FACTOR_ZH["scale"], description="营收在候选池中的百分位")
    innovation: float = Field(0.20, ge=0, title=TARGET_FACTOR_ZH["innovation"], description="专利百分位与高新技术企业、专精特新资质")
    ties: float = Field(0.20, ge=0, title=TARGET_FACTOR_ZH["ties"], description="与本地企业的供需关系（以商招商）")
    fit: float = Field(0.15, ge=0, title=TARGET_FACTOR_ZH["fit"], description="本环节业务占比与置信度")
    growth: float = Field(0.10, ge=0, title=TARGET_FACTOR_ZH["growth"], description="营收增长率百分位")
    green: float = Field(0.10, ge=0, title=TARGET_FACTOR_ZH["green"], description="污染与能耗等级")


class CategoryWeights(_Strict):
    """The gap priority ``category`` factor per industry category."""

    leading: float = Field(1.0, ge=0, le=1, title=CATEGORY_LONG_ZH["leading"])
    emerging: float = Field(0.8, ge=0, le=1, title=CATEGORY_LONG_ZH["emerging"])
    specialty: float = Field(0.6, ge=0, le=1, title=CATEGORY_LONG_ZH["specialty"])


class ParkRankingWeights(_Strict):
    """Weights of the park scale (十强) and speed (十快) scores (analysis.md, 'Parks')."""

    revenue: float = Field(0.4, ge=0, le=1, title=PARK_INDICATOR_ZH["revenue"], description="规模看主营业务收入，增速看其增长")
    fixed_investment: float = Field(0.3, ge=0, le=1, title=PARK_INDICATOR_ZH["fixed_investment"], description="规模看固定资产投资，增速看其增长")
    tax: float = Field(0.2, ge=0, le=1, title=PARK_INDICATOR_ZH["tax"], description="规模看税收，增速看其增长")
    profit: float = Field(0.1, ge=0, le=1, title=PARK_INDICATOR_ZH["profit"], description="规模看利润总额，增速看其增长")

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
    """Every threshold and weight of analysis.md, with its default.

    Each field has ``title`` (its Chinese label) and, where it helps, ``description``: the app's
    sidebar is built from them (and from ``ge``/``le``), so a new setting needs nothing else.
    """

    above_scale_revenue: float = Field(2000.0, ge=0, title="规上企业营收门槛（万元）", description="营收达到此值（万元）的企业为规模以上企业")
    weak_min_count: int = Field(3, ge=1, title="弱链：本地企业少于（家）", description="本地企业少于此数的已有环节为弱链")
    priority_weights: PriorityWeights = Field(default_factory=PriorityWeights, title="缺口优先级权重")
    category_weights: CategoryWeights = Field(default_factory=CategoryWeights, title="产业类别系数")
    weak_priority_multiplier: float = Field(0.6, ge=0, le=1, title="弱链优先级系数", description="弱链的补链优先级乘以此系数")
    supply_saturation: int = Field(10, ge=1, title="候选企业达到（家）视为充足", description="外地候选企业达到此数时，可招对象因素为 1")
    key_weight: float = Field(2.0, ge=1, title="关键环节在加权完整度中的权重", description="关键末级环节在关键加权完整度中的权重")
    target_weights: TargetWeights = Field(default_factory=TargetWeights, title="招商目标因素权重")
    ties_saturation: int = Field(3, ge=1, title="本地关联达到（家）视为充分", description="与此数家本地企业有供需关系时，本地关联因素为 1")
    unknown_value: float = Field(
        0.5, ge=0, le=1, title="未知数据取值", description="没有数据的招商目标因素（或其一部分）取此中性值（0.5 = 候选池中位水平）；无数据不按 0 计"
    )
    min_coverage: float = Field(
        0.0, ge=0, le=1, title="最低数据覆盖", description="数据覆盖（有数据支撑的权重占比）低于此值的招商目标不参与排名；0 = 不筛选"
    )
    gate_high_pollution: bool = Field(True, title="排除高污染企业", description="污染等级为高的企业不参与排名")
    gate_high_energy: bool = Field(True, title="排除高耗能企业", description="能耗等级为高的企业不参与排名")
    overlap_threshold: float = Field(0.6, ge=0, le=1, title="同质化相似度阈值", description="两园区产业结构的余弦相似度达到此值即提示同质化")
    concentration_threshold: float = Field(0.5, ge=0, le=1, title="主导产业突出度阈值", description="第一大产业营收占比低于此值提示主导产业不突出")
    focus_share_threshold: float = Field(0.5, ge=0, le=1, title="申报主导产业营收占比阈值", description="申报的主导产业营收占比低于此值即提示")
    stall_days: int = Field(90, ge=1, title="停滞天数", description="签约或开工后超过此天数无进展即为停滞")
    intensity_min: float = Field(300.0, ge=0, title="投资强度下限（万元/亩）", description="投资额 / 用地低于此值即提示")
    output_per_mu_min: float = Field(400.0, ge=0, title="亩均产出下限（万元/亩）", description="达产年营收 / 用地低于此值即提示")
    tax_per_mu_min: float = Field(20.0, ge=0, title="亩均税收下限（万元/亩）", description="达产年税收 / 用地低于此值即提示")
    home_region: str | None = Field(
        None,
        title="本市（全省园区对比）",
        description="行政区划代码（如 4103 或 410300）：其下的园区为本市园区，与全省其他城市的园区对比十强/十快；不设置时取本地企业最多的城市（结果中注明为推断）",
    )
    park_ranking_weights: ParkRankingWeights = Field(default_factory=ParkRankingWeights, title="园区排名权重（十强/十快）")
    cohesion_threshold: float = Field(0.2, ge=0, le=1, title="区内企业关联性阈值", description="与区内其他企业有供需关系的本地企业占比低于此值，提示区内企业关联性不强")

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
    neo4j_batch_size: int = Field(2000, ge=1)
    neo4j_write_sessions: int = Field(
        2, ge=1, le=8, title="Neo4j 并行写入会话数", description="sessions that load one table's batches in parallel during a write"
    )
    buffer_pool_mb: int = Field(1024, ge=64, description="LadybugDB buffer pool size")
    query_timeout_s: float = Field(10.0, gt=0)
    query_row_cap: int = Field(1000, ge=1)
    # console hardening (issue 18): checked before the engine sees a query, or enforced on its worker process
    query_max_length: int = Field(
        20_000, ge=100, le=1_000_000, title="查询最大长度（字符）", description="longer console queries are refused before parsing"
    )
    query_max_depth: int = Field(
        64, ge=4, le=10_000, title="查询最大嵌套层数", description="brackets, CASE and NOT chains; deeper queries are refused (a deep query crashes the engine's parser)"
    )
    query_max_list_items: int = Field(
        10_000, ge=10, le=1_000_000, title="列表字面量最多元素", description="elements of one literal list such as an IN [...] list"
    )
    query_max_range: int = Field(
        1_000_000, ge=1, le=1_000_000_000, title="range() 最多取值", description="values of a literal range(a, b[, step])"
    )
    query_memory_mb: int = Field(
        2048, ge=256, le=262_144, title="查询进程内存上限（MB）", description="address-space limit of a console query's worker process, beyond what it holds once the store is open"
    )
    query_max_result_mb: int = Field(
        32, ge=1, le=65_536, title="查询结果上限（MB）", description="a console query's result larger than this is refused before the app or CLI reads it (a few huge strings within the row cap)"
    )
    # ingest hardening (issue 18)
    date_min_year: int = Field(1900, ge=1, le=9999, title="最早年份", description="dates before this year are an error")
    date_max_year: int = Field(2100, ge=1, le=9999, title="最晚年份", description="dates after this year are an error")
    max_columns: int = Field(200, ge=20, le=16_384, title="每表最多列数", description="a CSV header or sheet with more columns is refused before it is read")
    max_cell_chars: int = Field(32_767, ge=100, le=10_000_000, title="单元格最多字符", description="a longer cell is an error (Excel's own cell limit is 32,767)")
    xlsx_max_rows: int = Field(2_000_000, ge=1000, le=100_000_000, title="工作表最多行数", description="from the sheet's dimension or cell references, checked before the sheet is read")
    xlsx_max_unzipped_mb: int = Field(2048, ge=16, le=65_536, title="工作簿解压后上限（MB）", description="total uncompressed size of the workbook's zip members")
    xlsx_max_ratio: int = Field(200, ge=10, le=10_000, title="工作簿最大压缩比", description="a zip member compressed more than this (a zip bomb) is refused")
    max_file_mb: int = Field(4096, ge=1, le=1_048_576, title="单个 CSV 文件上限（MB）", description="a larger CSV file is refused before it is read")
    # one writer at a time (issue 18)
    write_lock_wait_s: float = Field(30.0, ge=0, le=3600, title="等待其他写入（秒）", description="a second ingest waits this long for the first, then refuses")
    workspace: str = Field(
        "",
        title="工作区文件",
        description=(
            "SQLite file holding the bureau's own work (leads, snapshots); empty = beside the embedded store "
            "(<store>.workspace.sqlite), or data/store/neo4j.workspace.sqlite with Neo4j"
        ),
    )
    # accounts, uploads, link review (issue 12)
    users: str = Field(
        "",
        title="账号文件",
        description="SQLite file holding the app's accounts; empty = the workspace (accounts never go into a workspace backup)",
    )
    require_login: bool = Field(
        False,
        title="本机访问也要求登录",
        description=(
            "ask for a login even when the app is served on a loopback address (behind a reverse proxy on the same machine); "
            "served on any other address, or once an account exists, it always asks"
        ),
    )
    session_idle_minutes: int = Field(60, ge=1, le=24 * 60, title="登录空闲超时（分钟）", description="a session with no activity for longer must log in again")
    session_max_hours: float = Field(12.0, gt=0, le=24 * 30, title="登录最长有效（小时）", description="a session must log in again after this long, active or not")
    login_max_failures: int = Field(5, ge=1, le=100, title="登录失败次数上限", description="failed logins for one account (or from one address, 4x this) within 15 minutes before attempts are delayed")
    login_lockout_s: int = Field(
        30, ge=1, le=3600, title="登录失败后等待（秒）", description="the delay after too many failed logins, doubling with each further failure up to 15 minutes"
    )
    upload_max_mb: int = Field(100, ge=1, le=4096, title="上传文件上限（MB）", description="the app refuses uploads larger than this in total (a zip counts unpacked as well)")
    dataset_versions_keep: int = Field(
        20, ge=1, le=1000, title="保留的数据版本数", description="dated copies of the ingested dataset kept beside the store for merging uploads and restoring"
    )
    auto_link: bool = Field(
        True,
        title="导入时自动挂接",
        description="enterprises without any segment link that carry products, business scope or industry codes are placed by the linker as likely (待核实) links",
    )
    snapshot_beside_write: bool = Field(
        False,
        title="写入时并行计算快照",
        description=(
            "embedded store: the ingest snapshot is analysed in a second thread while the engine copies the last "
            "relationship tables (about 1 s faster at 1M enterprises on 2 cores, about 100 MB higher peak memory); "
            "recorded only after the new store is in place"
        ),
    )
    report_font: str = Field(
        "",
        title="报告字体文件",
        description="a TrueType CJK font file for PDF reports and chain-map pictures; empty: found automatically",
    )
    analysis: AnalysisSettings = Field(default_factory=AnalysisSettings)

    @model_validator(mode="after")
    def _store_not_empty(self) -> "Settings":
        if not self.store.strip():
            raise ValueError("store must not be empty")
        if self.date_min_year > self.date_max_year:
            raise ValueError("date_min_year must not be after date_max_year")
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

    @property
    def accounts_path(self) -> Path:
        """Where the app's accounts live: the ``users`` setting, else the workspace file."""
        return Path(self.users.strip()) if self.users.strip() else self.workspace_path

    @property
    def datasets_path(self) -> Path:
        """The folder of dated dataset versions: ``<store>.datasets`` beside an embedded store, else beside the workspace."""
        if self.is_neo4j:
            ws = self.workspace_path
            return ws.with_name(ws.name.removesuffix(".workspace.sqlite").removesuffix(".sqlite") + ".datasets")
        store = Path(self.store)
        return store.with_name(store.name + ".datasets")

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


def setting_titles(model: type[BaseModel] = AnalysisSettings, prefix: str = "") -> dict[str, str]:
    """``{path: Chinese title}`` of every setting of ``model``, nested ones as ``group.name``.

    >>> t = setting_titles()
    >>> t["weak_min_count"], t["priority_weights.demand"]
    ('弱链：本地企业少于（家）', '缺口优先级权重 · 本地需求')
    """
    out: dict[str, str] = {}
    for name, field in model.model_fields.items():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            for path, title in setting_titles(ann).items():
                out[f"{prefix}{name}.{path}"] = f"{field.title} · {title}" if field.title else title
        else:
            out[prefix + name] = field.title or ""
    return out


def load_settings(**overrides: Any) -> Settings:
    """Build settings from file and environment, then apply explicit overrides.

    ``None`` overrides are ignored, so CLI flags that were not given do not
    mask the environment.
    """
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
