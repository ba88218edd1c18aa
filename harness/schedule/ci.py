"""The CI job that runs a profile on a fresh runner, as GitHub Actions steps, a GitLab CI job and a Jenkins
pipeline: the one definition both ``harness schedule export --format github|gitlab|jenkins`` and the
examples in ``docs/ci/`` use (tests/docs/test_ci.py keeps them identical and lints them).

What a fresh runner needs, in every form:
- Python 3.11, the CJK font and poppler for the PDF (``fonts-wqy-zenhei``, ``poppler-utils``), ``make setup``;
- ``.venv`` cached between runs (it holds the wapiti environment too, ``.venv/tools/wapiti``);
- the run history ``reports/history.sqlite`` kept between runs, so ``baseline: previous`` finds the run
  before (GitHub: actions/cache restore + save; GitLab: a cache of its own; Jenkins: the agent's workspace);
- secrets from the CI's secret store, passed as environment variables (never on a command line);
- the results published whatever the verdict, and only then the gate;
- GitHub pull requests from forks: no ``checks``/``security-events`` write access and no secrets, so the
  steps needing them are skipped there instead of failing the job;
- Jenkins: steps run as the agent's own user in an image that already has the system packages, so no
  root-owned files are left in the workspace.

The job reads the profile from ``PROFILE`` and the suites from ``SUITES`` (space-separated, empty: every
enabled suite), and calls ``docs/ci/run-acceptance.sh``.
"""

from __future__ import annotations

GITHUB_STEPS = """\
      - uses: actions/checkout@v4

      - id: python
        uses: actions/setup-python@v5
        with:
          python-version: "3.11"

      - name: System packages (CJK font for the PDF, poppler)
        run: sudo apt-get update -qq && sudo apt-get install -y -qq --no-install-recommends fonts-wqy-zenhei poppler-utils

      - name: Cache the virtualenvs (.venv, with wapiti's in .venv/tools/wapiti)
        uses: actions/cache@v4
        with:
          path: .venv
          key: venv-${{ runner.os }}-${{ steps.python.outputs.python-version }}-${{ hashFiles('pyproject.toml', 'scripts/setup.sh') }}

      - name: Install the harness
        run: make setup

      - name: Restore the run history (the baseline of this run)
        uses: actions/cache/restore@v4
        with:
          path: reports/history.sqlite
          key: acceptance-history-${{ github.ref_name }}-${{ github.run_id }}-${{ github.run_attempt }}
          restore-keys: |
            acceptance-history-${{ github.ref_name }}-
            acceptance-history-

      - name: Acceptance run
        id: acceptance
        # the gate is applied in the last step, after everything is published
        continue-on-error: true
        env:
          # secrets come from the repository's secret store (Settings > Secrets and variables > Actions) as
          # environment variables, which the profile reads as ${VAR}; fork pull requests get none
          DEMO_OFFICER_PASSWORD: ${{ secrets.DEMO_OFFICER_PASSWORD }}
        run: bash docs/ci/run-acceptance.sh "$PROFILE" acceptance-results

      - name: Keep the run history for the next run
        if: always() && hashFiles('reports/history.sqlite') != ''
        uses: actions/cache/save@v4
        with:
          path: reports/history.sqlite
          key: acceptance-history-${{ github.ref_name }}-${{ github.run_id }}-${{ github.run_attempt }}

      - name: Acceptance report and exports
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: acceptance-results-${{ github.job }}
          path: acceptance-results/
          if-no-files-found: warn

      - name: Test results
        # a pull request from a fork gets a read-only token: no check run there (the artifact has junit.xml)
        if: >-
          always() && hashFiles('acceptance-results/junit.xml') != '' &&
          (github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository)
        uses: mikepenz/action-junit-report@v4
        with:
          report_paths: acceptance-results/junit.xml
          check_name: acceptance (junit) ${{ github.job }}
          include_passed: false

      - name: Security findings
        # no security-events: write for forks either
        if: >-
          always() && hashFiles('acceptance-results/sarif.json') != '' &&
          (github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository)
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: acceptance-results/sarif.json
          category: acceptance-harness-${{ github.job }}

      - name: Gate (0 PASS, 1 FAIL, 2 profile error, 3 INCOMPLETE)
        if: always()
        env:
          CODE: ${{ steps.acceptance.outputs.exit_code }}
        run: |
          echo "harness exit code: ${CODE:-none}"
          test "${CODE:-2}" = 0
"""
"""The steps of the GitHub job (indented for ``jobs.<id>.steps``); the job sets ``PROFILE`` and ``SUITES``."""

