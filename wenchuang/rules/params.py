"""Reading and writing parameters: the value in force on a date, with its legal source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from wenchuang.core.errors import ConflictError
from wenchuang.rules.models import Parameter, ParameterValue


@dataclass(frozen=True)
class ParamValue:
    key: str
    label: str
    value: Decimal
    unit: str = ""
    legal_source: str = ""
    valid_from: date | None = None

    def describe(self) -> str:
        since = f"，自{self.valid_from.isoformat()}起" if self.valid_from else ""
        source = f"，依据：{self.legal_source}" if self.legal_source else ""
        return f"参数“{self.label}”{since}{source}"


def param_values(*, on: date) -> dict[str, ParamValue]:
    """Every parameter's value in force on `on` (one query); a parameter without one is absent."""
    rows = (
        ParameterValue.objects.filter(valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .select_related("parameter")
        .order_by("parameter_id", "valid_from")
    )
    out: dict[str, ParamValue] = {}
    for row in rows:
        p = row.parameter
        out[p.key] = ParamValue(
            key=p.key,
            label=p.label,
            value=row.value,
            unit=p.unit,
            legal_source=row.legal_source,
            valid_from=row.valid_from,
        )
    return out


@transaction.atomic
def parameter_set_value(
    *, key: str, value: Decimal, valid_from: date, legal_source: str, user: Any = None
) -> ParameterValue:
    """A new value from `valid_from` on; the value in force before is closed on that day, so decisions
    taken earlier keep the value they were taken with."""
    from wenchuang.accounts.audit import audit_record

    parameter = Parameter.objects.select_for_update().get(key=key)
    if ParameterValue.objects.filter(parameter=parameter, valid_from__gte=valid_from).exists():
        raise ConflictError(
            f"参数“{parameter.label}”在{valid_from.isoformat()}或之后已有取值，不能插入更早的取值"
        )
    ParameterValue.objects.filter(parameter=parameter, valid_to__isnull=True).update(valid_to=valid_from)
    row = ParameterValue.objects.create(
        parameter=parameter, value=value, valid_from=valid_from, legal_source=legal_source
    )
    audit_record(
        event="rules.parameter_set",
        user=user,
        obj=row,
        detail={"key": key, "value": str(value), "valid_from": valid_from.isoformat()},
    )
    return row
