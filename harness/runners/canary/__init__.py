"""``kind: canary`` — a canary judged against its baseline by statistics (灰度发布, docs/canary.md).

The same Locust load runs against both deployments at the same time; per metric a one-sided
Mann-Whitney U test and an effect-size threshold classify the canary as pass, marginal or fail, and the
classifications make a score of 0-100 (after Kayenta's judge).
"""