GITHUB_PERMISSIONS = """\
permissions:
  contents: read
  actions: read            # upload-sarif reads the run's metadata
  checks: write            # JUnit check run (not granted to fork pull requests: that step is skipped there)
  security-events: write   # SARIF upload (idem)
"""

GITLAB_TEMPLATE = """\
.acceptance:
  image: python:3.11-bookworm
  timeout: 1h
  variables:
    PIP_CACHE_DIR: "$CI_PROJECT_DIR/.cache/pip"
  cache:
    # .venv holds wapiti's environment too (.venv/tools/wapiti)
    - key:
        files: [pyproject.toml, scripts/setup.sh]
      paths: [.venv/, .cache/pip/]
    # the run history: the next run's baseline (baseline: previous / last-pass)
    - key: acceptance-history-$CI_COMMIT_REF_SLUG
      fallback_keys: [acceptance-history-$CI_DEFAULT_BRANCH]
      paths: [reports/history.sqlite]
      when: always
  before_script:
    - apt-get update -qq && apt-get install -y -qq --no-install-recommends fonts-wqy-zenhei poppler-utils
    - make setup
  script:
    # secrets: masked CI/CD variables (Settings > CI/CD > Variables) reach the job as environment variables,
    # which the profile reads as ${VAR}; pipelines of merge requests from forks do not get them
    # exit code: 0 PASS, 1 FAIL, 2 profile error, 3 INCOMPLETE: anything but 0 fails the job
    - bash docs/ci/run-acceptance.sh "$PROFILE" acceptance-results
  artifacts:
    when: always
    expire_in: 90 days
    expose_as: acceptance report
    paths:
      - acceptance-results/
    reports:
      junit: acceptance-results/junit.xml
"""
"""A hidden GitLab job the real jobs extend (``extends: .acceptance``), setting ``PROFILE`` and ``SUITES``."""

JENKINS_BODY = """\
    options {
        timeout(time: 1, unit: 'HOURS')
        buildDiscarder(logRotator(numToKeepStr: '30'))
        disableConcurrentBuilds()
    }
    stages {
        stage('Setup') {
            steps {
                sh 'make setup'
            }
        }
        stage('Acceptance') {
            steps {
                script {
                    // 0 PASS, 1 FAIL, 2 profile error, 3 INCOMPLETE; the history stays in the workspace
                    // (reports/history.sqlite), so the next build compares with this one
                    env.HARNESS_EXIT = sh(
                        script: 'bash docs/ci/run-acceptance.sh "$PROFILE" acceptance-results',
                        returnStatus: true
                    ).toString()
                }
            }
        }
    }
    post {
        always {
            junit testResults: 'acceptance-results/junit.xml', allowEmptyResults: true
            recordIssues enabledForFailure: true, tools: [sarif(pattern: 'acceptance-results/sarif.json')]
            archiveArtifacts artifacts: 'acceptance-results/**', allowEmptyArchive: true, fingerprint: true
            script {
                def code = (env.HARNESS_EXIT ?: '2') as int
                if (code != 0) {
                    def verdict = [1: 'FAIL', 2: 'profile or usage error', 3: 'INCOMPLETE'][code] ?: "exit code ${code}"
                    currentBuild.result = 'FAILURE'
                    error("acceptance gate: ${verdict}")
                }
            }
        }
    }
"""
"""Options, stages and post of the Jenkins pipeline; the agent, environment and triggers come before it."""

JENKINS_AGENT = """\
    agent {
        // the image has Python, the CJK font and poppler (docs/ci/Dockerfile); the Docker Pipeline plugin runs
        // the steps as Jenkins' own user, so nothing in the workspace ends up owned by root
        dockerfile {
            filename 'docs/ci/Dockerfile'
        }
    }
"""

JENKINS_ENVIRONMENT = """\
        HOME = "${WORKSPACE}"                        // pip and the tools write their caches here, not in /
        PIP_CACHE_DIR = "${WORKSPACE}/.cache/pip"
        // secrets from Jenkins' credential store as environment variables, which the profile reads as ${VAR}
        // (add the credential first; the demo profile needs none):
        // STAGING_API_TOKEN = credentials('staging-api-token')
"""
