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
    # --- performance section (issue 4: Locust runs, JMeter JTL and Locust CSV imports) ---
    "perf_requests": ("请求总数", "Requests"),
    "perf_failures": ("失败请求", "Failed"),
    "perf_error_rate": ("错误率", "Error rate"),
    "perf_rps": ("吞吐量", "Throughput"),
    "perf_users": ("峰值并发用户", "Peak users"),
    "perf_avg": ("平均响应时间", "Average"),
    "perf_avg_short": ("平均", "Avg"),
    "perf_max_short": ("最大", "Max"),
    "perf_per_second": ("{value} 次/秒", "{value}/s"),
    "perf_chart_percentiles": ("响应时间百分位趋势", "Response-time percentiles over time"),
    "perf_chart_throughput": ("吞吐量与并发用户数趋势", "Throughput and users over time"),
    "perf_axis_time": ("测试时间", "Test time"),
    "perf_axis_ms": ("响应时间（毫秒）", "Response time (ms)"),
    "perf_axis_rps": ("请求/秒", "Requests per second"),
    "perf_axis_users": ("并发用户数", "Users"),
    "perf_series_rps": ("吞吐量（请求/秒）", "Requests/s"),
    "perf_series_failures": ("失败/秒", "Failures/s"),
    "perf_series_users": ("并发用户数", "Users"),
    "perf_abort_marker": ("中止", "stopped"),
    "perf_no_timeseries": (
        "结果中没有按时间记录的数据，因此没有趋势图。",
        "The results hold no timeseries, so there are no charts.",
    ),
    "perf_endpoints": ("各接口性能", "Results per endpoint"),
    "perf_endpoint": ("接口", "Endpoint"),
    "perf_total": ("合计", "Total"),
    "perf_more_endpoints": (
        "另有 {count} 个接口未列出，详见 run.json。",
        "{count} more endpoints are not listed: see run.json.",
    ),
    "perf_top_failures": ("主要失败原因", "Top failures"),
    "perf_failure": ("失败信息", "Error"),
    "perf_occurrences": ("次数", "Count"),
    "perf_failure_endpoints": ("涉及接口", "Endpoints"),
    "perf_no_failures": ("全部请求均成功，没有失败记录。", "Every request succeeded: no failures."),
    "perf_more_failures": (
        "另有 {count} 类失败未列出，详见原始结果文件。",
        "{count} more kinds of failure are not listed: see the raw result files.",
    ),
    "perf_aborted": (
        "测试已被提前中止：验收标准 {criterion} 在第 {since:.0f} 秒至第 {at:.0f} 秒持续成立。",
        "The test was stopped early: criterion {criterion} held from {since:.0f}s to {at:.0f}s.",
    ),
    "perf_workers_lost": (
        "运行期间丢失了 {lost} 个负载节点（共 {expected} 个）；结果包含其丢失前上报的数据。",
        "{lost} of {expected} load workers were lost during the run; the results include what they reported before.",
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
