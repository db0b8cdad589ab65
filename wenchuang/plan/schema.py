"""The plan file format (docs/plan-format.md): parsing with line numbers, typed validation, cross-checks.

No database access here: the caller passes the district codes (and, if loaded, the culture 小类
codes) that references are checked against, so this module can be tested on its own.

Every problem becomes a `PlanIssue` naming the field path and the line, e.g.
`第12行 indicators[2].target：缺少必填字段`; all of them are collected before anything is raised.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from wenchuang.core.errors import DomainError

FORMAT_VERSION = "wenchuang-plan/1"

Loc = tuple[str | int, ...]


# --- issues -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanIssue:
    path: Loc
    line: int | None
    message: str

    @property
    def path_text(self) -> str:
        return format_path(self.path)

    def __str__(self) -> str:
        where = f"第{self.line}行" if self.line else "文件"
        path = f" {self.path_text}" if self.path else ""
        return f"{where}{path}：{self.message}"


class PlanFileError(DomainError):
    """A plan file that cannot be loaded; carries every problem found, not just the first."""

    def __init__(self, issues: list[PlanIssue], *, file: str = "") -> None:
        self.issues = sorted(issues, key=lambda i: (i.line or 0, i.path_text))
        self.file = file
        super().__init__("\n".join(self.messages))

    @property
    def messages(self) -> list[str]:
        return [str(issue) for issue in self.issues]


def format_path(path: Loc) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# --- YAML with line numbers -------------------------------------------------------------------


def _compose(text: str) -> tuple[Any, dict[Loc, int], list[PlanIssue]]:
    """Parse YAML keeping, for every path, the line it starts on. PyYAML silently lets a repeated
    key win; in a plan file that hides a transcription error, so it is reported instead."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, []
        lines: dict[Loc, int] = {}
        issues: list[PlanIssue] = []

        def walk(node: yaml.Node, path: Loc) -> None:
            lines.setdefault(path, node.start_mark.line + 1)
            if isinstance(node, yaml.MappingNode):
                seen: set[Any] = set()
                for key_node, value_node in node.value:
                    key = key_node.value
                    child = (*path, key)
                    if key in seen:
                        issues.append(PlanIssue(child, key_node.start_mark.line + 1, "字段重复出现"))
                        continue
                    seen.add(key)
                    # Point at the key, not at the first line of a nested block under it.
                    lines[child] = key_node.start_mark.line + 1
                    walk(value_node, child)
            elif isinstance(node, yaml.SequenceNode):
                for index, item in enumerate(node.value):
                    walk(item, (*path, index))

        walk(node, ())
        data = loader.construct_document(node)
        return data, lines, issues
    finally:
        loader.dispose()


