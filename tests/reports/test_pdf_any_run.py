"""Property: every run that validates renders a PDF, whatever its text holds.

Hypothesis builds RunResults of every suite kind with hostile content — messages of 100,000 characters,
10,000-line traces, words without a break point, control characters, lone surrogates, right-to-left and
CJK text, emoji, empty strings, thousands of findings and cases — and the real exporter path
(:func:`render_report`: layout, fonts, signature fields, attachments) must write a PDF for each.

The examples are derandomized (the same ones on every run, no example database), so CI never flakes on a
newly found example, and split over five test items (``shard0`` ... ``shard4``, 250 examples in all) that
xdist workers run side by side; a failure found while developing is added below as an explicit ``@example``.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from harness.reports.pdf import render_report
from harness.reports.pdf.fonts import register_fonts
from harness.results.model import (
    CaseStatus,
    CriterionOutcome,
    CriterionResult,
    Endpoint,
    FailureGroup,
    Finding,
    Instance,
    ProfileInfo,
    ProjectInfo,
    ReportMeta,
    Risk,
    RuleAction,
    RunResult,
    SuiteResult,
    SuiteStatus,
    TestCase,
    Verdict,
)

EXAMPLES = 250
SHARDS = 5  # the examples are split over items that xdist workers run side by side (each its own examples)
T0 = datetime(2025, 3, 14, 8, 0, tzinfo=UTC)

SAMPLES = (
    "",
    "期望状态码 201，实际 500：申请材料校验服务返回错误",
    "שגיאה בשרת: הבקשה נדחתה",  # Hebrew
    "خطأ في الخادم: تم رفض الطلب 500",  # Arabic, shaped and reordered
    "mixed: العربية and עברית and 中文 in one line",
    "\x00\x01\x1b[31mred\x1b[0m\x7f\x85\u200b\u202e reversed",
    "\ud800 lone \udfff surrogates",
    "😀🚀👍🏽 emoji and \U0001f9ea",
    "ภาษาไทย ไม่มีฟอนต์",  # Thai: no report font has it
    "<b>not markup</b> & <font name='x'>",
    "\t\ttabbed\r\nwindows\rmac",
)


HUGE = (  # built once: building them for every drawn field took half of the test's time
    "x" * 100_000,  # one word of 100,000 characters
    "超长的中文错误信息" * 12_000,
    "\n".join(f"\tat gov.permits.Service.method{i}(Service.java:{i})" for i in range(10_000)),
    ("a " * 50 + "\n") * 2_000,
)


def _texts() -> st.SearchStrategy[str]:
    """Short arbitrary text, the hostile samples, and huge values built cheaply."""
    huge = st.sampled_from(HUGE)
    rarely_huge = st.integers(0, 50).flatmap(lambda n: huge if n == 0 else st.sampled_from(SAMPLES))
    return st.one_of(
        st.sampled_from(SAMPLES),
        st.text(max_size=40),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=120),
        rarely_huge,  # one value in about a hundred is huge: each costs a few tenths of a second to lay out
    )


def _case(index: int, draw: st.DrawFn) -> TestCase:
    text = _texts()
    return TestCase(
        id=f"{draw(text)}::{index}",
        name=draw(text),
        classname=draw(st.text(max_size=20)),
        status=draw(st.sampled_from(CaseStatus)),
        message=draw(text),
        details=draw(text),
        stdout=draw(text),
        properties={draw(st.text(max_size=10)): draw(text)},
    )


def _finding(index: int, draw: st.DrawFn) -> Finding:
    text = _texts()
    instances = tuple(
        Instance(
            url=draw(text), method=draw(st.sampled_from(("GET", "POST", ""))), param=draw(text), evidence=draw(text)
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    return Finding(
        rule_id=str(draw(st.integers(0, 100_000))),
        name=draw(text),
        risk=draw(st.sampled_from(Risk)),
        description=draw(text),
        solution=draw(text),
        references=(draw(text),),
        instances=instances,
        action=draw(st.sampled_from(RuleAction)),
        fingerprint=f"{index:020d}",
        source=draw(text),
        occurrences=draw(st.integers(0, 10**6)),
    )


@st.composite
def _suite(draw: st.DrawFn, index: int) -> SuiteResult:
    text = _texts()
    kind = draw(st.sampled_from(("unit", "integration", "performance", "security", "uat", "e2e")))
    bulk = draw(st.integers(0, 40)) == 0  # now and then 2,000 cases or findings (they take a second or two)
    many = 2_000 if bulk else draw(st.sampled_from((0, 1, 2, 3, 5, 8)))
    cases = tuple(_case(i, draw) for i in range(min(many, 8)))
    if many > 8:  # thousands of entries, cheaply: one drawn entry repeated
        cases += tuple(
            dataclasses.replace(cases[0], id=f"bulk::{i}", status=CaseStatus.PASSED if i % 50 else CaseStatus.FAILED)
            for i in range(many)
        )
    findings = tuple(_finding(i, draw) for i in range(min(many, 6))) if kind == "security" else ()
    if kind == "security" and many > 8 and findings:
        findings += tuple(
            findings[0].model_copy(update={"rule_id": str(i), "fingerprint": f"bulk{i:016d}"}) for i in range(many)
        )
    endpoints = tuple(
        Endpoint(name=draw(text), metrics={"requests": 10.0, "p95": draw(st.floats(0, 1e6)), "failures": 1.0})
        for _ in range(draw(st.integers(0, 3)))
    )
    return SuiteResult(
        name=f"{draw(st.text(max_size=30))}-{index}",
        kind=kind,
        status=draw(st.sampled_from(SuiteStatus)),
        started=T0,
        finished=T0 + timedelta(seconds=draw(st.integers(0, 10**6))),
        cases=cases,
        findings=findings,
        false_positives=findings[:1],
        endpoints=endpoints,
        metrics={"requests": 10.0, "p95": 0.2, "failures": 1.0, "error_rate": 0.1} if kind == "performance" else {},
        failures=tuple(
            FailureGroup(message=draw(text), occurrences=3, endpoints=(draw(text),), traceback=draw(text))
            for _ in range(draw(st.integers(0, 2)))
        ),
        error=draw(text),
        notes=tuple(draw(st.lists(text, max_size=3))),
    )


@st.composite
def runs(draw: st.DrawFn) -> RunResult:
    text = _texts()
    suites = tuple(draw(_suite(i)) for i in range(draw(st.integers(0, 2))))
    criteria = tuple(
        CriterionResult(
            suite=suite.name,
            expression=draw(text),
            expected=draw(st.text(max_size=10)),
            measured_text=draw(st.text(max_size=10)),
            outcome=draw(st.sampled_from(CriterionOutcome)),
            message=draw(text),
        )
        for suite in suites
    )
    return RunResult(
        run_id=f"prop-{draw(st.text(max_size=40))}",
        profile=ProfileInfo(name=draw(st.text(max_size=20)), path=draw(text), sha256="0" * 64),
        project=ProjectInfo(name=draw(text), system=draw(st.text(max_size=30)), version=draw(st.text(max_size=10))),
        report=ReportMeta(language=draw(st.sampled_from(("zh-CN", "en"))), title=draw(st.text(max_size=80))),
        started=T0,
        finished=T0 + timedelta(minutes=5),
        host={draw(st.text(max_size=10)): draw(text)},
        tools={"tool": draw(st.text(max_size=30))},
        suites=suites,
        criteria=criteria,
        verdict=draw(st.sampled_from(Verdict)),
        verdict_reasons=tuple(draw(st.lists(text, max_size=2))),
    )


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    register_fonts()  # once for every example (it is cached per process anyway)
    return tmp_path_factory.mktemp("any-run") / "report.pdf"


def _single(suite: SuiteResult, language: str = "en") -> RunResult:
    return RunResult(
        run_id="example",
        profile=ProfileInfo(name="p", path="p", sha256=""),
        project=ProjectInfo(name="P"),
        report=ReportMeta(language=language),
        started=T0,
        suites=(suite,),
    )


# Hypothesis derandomizes each parametrized item apart; tests/conftest.py schedules each shard on its own
@pytest.mark.parametrize("shard", range(SHARDS), ids=lambda n: f"shard{n}")
@settings(
    max_examples=EXAMPLES // SHARDS,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
@given(run=runs())
@example(  # the Surefire case: a stack trace taller than a page in one table cell
    run=_single(
        SuiteResult(
            name="surefire", kind="integration", status=SuiteStatus.FAILED,
            cases=(TestCase(id="a::b", name="b", status=CaseStatus.FAILED, message="x " * 2_000 + "长" * 4_000,
                            details="\n".join("\tat org.Foo.bar(Foo.java:1) " + "y" * 400 for _ in range(30))),),
        )
    )
)  # fmt: skip
@example(  # a NUL once cut the rest of a paragraph off silently
    run=_single(
        SuiteResult(name="nul", kind="unit", status=SuiteStatus.FAILED,
                    cases=(TestCase(id="n\x00ul", name="n", status=CaseStatus.ERROR, message="a\x00b \ud800"),)),
        "zh-CN",
    )
)  # fmt: skip
def test_any_valid_run_renders_a_pdf(out: Path, run: RunResult, shard: int) -> None:
    out = out.with_name(f"report-{shard}.pdf")
    out.unlink(missing_ok=True)
    render_report(run, out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
