"""The shared rule engine: facts about enterprises, parameters with validity dates, rules as data.

Policies (免申即享 / 快申快享 matching), finance products and cultivation criteria all decide "which
enterprises meet these conditions" with this one engine. Public API (stable; import from the modules):

Facts — `wenchuang.rules.facts`
    A fact is a named, typed, documented attribute of an enterprise with unit, source and as-of, defined
    by a Django expression over `registry.Enterprise` rows, so every fact is computed set-based::

        from wenchuang.rules.facts import Fact, FactType, register_fact
        register_fact(Fact(
            key="loan_balance", label="贷款余额", type=FactType.NUMBER, unit="万元",
            source="金融机构报送", doc="…",
            expression=lambda ctx: Subquery(…OuterRef("pk")…),      # over Enterprise
            relations=lambda ctx: {},                               # FilteredRelation joins it needs
        ))

    `FactContext(as_of=date)` fixes the evaluation date (上年 = as_of.year - 1). `get_fact(key)`,
    `all_facts()`; `load_facts(qs, keys, ctx)` returns {enterprise_id: {key: value}} in ONE query
    (None = 缺数据).

Parameters — `wenchuang.rules.params` (models `Parameter`, `ParameterValue`)
    A rule names a threshold as {"param": "revenue_threshold"} instead of a number. Each value has
    valid_from / valid_to and a legal source, so a decision taken on a date stays explainable after the
    threshold changes. `param_values(on=date)` -> {key: ParamValue}, one query; pure code accepts any
    Mapping[str, ParamValue].

Rules — a restricted JsonLogic subset (`wenchuang.rules.logic`, pure, no database)
    {"and": [...]}, {"or": [...]}, {"!": rule};
    {"<op>": [{"var": fact}, operand]} with op in == != < <= > >=;
    {"<=": [low, {"var": fact}, high]} (between, also "<");
    {"in": [{"var": fact}, [v1, v2, ...]]};
    operand = literal | {"param": key} | {"years_ago": n} | {"days_ago": n} (date arithmetic from as_of).
    Missing facts follow three-valued (Kleene) logic: a firm qualifies only when the rule is TRUE.

    validate_rule(rule, params) -> list of Chinese error messages ([] = valid); check_rule raises RuleError.
    explain(rule, facts, params, as_of) -> Explanation: .status (TRUE/FALSE/UNKNOWN), .conditions (each
        with fact label, value, threshold, ✓/✗/缺数据, and text like "上年营业收入 6,200万元 ≥ 5,000万元 ✓"),
        .hints() (what to do to qualify), .missing() (facts lacking data).
    evaluate(rule, facts, params, as_of) -> Tri

Compiling to SQL — `wenchuang.rules.compile`
    compile_rule(rule, ctx, params) -> CompiledRule with .apply(qs) (qs = Enterprise queryset) adding
    the joins the facts need and ONE WHERE condition. `matching_ids(rule, ctx, params, qs=None)`.
    Property tests (tests/test_equivalence.py) show compile and explain select the same enterprises,
    missing facts included.
"""
