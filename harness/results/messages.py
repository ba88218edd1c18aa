"""Sentences the harness writes into results — suite notes, stop stories, criterion messages, verdict
reasons — as catalogue keys with parameters, in every report language.

A runner writes ``message("note.import.sources", files="a.jtl")``; run.json keeps the key, the parameters and
the English text, and the report renders the key in its own language. Parameters are numbers, identifiers,
text from a tool (kept as it is) or nested messages (rendered in the same language). Format specs in the
templates (``{elapsed:.0f}``) apply to the parameter values.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping

from harness.results.model import Message, StopRecord, Text

LANGUAGES = ("zh-CN", "en")

Param = str | int | float | Message

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (zh-CN, en)
    # --- verdict reasons (harness/gates/) ---
    "reason.interrupted": ("本次运行被中断。", "the run was interrupted"),
    "reason.suite_error": (
        "测试套件 {suite} 未能执行（原因见“测试结果详情”中该套件的说明）。",
        "suite {suite} could not run: {detail}",
    ),
    "reason.suite_stopped": ("测试套件 {suite} {stop}", "suite {suite} {stop}"),
    "reason.criterion_failed": (
        "{suite}：验收标准 {expression} 不满足（实测 {measured}）。",
        "{suite}: {expression} failed (measured {measured})",
    ),
    "reason.criterion_failed_bare": ("{suite}：验收标准 {expression} 不满足。", "{suite}: {expression} failed"),
    "reason.criterion_failed_partial": (
        "{suite}：验收标准 {expression} 不满足（实测 {measured}）；该套件虽被提前停止，但此指标只增不减，已收集的结果已足以判定不满足。",
        "{suite}: {expression} failed (measured {measured}) on what the suite gathered before it was cut short; "
        "the value can only get worse, so the failure is final",
    ),
    "reason.criterion_open": (
        "{suite}：验收标准 {expression} 无法最终判定：该套件被提前停止，目前实测 {measured}。",
        "{suite}: {expression} could not be judged: the suite was cut short (measured so far {measured})",
    ),
    "reason.criterion_not_evaluated": (
        "{suite}：验收标准 {expression} 无法评估：{why}",
        "{suite}: {expression} could not be evaluated: {why}",
    ),
    "reason.failed_without_criteria": (
        "测试套件 {suite} 结果为失败，且没有任何验收标准可以接受该结果。",
        "suite {suite} failed and has no acceptance criterion that accepts its result",
    ),
    "reason.tolerated_tests": (
        "说明：测试套件 {suite} 有 {bad} 个用例失败或出错（共 {tests} 个），其验收标准均已满足，因此不影响结论。",
        "note: suite {suite} had {bad} failed or errored tests of {tests}; its acceptance criteria accept that",
    ),
    "reason.tolerated_requests": (
        "说明：测试套件 {suite} 有 {bad} 个请求失败（共 {requests} 个），其验收标准均已满足，因此不影响结论。",
        "note: suite {suite} had {bad} failed requests of {requests}; its acceptance criteria accept that",
    ),
    "reason.tolerated": (
        "说明：测试套件 {suite} 的结果为失败，但其验收标准均已满足，因此不影响结论。",
        "note: suite {suite} reported failures; its acceptance criteria accept them",
    ),
    # --- criterion messages ---
    "criterion.suite_not_run": ("该套件未执行（状态：{status}）", "suite {status}"),
    "criterion.metric_missing": (
        "套件没有指标 {name}（现有指标：{available}）",
        "suite {suite!r} has no metric {name!r}{hint}; it has: {available}",
    ),
    "criterion.endpoint_missing": ("套件没有接口 {name}", "suite {suite!r} has no endpoint {name!r}{hint}"),
    "criterion.all_skipped": (
        "全部用例均被跳过，没有可计算的通过率",
        "every test was skipped: there is no pass rate to judge",
    ),
    "criterion.division_by_zero": ("计算中出现除以零", "division by zero"),
    "criterion.partial_final": (
        "按提前停止前收集的结果判定；该指标只增不减，结论不会再改变",
        "judged on what the suite gathered before it was cut short; the value can only move one way, so this "
        "outcome is final",
    ),
    "criterion.partial_open": (
        "套件被提前停止，此为不完整结果上的实测值，无法最终判定",
        "the suite was cut short: measured on partial results, which could still change the outcome",
    ),
    "criterion.window_held": (
        "在记录的时间序列中从第 {since:.0f} 秒持续到第 {at:.0f} 秒",
        "held from {since:.0f}s to {at:.0f}s of the recorded timeseries",
    ),
    "criterion.window_never": ("从未触发", "never triggered"),
    "criterion.window_no_timeseries": (
        "没有可用于检查持续时间窗口的时间序列",
        "no timeseries to check the 'for' window against",
    ),
    "criterion.window_no_values": (
        "时间序列中没有此标准所需的数值",
        "the timeseries has no values for this criterion",
    ),
    # --- how a suite was cut short (StopRecord) ---
    "stop.after": ("运行 {elapsed:.0f} 秒后被提前停止", "stopped early after {elapsed:.0f} s"),
    "stop.early": ("被提前停止", "stopped early"),
    "stop.story": ("{when}：{why}", "{when} because {why}"),
    "stop.time-cap": (
        "触发了{cap}时限（{limit:.0f} 秒）；如需更长时间，请调大配置项 {option}",
        "the {cap} time cap ({limit:.0f} s) fired; raise {option} to allow more",
    ),
    "stop.time-cap.bare": ("触发了{cap}时限", "the {cap} time cap fired"),
    "stop.cancelled": ("运行被取消（{detail}）", "the run was cancelled ({detail})"),
    "stop.cancelled.signal": ("运行被取消（收到 {signal} 信号）", "the run was cancelled ({signal} received)"),
    "stop.tool-died": ("测试工具在运行中途退出", "the tool exited before the end"),
    "stop.target-lost": ("被测系统停止响应", "the target stopped answering"),
    "stop.story.other": ("{when}（原因见工具输出）", "{when}: {detail}"),
    "cap.max_minutes": ("扫描总时长 max_minutes ", "max_minutes (whole scan)"),
    "cap.per-module timeout": ("单个扫描模块的", "per-module"),
    "cap.timeout": ("套件 timeout ", "suite timeout"),
    "cap.run_time": ("负载测试时长 run_time ", "run_time"),
    # --- suite notes written by runners ---
    "note.load.single": ("负载由单个 Locust 进程产生", "load generated by a single Locust process"),
    "note.load.local": (
        "负载由 1 个主控进程加 {local} 个本机工作进程产生",
        "load generated by 1 master + {local} local worker(s)",
    ),
    "note.load.remote": (
        "负载由 1 个主控进程加 {remote} 个远程工作节点（经 {master}）产生",
        "load generated by 1 master + {remote} remote worker(s) via {master}",
    ),
    "note.load.mixed": (
        "负载由 1 个主控进程加 {local} 个本机工作进程与 {remote} 个远程工作节点（经 {master}）产生",
        "load generated by 1 master + {local} local worker(s) + {remote} remote worker(s) via {master}",
    ),
    "note.load.workers_lost_users": (
        "运行期间丢失了 {lost} 个负载节点（共 {expected} 个；{workers}）；并发用户数峰值 {peak:g}，按时间加权平均 {mean:g}；"
        "结果包含其丢失前上报的数据",
        "{lost} of {expected} workers were lost during the run ({workers}); users: {peak:g} at the peak, {mean:g} on "
        "average over the test; the figures include what they reported before",
    ),
    "note.load.workers_lost": (
        "运行期间丢失了 {lost} 个负载节点（共 {expected} 个；{workers}）；结果包含其丢失前上报的数据",
        "{lost} of {expected} workers were lost during the run ({workers}); the figures include what they "
        "reported before",
    ),
    "note.load.aborted": (
        "因中止标准 {criterion} 成立，测试被提前停止",
        "stopped early by the abort criterion {criterion}",
    ),
    "note.load.cpu": (
        "负载生成机的 CPU 使用率超过 90%：结果可能低估被测系统的实际能力",
        "the load generator's CPU went above 90 %: the figures may understate what the target can do",
    ),
    "note.load.exit": ("Locust 异常结束（{code}）：{last}（工具原文）", "Locust ended ({code}): {last}"),
    "note.load.html": (
        "Locust 自身的 HTML 报告已作为 locust.html 附上",
        "Locust's own HTML report is attached as locust.html",
    ),
    "note.security.scan.baseline": (
        "使用 {engine} 对 {url} 进行被动基线扫描",
        "baseline scan of {url} with {engine}",
    ),
    "note.security.scan.full": (
        "使用 {engine} 对 {url} 进行完整扫描（含主动攻击）",
        "full scan of {url} with {engine}",
    ),
    "note.security.scan.api": ("使用 {engine} 对 {url} 进行 API 扫描", "api scan of {url} with {engine}"),
    "note.security.policy.critical": (
        "判定规则（fail_on: critical）：规则配置未列出的发现项，严重判为不通过，高危与中危为警告，低危与提示为提示",
        "findings of rules not listed in the rule configuration: critical FAIL, high and medium WARN, low and "
        "info INFO (fail_on: critical)",
    ),
    "note.security.policy.high": (
        "判定规则（fail_on: high）：规则配置未列出的发现项，严重与高危判为不通过，中危为警告，低危与提示为提示",
        "findings of rules not listed in the rule configuration: critical and high FAIL, medium WARN, low and "
        "info INFO (fail_on: high)",
    ),
    "note.security.policy.medium": (
        "判定规则（fail_on: medium）：规则配置未列出的发现项，严重、高危与中危判为不通过，低危与提示为提示",
        "findings of rules not listed in the rule configuration: critical, high and medium FAIL, low and info "
        "INFO (fail_on: medium)",
    ),
    "note.security.policy.low": (
        "判定规则（fail_on: low）：规则配置未列出的发现项，低危及以上判为不通过，提示为提示",
        "findings of rules not listed in the rule configuration: low and above FAIL, info INFO (fail_on: low)",
    ),
    "note.security.policy.never": (
        "判定规则（fail_on: never）：规则配置未列出的发现项均不判为不通过（中危及以上为警告）",
        "findings of rules not listed in the rule configuration never FAIL (medium and above WARN; fail_on: never)",
    ),
    "note.security.policy.single": (
        "判定规则（default_action）：规则配置未列出的发现项一律按 {action} 处理，不论风险等级",
        "findings of rules not listed in the rule configuration all get {action}, whatever their risk (default_action)",
    ),
    "note.import.sources": ("结果导入自 {files}", "imported from {files}"),
    "note.uat.checklist": ("验收清单 {file}：{name} {version}", "checklist {file}: {name} {version}"),
    "note.uat.checks_off": (
        "未运行自动检查（run_checks: false）",
        "automated checks not run (run_checks: false)",
    ),
    "note.jtl.samples": (
        "共 {samples} 个取样，来自 {files} 个 JMeter 结果文件",
        "{samples} samples from {files} JMeter result file(s)",
    ),
    "note.jtl.sub_samples": (
        "{count} 个嵌套子取样按 JMeter 的方式计入其父取样",
        "{count} nested sub-samples are counted within their parent samples, as JMeter does",
    ),
    "note.jtl.transactions": (
        "{count} 个事务控制器取样按标签列出，但不计入合计",
        "{count} transaction-controller samples are listed per label but not in the totals",
    ),
    "note.jtl.folded": (
        "不同标签过多：其余标签合并为 {label}",
        "more than the first labels' worth of distinct labels: the rest are in {label!r}",
    ),
    # --- security engines (harness/runners/security/) ---
    "note.security.servers_replaced": (
        "OpenAPI 中的服务器地址 {servers} 已替换为被测系统地址 {url}",
        "OpenAPI servers {servers} replaced by the target {url}",
    ),
    "note.security.proxy_refused": (
        "范围代理拒绝了 {count} 个超出测试范围或被排除的请求：{examples}",
        "the scope proxy refused {count} request(s) outside the scope or excluded: {examples}",
    ),
    "note.security.out_of_scope_dropped": (
        "已丢弃 {count} 条位于测试范围之外主机上的告警",
        "{count} alerts on hosts outside the scope were dropped",
    ),
    "note.security.coverage_incomplete": (
        "扫描覆盖信息不完整：{detail}（原文）",
        "coverage incomplete: {detail}",
    ),
    "note.security.instances_capped": (
        "共报告 {raw} 个告警实例，列出 {kept} 个：相同实例只列一次，每个发现最多列出 {limit} 个（出现次数仍按原始计数）",
        "{raw} alert instances reported, {kept} listed: identical instances are listed once and at most {limit} "
        "per finding (each finding's occurrences keep its raw count)",
    ),
    "note.security.false_positives": (
        "{count} 条告警被标记为误报：单独列出，不计入统计",
        "{count} alert(s) marked false positive: listed, not counted",
    ),
    "note.wapiti.no_report": ("wapiti 在被停止前未写出报告", "wapiti wrote no report before it was stopped"),
    "note.zap.started": (
        "ZAP {version} 由 harness 启动，API 地址 {url}",
        "ZAP {version} started by the harness on {url}",
    ),
    "note.zap.report_failed": ("未能生成 ZAP 报告：{detail}（引擎原文）", "ZAP report not generated: {detail}"),
    "note.zap.alerts_read": (
        "ZAP 中 {base} 共有 {held} 条告警，实际读取 {read} 条",
        "ZAP holds {held} alerts for {base}; {read} were read",
    ),
    "note.zap.undo_failed": ("未能撤销对 ZAP 所做的更改：{problems}（原文）", "could not undo in ZAP: {problems}"),
    "note.zap.stale_rule_removed": (
        "已删除先前运行遗留在 ZAP 中的替换规则 {rule}",
        "removed replacer rule {rule!r} left in ZAP by an earlier run",
    ),
    "note.zap.header_by_replacer": (
        "认证请求头由 ZAP 的替换器（replacer）只发送至 {url}",
        "auth header(s) sent by ZAP's replacer to {url} only",
    ),
    "note.zap.header_by_proxy": (
        "ZAP {version} 的替换器无法把请求头限定于单一来源：改由 harness 的范围代理只向 {origin} 的请求添加认证请求头",
        "ZAP {version}'s replacer cannot limit a header to one origin: the harness's scope proxy adds the auth "
        "header(s) to requests to {origin} only",
    ),
    "note.zap.openapi_imported": (
        "OpenAPI 已导入 ZAP（{count} 条警告）",
        "OpenAPI imported into ZAP ({count} warnings)",
    ),
    "note.zap.openapi_warning": ("OpenAPI 导入警告：{warning}（引擎原文）", "OpenAPI import: {warning}"),
    "note.zap.spider_stopped": (
        "爬虫运行 {minutes:g} 分钟后在 {progress}% 处停止",
        "spider stopped at {progress}% after {minutes:g} min",
    ),
    "note.zap.ajax_spider_stopped": (
        "AJAX 爬虫运行 {minutes:g} 分钟后停止",
        "AJAX spider stopped after {minutes:g} min",
    ),
    "note.zap.passive_not_drained": (
        "被动扫描队列在 {minutes:g} 分钟后仍未处理完（剩余 {left} 条记录；zap.passive_wait_minutes 可延长等待）",
        "passive scan queue not drained after {minutes:g} min ({left} records left; zap.passive_wait_minutes "
        "raises the wait)",
    ),
    # --- access control (harness/runners/access/) ---
    "note.access.matrix": (
        "对 {url} 检查访问控制矩阵：{roles} 个角色（含未登录）× {endpoints} 个接口，共 {cells} 个单元格，已判定 {tested} 个",
        "access matrix checked at {url}: {roles} roles (anonymous included) x {endpoints} endpoints, {cells} cells, "
        "{tested} decided",
    ),
    "skip.access.unlisted": ("矩阵未给出该角色对此接口的预期", "the matrix gives no expectation for this role"),
    "skip.access.inconclusive": (
        "应答 {answer} 既不表示允许也不表示拒绝，无法判定",
        "the answer ({answer}) means neither allowed nor denied",
    ),
    "skip.access.cut_short": ("未运行：检查被提前停止", "not run: the check was cut short"),
    # --- parallel run (harness/runners/parallel/) ---
    "setup.parallel-run.requests": ("请求集无法使用：{problem}", "the request set cannot be used: {problem}"),
    "setup.parallel-run.system": (
        "{system} 系统无法使用：{problem}",
        "the {system} system cannot be used: {problem}",
    ),
    "setup.parallel-run.no_candidate": (
        "未给出 candidate（新系统），且配置文件的被测系统没有可用的地址",
        "no candidate (new system) given, and the profile's target has no usable base_url",
    ),
    "setup.parallel-run.database": (
        "{system} 系统的数据库 {url} {problem}",
        "the {system} system's database {url} {problem}",
    ),
    "note.parallel.replay": (
        "将 {source} 中的 {requests} 个请求同时发往旧系统（{primary}）和新系统（{candidate}），逐字段比较应答",
        "{requests} requests of {source} replayed against the old system ({primary}) and the new system "
        "({candidate}), answers compared field by field",
    ),
    "note.parallel.har": (
        "HAR 文件：重放来源 {origin} 的 {used} 个请求，跳过其他来源的 {skipped} 个",
        "HAR file: {used} requests of {origin} replayed, {skipped} of other origins skipped",
    ),
    "note.parallel.openapi": (
        "OpenAPI 文档：生成 {used} 个 GET 请求；{skipped} 个操作因参数没有示例值而跳过",
        "OpenAPI document: {used} GET requests derived; {skipped} operations skipped (a parameter without an "
        "example value)",
    ),
    "note.parallel.capped": (
        "请求集共 {total} 个请求，按 max_requests 只重放前 {limit} 个",
        "the request set has {total} requests; only the first {limit} were replayed (max_requests)",
    ),
    "note.parallel.noise": (
        "第二个旧系统实例（{secondary}）与旧系统之间有 {fields} 个字段不同：这些字段视为噪声，不计为差异",
        "a second old instance ({secondary}) differed from the old system in {fields} fields: these are noise "
        "and not counted as mismatches",
    ),
    "note.parallel.no_secondary": (
        "未配置第二个旧系统实例：所有差异均计入，未做噪声过滤",
        "no second old instance (secondary): every difference counts, none is filtered as noise",
    ),
    "note.parallel.data": (
        "数据一致性：对旧系统数据库 {primary} 和新系统数据库 {candidate} 的 {tables} 张表执行相同的 SQL 检查",
        "data consistency: the same SQL checks of {tables} tables on the old system's database {primary} and "
        "the new system's database {candidate}",
    ),
    "skip.security.cut_short": ("未运行：扫描被提前停止", "not run: the scan was cut short"),
    "skip.security.not_requested": ("扫描引擎未请求该接口", "the scan engine did not request it"),
    "skip.zap.status": ("ZAP 报告的状态：{status}（引擎原文）", "ZAP: {status}"),
    "skip.refused.internet_database": ("会从互联网下载其数据库", "downloads its database from the internet"),
    "skip.refused.external_dns": ("会解析并连接外部 DNS 端点", "resolves and contacts an external DNS endpoint"),
    "skip.refused.other_hosts_dns": ("会查询其他主机的 DNS", "queries DNS for other hosts"),
    "skip.refused.external_endpoint": (
        "需要测试范围之外的外部端点",
        "needs an external endpoint outside the target scope",
    ),
    "skip.refused.password_lists": (
        "会对被测系统尝试密码字典（不属于扫描）",
        "tries password lists against the target (not a scan)",
    ),
    "skip.security.excluded": ("匹配排除规则 {regex}", "matches exclude {regex!r}"),
    # --- monitoring (harness/runners/monitoring/) ---
    "note.monitoring.window": (
        "SLI 由 Prometheus（{url}）在 {start} 至 {end}（{length}，{source}，两端各加 {padding}）的时间窗口内测得",
        "SLIs measured by Prometheus at {url} over {start} to {end} ({length}: {source}, {padding} added at each end)",
    ),
    "note.monitoring.local": (
        "Prometheus 由本工具在本机启动，自被测系统启动起每 {interval} 抓取 {scrape_url}",
        "Prometheus started by the harness on this machine, scraping {scrape_url} every {interval} since the "
        "target started",
    ),
    "note.monitoring.not_measured": ("SLI {name} 未测得：{reason}", "SLI {name} not measured: {reason}"),
    "note.monitoring.warning": (
        "Prometheus 对 SLI {name} 的警告：{warning}（原文）",
        "Prometheus warned about SLI {name}: {warning}",
    ),
    "setup.monitoring.outside_scope": (
        "Prometheus 地址 {url} 不在被测系统的测试范围（target.scope）内：把它的主机加入 scope，或换用范围内的地址",
        "Prometheus at {url} is outside the target's scope: add its host to target.scope or use one inside it",
    ),
    "setup.monitoring.unreachable": (
        "无法访问 Prometheus（{url}）：{reason}（原文）；检查 prometheus.url 以及 Prometheus 是否在运行",
        "Prometheus at {url} did not answer: {reason}; check prometheus.url and that Prometheus runs",
    ),
    "setup.monitoring.not_ready": (
        "Prometheus（{url}）尚未就绪：/-/ready 应答 {answer}（原文）",
        "Prometheus at {url} is not ready: /-/ready answered {answer}",
    ),
    "setup.monitoring.no_binary": (
        "找不到程序 {binary}：安装 Debian 的 prometheus 软件包（以 root 运行 scripts/setup.sh 即会安装），或在 prometheus.binary 中给出路径",
        "program {binary} not found: install Debian's prometheus package (scripts/setup.sh does as root) or give "
        "its path in prometheus.binary",
    ),
    "setup.monitoring.local_failed": (
        "本机 Prometheus 未能启动：{reason}（原文）",
        "the local Prometheus did not start: {reason}",
    ),
    "setup.monitoring.no_local": (
        "prometheus.start: local 需要被测系统在本次运行中可用（Prometheus 随被测系统一起启动）",
        "prometheus start: local needs the run's target up: the local Prometheus starts with it",
    ),
    "setup.monitoring.scrape_failed": (
        "Prometheus 无法抓取 {url}：{error}（原文）；被测系统须在该路径提供指标（演示系统：target.demo.metrics: true）",
        "Prometheus could not scrape {url}: {error}; the target must serve metrics there (the demo does with "
        "target.demo.metrics: true)",
    ),
    "setup.monitoring.no_scrape_after": (
        "Prometheus 在时间窗口结束后 {seconds:.0f} 秒内未再抓取被测系统，窗口末尾的数据不完整",
        "Prometheus did not scrape the target within {seconds:.0f} s after the window's end: its last part "
        "would be missing",
    ),
    "setup.monitoring.window": ("无法确定时间窗口：{reason}", "no window to measure over: {reason}"),
    "setup.monitoring.none_measured": (
        "{count} 个 SLI 均未测得（{names}），SLO 无法评估；各自的原因见下",
        "none of the {count} SLIs could be measured ({names}), so the SLOs cannot be judged",
    ),
    "setup.monitoring.some_unmeasured": (
        "{count} 个 SLI 中有 {unmeasured} 个未测得（{names}），SLO 无法完整评估；各自的原因见下",
        "{unmeasured} of {count} SLIs not measured ({names}), so the SLOs cannot be judged",
    ),
    "note.monitoring.clamped": (
        "时间窗口从本机 Prometheus 首次抓取被测系统的时间 {first} 开始（此前没有数据）",
        "the window starts at {first}, when the local Prometheus first scraped the target (it has no data before)",
    ),
    "monitoring.window_suite_missing": (
        "套件 {suite} 未在本套件之前运行（之前运行的套件：{ran}）；它必须在 suites 中排在前面并被选中",
        "suite {suite} did not run before this one in this run (ran before: {ran}); it must come earlier in "
        "suites and be selected",
    ),
    "monitoring.window_suite_not_run": (
        "套件 {suite} 没有运行（状态 {status}），没有时间窗口",
        "suite {suite} did not run (status {status}): it has no window",
    ),
    "monitoring.window_before_local": (
        "时间窗口在本机 Prometheus 开始抓取（{first}）之前就已结束，它没有该窗口的数据",
        "the window ended before the local Prometheus first scraped the target ({first}): it has no data for it",
    ),
    "monitoring.window_empty": ("套件 {suites} 的时间窗口为空", "the window of suites {suites} is empty"),
    "monitoring.empty": (
        "查询结果为空（没有任何时间序列）：空结果不是数值；若“没有”即表示 0，请在查询中写明 or vector(0)",
        "the query returned no series: an empty result is not a value (where none means 0, say so: or vector(0))",
    ),
    "monitoring.several": (
        "查询返回 {count} 个时间序列（{labels}），而 SLI 需要一个数值：用 sum、max 或 avg 等聚合为一个",
        "the query returned {count} series ({labels}) where one number is needed: aggregate them (sum, max, avg)",
    ),
    "monitoring.nan": (
        "查询结果为 NaN（窗口内没有数据，例如没有请求时的速率或 0/0）",
        "the query returned NaN (no data in the window, e.g. a rate of no requests, or 0/0)",
    ),
    "monitoring.infinite": (
        "查询结果为 {value}（例如分位数落在直方图最高的有限桶之上）",
        "the query returned {value} (e.g. the quantile lies above the histogram's highest finite bucket)",
    ),
    "monitoring.range_vector": (
        "查询返回的是区间向量：用 rate()、avg_over_time() 等函数包裹，或设置 over 在窗口内逐步求值",
        "the query returns a range vector: wrap it in rate(), avg_over_time() or similar, or set over",
    ),
    "monitoring.no_finite_points": (
        "窗口内的 {points} 个取值都不是有限数值",
        "none of the {points} values in the window is a finite number",
    ),
    "monitoring.string_result": ("查询返回的是字符串，不是数值", "the query returned a string, not a number"),
    "monitoring.not_a_number": ("查询返回的取值不是数值", "the query returned a value that is not a number"),
    "monitoring.unexpected_answer": (
        "Prometheus 的应答类型 {kind} 无法用作 SLI",
        "Prometheus answered a {kind}, not a value",
    ),
    "monitoring.query_error": (
        "Prometheus 拒绝了该查询（HTTP {status}，{type}）：{error}（原文）",
        "Prometheus refused the query (HTTP {status}, {type}): {error}",
    ),
    "monitoring.request_failed": ("查询请求失败：{reason}（原文）", "the query request failed: {reason}"),
    "monitoring.cancelled": ("运行被取消，未查询", "not queried: the run was cancelled"),
    # --- canary: a release judged against its baseline by statistics (harness/runners/canary/) ---
    "setup.canary.no_baseline": (
        "灰度发布套件未指定 baseline，而配置文件的被测系统没有可用地址：请在套件的 options 中写出 baseline",
        "the canary suite names no baseline and the profile's target has no base_url: give options.baseline",
    ),
    "setup.canary.unreachable": (
        "{role} 部署不可用：{reason}（原文）；请确认其已启动且地址正确",
        "the {role} deployment is unusable: {reason}; check that it is running and its address is right",
    ),
    "setup.canary.out_of_scope": (
        "{role} 部署的地址不在配置文件的测试范围（target.scope）内：{detail}（原文）；请把该主机加入 target.scope",
        "the {role} deployment is outside the profile's target.scope: {detail}; add its host to target.scope",
    ),
    "setup.canary.same": (
        "baseline 与 canary 指向同一地址 {url}：灰度发布须比较两个不同的部署",
        "baseline and canary are the same deployment ({url}): a canary must be compared with another one",
    ),
    "setup.canary.locustfile": ("找不到 locustfile：{path}", "locustfile not found: {path}"),
    "setup.canary.load_failed": (
        "对 {role} 部署的负载未能完成，无从比较：{detail}（原文）",
        "the load on the {role} deployment failed, so there is nothing to compare: {detail}",
    ),
    "setup.canary.no_samples": (
        "Locust 未记录 {role} 部署的逐请求样本：{detail}（原文）",
        "Locust recorded no per-request samples of the {role} deployment: {detail}",
    ),
    "note.canary.load": (
        "同时对 baseline {baseline} 与 canary {canary} 施加相同负载：各 {users} 个并发用户，持续 {run_time:g} 秒，"
        "前 {warmup:g} 秒为预热，不计入比较",
        "the same load on baseline {baseline} and canary {canary} at once: {users} users each for {run_time:g} s; "
        "the first {warmup:g} s are warm-up, left out of the comparison",
    ),
    "note.canary.requests": (
        "{role}：共 {requests} 个请求，其中 {failures} 个失败",
        "{role}: {requests} requests, {failures} failed",
    ),
    "note.canary.sampled": (
        "{role}：请求数超过 {limit}，统计检验使用其中均匀随机抽取的 {limit} 个请求",
        "{role}: more than {limit} requests; the tests use a uniform random sample of {limit} of them",
    ),
    "note.canary.method": (
        "判定方法：每个指标做单侧 Mann-Whitney U 检验（显著性水平 α = {alpha:g}），显著且效应量超过阈值才判为退化；"
        "评分 = 各指标得分（通过 100、临界 50、失败 0）的加权平均",
        "method: a one-sided Mann-Whitney U test per metric (significance level α = {alpha:g}); a metric regressed "
        "only when the difference is significant and its effect size passes the threshold; the score is the "
        "weighted mean of the metrics' points (pass 100, marginal 50, fail 0)",
    ),
    "note.canary.not_judged": (
        "指标 {metric} 未判定：{why}",
        "metric {metric} was not judged: {why}",
    ),
    "note.canary.no_score": (
        "{unjudged} 个指标（共 {total} 个）未判定，不足以给出评分：相关验收标准无法评估",
        "{unjudged} of {total} metrics were not judged, too many for a score: criteria on it cannot be evaluated",
    ),
    "canary.metric.latency": ("响应时间", "latency"),
    "canary.metric.error_rate": ("错误率", "error rate"),
    "canary.metric.throughput": ("吞吐量", "throughput"),
    "canary.class.pass": ("通过", "pass"),
    "canary.class.marginal": ("临界", "marginal"),
    "canary.class.fail": ("失败", "fail"),
    "canary.class.not_judged": ("未判定", "not judged"),
    "canary.why.too_few": (
        "样本不足（baseline {baseline} 个、canary {canary} 个，每侧至少需要 {needed} 个）",
        "too few samples (baseline {baseline}, canary {canary}; at least {needed} needed on each side)",
    ),
    "canary.why.no_baseline": ("baseline 的中位数为 0，无法计算比值", "the baseline's median is 0: no ratio to take"),
    "canary.why.identical": ("两侧数值完全相同", "every value is the same on both sides"),
    "canary.why.not_significant": (
        "差异不显著（p ≥ α）：没有证据表明 canary 更差",
        "not significant (p ≥ α): no evidence that the canary is worse",
    ),
    "canary.why.trivial": (
        "差异显著，但中位数之差小于 min_difference，可忽略",
        "significant, but the medians differ by less than min_difference",
    ),
    "canary.why.small": (
        "差异显著，但效应量未达临界阈值",
        "significant, but the effect is below the marginal threshold",
    ),
    "canary.why.marginal": (
        "差异显著，效应量介于临界阈值与失败阈值之间",
        "significant, with an effect between the marginal and the fail threshold",
    ),
    "canary.why.large": ("差异显著，效应量超过失败阈值", "significant, with an effect beyond the fail threshold"),
    "canary.effect.ratio": ("中位数之比 {value}", "median ratio {value}"),
    "canary.effect.increase": ("错误率变化 {value}", "error rate change {value}"),
    "canary.threshold.latency": (
        "临界 ≥ {marginal}，失败 ≥ {fail}，且差值 ≥ {difference}",
        "marginal ≥ {marginal}, fail ≥ {fail}, and a difference ≥ {difference}",
    ),
    "canary.threshold.error_rate": ("临界 ≥ +{marginal}，失败 ≥ +{fail}", "marginal ≥ +{marginal}, fail ≥ +{fail}"),
    "canary.threshold.throughput": ("临界 ≤ {marginal}，失败 ≤ {fail}", "marginal ≤ {marginal}, fail ≤ {fail}"),
    "canary.case.judged": (
        "{classification}：{why}；p 值 {p_value}，{effect}",
        "{classification}: {why}; p-value {p_value}, {effect}",
    ),
    "canary.case.not_judged": ("{classification}：{why}", "{classification}: {why}"),
    "canary.pdf.score": (
        "评分 {score} / 100：{passed} 个指标通过、{marginal} 个临界、{failed} 个失败、{unjudged} 个未判定",
        "score {score} / 100: {passed} metric(s) pass, {marginal} marginal, {failed} fail, {unjudged} not judged",
    ),
    "canary.pdf.metric": ("指标", "Metric"),
    "canary.pdf.baseline": ("baseline（中位数 · P95 · 样本数）", "Baseline (median · p95 · n)"),
    "canary.pdf.canary": ("canary（中位数 · P95 · 样本数）", "Canary (median · p95 · n)"),
    "canary.pdf.test": ("p 值 · Cliff's δ", "p-value · Cliff's δ"),
    "canary.pdf.effect": ("效应量（阈值）", "Effect (thresholds)"),
    "canary.pdf.classification": ("判定", "Classification"),
    "canary.pdf.rate": ("错误率 {rate} · 样本数 {n}", "error rate {rate} · n {n}"),
    "canary.pdf.per_second": ("{value}/秒", "{value}/s"),
    "canary.pdf.legend": (
        "样本：响应时间为成功请求的逐请求耗时；错误率为逐请求的成败；吞吐量为每整秒完成的请求数。检验假设各样本相互独立"
        "（负载下相邻请求并非完全独立，p 值因而偏乐观，效应量阈值用于防止把微小差异判为退化）。",
        "samples: latency is each successful request's response time; error rate each request's outcome; "
        "throughput the requests completed in each whole second. The test assumes independent samples (under "
        "load, neighbouring requests are not quite independent, so p-values are optimistic; the effect "
        "thresholds keep trivial differences from counting as regressions).",
    ),
    # --- importers (harness/results/importers/) ---
    "note.import.skipped_files": (
        "所给目录中有 {count} 个文件不是 {what} 格式，未读取：{examples}",
        "{count} file(s) in the given directories are not {what} and were not read: {examples}",
    ),
    "note.import.encoding_assumed": (
        "{file} 未声明编码（无字节顺序标记），根据内容检测按 {label} 读取",
        "{file}: declares no encoding (no byte-order mark); read as {label}, detected from its content",
    ),
    "note.allure.retries_folded": (
        "重试用例的 {count} 次较早尝试已合并到其最后一次尝试",
        "{count} earlier attempt(s) of retried tests folded into their last attempt",
    ),
    "note.allure.attachments_missing": (
        "{count} 个被引用的附件文件不存在：{examples}",
        "{count} attachment file(s) referenced but missing: {examples}",
    ),
    "note.newman.collection": (
        "{file}：集合 {collection}，共 {iterations} 次迭代",
        "{file}: collection {collection!r}, {iterations} iteration(s)",
    ),
    "note.newman.error": (
        "{file}：newman 因错误停止：{detail}（工具原文）",
        "{file}: newman stopped with an error: {detail}",
    ),
    "note.junit.empty_suite": ("{file}：该 testsuite 没有测试用例", "{file}: the testsuite has no test cases"),
    "note.junit.count_mismatch": (
        "{count} 个 testsuite 声明的用例数与实际用例不符（{examples}）；所示数量来自实际用例",
        "declared test counts differ from the test cases in {count} testsuite(s) ({examples}); the counts shown "
        "come from the test cases",
    ),
    "note.junit.duplicates": (
        "{count} 个重复的用例标识作为独立用例保留，并加上 #N 后缀（{examples}）",
        "{count} repeated test id(s) kept as separate cases with #N suffixes ({examples})",
    ),
    "note.loadrunner.summary": (
        "{transactions} 个事务，来自 {files} 个 LoadRunner 汇总文件；时间为 LoadRunner 测得的值（通过的事务）",
        "{transactions} transactions from {files} LoadRunner summary file(s); times as LoadRunner measured them "
        "(passed transactions)",
    ),
    "note.loadrunner.percentiles": (
        "第 {ranks} 百分位数只按事务提供",
        "percentile {ranks} is given per transaction only",
    ),
    "failure.loadrunner.fail": ("失败的事务", "failed transactions"),
    "failure.loadrunner.stop": ("被停止的事务", "stopped transactions"),
    "failure.loadrunner.sla": ("未达到 SLA", "SLA not met"),
    # --- a stage's acceptance standard, what a run showed for each requirement (harness/stages/standard.py) ---
    "stage.verdict": ("结论 {verdict}", "{verdict}"),
    "stage.suite_status": ("套件状态：{status}", "{status}"),
    "stage.tolerated": ("有失败用例，但该套件自身的验收标准均已满足", "failed cases tolerated by its criteria"),
    "stage.not_in_run": ("本次运行不含该套件", "not in this run"),
    "stage.no_kind": ("没有运行 {kind} 类套件", "no {kind} suite ran"),
    "stage.kind_not_passed": ("未通过：{suites}", "not passed: {suites}"),
    "stage.kind_passed": ("已通过：{suites}", "passed: {suites}"),
    "stage.not_a_checklist": ("这是 {kind} 类套件，不是检查单", "a {kind} suite, not a checklist"),
    "stage.checklist_cases": (
        "{total} 个检查项中 {passed} 个记录为通过；套件状态：{status}",
        "{passed} of {total} cases recorded as passed; {status}",
    ),
    "stage.not_a_criterion": ("不是有效的验收标准：{error}（原文）", "not a criterion: {error}"),
    "stage.measured": ("实测 {measured}", "measured {measured}"),
    "stage.previous_open": ("本次运行开始时上一阶段尚未关闭", "not closed when this run started"),
    # --- run history: comparisons with the baseline (harness/history/) ---
    "history.first_run": (
        "配置 {profile} 此前没有运行过套件 {suite} 的已完成运行，暂无可比较的基线",
        "no earlier finished run of profile {profile} ran suite {suite}",
    ),
    "history.first_pass": (
        "配置 {profile} 此前没有运行过套件 {suite} 且结论为通过的运行，暂无可比较的基线",
        "no earlier PASS run of profile {profile} ran suite {suite}",
    ),
    "history.no_baseline": ("配置文件未指定基线", "the profile names no baseline"),
    "history.disabled": (
        "运行历史已关闭（history.enabled: false）",
        "the run history is disabled (history.enabled: false)",
    ),
    "history.baseline_incomplete": (
        "基线运行 {run} 中套件 {suite} 未完整运行",
        "baseline run {run} has no completed suite {suite}",
    ),
    "history.incomplete_baseline": (
        "套件 {suite} 在基线运行 {run} 中未运行完，未比较安全发现",
        "suite {suite} did not complete in {run}: findings were not compared",
    ),
    "history.incomplete_now": (
        "套件 {suite} 在本次运行中未运行完，未比较安全发现",
        "suite {suite} did not complete in this run: findings were not compared",
    ),
    "history.not_run": ("套件 {suite} 未在运行 {run} 中执行", "suite {suite} did not run in {run}"),
    "history.not_checked": ("未检查：暂无可比较的基线（{why}）", "not checked: nothing to compare with yet ({why})"),
    "note.not_selected": ("本次运行未选择该套件", "not selected for this run"),
    "note.disabled": ("该套件在配置文件中已停用（enabled: false）", "disabled in the profile (enabled: false)"),
    "verdict.partial": (
        "部分运行：仅运行了所选套件，未选择 {suites}；本结论不涵盖这些套件",
        "partial run: only the selected suites ran; {suites} not selected, and this verdict does not cover them",
    ),
    "note.not_started": ("运行已被取消，该套件未开始", "not started: {reason}"),
    "note.target_missing": ("被测系统不可用：未能启动或连接被测系统", "target unavailable: no target"),
    "note.target_unavailable": ("被测系统不可用：{reason}（原文）", "target unavailable: {reason}"),
    "note.target_stopped_answering": (
        "被测系统在运行过程中停止响应：{reason}（原文）",
        "target stopped answering: {reason}",
    ),
    # --- setup-messages: why a suite could not run (RunnerSetupError, harness/runners/, harness/pipeline.py);
    # a parameter marked （原文） is a lower layer's or a tool's own text, kept as it was written ---
    "setup.any.raw_dir": ("无法创建该套件的文件目录 {path}：{detail}（系统原文）", "cannot write {path}: {detail}"),
    "setup.any.cannot_write": (
        "无法写入该套件的文件：{detail}（系统原文）",
        "cannot write the suite's files: {detail}",
    ),
    "setup.any.cannot_write_file": (
        "无法写入该套件的文件 {file}：{detail}（系统原文）",
        "cannot write the suite's files ({file}): {detail}",
    ),
    "setup.any.crashed": ("运行器内部出错：{detail}（原文）", "runner crashed: {detail}"),
    "setup.any.out_of_scope": ("地址不在测试范围内：{detail}（原文）", "{detail}"),
    "setup.any.unreachable": ("无法连接被测系统：{detail}（原文）", "{detail}"),
    "setup.any.rules_missing": ("找不到规则文件：{path}", "rule file not found: {path}"),
    "setup.any.bad_rules": ("规则文件有误：\n{detail}（原文）", "bad rule file:\n{detail}"),
    "setup.pytest.paths_missing": ("找不到测试路径：{paths}", "test path not found: {paths}"),
    "setup.locust.locustfile_missing": ("找不到 locustfile：{path}", "locustfile not found: {path}"),
    "setup.locust.no_host": (
        "没有可施加负载的地址：被测系统没有 base_url，该套件也未指定 host",
        "no host to load: the target has no base_url and the suite gives no host",
    ),
    "setup.locust.refused": (
        "被测系统拒绝连接，未施加任何负载：{detail}（原文）",
        "the target refuses connections, no load was sent: {detail}",
    ),
    "setup.locust.abort_not_live": (
        "验收标准 {criterion} 中的 {name} 不在 Locust 的实时统计中，因此该中止标准永远不会触发；请改用以下之一：{values}"
        '（也可按接口使用，例如 endpoint("GET /x").p95）',
        "{criterion!r}: {name} is not in Locust's live statistics, so this abort criterion could never trigger; use "
        'one of {values} (also per endpoint, e.g. endpoint("GET /x").p95)',
    ),
    "setup.access.bad_matrix": ("访问控制矩阵有误：\n{detail}（原文）", "bad access matrix:\n{detail}"),
    "setup.access.no_base_url": (
        "访问控制套件需要被测系统的 base_url",
        "the access-control suite needs the target's base_url",
    ),
    "setup.access.login_failed": (
        "以角色 {role} 登录失败：{detail}（原文）",
        "login as role {role!r} failed: {detail}",
    ),
    "setup.access.step_failed": ("准备步骤 {step} 失败：{error}", "{step} failed: {error}"),
    "setup.access.step_status": (
        "准备步骤 {step} 返回 HTTP {status}：请修正该步骤的请求体或角色",
        "{step} answered HTTP {status}: fix the step's body or role",
    ),
    "setup.access.step_no_field": (
        "准备步骤 {step}：应答中没有所需的 JSON 字段 {fields}",
        "{step}: the answer has no JSON field for {fields}",
    ),
    "setup.uat.unusable": ("验收清单或结果表无法使用：{detail}（原文）", "{detail}"),
    "setup.import.no_match": (
        "没有文件匹配 {pattern}（相对于 {base}）",
        "no file matches {pattern!r} (relative to {base})",
    ),
    "setup.import.malformed": ("结果文件 {file} 第 {line} 行：{reason}（原文）", "{file}:{line}: {reason}"),
    "setup.import.malformed_file": ("结果文件无法读取：{problem}（原文）", "{problem}"),
    "setup.import.unknown_format": (
        "未知的导入格式 {format}；已知格式：{known}",
        "unknown import format {format!r}; known: {known}",
    ),
    "setup.import.findings_options": (
        "fail_on、rules 与 rules_file 只适用于含安全发现项的格式，不适用于 {format}",
        "fail_on, rules and rules_file apply to security formats (findings), not to {format!r}",
    ),
    "setup.import.error": ("导入失败：{detail}（原文）", "{detail}"),
    "setup.import.failed": ("{format} 导入失败", "the {format} import failed"),
    "setup.security.unknown_engine": (
        "未知的扫描引擎 {engine}；已注册：auto, {registered}",
        "unknown scan engine {engine!r}; registered: auto, {registered}",
    ),
    "setup.security.unknown_engine_hint": (
        "未知的扫描引擎 {engine}（是否想用 {close}？）；已注册：auto, {registered}",
        "unknown scan engine {engine!r} (did you mean {close!r}?); registered: auto, {registered}",
    ),
    "setup.security.no_engine": (
        "没有可用的扫描引擎：请安装 ZAP（zap.sh 在 PATH 中或设置 $ZAP_HOME）、提供 zap.api_url，或运行 `make setup` 安装 wapiti",
        "no scan engine available: install ZAP (zap.sh on PATH or $ZAP_HOME), give zap.api_url, or run `make setup` "
        "to install wapiti",
    ),
    "setup.security.auth_env_missing": (
        "环境变量 {variable}（auth.value_env）未设置",
        "environment variable {variable} (auth.value_env) is not set",
    ),
    "setup.openapi.file_missing": ("找不到 OpenAPI 文件：{path}", "OpenAPI file not found: {path}"),
    "setup.openapi.unreadable_file": (
        "{path}：无法读取该 OpenAPI 文档：{detail}（系统原文）",
        "{path}: cannot read the OpenAPI document: {detail}",
    ),
    "setup.openapi.not_readable": (
        "{where}：不是可读取的 OpenAPI 文档：{detail}（原文）",
        "{where}: not a readable OpenAPI document: {detail}",
    ),
    "setup.openapi.not_openapi": (
        "{where}：不是 OpenAPI 文档（没有 openapi 或 swagger 字段）",
        "{where}: not an OpenAPI document (no 'openapi' or 'swagger' field)",
    ),
    "setup.openapi.paths_not_mapping": ("{where}：paths 不是映射", "{where}: 'paths' is not a mapping"),
    "setup.openapi.out_of_scope": ("OpenAPI 文档的地址不在测试范围内：{detail}（原文）", "OpenAPI document: {detail}"),
    "setup.openapi.fetch_failed": (
        "无法获取 OpenAPI 文档 {url}：{error}",
        "cannot fetch the OpenAPI document {url}: {error}",
    ),
    "setup.openapi.fetch_status": (
        "无法获取 OpenAPI 文档 {url}：HTTP {status}",
        "cannot fetch the OpenAPI document {url}: HTTP {status}",
    ),
    "setup.openapi.too_large": (
        "OpenAPI 文档 {url} 大于 {limit} MiB",
        "the OpenAPI document {url} is larger than {limit} MiB",
    ),
    "setup.openapi.redirects": (
        "OpenAPI 文档 {url} 重定向超过 5 次",
        "the OpenAPI document {url} redirects more than 5 times",
    ),
    "setup.wapiti.missing": (
        "未安装 wapiti：请运行 `make setup`（会将 wapiti3 安装到 .venv/tools/wapiti），或设置 options.wapiti.executable",
        "wapiti is not installed: run `make setup` (it installs wapiti3 into .venv/tools/wapiti) or set "
        "options.wapiti.executable",
    ),
    "setup.wapiti.unreadable": (
        "无法读取 wapiti 命令 {path}：{detail}（系统原文）",
        "cannot read the wapiti command {path}: {detail}",
    ),
    "setup.wapiti.not_python": (
        "{path} 不是 wapiti 的 Python 脚本（其第一行为 {first}）：请将 options.wapiti.executable 指向 pip 安装的 wapiti 脚本",
        "{path} is not wapiti's Python script (its first line is {first!r}): point options.wapiti.executable at the "
        "'wapiti' script pip installed",
    ),
    "setup.wapiti.no_report": (
        "wapiti 已退出，但未写出报告：\n{log}（工具原文）",
        "wapiti exited and wrote no report:\n{log}",
    ),
    "setup.wapiti.bad_report": (
        "{path}：不是 wapiti 的 JSON 报告：{detail}（原文）",
        "{path}: not a wapiti JSON report: {detail}",
    ),
    "setup.wapiti.no_classifications": (
        "{path}：不是 wapiti 的 JSON 报告（没有 classifications）",
        "{path}: not a wapiti JSON report (no 'classifications')",
    ),
    "setup.zap.missing": (
        "未安装 ZAP：请将 zap.sh 加入 PATH、设置 $ZAP_HOME 或 zap.home，或提供 zap.api_url",
        "ZAP is not installed: put zap.sh on PATH, set $ZAP_HOME or zap.home, or give zap.api_url",
    ),
    "setup.zap.missing_cli": (
        "未安装 ZAP：请提供 --api-url，或将 zap.sh 加入 PATH / 设置 $ZAP_HOME",
        "ZAP is not installed: give --api-url or put zap.sh on PATH / set $ZAP_HOME",
    ),
    "setup.zap.exited": (
        "ZAP 在启动过程中退出（退出码 {code}）：\n{log}（工具原文）",
        "ZAP exited with code {code} while starting:\n{log}",
    ),
    "setup.zap.start_cancelled": (
        "ZAP 已在 {url} 启动，但运行被取消",
        "ZAP started at {url} but the run was cancelled",
    ),
    "setup.zap.no_answer": (
        "ZAP 已在 {url} 启动，但其 API 在 {timeout:g} 秒内没有应答",
        "ZAP started at {url} but its API did not answer within {timeout:g}s",
    ),
    "setup.zap.api_failed": ("ZAP 调用失败：{detail}（原文）", "{detail}"),
    "setup.zap.closed_unknown": (
        "{url} 上的 ZAP API 在调用 {call} 时未应答就关闭了连接：API 密钥被拒绝（密钥错误时 ZAP 会静默关闭连接），"
        "或在该地址监听的不是 ZAP；请检查 ${env}（zap.api_key_env）中的密钥和 zap.api_url",
        "ZAP API at {url} closed the connection without a reply to {call}: the API key was refused (ZAP closes "
        "silently on a wrong key) or something other than ZAP listens there; check the key in ${env} "
        "(zap.api_key_env) and zap.api_url",
    ),
    "setup.zap.key_closed": (
        "API 密钥被拒绝：{url} 上的 ZAP API（ZAP {version}）在带密钥的调用 {call} 上关闭了连接，而不带密钥时能够应答；"
        "请检查 ${env}（zap.api_key_env）是否为该守护进程的 api.key",
        "the API key was refused: ZAP API at {url} (ZAP {version}) closed the connection on {call}, a call with the "
        "key, while it answers without one; check that ${env} (zap.api_key_env) holds the daemon's api.key",
    ),
    "setup.zap.key_refused": (
        "API 密钥被拒绝：{url} 上的 ZAP API 返回 bad_api_key；请检查 ${env}（zap.api_key_env）是否为该守护进程的 api.key",
        "the API key was refused: ZAP API at {url} answered bad_api_key; check that ${env} (zap.api_key_env) holds "
        "the daemon's api.key",
    ),
    "setup.zap.addon_missing": (
        "{url} 上的 ZAP {version} 没有 {addon} 插件，而{purpose}需要它：请安装（zap.sh -cmd -addoninstall {addon}）"
        "或修改该套件的选项",
        "ZAP {version} at {url} has no {addon} add-on, needed for {purpose}: install it (zap.sh -cmd -addoninstall "
        "{addon}) or change the suite's options",
    ),
    "setup.zap.purpose.spider": ("爬虫", "the spider"),
    "setup.zap.purpose.pscan": ("被动扫描", "passive scan"),
    "setup.zap.purpose.ajax_spider": ("AJAX 爬虫（zap.ajax_spider）", "the AJAX spider (zap.ajax_spider)"),
    "setup.zap.purpose.openapi": ("OpenAPI 导入（mode: api）", "OpenAPI import (mode: api)"),
    "setup.zap.no_policy": (
        "{url} 上的 ZAP 没有扫描策略 {policy}；现有策略：{names}",
        "ZAP at {url} has no scan policy {policy!r}; it has: {names}",
    ),
    "setup.zap.header_unscoped": (
        "{url} 上的 ZAP {version} 无法把认证请求头限定于被测系统：其替换器插件不支持 url（需要 replacer 11 / ZAP 2.12+），"
        "且{why}；请升级 ZAP，或不带请求头认证扫描（删除 auth，设置 use_target_auth: false）",
        "ZAP {version} at {url} cannot limit an auth header to the target: its replacer add-on has no url (needs "
        "replacer 11 / ZAP 2.12+) and {why}; upgrade ZAP, or scan without header auth (remove auth, set "
        "use_target_auth: false)",
    ),
    "setup.zap.why.https": (
        "被测系统使用 HTTPS（代理无法在 TLS 内添加请求头）",
        "the target is HTTPS (the proxy cannot add headers inside TLS)",
    ),
    "setup.zap.why.proxy_off": ("zap.scope_proxy 已关闭", "zap.scope_proxy is off"),
    "setup.zap.remote_proxy": (
        "{url} 上的 ZAP 不在本机，无法使用 harness 的范围代理：请设置 zap.scope_proxy: false，仅依靠 ZAP 的上下文与排除规则",
        "ZAP at {url} is not on this machine, so it cannot use the harness's scope proxy: set zap.scope_proxy: false "
        "to rely on ZAP's context and excludes alone",
    ),
    "error.security.no_operation_requested": (
        "API 扫描未请求 OpenAPI 文档 {count} 个接口中的任何一个：请检查被测系统是否在其 base URL 下提供这些接口，以及 exclude 是否把它们排除了",
        "the API scan requested none of the {count} operations of the OpenAPI document: check that the target "
        "serves them under its base URL and that exclude does not drop them",
    ),
    "error.security.no_operations": (
        "OpenAPI 文档中没有任何接口：没有可扫描的内容",
        "the OpenAPI document has no operations: nothing to scan",
    ),
    "error.security.nothing_found": (
        "扫描在 {url} 没有发现任何 URL（{requests} 个请求得到应答）：被测系统没有应答，或所有页面都被排除；扫描不到任何内容不能算作通过",
        "the scan found no URL at {url} ({requests} requests answered): the target did not answer or every page "
        "was excluded; a scan of nothing is not a pass",
    ),
    "error.access.nothing_tested": (
        "访问控制矩阵中没有任何单元格能够判定（所有应答均无法判定，或矩阵未给出预期）",
        "no cell of the access matrix could be tested (every answer was inconclusive or unlisted)",
    ),
    "error.locust.all_refused": (
        "被测系统拒绝了所有连接：没有任何请求到达被测系统（它是否在运行？）",
        "the target refused every connection: no request reached it (is it running?)",
    ),
    "error.locust.no_request": (
        "负载测试没有发出任何请求：请检查 locustfile 中的任务",
        "the test made no request: check the locustfile's tasks",
    ),
    "error.pytest.interrupted": (
        "pytest 被中断（通常是收集测试用例时出错）（退出码 {code}）",
        "pytest was interrupted (usually by errors during collection) (exit code {code})",
    ),
    "error.pytest.internal": ("pytest 内部出错（退出码 {code}）", "pytest had an internal error (exit code {code})"),
    "error.pytest.usage": ("pytest 的调用方式有误（退出码 {code}）", "pytest was called wrongly (exit code {code})"),
    "error.pytest.no_tests": (
        "pytest 没有收集到任何测试用例（退出码 {code}）",
        "pytest collected no tests (exit code {code})",
    ),
    "error.pytest.exit": ("pytest 以退出码 {code} 退出", "pytest exited with code {code}"),
    "error.locust.exited_early": (
        "Locust 在测试开始前以退出码 {code} 退出",
        "Locust exited with code {code} before the test started",
    ),
    "error.locust.ended_early": (
        "Locust 在测试开始前被 {signal} 信号结束",
        "Locust was ended by {signal} before the test started",
    ),
    "error.locust.not_started": ("Locust 未能开始测试", "Locust did not start the test"),
    "error.locust.killed_early": ("Locust 未能开始测试：{detail}（原文）", "Locust did not start the test: {detail}"),
    "error.any.tool_output": ("{why}\n{output}（工具原文）", "{why}\n{output}"),
    "setup.zap.proxy_unreached": (
        "{url} 上的 ZAP 未能连到 harness 在 127.0.0.1:{port} 的范围代理（ZAP 是否运行在容器中？）：请设置 "
        "zap.scope_proxy: false，仅依靠 ZAP 的上下文与排除规则",
        "ZAP at {url} did not reach the harness's scope proxy on 127.0.0.1:{port} (ZAP in a container?): set "
        "zap.scope_proxy: false to rely on ZAP's context and excludes alone",
    ),
}

_SIGNAL = re.compile(r"^(SIG[A-Z0-9]+) received$")


def _template(key: str, language: str) -> str:
    pair = MESSAGES.get(key)
    if pair is None:
        raise KeyError(f"no message {key!r}")
    return pair[LANGUAGES.index(language)]


def render(text: Text, language: str = "en") -> str:
    """``text`` in ``language``: a Message from the catalogue (nested messages too), a plain string as is.

    A Message whose key this harness does not know (a newer run.json) falls back to its stored text.
    """
    if isinstance(text, str):
        return text
    if text.key not in MESSAGES:
        return text.text
    values = {k: render(v, language) if isinstance(v, Message) else v for k, v in text.params.items()}
    return _template(text.key, language).format(**values)


def message(key: str, **params: Param) -> Message:
    """A Message for ``key`` with its English text.

    Raises:
        KeyError: ``key`` is not in the catalogue, or a parameter of its templates is missing.
    """
    for language in LANGUAGES:
        needed = {field for _, field, _, _ in string.Formatter().parse(_template(key, language)) if field}
        missing = needed - set(params)
        if missing:
            raise KeyError(f"message {key!r} needs {', '.join(sorted(missing))}")
    draft = Message(key=key, params=dict(params))
    return draft.model_copy(update={"text": render(draft, "en")})


def policy_message(fail_on: str, default_action: str | None = None) -> Message:
    """How a security suite judges findings of rules no rule file or mapping names."""
    if default_action is not None:
        return message("note.security.policy.single", action=default_action)
    return message(f"note.security.policy.{fail_on}")


def stop_message(stop: StopRecord, fallback: str = "") -> Message:
    """How a suite was cut short, as one sentence: "stopped early after 180 s because the max_minutes …".

    ``fallback`` (e.g. the suite's error) is the detail when the record has none.
    """
    when = message("stop.after", elapsed=stop.elapsed) if stop.elapsed is not None else message("stop.early")
    detail = stop.detail or fallback
    why: Message
    if stop.cause == "time-cap":
        cap: Param = message(f"cap.{stop.cap}") if f"cap.{stop.cap}" in MESSAGES else (stop.cap or "?")
        if stop.limit is not None and stop.option:
            why = message("stop.time-cap", cap=cap, limit=stop.limit, option=stop.option)
        else:
            why = message("stop.time-cap.bare", cap=cap)
    elif stop.cause == "cancelled":
        signal = _SIGNAL.match(detail)
        why = (
            message("stop.cancelled.signal", signal=signal.group(1))
            if signal
            else message("stop.cancelled", detail=detail or "?")
        )
    elif stop.cause in ("tool-died", "target-lost"):
        why = message(f"stop.{stop.cause}")
    else:  # the runner said only that it stopped: its words are the reason
        return message("stop.story.other", when=when, detail=detail or "?")
    return message("stop.story", when=when, why=why)


ERROR_REASONS = frozenset({"note.target_missing", "note.target_unavailable", "note.target_stopped_answering"})
"""Keys of notes that say why a suite could not run, besides every ``setup.*`` and ``error.*`` key."""


def is_error_reason(text: Text) -> bool:
    """True for a note that says why a suite could not run (its ``error`` in catalogue words)."""
    return isinstance(text, Message) and (text.key in ERROR_REASONS or text.key.startswith(("setup.", "error.")))


def error_reason(notes: Iterable[Text]) -> Message | None:
    """The note of an ``error`` suite that says why it could not run, in words every report language can render
    (None when the suite's error is a plug-in's or a tool's own text)."""
    return next((n for n in notes if isinstance(n, Message) and is_error_reason(n)), None)


def catalogue_problems(extra: Mapping[str, tuple[str, str]] | None = None) -> list[str]:
    """Keys whose zh-CN and en templates name different parameters (a test keeps this list empty)."""
    problems = []
    for key, pair in {**MESSAGES, **(extra or {})}.items():
        fields = [{field for _, field, _, _ in string.Formatter().parse(template) if field} for template in pair]
        if fields[0] - fields[1]:
            problems.append(f"{key}: zh-CN uses {sorted(fields[0] - fields[1])} that en does not")
    return problems
