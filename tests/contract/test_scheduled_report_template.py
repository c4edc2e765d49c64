"""Contract checks on the scheduled report's deployment, the alarms and the dashboard in infra/template.yaml: the
schedules hand the analytics function an input its code accepts, its permissions are what it needs and no more,
and every function, queue and the webhook API is watched."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

import pytest
from test_template import FUNCTIONS, load_template, refs, resources_of_type, sam_transform

from parley.analytics.job import requested_period
from parley.analytics.report_period import PeriodKind
from parley.analytics.store import report_prefix
from parley.config import ConfigError, load_report_settings

SCHEDULES = {"DailyReportSchedule": PeriodKind.DAILY, "WeeklyReportSchedule": PeriodKind.WEEKLY}
PARLEY_METRICS = {
    "MessagesIn",
    "RepliesSent",
    "Handoffs",
    "Fallbacks",
    "FirstResponseMs",
    "TranslationCalls",
    "DeliveryFailures",
}
ALARM_ACTIONS = {"Fn::If": ["HasAlarmEmail", [{"Ref": "AlarmTopic"}], {"Ref": "AWS::NoValue"}]}


@cache
def _transformed() -> str:
    return json.dumps(sam_transform(load_template()))


@pytest.fixture
def cfn() -> dict[str, Any]:
    """The transformed (plain CloudFormation) template, as test_template.py checks it."""
    result: dict[str, Any] = json.loads(_transformed())
    return result


def policy_statements(template: dict[str, Any], role: str) -> list[tuple[str | None, dict[str, Any]]]:
    """(condition or None, statement) for every statement of a role's inline policies, Fn::If ones included."""
    found = []
    for entry in template["Resources"][role]["Properties"].get("Policies", []):
        condition, policy = None, entry
        if "Fn::If" in entry:
            condition, policy, otherwise = entry["Fn::If"]
            assert otherwise == {"Ref": "AWS::NoValue"}
        for statement in policy["PolicyDocument"]["Statement"]:
            actions = statement["Action"]
            found.append((condition, {**statement, "Action": [actions] if isinstance(actions, str) else actions}))
    return found


