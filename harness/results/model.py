"""The normalised result model every runner and importer produces (DESIGN §3).

Units are SI everywhere: times in seconds, ratios as fractions (0.01 == 1 %), rates per second.
Presentation layers convert (the PDF shows "123 ms"); criteria carry their own units (``p95 < 500ms``).

This module imports nothing else of the harness, so every stage of the pipeline may depend on it.
"""

from __future__ import annotations

from dataclasses import field
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.dataclasses import dataclass

SCHEMA_VERSION = 3
"""Bumped on every change to run.json that an older reader cannot take; readers refuse newer versions.

2: scan coverage, stop records, false positives, finding occurrences, the request behind an instance,
   certificate rules of the signatories; sentences the harness writes (suite notes, criterion messages,
   verdict reasons) may be :class:`Message` objects (key, parameters and the English text) instead of plain
   strings; criteria judged on partial results.
3: ``stage``: the project stage, its acceptance standard as judged and the link to the report that closed
   the previous stage (harness/stages).
"""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Verdict(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    INCOMPLETE = "INCOMPLETE"


class SuiteStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"  # the suite could not run (setup broken, target down)
    SKIPPED = "skipped"  # not selected for this run
    INCOMPLETE = "incomplete"  # started but stopped early (Ctrl-C, time limit, tool died)


class CaseStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"


class Risk(StrEnum):
    """Finding risk, highest first. ``critical`` exists for Nessus severity 4."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"


class RuleAction(StrEnum):
    """What a finding does to the gate, as in zap-baseline's rule configuration file."""

    FAIL = "FAIL"
    WARN = "WARN"
    INFO = "INFO"
    IGNORE = "IGNORE"


class CriterionAction(StrEnum):
    FAIL = "fail"  # a violated criterion fails the run
    WARN = "warn"  # a violated criterion is reported but does not fail the run
    ABORT = "abort"  # like fail, and a live watcher may stop the suite early


class CriterionOutcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    WARNED = "warned"  # violated, but the criterion's action is warn
    ERROR = "error"  # could not be evaluated (metric missing, suite did not run)


class Message(_Frozen):
    """A sentence the harness wrote, as a catalogue key with its parameters (harness/results/messages.py),
    so every report language can render it; ``text`` is the English rendering, for JSON readers and logs.

    ``str(message)`` is that text, and ``"word" in message`` searches it, so a Message reads like the
    plain string it replaces.
    """

    key: str
    params: dict[str, str | int | float | Message] = Field(default_factory=dict)  # nested: same language
    text: str = ""

    def __str__(self) -> str:
        return self.text

    def __contains__(self, part: str) -> bool:
        return part in self.text


Text = str | Message
"""Free text (a tool's words, a plug-in's note) or a translatable :class:`Message`."""


class Artifact(_Frozen):
    """A file in the run directory, addressed relative to it."""

    path: str
    size: int
    sha256: str
    description: str = ""


class ToolInfo(_Frozen):
    name: str
    version: str = ""


@dataclass(frozen=True, slots=True, kw_only=True, config=ConfigDict(extra="forbid"))
class TestCase:
    """One test's outcome. A slotted pydantic dataclass, not a model: a run may hold a million of these, and
    a model's per-instance dict and set of given fields cost four times the memory (1.5 kB vs 0.36 kB a case)
    and validate 1.6x slower. Validated like the models; copy with :func:`dataclasses.replace`.
    """

    __test__ = False  # keep pytest from collecting this class when a test imports it

    id: str
    name: str
    classname: str = ""
    file: str = ""
    status: CaseStatus
    duration: float = 0.0
    message: str = ""
    details: str = ""
    stdout: str = ""
    stderr: str = ""
    properties: dict[str, str] = field(default_factory=dict)


class Instance(_Frozen):
    """One place where a finding was observed."""

    url: str = ""
    method: str = ""
    param: str = ""
    attack: str = ""
    evidence: str = ""
    other: str = ""
    request: str = ""  # the HTTP request that shows it, as sent (secrets redacted), to reproduce it


class Finding(_Frozen):
    rule_id: str
    name: str
    risk: Risk
    confidence: str = ""
    cwe: int | None = None
    wasc: int | None = None
    description: str = ""
    solution: str = ""
    references: tuple[str, ...] = ()
    instances: tuple[Instance, ...] = ()
    action: RuleAction = RuleAction.WARN
    fingerprint: str = ""
    source: str = ""  # engine or importer that reported it, e.g. "zap 2.16.0"
    occurrences: int = 0  # instances the engine reported before deduplication and the instance cap (0: unknown)


class Endpoint(_Frozen):
    """Per-endpoint performance figures; ``metrics`` uses the same names as suite metrics."""

    name: str
    metrics: dict[str, float] = Field(default_factory=dict)


class TimePoint(_Frozen):
    """One interval of a performance timeseries; ``t`` is seconds since the suite started."""

    t: float
    values: dict[str, float] = Field(default_factory=dict)


class FailureGroup(_Frozen):
    """Failed requests of a performance suite that share one error message (the tool's words, or a Message
    where the harness names the group, as for LoadRunner's failed and stopped transactions)."""

    message: Text
    occurrences: int
    endpoints: tuple[str, ...] = ()  # the endpoints (e.g. "GET /api/items") where it occurred
    traceback: str = ""  # for exceptions raised by test code rather than failed requests


class AbortRecord(_Frozen):
    """A windowed ``: abort`` criterion that held for its window while the suite ran, which stopped it."""

    criterion: str  # the criterion text as written in the profile
    at: float  # seconds into the test when it triggered (and the test was stopped)
    since: float | None = None  # seconds into the test when the condition began to hold
    measured: float | None = None  # the left-hand side when it triggered
    message: str = ""


class SkippedItem(_Frozen):
    """Something a suite deliberately left out (a scanner module, a spec operation), and why."""

    name: str
    reason: Text


class ScanCoverage(_Frozen):
    """What a security scan covered, so a reader knows what a clean result is worth.

    ``None`` means the engine did not say; 0 means it said nothing was covered.
    """

    urls_found: int | None = None  # distinct URLs the crawl/spider or the spec produced
    urls_scanned: int | None = None  # distinct URLs the attack phase requested
    requests: int | None = None  # HTTP requests the engine sent
    rules_run: tuple[str, ...] = ()  # scanner modules / rule ids that ran
    rules_refused: tuple[SkippedItem, ...] = ()  # modules or rules the harness refused to run, with why
    operations_imported: int | None = None  # API scans: operations in the spec
    operations_scanned: int | None = None  # API scans: operations requested at the target
    operations_skipped: tuple[SkippedItem, ...] = ()  # API scans: "GET /path" -> why it was not scanned
    spec_servers_replaced: tuple[str, ...] = ()  # servers/host of the spec replaced by the target's base URL


class StopRecord(_Frozen):
    """Why a suite that started was cut short (status ``incomplete``), in a form the report can translate.

    ``cause`` is one of: ``time-cap`` (a budget ran out), ``cancelled`` (Ctrl-C, SIGTERM), ``tool-died``
    (the tool exited or crashed mid-run), ``target-lost`` (the target stopped answering), ``other`` (the
    runner said only that it stopped; ``detail`` has its words).
    """

    cause: str
    cap: str = ""  # time-cap: which budget fired, e.g. "max_minutes" or "per-module timeout"
    option: str = ""  # the profile option that raises it, e.g. "suites.security.options.max_minutes"
    limit: float | None = None  # seconds the cap allowed
    elapsed: float | None = None  # seconds into the suite when it stopped
    detail: str = ""  # the tool's own words, if any (shown as such, not translated)


class SuiteResult(_Frozen):
    name: str
    kind: str
    status: SuiteStatus
    started: datetime | None = None
    finished: datetime | None = None
    tool: ToolInfo | None = None
    cases: tuple[TestCase, ...] = ()
    metrics: dict[str, float] = Field(default_factory=dict)
    endpoints: tuple[Endpoint, ...] = ()
    timeseries: tuple[TimePoint, ...] = ()
    findings: tuple[Finding, ...] = ()
    artifacts: tuple[Artifact, ...] = ()
    error: str = ""
    notes: tuple[Text, ...] = ()
    failures: tuple[FailureGroup, ...] = ()  # performance suites: failed requests grouped by message
    abort: AbortRecord | None = None  # set when a live-watched abort criterion stopped the suite
    stopped: StopRecord | None = None  # set when the suite started but was cut short (status incomplete, or
    # failed when what it gathered already broke a blocking criterion for good)
    coverage: ScanCoverage | None = None  # security suites: what the scan covered
    false_positives: tuple[
        Finding, ...
    ] = ()  # alerts the engine or a reviewer marked false positive: shown, never counted

    @property
    def completed(self) -> bool:
        """True when the suite ran to its end (whatever its tests said); a suite cut short is ``failed``
        with a stop record when what it gathered already broke a blocking criterion for good."""
        return self.status in (SuiteStatus.PASSED, SuiteStatus.FAILED) and self.stopped is None


class CriterionResult(_Frozen):
    suite: str
    expression: str
    action: CriterionAction = CriterionAction.FAIL
    expected: str = ""  # the right-hand side as written, e.g. "500ms"
    measured: float | None = None
    measured_text: str = ""  # the measured value formatted in the criterion's unit
    outcome: CriterionOutcome
    message: Text = ""
    default: bool = False  # implied by the suite kind, not written in the profile
    partial: bool = False  # judged on what a suite gathered before it was cut short (see docs/criteria.md)


SUBJECT_ATTRIBUTES: tuple[str, ...] = ("CN", "O", "OU", "C", "ST", "L", "E", "SERIALNUMBER", "T")
"""Certificate subject attributes a signatory's rule may name (X.509 short names; E: e-mail, T: title)."""


class CertificateRule(_Frozen):
    """What a party's signing certificate must show. Both parts are checked when both are given.

    ``sha256``: the certificate is one of these (SHA-256 of its DER form, hex, colons allowed), e.g. the
    party's current certificate and its renewal. ``subject``: the certificate's subject has each of these
    attributes with exactly this value, e.g. ``{CN: 陈明, O: 某市大数据中心}``.
    """

    sha256: tuple[str, ...] = ()
    subject: dict[str, str] = Field(default_factory=dict)

    @field_validator("sha256", mode="before")
    @classmethod
    def _fingerprints(cls, value: object) -> object:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list | tuple):
            return value
        cleaned = []
        for item in values:
            hexed = str(item).replace(":", "").replace(" ", "").lower()
            if len(hexed) != 64 or any(c not in "0123456789abcdef" for c in hexed):
                raise ValueError(f"{item!r} is not a SHA-256 fingerprint (64 hex digits, colons allowed)")
            cleaned.append(hexed)
        return tuple(cleaned)

    @field_validator("subject", mode="before")
    @classmethod
    def _subject(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        cleaned = {}
        for key, wanted in value.items():
            name = str(key).upper()
            if name not in SUBJECT_ATTRIBUTES:
                raise ValueError(f"unknown subject attribute {key!r}; use {', '.join(SUBJECT_ATTRIBUTES)}")
            if not str(wanted).strip():
                raise ValueError(f"subject attribute {name} is empty")
            cleaned[name] = str(wanted).strip()
        return cleaned

    @property
    def declared(self) -> bool:
        return bool(self.sha256 or self.subject)


class Signatory(_Frozen):
    name: str = ""
    organisation: str = ""
    title: str = ""
    certificate: CertificateRule = CertificateRule()  # the identity this party's signature must carry


Party = Annotated[str, Field(pattern="^(project|business|supervision)$")]
PARTIES: tuple[str, ...] = ("project", "business", "supervision")


class ReportMeta(_Frozen):
    """What the report needs from the profile, kept in run.json so ``harness report`` can rebuild it."""

    language: str = "zh-CN"
    title: str = ""
    environment: str = ""
    signatories: dict[Party, Signatory] = Field(default_factory=dict)
    attachment_limit_mb: float = 10.0  # evidence files up to this size are embedded in the PDF


class ProjectInfo(_Frozen):
    name: str
    system: str = ""
    version: str = ""
    stage: str = "testing"


class ProfileInfo(_Frozen):
    name: str
    path: str
    sha256: str  # of the resolved profile with secrets redacted
    resolved: dict[str, object] = Field(default_factory=dict)


class TargetInfo(_Frozen):
    name: str = ""
    base_url: str = ""
    version: str = ""  # as reported by the target (e.g. its /version endpoint)
    managed: bool = False  # started and stopped by the harness


class FindingRef(_Frozen):
    """A finding as the run history keeps it: enough to say what appeared or went away between runs."""

    fingerprint: str
    rule_id: str = ""
    name: str = ""
    risk: Risk = Risk.INFO
    action: RuleAction = RuleAction.WARN
    instances: int = 0


class MetricDelta(_Frozen):
    """One metric in the baseline and now; ``endpoint`` is "" for a suite-level metric."""

    name: str
    endpoint: str = ""
    baseline: float | None = None
    current: float | None = None

    @property
    def change(self) -> float | None:
        if self.baseline is None or self.current is None:
            return None
        return self.current - self.baseline

    @property
    def relative(self) -> float | None:
        """The change as a fraction of the baseline (0.2 == 20 % more); None when the baseline is 0."""
        change = self.change
        if change is None or self.baseline is None or self.baseline == 0:
            return None
        return change / abs(self.baseline)


class SuiteComparison(_Frozen):
    """One suite against the same-named suite of its baseline run (findings matched by fingerprint)."""

    suite: str
    baseline_run: str = ""  # "" when there was nothing to compare with; ``note`` says why
    baseline_started: datetime | None = None
    baseline_verdict: Verdict | None = None
    new: tuple[FindingRef, ...] = ()
    fixed: tuple[FindingRef, ...] = ()
    unchanged: tuple[FindingRef, ...] = ()
    metrics: tuple[MetricDelta, ...] = ()
    note: Text = ""


class Comparison(_Frozen):
    """What changed since the baseline named in the profile (``last-pass``, ``previous``, a run id, a tag)."""

    baseline: str
    suites: tuple[SuiteComparison, ...] = ()


class StageRequirement(_Frozen):
    """One requirement of a stage's acceptance standard and whether this run met it."""

    kind: str  # "suite", "kind", "checklist", "criterion", "verdict" or "previous"
    subject: str  # the suite, kind, criterion or stage it is about
    met: bool
    detail: Text = ""  # what was found (a catalogue message; the run id for "previous")


class ChainSigner(_Frozen):
    party: str
    signer: str = ""
    certificate_sha256: str = ""
    signed_at: datetime | None = None


class ChainLink(_Frozen):
    """The report that closed the previous stage: what the next stage's report states (and its parties sign)."""

    stage: str
    run_id: str
    pdf_sha256: str
    signers: tuple[ChainSigner, ...] = ()
    closed_at: datetime | None = None


class StageRecord(_Frozen):
    """The project stage this run reports on, its acceptance standard as judged, and the chain link."""

    id: str
    names: dict[str, str] = Field(default_factory=dict)  # language -> the stage's name
    position: int = 0  # 1-based place of the stage in the project's plan
    previous_stage: str = ""  # the stage that must be closed before this one ("" for the first)
    requirements: tuple[StageRequirement, ...] = ()
    previous: ChainLink | None = None

    @property
    def met(self) -> bool:
        return all(r.met for r in self.requirements)


class RunResult(_Frozen):
    schema_version: int = SCHEMA_VERSION
    run_id: str
    profile: ProfileInfo
    project: ProjectInfo
    target: TargetInfo = TargetInfo()
    report: ReportMeta = ReportMeta()
    started: datetime
    finished: datetime | None = None
    host: dict[str, str] = Field(default_factory=dict)
    tools: dict[str, str] = Field(default_factory=dict)
    suites: tuple[SuiteResult, ...] = ()
    criteria: tuple[CriterionResult, ...] = ()
    verdict: Verdict = Verdict.INCOMPLETE
    verdict_reasons: tuple[Text, ...] = ()
    interrupted: bool = False
    comparison: Comparison | None = None  # set when the profile names a baseline (harness/history)
    stage: StageRecord | None = None  # the project stage and its standard (harness/stages)

    def suite(self, name: str) -> SuiteResult | None:
        return next((s for s in self.suites if s.name == name), None)