def line_of(lines: dict[Loc, int], path: Loc) -> int | None:
    """The line of the deepest existing prefix of `path` (a missing field is reported at its parent)."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


# --- field types ------------------------------------------------------------------------------


def _show(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, str):
        return f"“{value}”"
    return repr(value)


def _number(value: Any) -> Decimal:
    # Numbers must be YAML numbers: a quoted "65" or ">65" is a transcription slip, not a value.
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise PydanticCustomError("number_type", "应为数字，实际为 {shown}", {"shown": _show(value)})
    return Decimal(str(value))


def _float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        hint = "（PyYAML 要求科学计数法带小数点，如 1.0e-4，或写成 0.0001）" if isinstance(value, str) else ""
        raise PydanticCustomError(
            "number_type", "应为数字，实际为 {shown}{hint}", {"shown": _show(value), "hint": hint}
        )
    return float(value)


def _division_code(value: Any) -> Any:
    # Unquoted 330106 parses as an int; accept it, the code is what matters.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Number = Annotated[Decimal, BeforeValidator(_number)]
Scale = Annotated[float, BeforeValidator(_float)]
Year = Annotated[int, Strict(), Field(ge=1949, le=2100)]
Seq = Annotated[int, Strict(), Field(ge=1, le=999)]
Code = Annotated[str, Strict(), StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Text = Annotated[str, Strict(), StringConstraints(strip_whitespace=True, min_length=1)]
OptText = Annotated[str, Strict(), StringConstraints(strip_whitespace=True)]
Unit = Annotated[str, Strict(), StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
DistrictCode = Annotated[
    str, BeforeValidator(_division_code), Strict(), StringConstraints(pattern=r"^\d{6}$")
]
CultureCode = Annotated[str, BeforeValidator(_division_code), Strict(), StringConstraints(pattern=r"^\d{4}$")]
TargetOpLiteral = Literal[">=", ">", "<=", "<", "~"]
FactQualifierLiteral = Literal["=", ">=", ">", "~"]


class _Spec(BaseModel):
    # A misspelt key is an error, never silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- formulas ---------------------------------------------------------------------------------

# What the statistics engine can evaluate. Adding a measure or model here is a deliberate change
# that the engine must follow; the file cannot invent one.
Measure = Literal[
    "value_added",
    "total_output",
    "revenue",
    "employees",
    "exports",
    "labor_compensation",
    "net_production_tax",
    "depreciation",
    "operating_surplus",
]
MEASURES: tuple[str, ...] = get_args(Measure)
# Figures that exist only as published totals (entered by the data manager with their source).
OfficialSeries = Literal["gdp"]
OFFICIAL_SERIES: tuple[str, ...] = get_args(OfficialSeries)
CountModel = Literal["platform", "enterprise", "enterprise_year", "talent", "export_item"]
FILTER_FIELDS: dict[str, frozenset[str]] = {
    "enterprise_year": frozenset(
        {
            "year",
            "above_scale",
            "listed",
            "leading",
            "listed_or_leading",
            "digital",
            "core",
            "district",
            "culture_code",
        }
    ),
    "enterprise": frozenset({"status", "district", "culture_code", "digital", "core"}),
    "platform": frozenset({"kind", "level", "district", "recognized_year"}),
    "talent": frozenset({"category", "district", "field", "recognized_year"}),
    "export_item": frozenset({"kind", "district", "recognized_year"}),
}
FilterValue = bool | int | str | list[bool | int | str]


def _check_filter(filter_: dict[str, FilterValue], model: str) -> None:
    allowed = FILTER_FIELDS[model]
    for key, value in filter_.items():
        field, _, lookup = key.partition("__")
        if field not in allowed:
            raise PydanticCustomError(
                "filter_field",
                "筛选字段 {key} 未知，{model} 可用：{allowed}",
                {"key": key, "model": model, "allowed": "、".join(sorted(allowed))},
            )
        if lookup not in ("", "in"):
            raise PydanticCustomError("filter_lookup", "筛选条件 {key} 只支持 __in", {"key": key})
        if (lookup == "in") != isinstance(value, list):
            raise PydanticCustomError(
                "filter_value",
                "筛选条件 {key} 的取值应{what}",
                {"key": key, "what": "为列表" if lookup else "为单个值"},
            )


class Operand(_Spec):
    """One side of a ratio: a micro-data aggregate, an official published series, or another indicator
    of the plan (its chosen value: the official figure where one exists, else the computed one)."""

    measure: Measure | None = None
    official: OfficialSeries | None = None
    indicator: Code | None = None
    filter: dict[str, FilterValue] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_source(self) -> Operand:
        if sum(x is not None for x in (self.measure, self.official, self.indicator)) != 1:
            raise PydanticCustomError("operand", "measure、official 与 indicator 须且只能填一个")
        if (self.official or self.indicator) and self.filter:
            raise PydanticCustomError("operand", "official 序列或 indicator 引用不能带 filter")
        _check_filter(self.filter, "enterprise_year")
        return self


class AggregateFormula(_Spec):
    kind: Literal["aggregate"]
    measure: Measure
    filter: dict[str, FilterValue] = Field(default_factory=dict)
    scale: Scale = 1.0

    @field_validator("filter")
    @classmethod
    def _filter(cls, value: dict[str, FilterValue]) -> dict[str, FilterValue]:
        _check_filter(value, "enterprise_year")
        return value


class RatioFormula(_Spec):
    kind: Literal["ratio"]
    numerator: Operand
    denominator: Operand
    scale: Scale = 1.0


class CountFormula(_Spec):
    kind: Literal["count"]
    model: CountModel
    filter: dict[str, FilterValue] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _filter(self) -> CountFormula:
        _check_filter(self.filter, self.model)
        return self


class OfficialFormula(_Spec):
    """Only a published figure exists (no micro-data definition); the data manager enters it."""

    kind: Literal["official"]
    series: Code


class SeriesFormula(_Spec):
    """The same series as another indicator of the plan, judged against this indicator's own target
    (e.g. the 2035 vision: value added against a second target). Never a second series."""

    kind: Literal["series"]
    indicator: Code


Formula = Annotated[
    AggregateFormula | RatioFormula | CountFormula | OfficialFormula | SeriesFormula,
    Field(discriminator="kind"),
]


# --- the file ---------------------------------------------------------------------------------


class SourceSpec(_Spec):
    title: Text
    sha256: Annotated[str, Strict(), StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None


class PlanSpec(_Spec):
    code: Code
    name: Text
    # GB/T 2260 code of the region the plan speaks for (a city, a county, a province); omitted: the
    # deployment's city. `city_code` is the older spelling of the same field, still read.
    region: DistrictCode | None = None
    city_code: DistrictCode | None = None
    start_year: Year
    end_year: Year
    base_year: Year
    vision_year: Year | None = None
    source: SourceSpec
    description: OptText = ""

    def region_code(self, default: str) -> str:
        return self.region or self.city_code or default

    @model_validator(mode="after")
    def _years(self) -> PlanSpec:
        if self.region is not None and self.city_code is not None:
            raise PydanticCustomError("plan_region", "region 与 city_code（旧写法）只能填一个")
        if self.end_year < self.start_year:
            raise PydanticCustomError("plan_years", "end_year 不能早于 start_year")
        if self.base_year >= self.start_year:
            raise PydanticCustomError("plan_years", "base_year 应早于 start_year")
        if self.vision_year is not None and self.vision_year <= self.end_year:
            raise PydanticCustomError("plan_years", "vision_year 应晚于 end_year")
        return self


class BaseSpec(_Spec):
    year: Year
    value: Number


class TargetSpec(_Spec):
    year: Year
    op: TargetOpLiteral
    value: Number


class IndicatorSpec(_Spec):
    code: Code
    seq: Seq
    category: Literal["main", "vision", "other"] = "main"
    name: Text
    unit: Unit
    direction: Literal["higher", "lower"] = "higher"
    base: BaseSpec | None = None
    target: TargetSpec
    formula: Formula | None = None
    notes: OptText = ""
    quote: OptText = ""


class UnitTargetSpec(_Spec):
    measure: Measure
    year: Year
    op: TargetOpLiteral
    value: Number
    unit: Unit
    quote: OptText = ""


class SpatialUnitSpec(_Spec):
    code: Code
    kind: Literal["belt", "corridor", "cluster", "region_group"]
    seq: Seq
    name: Text
    description: OptText = ""
    note: OptText = ""
    districts: list[DistrictCode] = Field(default_factory=list)
    platforms: list[Text] = Field(default_factory=list)
    targets: list[UnitTargetSpec] = Field(default_factory=list)


class PlatformSpec(_Spec):
    # The registry's natural key; units refer to platforms by this name.
    name: Annotated[str, Strict(), StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    kind: Literal["park", "street", "hq", "town", "institution", "project", "other"] | None = None
    level: Literal["national", "provincial", "municipal", "none"] | None = None
    district: DistrictCode | None = None
    note: OptText = ""


class IndustrySpec(_Spec):
    code: Code
    kind: Literal["advantage", "emerging"]
    seq: Seq
    name: Text
    description: OptText = ""
    culture_codes: list[CultureCode] = Field(default_factory=list)


class CommitmentSpec(_Spec):
    code: Code
    seq: Seq
    text: Text
    metric: Code | None = None
    target_op: TargetOpLiteral | None = None
    target_value: Number | None = None
    unit: Annotated[str, Strict(), StringConstraints(max_length=20)] = ""
    deadline_year: Year | None = None
    responsible: Annotated[str, Strict(), StringConstraints(max_length=200)] = ""

    @model_validator(mode="after")
    def _target(self) -> CommitmentSpec:
        if (self.target_value is None) != (self.target_op is None):
            raise PydanticCustomError("commitment_target", "target_value 与 target_op 须同时填写或同时省略")
        if self.target_value is not None and not self.metric:
            raise PydanticCustomError("commitment_target", "有目标值的任务须填写 metric")
        return self


class ProgrammeSpec(_Spec):
    code: Code
    seq: Seq
    name: Text
    description: OptText = ""
    commitments: list[CommitmentSpec] = Field(default_factory=list)


class FactSpec(_Spec):
    code: Code
    seq: Seq
    name: Text
    year: Year
    qualifier: FactQualifierLiteral = "="
    value: Number
    unit: Unit
    spatial_unit: Code | None = None
    quote: Text


class PlanFile(_Spec):
    format: Literal["wenchuang-plan/1"]
    plan: PlanSpec
    indicators: list[IndicatorSpec] = Field(min_length=1)
    platforms: list[PlatformSpec] = Field(default_factory=list)
    spatial_units: list[SpatialUnitSpec] = Field(default_factory=list)
    industries: list[IndustrySpec] = Field(default_factory=list)
    programmes: list[ProgrammeSpec] = Field(default_factory=list)
    facts: list[FactSpec] = Field(default_factory=list)


@dataclass(frozen=True)
class ParsedPlan:
    document: PlanFile
    file_name: str
    sha256: str


def _indicator_refs(formula: Any) -> list[tuple[tuple[str, ...], Any]]:
    """(path inside the formula, code) of every other indicator a formula refers to."""
    if not isinstance(formula, dict):
        return []
    refs: list[tuple[tuple[str, ...], Any]] = []
    if formula.get("kind") == "series" and "indicator" in formula:
        refs.append((("indicator",), formula["indicator"]))
    for side in ("numerator", "denominator"):
        operand = formula.get(side)
        if isinstance(operand, dict) and "indicator" in operand:
            refs.append(((side, "indicator"), operand["indicator"]))
    return refs


# --- pydantic errors in Chinese ---------------------------------------------------------------

_TYPE_MESSAGES = {
    "missing": "缺少必填字段",
    "extra_forbidden": "未知字段（拼写错误？）",
    "int_type": "应为整数，实际为 {shown}",
    "int_parsing": "应为整数，实际为 {shown}",
    "int_from_float": "应为整数，实际为 {shown}",
    "string_type": "应为文本，实际为 {shown}",
    "bool_type": "应为 true 或 false，实际为 {shown}",
    "list_type": "应为列表",
    "dict_type": "应为键值映射",
    "model_type": "应为键值映射",
    "model_attributes_type": "应为键值映射",
    "string_too_short": "不能为空",
    "string_too_long": "过长（最多 {max_length} 字）",
    "too_short": "至少应有 {min_length} 项",
    "greater_than_equal": "应不小于 {ge}",
    "less_than_equal": "应不大于 {le}",
    "union_tag_not_found": "缺少 kind 字段",
}


def _translate(error: dict[str, Any], data: Any) -> tuple[Loc, str]:
    loc = _data_path(tuple(error["loc"]), data)
    kind = error["type"]
    ctx = error.get("ctx") or {}
    shown = _show(error.get("input"))
    if kind == "literal_error":
        message = f"取值 {shown} 无效，应为 {ctx.get('expected', '')}"
        if error.get("input") is None:
            message += '（YAML 中单独的 ~ 表示空值，“左右”请写成 "~"）'
    elif kind == "union_tag_invalid":
        message = f"未知公式类型 {_show(ctx.get('tag'))}，应为 {ctx.get('expected_tags', '')}"
    elif kind == "string_pattern_mismatch":
        message = f"格式不正确：{shown}（应匹配 {ctx.get('pattern', '')}）"
    elif kind in _TYPE_MESSAGES:
        message = _TYPE_MESSAGES[kind].format(shown=shown, **ctx)
    else:
        # Our own PydanticCustomError messages are already Chinese; value_error wraps an exception.
        message = error["msg"].removeprefix("Value error, ")
    return loc, message


def _data_path(loc: Loc, data: Any) -> Loc:
    """Pydantic puts union tags (e.g. 'aggregate') and '[key]' into locations; keep only the parts
    that exist in the file, so the path the user reads is the path they wrote."""
    path: list[str | int] = []
    current = data
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(current, dict) and part not in current and current.get("kind") == part:
            continue
        path.append(part)
        if isinstance(current, dict):
            current = current.get(part)
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
        else:
            current = None
    return tuple(path)


# --- cross-checks on the raw data -------------------------------------------------------------
# Run on the raw dicts (defensively) rather than on the validated model, so that a file with a
# type error still gets its duplicate and reference problems reported in the same run.


def _items(data: Any, *path: str | int) -> Iterator[tuple[Loc, dict[str, Any]]]:
    current = data
    for part in path:
        current = current.get(part) if isinstance(current, dict) else None
    if isinstance(current, list):
        for index, item in enumerate(current):
            if isinstance(item, dict):
                yield (*path, index), item


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _cross_check(
    data: Any,
    *,
    known_districts: set[str],
    known_culture_codes: set[str] | None,
    region_known: Callable[[str], bool] | None = None,
) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []

    def unique(section: Loc, field: str | tuple[str, ...], label: str, rows: list[tuple[Loc, dict]]) -> None:
        seen: dict[Any, Loc] = {}
        fields = (field,) if isinstance(field, str) else field
        for path, item in rows:
            key = tuple(item.get(f) for f in fields)
            if any(k is None or isinstance(k, dict | list) for k in key):
                continue
            if key in seen:
                shown = "、".join(str(k) for k in key)
                problems.append(
                    ((*path, fields[-1]), f"{label} {shown} 重复（已在 {format_path(seen[key])} 使用）")
                )
            else:
                seen[key] = path

    plan = data.get("plan") if isinstance(data, dict) else None
    plan = plan if isinstance(plan, dict) else {}
    if region_known is not None:
        for key in ("region", "city_code"):
            code = _division_code(plan.get(key))
            if isinstance(code, str) and len(code) == 6 and code.isdigit() and not region_known(code):
                problems.append(
                    (
                        ("plan", key),
                        f"规划区划代码 {code} 不存在或其下没有区县：区县须在区县表中，市、省须有下辖区县"
                        "（请先载入行政区划参考数据，或检查代码）",
                    )
                )
    start, end = _int(plan.get("start_year")), _int(plan.get("end_year"))
    base_year, vision_year = _int(plan.get("base_year")), _int(plan.get("vision_year"))

    def in_period(path: Loc, year: Any, *, vision: bool = False) -> None:
        year = _int(year)
        if year is None or start is None or end is None:
            return
        if vision:
            if vision_year is None:
                problems.append((path, "远景目标需要在 plan.vision_year 中给出远景年"))
            elif not end < year <= vision_year:
                problems.append((path, f"远景目标年 {year} 应在 {end + 1}—{vision_year} 之间"))
        elif not start <= year <= end:
            problems.append((path, f"年份 {year} 不在规划期 {start}—{end} 内"))

    def not_after_base(path: Loc, year: Any) -> None:
        year = _int(year)
        if year is not None and base_year is not None and year > base_year:
            problems.append((path, f"年份 {year} 晚于基期年 {base_year}"))

    def district(path: Loc, code: Any) -> None:
        code = str(code) if _int(code) is not None else code
        if isinstance(code, str) and code not in known_districts:
            problems.append((path, f"区划代码 {code} 不存在（请先载入行政区划参考数据）"))

    indicators = list(_items(data, "indicators"))
    unique(("indicators",), "code", "指标代码", indicators)
    unique(("indicators",), ("category", "seq"), "指标序号", indicators)
    indicator_codes = {item.get("code") for _, item in indicators}
    for path, item in indicators:
        for ref_path, ref in _indicator_refs(item.get("formula")):
            if ref == item.get("code"):
                problems.append(((*path, "formula", *ref_path), f"指标 {ref} 不能引用自身"))
            elif ref not in indicator_codes:
                problems.append(((*path, "formula", *ref_path), f"引用的指标 {ref} 未在 indicators 中定义"))
        target, base = item.get("target"), item.get("base")
        if isinstance(target, dict):
            in_period((*path, "target", "year"), target.get("year"), vision=item.get("category") == "vision")
        if isinstance(base, dict):
            not_after_base((*path, "base", "year"), base.get("year"))

    platforms = list(_items(data, "platforms"))
    unique(("platforms",), "name", "平台名称", platforms)
    platform_names = {name.strip() for _, item in platforms if isinstance(name := item.get("name"), str)}
    for path, item in platforms:
        if item.get("district") is not None:
            district((*path, "district"), item["district"])

    units = list(_items(data, "spatial_units"))
    unique(("spatial_units",), "code", "空间单元代码", units)
    unique(("spatial_units",), ("kind", "seq"), "空间单元序号", units)
    unit_codes = {item.get("code") for _, item in units}
    for path, item in units:
        for key, label in (("districts", "区县"), ("platforms", "平台")):
            values = item.get(key)
            if not isinstance(values, list):
                continue
            seen: set[Any] = set()
            for index, value in enumerate(values):
                value_key = str(value).strip() if isinstance(value, str | int) else None
                if value_key in seen:
                    problems.append(((*path, key, index), f"{label} {value_key} 在本单元中重复"))
                seen.add(value_key)
                if key == "districts":
                    district((*path, key, index), value)
                elif isinstance(value, str) and value.strip() not in platform_names:
                    problems.append(((*path, key, index), f"平台 {value} 未在 platforms 中定义"))
        targets = list(_items(item, "targets"))
        unique(
            (*path, "targets"),
            ("measure", "year"),
            "目标（度量、年份）",
            [((*path, *p), t) for p, t in targets],
        )
        for target_path, target in targets:
            in_period((*path, *target_path, "year"), target.get("year"))

    industries = list(_items(data, "industries"))
    unique(("industries",), "code", "行业代码", industries)
    unique(("industries",), ("kind", "seq"), "行业序号", industries)
    if known_culture_codes is not None:
        for path, item in industries:
            codes = item.get("culture_codes")
            for index, code in enumerate(codes if isinstance(codes, list) else []):
                if str(code) not in known_culture_codes:
                    problems.append(((*path, "culture_codes", index), f"文化产业小类 {code} 不存在"))

    programmes = list(_items(data, "programmes"))
    unique(("programmes",), "code", "工程代码", programmes)
    unique(("programmes",), "seq", "工程序号", programmes)
    all_commitments: list[tuple[Loc, dict]] = []
    for path, item in programmes:
        commitments = [((*path, *p), c) for p, c in _items(item, "commitments")]
        unique((*path, "commitments"), "seq", "任务序号", commitments)
        all_commitments += commitments
        for c_path, commitment in commitments:
            if commitment.get("deadline_year") is not None:
                in_period((*c_path, "deadline_year"), commitment["deadline_year"])
    # Commitment codes are unique across the plan so that monitoring can refer to them by code alone.
    unique(("programmes",), "code", "任务代码", all_commitments)

    facts = list(_items(data, "facts"))
    unique(("facts",), "code", "事实代码", facts)
    unique(("facts",), "seq", "事实序号", facts)
    for path, item in facts:
        not_after_base((*path, "year"), item.get("year"))
        ref = item.get("spatial_unit")
        if ref is not None and ref not in unit_codes:
            problems.append(((*path, "spatial_unit"), f"空间单元 {ref} 未在 spatial_units 中定义"))
    return problems


# --- entry point ------------------------------------------------------------------------------


def plan_file_parse(
    *,
    path: str | Path,
    known_districts: set[str],
    known_culture_codes: set[str] | None = None,
    region_known: Callable[[str], bool] | None = None,
) -> ParsedPlan:
    """Read and fully validate a plan file. Raises PlanFileError with every problem found.
    `region_known` says whether a region code holds counties (unchecked when None)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PlanFileError(
            [PlanIssue((), None, f"无法读取文件 {path}：{exc.strerror or exc}")], file=str(path)
        ) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlanFileError([PlanIssue((), None, "文件不是 UTF-8 编码")], file=str(path)) from exc
    try:
        data, lines, issues = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = f"YAML 语法错误：{exc.problem or exc.context}"
        raise PlanFileError([PlanIssue((), line, problem)], file=str(path)) from exc
    if not isinstance(data, dict):
        raise PlanFileError([PlanIssue((), 1, "文件应为 YAML 键值映射（以 format: 开头）")], file=str(path))

    document: PlanFile | None = None
    try:
        document = PlanFile.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc, message = _translate(dict(error), data)
            issues.append(PlanIssue(loc, line_of(lines, loc), message))
    for loc, message in _cross_check(
        data,
        known_districts=known_districts,
        known_culture_codes=known_culture_codes,
        region_known=region_known,
    ):
        issues.append(PlanIssue(loc, line_of(lines, loc), message))
    if issues or document is None:
        raise PlanFileError(issues, file=str(path))
    return ParsedPlan(document=document, file_name=path.name, sha256=hashlib.sha256(raw).hexdigest())