def dashboard(template: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """The dashboard body as CloudWatch would read it (every ${Name} filled with a stand-in) and the names used."""
    (board,) = resources_of_type(template, "AWS::CloudWatch::Dashboard").values()
    body = board["Properties"]["DashboardBody"]["Fn::Sub"]
    names = set(re.findall(r"\$\{([^}]+)\}", body))
    stand_ins = {name: "10000" if name == "FirstResponseP95ThresholdMs" else f"<{name}>" for name in names}
    return json.loads(re.sub(r"\$\{([^}]+)\}", lambda m: stand_ins[m.group(1)], body)), names


# ------------------------------------------------------------------------------------------------ the function


def test_the_analytics_function_gets_the_report_settings_and_the_code_accepts_their_defaults(cfn):
    variables = cfn["Resources"]["AnalyticsFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["EVENTS_BUCKET"] == {"Ref": "EventsBucket"}
    assert variables["REPORTS_BUCKET"] == {"Ref": "ReportsBucket"}
    for name, parameter in (
        ("REPORT_TIMEZONE", "ReportTimezone"),
        ("REPORT_LOCALE", "ReportLocale"),
        ("REPORT_SENDER", "ReportSender"),
        ("REPORT_RECIPIENTS", "ReportRecipients"),
        ("TRANSLATION_PROVIDER", "TranslationProvider"),
    ):
        assert variables[name] == {"Ref": parameter}, name
    parameters = cfn["Parameters"]
    defaults = {
        "EVENTS_BUCKET": "parley-events-bucket",
        "REPORTS_BUCKET": "parley-reports-bucket",
        "REPORT_TIMEZONE": parameters["ReportTimezone"]["Default"],
        "REPORT_SENDER": parameters["ReportSender"]["Default"],
        "REPORT_RECIPIENTS": parameters["ReportRecipients"]["Default"],
    }
    settings = load_scheduled(defaults)
    assert str(settings.timezone) == "UTC" and settings.recipients == () and settings.sender == ""
    assert parameters["DailyReportCron"]["Default"] == "cron(0 6 * * ? *)"
    assert parameters["WeeklyReportCron"]["Default"] == "cron(0 6 ? * MON *)"
    assert int(parameters["ReportsRetentionDays"]["Default"]) == 400
    assert int(parameters["FirstResponseP95ThresholdMs"]["Default"]) == 10000
    assert parameters["AlarmEmail"]["Default"] == ""


def load_scheduled(env: dict[str, str]):
    return load_report_settings(env, scheduled=True)


@pytest.mark.parametrize(
    ("recipients", "accepted"),
    [
        ("ops@example.com", True),
        ("ops@example.com, ceo@example.co.uk", True),
        ("ops@example.com,,ceo@example.com", False),
        ("ops@example.com; ceo@example.com", False),
        ("Ops <ops@example.com>", False),
    ],
)
def test_the_deploy_time_recipient_pattern_agrees_with_the_code(cfn, recipients, accepted):
    pattern = cfn["Parameters"]["ReportRecipients"]["AllowedPattern"]
    assert bool(re.fullmatch(pattern, recipients)) is accepted
    env = {"EVENTS_BUCKET": "e", "REPORTS_BUCKET": "r", "REPORT_SENDER": "reports@example.com"}
    if accepted:
        assert load_scheduled(env | {"REPORT_RECIPIENTS": recipients}).recipients
    else:
        with pytest.raises(ConfigError):
            load_scheduled(env | {"REPORT_RECIPIENTS": recipients})


def test_the_analytics_function_reads_events_writes_reports_and_mails_only_from_the_sender(cfn):
    reads, writes, other = set(), set(), []
    for condition, statement in policy_statements(cfn, "AnalyticsFunctionRole"):
        assert statement["Effect"] == "Allow"
        targets = set(refs(statement["Resource"]))
        for action in statement["Action"]:
            if action in {"s3:PutObject", "s3:DeleteObject"}:
                assert statement["Resource"] == {"Fn::Sub": "${ReportsBucket.Arn}/reports/*"}
                writes.add(action)
            elif action == "s3:ListBucket" and targets == {"ReportsBucket"}:
                assert statement["Condition"] == {"StringLike": {"s3:prefix": "reports/*"}}
            elif action.startswith("s3:"):
                assert re.match(r"s3:(Get|List)", action), action
                reads |= targets
            elif action.startswith("ses:"):
                # Mail is sent only when a sender is configured, and only from it.
                assert condition == "CanMailReports"
                assert statement["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "ReportSender"}}}
                other.append(action)
            elif action == "sqs:SendMessage":
                assert targets == {"ReportsDeadLetterQueue"}
                other.append(action)
            else:
                pytest.fail(f"unexpected action {action}")
    assert reads == {"EventsBucket"}
    assert writes == {"s3:PutObject", "s3:DeleteObject"}
    assert sorted(other) == ["ses:SendEmail", "ses:SendRawEmail", "sqs:SendMessage"]
    # Where the code writes is where the policy lets it.
    assert report_prefix("weekly", "2025-03-03").startswith("reports/")


def test_a_failed_report_run_is_retried_then_parked_with_its_input(cfn):
    (config,) = resources_of_type(cfn, "AWS::Lambda::EventInvokeConfig").values()
    properties = config["Properties"]
    assert properties["FunctionName"] == {"Ref": "AnalyticsFunction"}
    assert properties["MaximumRetryAttempts"] == 2
    assert set(refs(properties["DestinationConfig"]["OnFailure"]["Destination"])) == {"ReportsDeadLetterQueue"}


# ------------------------------------------------------------------------------------------------ schedules


def test_the_schedules_run_daily_and_weekly_in_the_report_time_zone_with_an_input_the_code_accepts(cfn):
    schedules = resources_of_type(cfn, "AWS::Scheduler::Schedule")
    assert set(schedules) == set(SCHEDULES)
    for name, kind in SCHEDULES.items():
        properties = schedules[name]["Properties"]
        cron = "DailyReportCron" if kind is PeriodKind.DAILY else "WeeklyReportCron"
        assert properties["ScheduleExpression"] == {"Ref": cron}
        assert properties["ScheduleExpressionTimezone"] == {"Ref": "ReportTimezone"}
        assert properties["State"] == "ENABLED"
        target = properties["Target"]
        assert set(refs(target["Arn"])) == {"AnalyticsFunction"}
        assert set(refs(target["RoleArn"])) == {"ReportSchedulerRole"}
        assert set(refs(target["DeadLetterConfig"]["Arn"])) == {"ReportsDeadLetterQueue"}
        assert 0 < target["RetryPolicy"]["MaximumRetryAttempts"] <= 185
        # What the scheduler sends on Monday 10 March 2025 at 06:00 UTC, its context attribute filled in.
        sent = target["Input"].replace("<aws.scheduler.scheduled-time>", "2025-03-10T06:00:00Z")
        period = requested_period(json.loads(sent), UTC, lambda: datetime(2030, 1, 1, tzinfo=UTC))
        assert period.kind is kind
        assert period.first_day == (date(2025, 3, 9) if kind is PeriodKind.DAILY else date(2025, 3, 3))
    # The scheduler's dead letters go to a standard queue: it takes no FIFO queue.
    assert "FifoQueue" not in cfn["Resources"]["ReportsDeadLetterQueue"]["Properties"]


def test_the_scheduler_may_only_start_the_analytics_function_and_park_what_it_cannot(cfn):
    role = cfn["Resources"]["ReportSchedulerRole"]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    granted = {}
    for condition, statement in policy_statements(cfn, "ReportSchedulerRole"):
        assert condition is None and statement["Effect"] == "Allow"
        for action in statement["Action"]:
            granted[action] = set(refs(statement["Resource"]))
    assert granted == {"lambda:InvokeFunction": {"AnalyticsFunction"}, "sqs:SendMessage": {"ReportsDeadLetterQueue"}}


# ------------------------------------------------------------------------------------------------ reports bucket


def test_the_reports_bucket_is_private_encrypted_kept_and_expires_reports(cfn):
    bucket = cfn["Resources"]["ReportsBucket"]
    assert bucket["DeletionPolicy"] == "Retain"
    properties = bucket["Properties"]
    (encryption,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}
    assert all(properties["PublicAccessBlockConfiguration"].values())
    assert len(properties["PublicAccessBlockConfiguration"]) == 4
    (rule,) = properties["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled"
    assert rule["ExpirationInDays"] == {"Ref": "ReportsRetentionDays"}
    assert report_prefix("daily", "2025-03-09").startswith(rule["Prefix"])
    policies = resources_of_type(cfn, "AWS::S3::BucketPolicy").values()
    (policy,) = [p for p in policies if p["Properties"]["Bucket"] == {"Ref": "ReportsBucket"}]
    (deny,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


# ------------------------------------------------------------------------------------------------ alarms


def alarms(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: a["Properties"] for name, a in resources_of_type(template, "AWS::CloudWatch::Alarm").items()}


def watched(template: dict[str, Any], namespace: str, metric: str) -> dict[str, set[str]]:
    """alarm → what it watches (the logical ids in its dimensions), for one metric."""
    return {
        name: set(refs(alarm.get("Dimensions", [])))
        for name, alarm in alarms(template).items()
        if alarm["Namespace"] == namespace and alarm["MetricName"] == metric
    }


def test_every_function_has_an_errors_alarm(cfn):
    watched_functions = watched(cfn, "AWS/Lambda", "Errors")
    assert sorted(t for targets in watched_functions.values() for t in targets) == sorted(FUNCTIONS)


def test_both_dead_letter_queues_alarm_when_not_empty(cfn):
    queues = watched(cfn, "AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert queues == {
        "DeadLetterQueueAlarm": {"InboundDeadLetterQueue"},
        "ReportsDeadLetterQueueAlarm": {"ReportsDeadLetterQueue"},
    }
    for name in queues:
        assert alarms(cfn)[name]["ComparisonOperator"] == "GreaterThanThreshold"
        assert alarms(cfn)[name]["Threshold"] == 0


def test_webhook_5xx_and_slow_first_responses_alarm(cfn):
    assert list(watched(cfn, "AWS/ApiGateway", "5xx").values()) == [{"WebhookApi"}]
    (slow,) = [a for a in alarms(cfn).values() if a["MetricName"] == "FirstResponseMs"]
    assert slow["Namespace"] == "Parley"
    assert slow["ExtendedStatistic"] == "p95"
    assert slow["Threshold"] == {"Ref": "FirstResponseP95ThresholdMs"}
    # The metric's service dimension is the functions' POWERTOOLS_SERVICE_NAME, which Powertools Metrics adds.
    variables = cfn["Resources"]["FulfillmentFunction"]["Properties"]["Environment"]["Variables"]
    service = variables["POWERTOOLS_SERVICE_NAME"]
    assert slow["Dimensions"] == [{"Name": "service", "Value": service}]


def test_every_alarm_notifies_the_alarm_topic_which_exists_only_with_an_alarm_email(cfn):
    for name, alarm in alarms(cfn).items():
        assert alarm["AlarmActions"] == ALARM_ACTIONS, name
    resources = cfn["Resources"]
    assert resources["AlarmTopic"]["Condition"] == "HasAlarmEmail"
    subscription = resources["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Protocol"] == "email"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    assert set(refs(cfn["Conditions"]["HasAlarmEmail"])) == {"AlarmEmail"}


# ------------------------------------------------------------------------------------------------ dashboard


def test_the_dashboard_shows_parleys_metrics_the_functions_the_queues_and_the_webhook_api(cfn):
    body, names = dashboard(cfn)
    metrics = [m for widget in body["widgets"] for m in widget["properties"]["metrics"]]
    by_namespace: dict[str, set[tuple[str, str]]] = {}
    for metric in metrics:
        namespace, name, _dimension, value = metric[:4]
        by_namespace.setdefault(namespace, set()).add((name, value))
    assert {name for name, _ in by_namespace["Parley"]} == PARLEY_METRICS
    assert {value for _, value in by_namespace["Parley"]} == {"parley"}
    for function in FUNCTIONS:
        assert {("Errors", f"<{function}>"), ("Duration", f"<{function}>")} <= by_namespace["AWS/Lambda"]
    assert ("ApproximateNumberOfMessagesVisible", "<InboundQueue.QueueName>") in by_namespace["AWS/SQS"]
    assert ("5xx", "<WebhookApi>") in by_namespace["AWS/ApiGateway"]
    percentiles = {m[4]["stat"] for m in metrics if m[1] == "FirstResponseMs"}
    assert percentiles == {"p50", "p95"}
    # Every name the body fills in is a resource, a parameter or a pseudo parameter of the stack.
    known = set(cfn["Resources"]) | set(cfn["Parameters"])
    assert all(n.startswith("AWS::") or n.split(".")[0] in known for n in names), names
