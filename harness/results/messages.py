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
from collections.abc import Mapping

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


def catalogue_problems(extra: Mapping[str, tuple[str, str]] | None = None) -> list[str]:
    """Keys whose zh-CN and en templates name different parameters (a test keeps this list empty)."""
    problems = []
    for key, pair in {**MESSAGES, **(extra or {})}.items():
        fields = [{field for _, field, _, _ in string.Formatter().parse(template) if field} for template in pair]
        if fields[0] - fields[1]:
            problems.append(f"{key}: zh-CN uses {sorted(fields[0] - fields[1])} that en does not")
    return problems
