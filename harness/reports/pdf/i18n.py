"""Every string of the report in zh-CN and en — the only place report wording lives.

Sentences the harness wrote into the results (suite notes, stop stories, criterion messages, verdict
reasons) come as :class:`~harness.results.model.Message` keys and are rendered from
harness/results/messages.py; ``Translator.text`` renders either kind. Text from a tool stays as it is and
is marked as the tool's own (``Translator.foreign``).
"""

from __future__ import annotations

from harness.errors import ExportError
from harness.results.messages import render
from harness.results.model import Text

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
    # the stage section (harness/reports/pdf/sections/stage.py)
    "stage_section": ("项目阶段与验收标准", "Project stage and its acceptance standard"),
    "stage_intro": (
        "本报告用于{stage}阶段（项目计划第 {position} 阶段）的验收。该阶段的验收标准如下；"
        "全部满足且项目组、业务方、监理单位三方签署后，方可关闭本阶段、进入下一阶段。",
        "This report is for the {stage} stage (stage {position} of the project's plan). Its acceptance standard "
        "follows; the stage closes, and the project may enter its next stage, only when every requirement is met "
        "and the project team, the business owner and the supervision unit have signed.",
    ),
    "stage_requirement": ("要求", "Requirement"),
    "stage_found": ("实际情况", "Found"),
    "stage_met": ("满足", "Met"),
    "stage_not_met": ("未满足", "Not met"),
    "stage_req_verdict": ("验收结论为“通过”", "Verdict PASS"),
    "stage_req_suite": ("测试套件 {subject} 通过", "Suite {subject} passed"),
    "stage_req_kind": ("{subject} 类测试已执行且全部通过", "A {subject} suite ran and every one passed"),
    "stage_req_checklist": ("检查单 {subject} 全部条目已记录为通过", "Checklist {subject}: every case recorded as passed"),
    "stage_req_criterion": ("附加标准 {subject}", "Extra criterion {subject}"),
    "stage_req_previous": ("上一阶段（{subject}）已由三方签署的报告关闭", "The previous stage ({subject}) was closed by a report all three parties signed"),
    "stage_all_met": ("本阶段验收标准全部满足。", "Every requirement of this stage's standard is met."),
    "stage_some_unmet": ("本阶段验收标准尚有 {count} 项未满足：本报告不能关闭本阶段。", "{count} requirement(s) of this stage's standard are not met: this report cannot close the stage."),
    "chain_heading": ("阶段链：上一阶段的验收报告", "Stage chain: the report that closed the previous stage"),
    "chain_none_first": ("本阶段是项目计划中的第一个阶段，没有上一阶段。", "This is the first stage of the project's plan: there is no previous stage."),
    "chain_missing": (
        "本次运行开始时，上一阶段（{stage}）尚未关闭：本报告不含阶段链接，不能关闭本阶段。",
        "When this run started, the previous stage ({stage}) was not closed: this report carries no link and cannot close this stage.",
    ),
    "chain_stage": ("上一阶段", "Previous stage"),
    "chain_run": ("报告编号", "Report ID"),
    "chain_sha256": ("报告 PDF 的 SHA-256", "SHA-256 of the report PDF"),
    "chain_closed": ("关闭时间", "Closed"),
    "chain_signer": ("签署人（{party}）", "Signed by ({party})"),
    "chain_note": (
        "以上内容属于本报告的签署内容：三方签署本报告，即同时确认其所承接的上一阶段报告。"
        "使用 harness verify --chain 可离线核验整个阶段链。",
        "These lines are part of what the parties sign: signing this report confirms the report it follows. "
        "`harness verify --chain` checks the whole chain offline.",
    ),
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
    # --- monitoring (harness/reports/pdf/sections/monitoring.py) ---
    "kind_monitoring": ("监控 SLO", "Monitoring SLOs"),
    "monitoring_intro": (
        "每个 SLI 是一条 PromQL 查询，在下述时间窗口内由 Prometheus 求得一个数值；目标即本套件的验收标准（“警告”级目标不影响结论）。",
        "Each SLI is a PromQL query that Prometheus answered with one number over the window below; the "
        "objectives are the suite's acceptance criteria (warning objectives do not decide the verdict).",
    ),
    "monitoring_sli": ("指标（SLI）", "SLI"),
    "monitoring_query": ("查询（按发送时）", "Query (as sent)"),
    "monitoring_value": ("测得值", "Value"),
    "monitoring_objective": ("目标", "Objective"),
    "monitoring_outcome": ("结果", "Outcome"),
    "monitoring_not_measured": ("未测得：", "not measured: "),
    "monitoring_no_objective": ("无目标", "no objective"),
    "monitoring_window": ("时间窗口：{start} 至 {end}（{source}）", "Window: {start} to {end} ({source})"),
    "kind_canary": ("灰度发布", "Canary"),
    "status_passed": ("通过", "passed"),
    "status_failed": ("失败", "failed"),
    "status_error": ("无法执行", "error"),
    "status_skipped": ("未执行", "skipped"),
    "status_incomplete": ("提前停止", "stopped early"),
    "status_failed_cut_short": ("失败（且被提前停止）", "failed (and stopped early)"),
    "criteria": ("验收标准", "Acceptance criteria"),
    "criterion": ("验收标准", "Criterion"),
    "expected": ("要求", "Expected"),
    "measured": ("实测", "Measured"),
    "outcome": ("结果", "Result"),
    "outcome_passed": ("满足", "met"),
    "outcome_failed": ("不满足", "not met"),
    "outcome_warned": ("警告", "warning"),
    "outcome_error": ("无法评估", "not evaluated"),
    "outcome_open": ("无法最终判定", "not final"),
    "default_criterion": ("（默认）", " (default)"),
    "partial_value": ("（不完整结果）", " (partial)"),
    "criteria_partial_note": (
        "标注“不完整结果”的实测值取自被提前停止的套件：只增不减的指标（如发现项数、失败用例数、失败请求数）若已不满足，结论即为不满足；其余无法最终判定。",
        "Values marked “partial” come from a suite that was stopped early: a count that only grows (findings, "
        "failed tests, failed requests) that already breaks its criterion fails it for good; anything else "
        "cannot be judged finally.",
    ),
    "criteria_default_note": (
        "标注“默认”的验收标准是配置文件未写明时按套件类型自动采用的默认标准（见 docs/criteria.md）。",
        "Criteria marked “default” apply because the profile gives none for that suite (see docs/criteria.md).",
    ),
    "no_criteria": ("本次运行没有验收标准。", "This run has no acceptance criteria."),
    "suite_results": ("测试结果详情", "Results by suite"),
    "suite_error": ("该套件未能执行：", "The suite could not run: "),
    "suite_stopped": ("该套件已运行，但未运行完：", "The suite ran but did not finish: "),
    "suite_stopped_failed": (
        "其已收集的结果已足以判定不满足验收标准，因此结论为不通过；未扫描/未执行的部分未被评估。",
        "What it gathered already breaks a blocking criterion for good, so the verdict is FAIL; what it did not "
        "reach was not assessed.",
    ),
    "tool_output": ("工具输出（原文）：", "Tool output: "),
    "foreign_mark": ("（原文）", ""),
    "engine_mark": ("（引擎原文）", ""),
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
    # --- report structure, evidence and signing (issue 6) ---
    "contents": ("目  录", "Contents"),
    "report_generator": ("报告生成与签名组件", "Report and signing components"),
    "evidence_section": ("证据清单", "Evidence manifest"),
    "evidence_none": (
        "本报告未附证据清单（未找到 manifest.json）。",
        "This report carries no evidence manifest (no manifest.json was found).",
    ),
    "evidence_intro": (
        "下表列出本次运行产生的全部文件及其大小与 SHA-256 摘要（即运行目录中的 manifest.json）。"
        "标注“已附”的文件作为附件嵌入本 PDF，每个附件的说明中注明其 SHA-256；manifest.json 本身也作为附件嵌入。"
        "嵌入的原始文件均已按配置隐去密钥。",
        "The table lists every file the run produced with its size and SHA-256 digest (the run directory's "
        "manifest.json). Files marked “attached” are embedded in this PDF as file attachments, each with its "
        "SHA-256 in the attachment description; manifest.json itself is attached too. Embedded raw files have "
        "their secrets redacted.",
    ),
    "evidence_totals": (
        "共 {files} 个文件，合计 {size}；{attached} 个作为附件嵌入，{hashed} 个仅列摘要（单个附件上限 {limit}）。",
        "{files} files, {size} in total; {attached} attached, {hashed} listed by digest only "
        "(attachment limit {limit} per file).",
    ),
    "manifest_sha256": ("manifest.json 的 SHA-256：", "SHA-256 of manifest.json:"),
    "verify_hint": (
        "核对方法：harness verify report.pdf --trust 根证书.pem --evidence 运行目录（校验签名、签署后的修改以及每个附件的摘要）。",
        "To check: harness verify report.pdf --trust ca.pem --evidence RUN_DIR (checks the signatures, any change "
        "made after signing, and every attachment's digest).",
    ),
    "file": ("文件", "File"),
    "size": ("大小", "Size"),
    "in_pdf": ("PDF 内", "In PDF"),
    "placement_attached": ("已附", "yes"),
    "placement_too_large": ("否 ¹", "no ¹"),
    "placement_not_evidence": ("否 ²", "no ²"),
    "placement_changed": ("否 ³", "no ³"),
    "placement_bundled": ("否 ⁴", "no ⁴"),
    "evidence_bundle": ("{folder}/（{files} 个文件，合并列出）", "{folder}/ ({files} files, listed as one)"),
    "evidence_top_folder": ("运行目录/", "run directory/"),
    "evidence_legend": (
        "“PDF 内”一栏：已附 = 作为附件嵌入本 PDF；¹ 超出附件大小上限，仅列摘要；² 被测系统自身的数据（未经密钥隐去处理），仅列摘要；"
        "³ 生成报告时文件已与清单不符，未嵌入；⁴ Allure 结果目录（由已附结果派生），整体列出，"
        "摘要为其各文件清单行（路径、制表符、SHA-256）的 SHA-256。",
        "“In PDF”: yes = embedded in this PDF as an attachment; ¹ over the attachment size limit, digest only; "
        "² the system under test's own data (not redacted), digest only; ³ the file no longer matched the manifest "
        "when the report was made, not embedded; ⁴ an Allure results folder (derived from the attached results), "
        "listed as one row whose digest is the SHA-256 of its files' manifest lines (path, tab, SHA-256).",
    ),
    "signature_fields_note": (
        "每个虚线框是一个 PDF 数字签名域。签署：harness sign report.pdf --party project|business|supervision --key 证书.p12；"
        "第一位签署人以“仅允许填写表单”方式认证本文档，其后各方仍可签署，其他任何修改都会被 harness verify 检出。",
        "Each dashed box is a PDF digital signature field. To sign: harness sign report.pdf --party "
        "project|business|supervision --key party.p12. The first signer certifies the document allowing form filling "
        "only, so the other parties can still sign and any other change is detected by harness verify.",
    ),
    "label_sep": ("：", ": "),
    "item": ("项目", "Item"),
    "value": ("内容", "Value"),
    "suite_facts": (
        "用例 {tests} 个：通过 {passed}，失败 {failed}，错误 {errors}，跳过 {skipped}。",
        "{tests} tests: {passed} passed, {failed} failed, {errors} errors, {skipped} skipped.",
    ),
    "suite_window": ("执行时间：{started} 至 {finished}（{duration}）。", "Ran {started} to {finished} ({duration})."),
    "date_by_signature": ("以数字签名时间为准", "as in the digital signature"),
    "appearance_signed": ("已数字签名", "Digitally signed"),
    "appearance_signer": ("签署人", "Signer"),
    "appearance_time": ("时间", "Time"),
    "appearance_certificate": ("证书", "Certificate"),
    "appearance_timestamped": ("另有 TSA 时间戳", "with TSA time-stamp"),
    "expected_certificate": ("签署证书", "Signing certificate"),
    "certificate_subject": ("主体须含", "subject must show"),
    "certificate_fingerprint": ("SHA-256 指纹须为", "SHA-256 fingerprint must be"),
    "certificate_not_declared": (
        "未声明：本栏不能签署（请在配置的 report.signatories 中声明证书）",
        "not declared: this field cannot be signed (declare the certificate in the profile's report.signatories)",
    ),
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
        "本次运行未完成：部分测试套件未能执行、被提前停止，或部分验收标准无法最终判定（详见下列依据），报告不能作为验收依据。",
        "This run is INCOMPLETE: some suites could not run or were stopped early, or some criteria could not be "
        "judged (see the reasons below); this report cannot support acceptance.",
    ),
    "partial_banner": (
        "部分运行：本次仅运行了所选套件，未选择的套件（{suites}）未运行，本结论不涵盖这些套件。",
        "Partial run: only the selected suites ran; {suites} were not selected and this verdict does not cover them.",
    ),
    "cut_short_banner": (
        "注意：部分测试套件被提前停止，其未覆盖的部分未被评估（详见下列依据）。",
        "Note: some suites were stopped early; what they did not reach was not assessed (see the reasons below).",
    ),
    # --- security suites (issue 5: ZAP / wapiti / Nessus findings) ---
    "risk_critical": ("严重", "Critical"),
    "risk_high": ("高危", "High"),
    "risk_medium": ("中危", "Medium"),
    "risk_low": ("低危", "Low"),
    "risk_info": ("提示", "Info"),
    "action_FAIL": ("不通过 (FAIL)", "FAIL"),
    "action_WARN": ("警告 (WARN)", "WARN"),
    "action_INFO": ("提示 (INFO)", "INFO"),
    "action_IGNORE": ("忽略 (IGNORE)", "IGNORE"),
    "sec_engine": ("扫描引擎：{engine}", "Scan engine: {engine}"),
    "sec_false_positive": ("误报（不计入）", "False positive (not counted)"),
    "sec_false_positives": (
        "以下告警已被标记为误报，不计入统计与判定：",
        "These alerts were marked false positive: shown, not counted.",
    ),
    "sec_raw_report": ("扫描器原始报告：{files}", "The scanner's own report: {files}"),
    "sec_coverage": ("扫描覆盖范围", "What the scan covered"),
    "sec_cov_urls_found": ("发现的 URL", "URLs found"),
    "sec_cov_urls_scanned": ("实际扫描的 URL", "URLs scanned"),
    "sec_cov_requests": ("发送的请求", "Requests sent"),
    "sec_cov_rules_run": ("已运行的扫描模块/规则", "Scanner modules / rules run"),
    "sec_cov_rules_refused": ("未运行的模块/规则及原因", "Modules / rules not run, and why"),
    "sec_cov_operations": ("API 操作（规范中 / 已扫描）", "API operations (in the spec / scanned)"),
    "sec_cov_operations_skipped": ("未扫描的 API 操作及原因", "API operations not scanned, and why"),
    "sec_cov_servers": ("规范中的服务器地址已替换为被测系统地址", "Spec servers replaced by the target's base URL"),
    "sec_cov_unknown": ("引擎未报告", "not reported by the engine"),
    "sec_cov_none": (
        "扫描引擎未报告覆盖范围，因此无法判断“未发现问题”的覆盖程度。",
        "The engine did not report what it covered, so a clean result cannot be weighed.",
    ),
    "sec_cov_zero_operations": (
        "API 扫描没有扫描任何操作：未发现问题不代表接口安全。",
        "The API scan scanned no operation: no findings does not mean the API is safe.",
    ),
    "sec_instance": ("第 {index} 处", "Place {index}"),
    "sec_request_line": ("请求", "Request"),
    "sec_attack": ("攻击载荷", "Attack payload"),
    "sec_other": ("其他信息", "Other info"),
    "sec_http_request": ("HTTP 请求报文", "HTTP request as sent"),
    "sec_truncated": ("（已截断，全文见 {where}）", " (shortened; in full in {where})"),
    "sec_occurrences": (
        "引擎共报告 {total} 处（去重并按上限保留后列出 {shown} 处）。",
        "The engine reported {total} places ({shown} kept after removing duplicates and the per-finding cap).",
    ),
    "sec_rule": ("引擎规则", "Engine rule"),
    "sec_engine_title": ("引擎名称", "Engine's title"),
    "sec_counts_note": (
        "按风险等级统计的发现项（同一规则在同一位置计为一项；已忽略的规则不计入）。",
        "Findings by risk (one rule at one place counts once; ignored rules are not counted).",
    ),
    "sec_fail": ("判定失败", "FAIL"),
    "sec_ignored": ("已忽略", "Ignored"),
    "sec_findings": ("安全发现项（按风险等级）", "Findings by risk"),
    "sec_action": ("规则处理", "Rule action"),
    "sec_description": ("描述（引擎原文）：", "Description:"),
    "sec_solution": ("整改建议（引擎原文）：", "Solution:"),
    "sec_method": ("方法", "Method"),
    "sec_url": ("URL / 位置", "URL / location"),
    "sec_param": ("参数", "Parameter"),
    "sec_evidence": ("证据", "Evidence"),
    "sec_fingerprint": ("指纹", "Fingerprint"),
    "sec_more_instances": (
        "另有 {count} 处，详见 sarif.json 与 run.json。",
        "{count} more places: see sarif.json and run.json.",
    ),
    "sec_more_rules": (
        "另有 {count} 条规则的发现项，详见 sarif.json 与 run.json。",
        "{count} more rules with findings: see sarif.json and run.json.",
    ),
    "sec_no_findings": ("未发现安全问题。", "No security findings."),
    "sec_no_findings_partial": (
        "到扫描被停止时尚未发现安全问题；未扫描的部分未被评估。",
        "No findings up to where the scan was stopped; what it did not reach was not assessed.",
    ),
    "sec_ignored_list": ("按规则配置忽略：{names}", "Ignored by the rule configuration: {names}"),
    # --- imports, UAT and CI exports (issue 7) ---
    "uat_summary": (
        "共 {total} 项验收用例：通过 {passed}，不通过 {failed}，受阻 {blocked}，待测 {pending}，无效 {invalid}。",
        "{total} acceptance cases: {passed} passed, {failed} failed, {blocked} blocked, {pending} pending, "
        "{invalid} invalid.",
    ),
    "uat_case": ("用例", "Case"),
    "uat_result": ("结果", "Result"),
    "uat_tester": ("测试人 / 日期", "Tester / date"),
    "uat_comment": ("说明", "Comment"),
    "uat_evidence": ("证据文件", "Evidence"),
    "uat_passed": ("通过", "passed"),
    "uat_failed": ("不通过", "failed"),
    "uat_blocked": ("受阻", "blocked"),
    "uat_pending": ("待测", "pending"),
    "uat_invalid": ("无效（证据不符）", "invalid (evidence)"),
    "uat_check": ("自动检查", "automated check"),
    "uat_check_passed": ("通过", "passed"),
    "uat_check_failed": ("未通过", "failed"),
    "uat_note": (
        "结果由业务方测试人员记录；证据文件已随本报告归档，其 SHA-256 摘要见证据清单。",
        "Results were recorded by the business testers; evidence files are archived with this report and "
        "their SHA-256 digests are listed in the evidence manifest.",
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
    # --- parallel run (issue 21: old and new system side by side, harness/reports/pdf/sections/parallel.py) ---
    "kind_parallel-run": ("新旧系统并行运行", "Parallel run"),
    "par_summary": (
        "重放 {requests} 个请求：{mismatches} 个请求的应答在新旧系统之间不同（差异率 {rate}），共 {fields} 个字段不同；"
        "{noise} 个噪声字段（两个旧系统实例之间也不同）和 {ignored} 个按规则忽略的字段不计入。",
        "{requests} requests replayed: the answers of {mismatches} differ between the old and the new system "
        "(mismatch rate {rate}), {fields} fields in all; {noise} noise fields (differing between the two old "
        "instances too) and {ignored} fields ignored by rules are not counted.",
    ),
    "par_mismatches": ("差异字段（旧系统 → 新系统）", "Differing fields (old → new system)"),
    "par_request": ("请求", "Request"),
    "par_field": ("字段", "Field"),
    "par_old": ("旧系统的值", "Old value"),
    "par_new": ("新系统的值", "New value"),
    "par_no_mismatch": ("新旧系统的应答没有差异。", "The old and the new system answered alike."),
    "par_noise": ("噪声字段（两个旧系统实例之间不同，不计入差异）", "Noise fields (differ between the two old instances; not counted)"),
    "par_noise_requests": ("出现于请求数", "In requests"),
    "par_ignored": ("按规则忽略的不同字段", "Differing fields ignored by rules"),
    "par_rule": ("规则 / 理由", "Rule / reason"),
    "par_data": ("数据一致性检查（按表）", "Data consistency checks (per table)"),
    "par_table": ("表", "Table"),
    "par_check": ("检查项", "Check"),
    "par_result": ("结果", "Result"),
    "par_equal": ("一致", "consistent"),
    "par_differs": ("不一致", "differs"),
    "par_query_failed": ("查询失败", "query failed"),
    "par_keys": ("不一致的行（键）：{keys}", "Rows that differ (key): {keys}"),
    "par_more": (
        "另有 {count} 行未列出，详见 run.json 与原始文件 parallel-run.json。",
        "{count} more rows: see run.json and the raw file parallel-run.json.",
    ),
    "par_cut_note": (
        "以“… (N chars)”结尾的值过长，已截断，N 为原长度（套件选项 excerpt 决定保留的字符数）。",
        "Values ending in “… (N chars)” were too long and are cut; N is the full length (the suite's option "
        "excerpt sets how much is kept).",
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


CWE_TITLES: dict[int, tuple[str, str]] = {
    # the common classes of web findings, by CWE id: (zh-CN, en)
    16: ("配置缺陷", "Configuration"),
    20: ("输入验证不当", "Improper input validation"),
    22: ("路径遍历", "Path traversal"),
    73: ("文件名或路径外部可控", "External control of file name or path"),
    77: ("命令注入", "Command injection"),
    78: ("操作系统命令注入", "OS command injection"),
    79: ("跨站脚本（XSS）", "Cross-site scripting (XSS)"),
    88: ("参数注入", "Argument injection"),
    89: ("SQL 注入", "SQL injection"),
    90: ("LDAP 注入", "LDAP injection"),
    93: ("CRLF 注入", "CRLF injection"),
    94: ("代码注入", "Code injection"),
    98: ("文件包含", "File inclusion"),
    113: ("HTTP 响应拆分", "HTTP response splitting"),
    200: ("敏感信息泄露", "Exposure of sensitive information"),
    209: ("错误信息泄露敏感信息", "Sensitive information in error messages"),
    264: ("权限与访问控制缺陷", "Permissions and access control"),
    284: ("访问控制不当", "Improper access control"),
    287: ("身份认证不当", "Improper authentication"),
    295: ("证书校验不当", "Improper certificate validation"),
    306: ("关键功能缺少认证", "Missing authentication for a critical function"),
    311: ("敏感数据未加密", "Missing encryption of sensitive data"),
    319: ("敏感信息明文传输", "Cleartext transmission of sensitive information"),
    326: ("加密强度不足", "Inadequate encryption strength"),
    327: ("使用有缺陷的加密算法", "Broken or risky cryptographic algorithm"),
    345: ("数据真实性校验不足", "Insufficient verification of data authenticity"),
    352: ("跨站请求伪造（CSRF）", "Cross-site request forgery (CSRF)"),
    359: ("个人隐私信息泄露", "Exposure of private personal information"),
    384: ("会话固定", "Session fixation"),
    400: ("资源消耗不受控", "Uncontrolled resource consumption"),
    425: ("强制浏览", "Forced browsing"),
    434: ("危险类型文件上传", "Unrestricted upload of dangerous file types"),
    497: ("系统信息泄露", "Exposure of system information"),
    502: ("不可信数据反序列化", "Deserialisation of untrusted data"),
    522: ("凭据保护不足", "Insufficiently protected credentials"),
    525: ("浏览器缓存敏感信息", "Sensitive information in the browser cache"),
    548: ("目录列表泄露", "Directory listing"),
    565: ("依赖未校验的 Cookie", "Reliance on unvalidated cookies"),
    601: ("开放重定向", "Open redirect"),
    611: ("XML 外部实体（XXE）", "XML external entities (XXE)"),
    614: ("HTTPS 会话 Cookie 未设置 Secure 属性", "Sensitive cookie without the Secure attribute"),
    615: ("源代码注释泄露信息", "Information in source code comments"),
    639: ("越权访问（IDOR）", "Authorisation bypass through a user-controlled key (IDOR)"),
    643: ("XPath 注入", "XPath injection"),
    693: ("防护机制失效", "Protection mechanism failure"),
    732: ("关键资源权限设置不当", "Incorrect permissions on a critical resource"),
    798: ("硬编码凭据", "Hard-coded credentials"),
    829: ("引入不可信来源的功能", "Inclusion of functionality from an untrusted source"),
    862: ("缺少授权检查", "Missing authorisation"),
    863: ("授权检查不当", "Incorrect authorisation"),
    917: ("表达式语言注入", "Expression language injection"),
    918: ("服务端请求伪造（SSRF）", "Server-side request forgery (SSRF)"),
    943: ("NoSQL/数据查询注入", "Improper neutralisation in a data query (NoSQL)"),
    1004: ("Cookie 未设置 HttpOnly 属性", "Sensitive cookie without the HttpOnly flag"),
    1021: ("点击劫持（界面层限制不当）", "Clickjacking (improper restriction of rendered UI layers)"),
    1275: ("Cookie 的 SameSite 属性设置不当", "Cookie with an improper SameSite attribute"),
    1336: ("服务端模板注入", "Server-side template injection"),
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

    def text(self, value: Text) -> str:
        """A sentence from the results in this language: a Message from its catalogue; a plain string (a
        tool's words, a plug-in's note) as it is, marked as such in zh-CN."""
        if isinstance(value, str):
            return self.foreign(value)
        return render(value, self.language)

    def foreign(self, value: str) -> str:
        """Text that is not the harness's own, as it is; in zh-CN marked "（原文）" when it has Latin words."""
        if not value or self.language == "en" or not any("a" <= ch.lower() <= "z" for ch in value):
            return value
        return f"{value}{self('foreign_mark')}"

    def cwe_title(self, cwe: int | None) -> str:
        """The common name of a vulnerability class in this language, or "" for a CWE not in the table."""
        pair = CWE_TITLES.get(cwe or 0)
        return pair[self._index] if pair else ""
