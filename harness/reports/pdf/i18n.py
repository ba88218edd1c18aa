"""Every string of the report in zh-CN and en — the only place report wording lives."""

from __future__ import annotations

from harness.errors import ExportError

LANGUAGES = ("zh-CN", "en")

TEXT: dict[str, tuple[str, str]] = {
    # key: (zh-CN, en)
    "report_title": ("软件测试验收报告", "Software Acceptance Test Report"),
    "page_of": ("第 {page} 页 / 共 {total} 页", "Page {page} of {total}"),
    "report_id": ("报告编号", "Report ID"),
    "project": ("项目名称", "Project"),
    "system": ("系统名称", "System"),
    "version": ("系统版本", "Version"),
    "stage": ("项目阶段", "Stage"),
    "environment": ("测试环境", "Environment"),
    "target": ("被测系统地址", "Target"),
    "target_version": ("被测系统自报版本", "Target reports version"),
    "run_id": ("运行编号", "Run ID"),
    "started": ("开始时间", "Started"),
    "finished": ("结束时间", "Finished"),
    "verdict": ("验收结论", "Verdict"),
    "verdict_PASS": ("通过", "PASS"),
    "verdict_FAIL": ("不通过", "FAIL"),
    "verdict_INCOMPLETE": ("未完成", "INCOMPLETE"),
    "verdict_reasons": ("结论依据", "Reasons"),
    "all_criteria_met": (
        "全部测试套件已完成，全部验收标准均已满足。",
        "Every suite completed and every acceptance criterion was met.",
    ),
    "stage_initiation": ("启动", "Initiation"),
    "stage_design": ("设计", "Design"),
    "stage_development": ("开发", "Development"),
    "stage_testing": ("测试", "Testing"),
    "stage_training": ("培训", "Training"),
    "stage_go-live": ("上线", "Go-live"),
    "stage_operations": ("运维", "Operations"),
    "summary": ("测试概要", "Summary"),
    "suite": ("测试套件", "Suite"),
    "kind": ("类型", "Kind"),
    "status": ("状态", "Status"),
    "tests": ("用例", "Tests"),
    "passed": ("通过", "Passed"),
    "failed": ("失败", "Failed"),
    "errors": ("错误", "Errors"),
    "skipped": ("跳过", "Skipped"),
    "duration": ("耗时", "Duration"),
    "key_metrics": ("关键指标", "Key metrics"),
    "kind_unit": ("单元测试", "Unit"),
    "kind_integration": ("集成测试", "Integration"),
    "kind_performance": ("性能测试", "Performance"),
    "kind_security": ("安全测试", "Security"),
    "kind_uat": ("用户验收测试", "UAT"),
    "kind_import": ("导入结果", "Imported"),
    "status_passed": ("通过", "passed"),
    "status_failed": ("失败", "failed"),
    "status_error": ("无法执行", "error"),
    "status_skipped": ("未执行", "skipped"),
    "status_incomplete": ("未完成", "incomplete"),
    "criteria": ("验收标准", "Acceptance criteria"),
    "criterion": ("验收标准", "Criterion"),
    "expected": ("要求", "Expected"),
    "measured": ("实测", "Measured"),
    "outcome": ("结果", "Result"),
    "outcome_passed": ("满足", "met"),
    "outcome_failed": ("不满足", "not met"),
    "outcome_warned": ("警告", "warning"),
    "outcome_error": ("无法评估", "not evaluated"),
    "default_criterion": ("（默认）", " (default)"),
    "no_criteria": ("本次运行没有验收标准。", "This run has no acceptance criteria."),
    "suite_results": ("测试结果详情", "Results by suite"),
    "suite_error": ("该套件未能执行：", "The suite could not run: "),
    "failures": ("失败与错误的用例", "Failed and errored tests"),
    "no_failures": ("全部 {count} 个用例通过（跳过 {skipped} 个）。", "All {count} tests passed ({skipped} skipped)."),
    "case": ("用例", "Test"),
    "message": ("信息", "Message"),
    "more_failures": (
        "另有 {count} 个失败用例，详见 junit.xml 与 run.json。",
        "{count} more failures: see junit.xml and run.json.",
    ),
    "environment_section": ("测试环境与工具", "Environment and tools"),
    "host": ("执行主机", "Host"),
    "tool": ("工具", "Tool"),
    "profile_file": ("配置文件", "Profile"),
    "profile_sha256": ("配置摘要 (SHA-256，已隐去密钥)", "Profile SHA-256 (secrets redacted)"),
    "signatures": ("签署页", "Sign-off"),
    "signature_statement": (
        "本报告所列测试结果须经项目组、业务方、监理单位三方确认签署后，项目方可进入下一阶段。各方以数字签名签署本报告；签署后对报告的任何修改都会使签名失效。",
        "The results in this report must be confirmed by the project team, the business owner and the supervision unit before the project moves to its next stage. Each party signs this report digitally; any change made after signing invalidates the signatures.",
    ),
    "party_project": ("项目组", "Project team"),
    "party_business": ("业务方", "Business owner"),
    "party_supervision": ("监理单位", "Supervision unit"),
    "party_statement_project": (
        "确认测试已按计划执行，结果真实完整。",
        "Confirms the tests were executed as planned and the results are complete and genuine.",
    ),
    "party_statement_business": (
        "确认业务功能与用户验收结果满足业务需求。",
        "Confirms the functions and UAT results meet the business requirements.",
    ),
    "party_statement_supervision": (
        "确认测试过程与结论经独立核查。",
        "Confirms the test process and verdict were independently reviewed.",
    ),
    "name": ("姓名", "Name"),
    "organisation": ("单位", "Organisation"),
    "title": ("职务", "Title"),
    "date": ("日期", "Date"),
    "signature": ("签名", "Signature"),
    "sign_here": ("数字签名处", "Digital signature"),
    "incomplete_banner": (
        "本次运行未完成：部分测试套件未能执行，报告不能作为验收依据。",
        "This run is INCOMPLETE: some suites could not run; this report cannot support acceptance.",
    ),
    # run history: "changes since baseline" (harness/reports/pdf/sections/changes.py)
    "changes": ("与基线相比的变化", "Changes since baseline"),
    "changes_intro": (
        "本节将本次运行与基线（配置 baseline: {baseline}，即{meaning}）逐个测试套件比较：安全发现按指纹比对为新增、已修复或未变，性能等指标给出变化量。",
        "This section compares each suite of this run with its baseline (profile setting baseline: {baseline}, {meaning}): security findings are matched by fingerprint as new, fixed or unchanged, and metrics show how they moved.",
    ),
    "changes_baseline_last-pass": ("此前最近一次结论为通过的运行", "the latest earlier run whose verdict was PASS"),
    "changes_baseline_previous": ("此前最近一次完成的运行", "the latest earlier finished run"),
    "changes_baseline_named": ("指定的运行或标签", "a named run or tag"),
    "changes_baseline_run": ("基线运行", "Baseline run"),
    "changes_new": ("新增", "New"),
    "changes_fixed": ("已修复", "Fixed"),
    "changes_unchanged": ("未变", "Unchanged"),
    "changes_note": ("说明", "Note"),
    "changes_new_findings": ("新增安全发现（{count} 项）", "New findings ({count})"),
    "changes_fixed_findings": ("已修复的安全发现（{count} 项）", "Fixed findings ({count})"),
    "changes_none": ("无。", "None."),
    "changes_risk": ("风险", "Risk"),
    "changes_finding": ("发现（规则 · 指纹）", "Finding (rule · fingerprint)"),
    "changes_risk_critical": ("严重", "critical"),
    "changes_risk_high": ("高", "high"),
    "changes_risk_medium": ("中", "medium"),
    "changes_risk_low": ("低", "low"),
    "changes_risk_info": ("信息", "info"),
    "changes_metrics": ("指标变化", "Metric changes"),
    "changes_metric": ("指标（接口）", "Metric (endpoint)"),
    "changes_before": ("基线", "Baseline"),
    "changes_now": ("本次", "This run"),
    "changes_change": ("变化", "Change"),
    "changes_metrics_unchanged": (
        "另有 {count} 项指标与基线相同，未列出。",
        "{count} more metrics are the same as in the baseline.",
    ),
    "changes_more": (
        "另有 {count} 行未列出，详见 run.json 与 summary.json。",
        "{count} more rows: see run.json and summary.json.",
    ),
}


class Translator:
    def __init__(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ExportError(f"unsupported report language {language!r}; use one of {', '.join(LANGUAGES)}")
        self.language = language
        self._index = LANGUAGES.index(language)

    def __call__(self, key: str, **values: object) -> str:
        pair = TEXT.get(key)
        if pair is None:
            raise KeyError(f"no report text {key!r}")
        text = pair[self._index]
        return text.format(**values) if values else text

    def optional(self, key: str, fallback: str) -> str:
        """The translation of ``key`` if there is one (e.g. a suite kind from a plug-in), else ``fallback``."""
        return self(key) if key in TEXT else fallback
