"""Contract checks on the deployment: infra/template.yaml, the layer recipe and samconfig.toml.

The SAM template is transformed offline with aws-sam-translator (no AWS call) and the resulting CloudFormation
is linted with cfn-lint: linting the SAM template alone misses broken references inside SAM resources. The tables
are compared with the pynamodb models, the one definition the code also uses to create them locally.
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import boto3
import pytest
from cfnlint.api import lint
from cfnlint.decode import decode
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

from parley.config import (
    DEFAULT_GRAPH_API_URL,
    DEFAULT_GRAPH_API_VERSION,
    DEFAULT_ORDER_ID_PATTERN,
    LOG_HASH_KEY_NAME,
    LOG_HASH_KEY_SECRET_NAME,
    META_SECRET_KEYS,
    MIN_LOG_HASH_KEY_LENGTH,
    TRANSLATION_PROVIDERS,
    load_report_settings,
    load_settings,
)
from parley.data.models import MODELS
from parley.data.tables import table_definition
from parley.fulfillment.retrying import RetrySchedule

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "infra" / "template.yaml"
LAYER_DIR = ROOT / "infra" / "layer"
SAMCONFIG = ROOT / "samconfig.toml"
REGION = "us-east-1"

FUNCTIONS = ("WebhookFunction", "FulfillmentFunction", "AnalyticsFunction")
WEBHOOK_PATHS = ("/webhook/{channel}",)
AGENT_PATHS = ("/agent/conversations/{conversation_id}/messages", "/agent/conversations/{conversation_id}/release")
BUSINESS_READ_ONLY = ("invoices", "products")
# Customers: fulfillment only remembers a verified sender's WhatsApp business-scoped user id on their record.
# Attempts at proving who you are: counted and taken back with conditional updates, never deleted (they expire).
FULFILLMENT_UPDATES_ONLY = {"customers": {"dynamodb:UpdateItem"}, "proof_attempts": {"dynamodb:UpdateItem"}}
FULFILLMENT_WRITES = (
    "orders",
    "subscriptions",
    "returns",
    "conversations",
    "conversation_messages",
    "processed_messages",
    "translation_cache",
    "pseudonym_keys",
)
DYNAMODB_READ_ACTIONS = re.compile(
    r"^dynamodb:(Get|BatchGet|Query|Scan|Describe|ConditionCheck|List|PartiQLSelect)", re.IGNORECASE
)


# ------------------------------------------------------------------------------------------------ helpers


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    """The template as plain JSON-like data; cfn-lint's decoder understands !Ref, !Sub, !GetAtt..."""
    template, problems = decode(str(path))
    assert not problems, [str(p) for p in problems]
    assert template is not None
    result: dict[str, Any] = json.loads(json.dumps(template))
    return result


def sam_transform(template: dict[str, Any]) -> dict[str, Any]:
    """SAM → CloudFormation exactly as the service would do it, offline.

    Local code paths become S3 URIs (what `sam package` would upload) and managed policy names are not
    looked up (the template names none), so no AWS call is made.
    """
    sam = copy.deepcopy(template)
    for name, resource in sam.get("Resources", {}).items():
        properties = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if isinstance(properties.get(key), str) and not properties[key].startswith("s3://"):
                properties[key] = f"s3://parley-artifacts/{name}.zip"
    translator = Translator(None, Parser(), boto_session=boto3.Session(region_name=REGION))
    transformed: dict[str, Any] = translator.translate(sam, parameter_values={}, get_managed_policy_map=lambda: {})
    return transformed


def lint_errors(template: dict[str, Any]) -> list[str]:
    matches = lint(json.dumps(template), regions=[REGION])
    return [f"{m.rule.id} {m.message} ({m.path})" for m in matches if m.rule.id.startswith("E")]


@cache
def _template_json() -> str:
    return json.dumps(load_template())


@cache
def _transformed_json() -> str:
    return json.dumps(sam_transform(load_template()))


@pytest.fixture
def template() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(_template_json())
    return result


@pytest.fixture
def cfn() -> dict[str, Any]:
    """The transformed (plain CloudFormation) template."""
    result: dict[str, Any] = json.loads(_transformed_json())
    return result


def resources_of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r.get("Type") == kind}


def refs(node: Any) -> Iterator[str]:
    """Every logical id (or parameter) referenced below node through Ref, GetAtt and Sub; no pseudo parameters."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                if not value.startswith("AWS::"):
                    yield value
            elif key == "Fn::GetAtt":
                yield value[0] if isinstance(value, list) else str(value).split(".")[0]
            elif key == "Fn::Sub":
                text, local = (value[0], value[1]) if isinstance(value, list) else (value, {})
                for name in re.findall(r"\$\{([^}!]+)\}", text):
                    if name not in local and not name.startswith("AWS::"):
                        yield name.split(".")[0]
                yield from refs(local)
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def resolved(cfn: dict[str, Any], value: Any) -> Any:
    """A value as deployed with the parameters' defaults: Fn::FindInMap over a Ref resolved."""
    if isinstance(value, dict) and "Fn::FindInMap" in value:
        mapping, key, attribute = value["Fn::FindInMap"]
        if isinstance(key, dict) and "Ref" in key:
            key = cfn["Parameters"][key["Ref"]]["Default"]
        return cfn["Mappings"][mapping][str(key)][attribute]
    return value


def is_true(value: Any) -> bool:
    return str(value).lower() == "true"


def role_statements(cfn: dict[str, Any], function: str) -> list[dict[str, Any]]:
    role = cfn["Resources"][f"{function}Role"]["Properties"]
    statements = []
    for policy in role.get("Policies", []):
        for statement in policy["PolicyDocument"]["Statement"]:
            actions = statement["Action"]
            statements.append({**statement, "Action": [actions] if isinstance(actions, str) else actions})
    return statements


def _key_schema(keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(({"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]} for k in keys), key=str)


def normalised(definition: dict[str, Any]) -> dict[str, Any]:
    """table_definition()'s vocabulary with every list in a canonical order."""
    return {
        "AttributeDefinitions": sorted(definition["AttributeDefinitions"], key=lambda a: a["AttributeName"]),
        "KeySchema": _key_schema(definition["KeySchema"]),
        "GlobalSecondaryIndexes": sorted(
            (
                {
                    "IndexName": gsi["IndexName"],
                    "KeySchema": _key_schema(gsi["KeySchema"]),
                    "Projection": gsi["Projection"],
                }
                for gsi in definition["GlobalSecondaryIndexes"] or []
            ),
            key=lambda i: i["IndexName"],
        ),
        "TimeToLiveAttribute": definition["TimeToLiveAttribute"] or None,
        "PointInTimeRecovery": bool(definition["PointInTimeRecovery"]),
    }


def template_table_definition(resource: dict[str, Any]) -> dict[str, Any]:
    """A template's AWS::DynamoDB::Table in table_definition()'s vocabulary."""
    properties = resource["Properties"]
    ttl = properties.get("TimeToLiveSpecification") or {}
    pitr = properties.get("PointInTimeRecoverySpecification") or {}
    return normalised(
        {
            "AttributeDefinitions": properties.get("AttributeDefinitions", []),
            "KeySchema": properties.get("KeySchema", []),
            "GlobalSecondaryIndexes": properties.get("GlobalSecondaryIndexes", []),
            "TimeToLiveAttribute": ttl.get("AttributeName") if is_true(ttl.get("Enabled")) else None,
            "PointInTimeRecovery": is_true(pitr.get("PointInTimeRecoveryEnabled", False)),
        }
    )


def table_drift(template: dict[str, Any]) -> dict[str, Any]:
    """Each table whose template definition differs from its model: logical id → (template, code)."""
    drift: dict[str, Any] = {}
    tables = resources_of_type(template, "AWS::DynamoDB::Table")
    expected = {model.logical_id: model for model in MODELS.values()}
    for logical_id, model in expected.items():
        if logical_id not in tables:
            drift[logical_id] = "missing from the template"
            continue
        ours, theirs = template_table_definition(tables[logical_id]), normalised(table_definition(model))
        if tables[logical_id]["Properties"].get("LocalSecondaryIndexes"):
            drift[logical_id] = "has LocalSecondaryIndexes the code does not create"
        elif ours != theirs:
            drift[logical_id] = {"template": ours, "code": theirs}
    for logical_id in sorted(set(tables) - set(expected)):
        drift[logical_id] = "is not one of parley.data.models.MODELS"
    return drift


# ------------------------------------------------------------------------------------------------ template lints


def test_transformed_template_has_no_lint_errors(cfn: dict[str, Any]) -> None:
    assert "Transform" not in cfn
    assert lint_errors(cfn) == []


def test_sam_template_has_no_lint_errors(template: dict[str, Any]) -> None:
    assert lint_errors(template) == []


def test_lint_after_transform_catches_a_broken_ref_inside_a_sam_resource(template: dict[str, Any]) -> None:
    broken = copy.deepcopy(template)
    broken["Resources"]["WebhookFunction"]["Properties"]["Policies"].append(
        {"AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": {"Ref": "NoSuchSecret"}}}
    )
    assert any("NoSuchSecret" in error for error in lint_errors(sam_transform(broken)))


# ------------------------------------------------------------------------------------------------ tables


@pytest.mark.parametrize("name", sorted(MODELS))
def test_table_matches_its_model(template: dict[str, Any], name: str) -> None:
    model = MODELS[name]
    logical_id = model.logical_id
    table = template["Resources"].get(logical_id)
    assert table is not None, f"{logical_id} is missing from the template"
    assert table["Type"] == "AWS::DynamoDB::Table"
    assert not table["Properties"].get("LocalSecondaryIndexes")
    assert template_table_definition(table) == normalised(table_definition(model))


def test_the_only_tables_are_the_models(template: dict[str, Any]) -> None:
    expected = {model.logical_id for model in MODELS.values()}
    assert set(resources_of_type(template, "AWS::DynamoDB::Table")) == expected
    assert not resources_of_type(template, "AWS::Serverless::SimpleTable")
    assert table_drift(template) == {}


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda p: p["KeySchema"][0].update(AttributeName="id"), id="hash-key"),
        pytest.param(lambda p: p["AttributeDefinitions"][0].update(AttributeType="N"), id="attribute-type"),
        pytest.param(lambda p: p["GlobalSecondaryIndexes"][0].update(IndexName="renamed"), id="gsi-name"),
        pytest.param(lambda p: p["GlobalSecondaryIndexes"].pop(), id="gsi-removed"),
        pytest.param(
            lambda p: p["GlobalSecondaryIndexes"][0].update(Projection={"ProjectionType": "KEYS_ONLY"}),
            id="gsi-projection",
        ),
        pytest.param(
            lambda p: p["GlobalSecondaryIndexes"][0]["KeySchema"].append({"AttributeName": "name", "KeyType": "RANGE"}),
            id="gsi-range-key",
        ),
        pytest.param(lambda p: p.pop("PointInTimeRecoverySpecification"), id="pitr-off"),
        pytest.param(
            lambda p: p.update(TimeToLiveSpecification={"AttributeName": "ttl", "Enabled": True}), id="ttl-added"
        ),
    ],
)
def test_table_drift_is_detected(template: dict[str, Any], mutate: Any) -> None:
    drifted = copy.deepcopy(template)
    mutate(drifted["Resources"]["CustomersTable"]["Properties"])
    assert "CustomersTable" in table_drift(drifted)


def test_an_extra_or_missing_table_is_detected(template: dict[str, Any]) -> None:
    drifted = copy.deepcopy(template)
    drifted["Resources"]["AuditTable"] = drifted["Resources"].pop("ProductsTable")
    assert {"AuditTable", "ProductsTable"} <= set(table_drift(drifted))


def test_tables_are_on_demand_encrypted_and_business_data_is_kept(template: dict[str, Any]) -> None:
    for name, table in resources_of_type(template, "AWS::DynamoDB::Table").items():
        properties = table["Properties"]
        assert properties.get("BillingMode") == "PAY_PER_REQUEST", name
        assert is_true(properties.get("SSESpecification", {}).get("SSEEnabled")), name
        assert "TableName" not in properties, f"{name}: a fixed name blocks a second stack and replacements"
    for name in ("customers", "orders", "invoices", "subscriptions", "products", "returns"):
        table = template["Resources"][MODELS[name].logical_id]
        assert table.get("DeletionPolicy") == "Retain", name
        assert table.get("UpdateReplacePolicy") == "Retain", name


def test_the_message_log_keeps_one_expiring_item_per_message(template: dict[str, Any]) -> None:
    properties = template["Resources"][MODELS["conversation_messages"].logical_id]["Properties"]
    keys = {k["KeyType"]: k["AttributeName"] for k in properties["KeySchema"]}
    assert keys == {"HASH": "conversation_id", "RANGE": "at_message_id"}
    assert is_true(properties["TimeToLiveSpecification"]["Enabled"])


def test_staff_can_find_a_customers_conversations_by_index(template: dict[str, Any]) -> None:
    properties = template["Resources"][MODELS["conversations"].logical_id]["Properties"]
    (index,) = properties["GlobalSecondaryIndexes"]
    assert index["KeySchema"] == [{"AttributeName": "data_subject_id", "KeyType": "HASH"}]
    # Only the keys: the index exists to find conversation ids, not to copy their contents.
    assert index["Projection"] == {"ProjectionType": "KEYS_ONLY"}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_table_name_the_template_passes_is_read_by_the_code(name: str) -> None:
    from parley.data.tables import table_name

    settings = load_settings({f"{name.upper()}_TABLE": "stack-table-name"})
    assert table_name(settings, name) == "stack-table-name"


# ------------------------------------------------------------------------------------------------ functions


def test_webhook_paths_have_get_and_post_routes(cfn: dict[str, Any]) -> None:
    (api,) = resources_of_type(cfn, "AWS::ApiGatewayV2::Api").values()
    paths = api["Properties"]["Body"]["paths"]
    for path in WEBHOOK_PATHS:
        assert {"get", "post"} <= set(paths[path]), path
        for method in ("get", "post"):
            integration = paths[path][method]["x-amazon-apigateway-integration"]
            assert "WebhookFunction" in set(refs(integration["uri"])), (path, method)
            assert integration["payloadFormatVersion"] == "2.0"


def test_functions_are_arm64_python313_with_the_core_layer(cfn: dict[str, Any]) -> None:
    functions = resources_of_type(cfn, "AWS::Lambda::Function")
    assert set(functions) == set(FUNCTIONS)
    layers = resources_of_type(cfn, "AWS::Lambda::LayerVersion")
    assert len(layers) == 1
    ((layer_id, layer),) = layers.items()
    assert layer["Properties"]["CompatibleRuntimes"] == ["python3.13"]
    assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]
    for name, function in functions.items():
        properties = function["Properties"]
        assert properties["Runtime"] == "python3.13", name
        assert properties["Architectures"] == ["arm64"], name
        assert properties["Handler"] == "app.handler", name
        assert [next(refs(layer_ref)) for layer_ref in properties["Layers"]] == [layer_id], name


def test_every_function_is_traced_without_recording_responses_or_errors(cfn: dict[str, Any]) -> None:
    for name, function in resources_of_type(cfn, "AWS::Lambda::Function").items():
        properties = function["Properties"]
        assert properties["TracingConfig"] == {"Mode": "Active"}, name
        variables = properties["Environment"]["Variables"]
        assert variables["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] == "false", name
        assert variables["POWERTOOLS_TRACER_CAPTURE_ERROR"] == "false", name
        role = cfn["Resources"][f"{name}Role"]["Properties"]
        assert any("AWSXrayWriteOnlyAccess" in json.dumps(arn) for arn in role["ManagedPolicyArns"]), name


def test_function_code_and_layer_recipe(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    assert resources["WebhookFunction"]["Properties"]["CodeUri"] == "../functions/webhook/"
    assert resources["FulfillmentFunction"]["Properties"]["CodeUri"] == "../functions/fulfillment/"
    assert resources["AnalyticsFunction"]["Properties"]["CodeUri"] == "../functions/analytics/"
    for function in FUNCTIONS:
        code = TEMPLATE.parent / resources[function]["Properties"]["CodeUri"] / "app.py"
        assert "def handler(" in code.read_text(), function
    layer = resources["CoreLayer"]
    assert layer["Metadata"] == {"BuildMethod": "makefile", "BuildArchitecture": "arm64"}
    assert (TEMPLATE.parent / layer["Properties"]["ContentUri"] / "Makefile").is_file()
    assert "build-CoreLayer:" in (LAYER_DIR / "Makefile").read_text()


def test_layer_sources_are_linked_so_cached_builds_see_changes() -> None:
    # sam build --cached hashes only the layer's ContentUri: the code and catalogs must be inside it.
    for link, target in (
        ("parley", ROOT / "src" / "parley"),
        ("locales", ROOT / "locales"),
        ("guides", ROOT / "guides"),
    ):
        assert (LAYER_DIR / link).is_symlink(), link
        assert (LAYER_DIR / link).resolve() == target.resolve(), link


def _requirements(lines: list[str]) -> set[str]:
    def canonical(line: str) -> str:
        line = re.sub(r"\s+", "", line)
        name = re.match(r"[A-Za-z0-9._-]+", line)
        assert name, line
        return re.sub(r"[-_.]+", "-", name.group(0)).lower() + line[name.end() :]

    return {canonical(line) for line in lines if line.strip() and not line.strip().startswith("#")}


def test_layer_requirements_are_the_project_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    layer = (LAYER_DIR / "requirements.txt").read_text().splitlines()
    assert _requirements(layer) == _requirements(project)


def test_functions_get_the_configuration_the_code_reads(cfn: dict[str, Any]) -> None:
    parameters = cfn["Parameters"]
    assert parameters["GraphApiUrl"]["Default"] == DEFAULT_GRAPH_API_URL
    assert parameters["GraphApiVersion"]["Default"] == DEFAULT_GRAPH_API_VERSION
    assert parameters["OrderIdPattern"]["Default"] == DEFAULT_ORDER_ID_PATTERN
    assert parameters["DefaultLanguage"]["Default"] == "en"
    expected: dict[str, Any] = {f"{name.upper()}_TABLE": {"Ref": model.logical_id} for name, model in MODELS.items()}
    expected |= {
        "INBOUND_QUEUE_URL": {"Ref": "InboundQueue"},
        "META_SECRET_NAME": {"Ref": "MetaSecret"},
        "GRAPH_API_URL": {"Ref": "GraphApiUrl"},
        "GRAPH_API_VERSION": {"Ref": "GraphApiVersion"},
        "ORDER_ID_PATTERN": {"Ref": "OrderIdPattern"},
        "DEFAULT_LANGUAGE": {"Ref": "DefaultLanguage"},
        "POWERTOOLS_SERVICE_NAME": "parley",
        "POWERTOOLS_LOG_LEVEL": {"Ref": "LogLevel"},
        "PARLEY_LOCALES_DIR": "/opt/locales",
        "PARLEY_GUIDES_DIR": "/opt/guides",
    }
    for name in FUNCTIONS:
        variables = cfn["Resources"][name]["Properties"]["Environment"]["Variables"]
        assert {k: variables.get(k) for k in expected} == expected, name
        leaked = set(variables) & set(META_SECRET_KEYS)
        assert not leaked, f"{name}: Meta credentials belong in the secret, not in the environment"
    # The layer recipe unpacks the catalogs where PARLEY_LOCALES_DIR points (/opt is the layer's root).
    assert '"$(ARTIFACTS_DIR)/locales' in (LAYER_DIR / "Makefile").read_text()
    assert '"$(ARTIFACTS_DIR)/locales/pivot"' in (LAYER_DIR / "Makefile").read_text()
    # Translation is the fulfillment's alone; its settings are parameters with the code's defaults.
    translation = cfn["Resources"]["FulfillmentFunction"]["Properties"]["Environment"]["Variables"]
    assert translation["TRANSLATION_PROVIDER"] == {"Ref": "TranslationProvider"}
    assert translation["TRANSLATION_DEADLINE_SECONDS"] == {"Ref": "TranslationDeadlineSeconds"}
    defaults = load_settings({})
    assert parameters["TranslationProvider"]["Default"] == defaults.translation_provider
    assert set(parameters["TranslationProvider"]["AllowedValues"]) == set(TRANSLATION_PROVIDERS)
    assert float(parameters["TranslationDeadlineSeconds"]["Default"]) == defaults.translation_deadline_seconds


def test_the_limits_on_proving_who_you_are_are_parameters_with_the_codes_defaults(cfn: dict[str, Any]) -> None:
    from parley.config.identity import VARIABLES

    parameters = cfn["Parameters"]
    variables = cfn["Resources"]["FulfillmentFunction"]["Properties"]["Environment"]["Variables"]
    defaults = load_settings({}).proof_limits
    for name, (field_name, unit) in VARIABLES.items():
        parameter = "".join(word.capitalize() for word in name.lower().split("_"))
        assert variables[name] == {"Ref": parameter}, name
        assert int(parameters[parameter]["Default"]) * unit == getattr(defaults, field_name), name
        assert int(parameters[parameter]["MinValue"]) == 1, name


# ------------------------------------------------------------------------------------------------ queue


def test_fulfillment_reads_the_fifo_queue_and_reports_batch_item_failures(cfn: dict[str, Any]) -> None:
    mappings = resources_of_type(cfn, "AWS::Lambda::EventSourceMapping")
    assert len(mappings) == 1
    (mapping,) = mappings.values()
    properties = mapping["Properties"]
    assert list(refs(properties["FunctionName"])) == ["FulfillmentFunction"]
    assert list(refs(properties["EventSourceArn"])) == ["InboundQueue"]
    assert properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert properties["BatchSize"] == 10


def test_queue_is_fifo_with_a_dead_letter_queue(cfn: dict[str, Any]) -> None:
    resources = cfn["Resources"]
    queue = resources["InboundQueue"]["Properties"]
    assert is_true(queue["FifoQueue"])
    # The webhook sets the deduplication id (platform message id) and the group (one user) itself.
    assert not is_true(queue.get("ContentBasedDeduplication", False))
    timeout = resources["FulfillmentFunction"]["Properties"]["Timeout"]
    assert int(queue["VisibilityTimeout"]) >= 6 * int(timeout)
    redrive = queue["RedrivePolicy"]
    # As many receives as the retry schedule needs to cover the horizon (see the test below), and no more than a
    # message that breaks the code spends at the first delay in a few minutes before it is parked.
    receives = int(resolved(cfn, redrive["maxReceiveCount"]))
    assert 1 <= receives * RetrySchedule().first_delay_seconds <= 10 * 60
    (dlq_id,) = refs(redrive["deadLetterTargetArn"])
    dlq = resources[dlq_id]
    assert dlq["Type"] == "AWS::SQS::Queue"
    assert is_true(dlq["Properties"]["FifoQueue"])
    assert int(dlq["Properties"]["MessageRetentionPeriod"]) == 14 * 24 * 3600


# ------------------------------------------------------------------------------------------------ permissions


def test_the_queue_allows_the_receives_the_retry_horizon_needs_and_fulfillment_is_told_the_horizon(
    cfn: dict[str, Any],
) -> None:
    parameter = cfn["Parameters"]["RetryHorizonHours"]
    horizons = cfn["Mappings"]["RetryHorizon"]
    assert set(parameter["AllowedValues"]) == set(horizons)
    for hours, row in horizons.items():
        schedule = RetrySchedule.from_settings(load_settings({"RETRY_HORIZON_SECONDS": str(row["Seconds"])}))
        assert row["Seconds"] == int(hours) * 3600
        assert row["MaxReceiveCount"] == schedule.receives, hours
        # Kept on the queue for longer than it is retried.
        assert int(cfn["Resources"]["InboundQueue"]["Properties"]["MessageRetentionPeriod"]) > row["Seconds"]
    variables = cfn["Resources"]["FulfillmentFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["RETRY_HORIZON_SECONDS"] == {"Fn::FindInMap": ["RetryHorizon", {"Ref": "RetryHorizonHours"},
                                                                    "Seconds"]}  # fmt: skip
    assert variables["REPLY_LATE_SECONDS"] == {"Ref": "LateReplySeconds"}
    defaults = load_settings({})
    assert int(parameter["Default"]) * 3600 == defaults.retry_horizon_seconds
    assert int(cfn["Parameters"]["LateReplySeconds"]["Default"]) == defaults.reply_late_seconds


def test_parked_and_long_waiting_messages_raise_alarms(cfn: dict[str, Any]) -> None:
    alarms = resources_of_type(cfn, "AWS::CloudWatch::Alarm")
    watched = {
        (a["Properties"]["MetricName"], next(refs(a["Properties"]["Dimensions"][0]["Value"]))): a["Properties"]
        for a in alarms.values()
        if a["Properties"].get("Namespace") == "AWS/SQS"
    }
    parked = watched[("ApproximateNumberOfMessagesVisible", "InboundDeadLetterQueue")]
    assert parked["Threshold"] == 0 and parked["ComparisonOperator"] == "GreaterThanThreshold"
    assert "parley dlq replay" in parked["AlarmDescription"]
    waiting = watched[("ApproximateAgeOfOldestMessage", "InboundQueue")]
    assert waiting["Threshold"] <= 15 * 60


def test_webhook_may_only_enqueue_read_the_secret_and_stream_delivery_events(cfn: dict[str, Any]) -> None:
    from parley.agents.ledger import RECORD_PREFIX

    granted = {}
    for statement in role_statements(cfn, "WebhookFunction"):
        assert statement["Effect"] == "Allow"
        for action in statement["Action"]:
            granted.setdefault(action, set()).update(refs(statement["Resource"]))
        if "ProcessedMessagesTable" in refs(statement["Resource"]):
            # Only the agents' endpoint's own records: fulfillment's idempotency records are out of its reach.
            leading = statement["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
            assert leading == [f"{RECORD_PREFIX}*"]
    assert granted == {
        "sqs:SendMessage*": {"InboundQueue"},
        "secretsmanager:GetSecretValue": {"MetaSecret", "LogHashKeySecret"},
        # Delivery statuses: onto the events stream, under pseudonym keys it may read and never write.
        "firehose:PutRecordBatch": {"EventsStream"},
        "dynamodb:BatchGetItem": {"PseudonymKeysTable"},
        # The Idempotency-Keys the agents' endpoint accepted, with what each carried.
        "dynamodb:PutItem": {"ProcessedMessagesTable"},
        "dynamodb:GetItem": {"ProcessedMessagesTable"},
    }


def test_fulfillment_permissions_are_least_privilege(cfn: dict[str, Any]) -> None:
    table_of = {model.logical_id: name for name, model in MODELS.items()}
    writes: dict[str, set[str]] = {}
    reads: dict[str, set[str]] = {}
    secret_read = key_read = False
    published: set[str] = set()
    streamed: set[str] = set()
    delayed: set[str] = set()
    for statement in role_statements(cfn, "FulfillmentFunction"):
        targets = set(refs(statement["Resource"]))
        assert "*" not in json.dumps(statement["Resource"]).replace("/*", ""), statement
        for action in statement["Action"]:
            if action.startswith("dynamodb:"):
                bucket = reads if DYNAMODB_READ_ACTIONS.match(action) else writes
                for target in targets:
                    bucket.setdefault(table_of[target], set()).add(action)
            elif action == "secretsmanager:GetSecretValue":
                assert targets in ({"MetaSecret"}, {"LogHashKeySecret"})
                secret_read |= targets == {"MetaSecret"}
                key_read |= targets == {"LogHashKeySecret"}
            elif action == "sns:Publish":
                published |= targets
            elif action == "firehose:PutRecordBatch":
                streamed |= targets
            elif action == "sqs:ChangeMessageVisibility":
                delayed |= targets
            else:
                pytest.fail(f"unexpected action {action}")
    assert secret_read and key_read
    # A failed record's retry delay, on the inbound queue only.
    assert delayed == {"InboundQueue"}
    # Handoff notifications, and nowhere else; analytics records onto their two streams, and nowhere else.
    assert published == {"HandoffTopic"}
    assert streamed == {"EventsStream", "UnrecognisedStream"}
    assert set(reads) == set(MODELS)
    assert set(writes) == set(FULFILLMENT_WRITES) | set(FULFILLMENT_UPDATES_ONLY)
    for name, actions in FULFILLMENT_UPDATES_ONLY.items():
        assert writes[name] == actions, name
    for name in FULFILLMENT_WRITES:
        assert {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"} <= writes[name], name


# ------------------------------------------------------------------------------------------------ secret, outputs


def test_meta_secret_holds_the_credential_keys_and_no_values(template: dict[str, Any]) -> None:
    secrets = resources_of_type(template, "AWS::SecretsManager::Secret")
    assert set(secrets) == {"MetaSecret", "LogHashKeySecret"}
    properties = secrets["MetaSecret"]["Properties"]
    assert "SecretString" not in properties
    generate = properties["GenerateSecretString"]
    placeholders = json.loads(generate["SecretStringTemplate"])
    assert set(placeholders) | {generate["GenerateStringKey"]} == set(META_SECRET_KEYS)
    assert all(value == "" for value in placeholders.values())
    for name in template.get("Parameters", {}):
        assert not re.search(r"secret|token|password", name, re.IGNORECASE), name


def test_the_log_hash_key_is_generated_for_each_stack_and_only_the_two_functions_that_hash_ids_read_it(
    cfn: dict[str, Any],
) -> None:
    key = cfn["Resources"]["LogHashKeySecret"]["Properties"]
    assert "SecretString" not in key
    generate = key["GenerateSecretString"]
    # A plain random string (no JSON template), long enough for load_log_hash_key to take.
    assert "SecretStringTemplate" not in generate and "GenerateStringKey" not in generate
    assert int(generate["PasswordLength"]) >= MIN_LOG_HASH_KEY_LENGTH
    for name in FUNCTIONS:
        variables = cfn["Resources"][name]["Properties"]["Environment"]["Variables"]
        role = json.dumps(cfn["Resources"][f"{name}Role"])
        assert LOG_HASH_KEY_NAME not in variables, f"{name}: the key belongs in its secret"
        if name == "AnalyticsFunction":  # the report names no one: pseudonyms, never the log's hashes
            assert LOG_HASH_KEY_SECRET_NAME not in variables and "LogHashKeySecret" not in role
            continue
        assert variables[LOG_HASH_KEY_SECRET_NAME] == {"Ref": "LogHashKeySecret"}, name
        reads = [s for s in role_statements(cfn, name) if "LogHashKeySecret" in refs(s["Resource"])]
        assert [s["Action"] for s in reads] == [["secretsmanager:GetSecretValue"]], name


def test_outputs_give_the_webhook_urls_and_the_secret(cfn: dict[str, Any]) -> None:
    outputs = cfn["Outputs"]
    for output, path in (("WhatsAppWebhookUrl", "/webhook/whatsapp"), ("MessengerWebhookUrl", "/webhook/messenger")):
        url = outputs[output]["Value"]["Fn::Sub"]
        assert url.startswith("https://${WebhookApi}.execute-api.${AWS::Region}."), url
        assert url.endswith(path), url
    assert outputs["MetaSecretArn"]["Value"] == {"Ref": "MetaSecret"}


# ------------------------------------------------------------------------------------------------ samconfig.toml


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield f"{path}.{key}".lstrip("."), value
            yield from _walk(value, f"{path}.{key}")


def test_samconfig_has_a_default_environment_and_no_secrets() -> None:
    config = tomllib.loads(SAMCONFIG.read_text())
    assert str(config["version"]) == "0.1"
    default = config["default"]
    assert default["global"]["parameters"]["stack_name"] == "parley"
    build = default["build"]["parameters"]
    assert (ROOT / build["template_file"]).resolve() == TEMPLATE.resolve()
    assert build["cached"] is True
    assert build["parallel"] is True
    deploy = default["deploy"]["parameters"]
    assert deploy["capabilities"] == "CAPABILITY_IAM"
    assert deploy["confirm_changeset"] is True
    assert deploy["resolve_s3"] is True
    # sam deploy must take the built template (.aws-sam/build), not the source one.
    assert "template_file" not in deploy
    assert "template_file" not in default["global"]["parameters"]
    assert "use_container" not in build
    secret_like = re.compile(r"secret|token|password|passwd|credential|api_?key|access_?key", re.IGNORECASE)
    for key, value in _walk(config):
        assert not secret_like.search(key.split(".")[-1]), key
        if isinstance(value, str):
            assert not any(name in value for name in META_SECRET_KEYS), key
            assert not secret_like.search(value), key


# ---------------------------------------------------------------------------------------------- handing over to people


def test_agent_routes_reach_the_webhook_function_with_a_path_parameter(cfn: dict[str, Any]) -> None:
    (api,) = resources_of_type(cfn, "AWS::ApiGatewayV2::Api").values()
    paths = api["Properties"]["Body"]["paths"]
    for path in AGENT_PATHS:
        assert set(paths[path]) == {"post"}, path
        integration = paths[path]["post"]["x-amazon-apigateway-integration"]
        assert "WebhookFunction" in set(refs(integration["uri"])), path
        assert integration["payloadFormatVersion"] == "2.0"
    # The local gateway serves the same routes, so `parley serve` answers as API Gateway would.
    from parley.local.gateway import routed

    for path in AGENT_PATHS:
        assert routed("POST", path.replace("{conversation_id}", "whatsapp:14155550123"))
        assert not routed("GET", path.replace("{conversation_id}", "whatsapp:14155550123"))


def test_the_handoff_topic_is_encrypted_with_an_optional_email_subscription(cfn: dict[str, Any]) -> None:
    resources = cfn["Resources"]
    # The other topic is the alarms' (see the report and alarm checks).
    assert set(resources_of_type(cfn, "AWS::SNS::Topic")) == {"HandoffTopic", "AlarmTopic"}
    topic_id = "HandoffTopic"
    assert resources[topic_id]["Properties"]["KmsMasterKeyId"] == "alias/aws/sns"
    subscription = resources["HandoffEmailSubscription"]
    assert subscription["Condition"] == "HasAgentEmail"
    assert subscription["Properties"]["Protocol"] == "email"
    assert set(refs(subscription["Properties"]["TopicArn"])) == {"HandoffTopic"}
    assert set(refs(subscription["Properties"]["Endpoint"])) == {"AgentEmail"}
    assert cfn["Parameters"]["AgentEmail"]["Default"] == ""
    assert set(refs(cfn["Conditions"]["HasAgentEmail"])) == {"AgentEmail"}
    assert cfn["Outputs"]["HandoffTopicArn"]["Value"] == {"Ref": "HandoffTopic"}


def test_fulfillment_gets_the_handoff_settings_and_the_code_accepts_their_defaults(cfn: dict[str, Any]) -> None:
    variables = cfn["Resources"]["FulfillmentFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["HANDOFF_TOPIC_ARN"] == {"Ref": "HandoffTopic"}
    assert variables["AGENT_LANGUAGE"] == {"Ref": "AgentLanguage"}
    assert variables["OFFICE_HOURS"] == {"Ref": "OfficeHours"}
    assert variables["OFFICE_TIMEZONE"] == {"Ref": "OfficeTimezone"}
    parameters = cfn["Parameters"]
    defaults = {
        "HANDOFF_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:parley-handoff",
        "AGENT_LANGUAGE": parameters["AgentLanguage"]["Default"],
        "OFFICE_HOURS": parameters["OfficeHours"]["Default"],
        "OFFICE_TIMEZONE": parameters["OfficeTimezone"]["Default"],
    }
    settings = load_settings(defaults)
    assert settings.agent_language == "en" and settings.office_hours.always_open
    # The webhook neither publishes nor needs them: its permissions stay enqueue-and-read-the-secret.
    webhook = cfn["Resources"]["WebhookFunction"]["Properties"]["Environment"]["Variables"]
    assert "HANDOFF_TOPIC_ARN" not in webhook


# ---------------------------------------------------------------------------------------------- analytics events


def _partition_of(prefix: str, day: datetime) -> str:
    """A Firehose prefix with its !{timestamp:…} expressions evaluated for `day`, as Firehose does on arrival."""
    java_to_strftime = {"yyyy": "%Y", "MM": "%m", "dd": "%d", "HH": "%H"}
    return re.sub(r"!\{timestamp:(\w+)\}", lambda m: day.strftime(java_to_strftime[m.group(1)]), prefix)


@pytest.mark.parametrize(("stream", "kind"), [("EventsStream", "events"), ("UnrecognisedStream", "unrecognised")])
def test_firehose_delivers_to_the_day_partitions_the_report_reads(cfn: dict[str, Any], stream: str, kind: str) -> None:
    from parley.analytics.reading import day_prefixes

    properties = cfn["Resources"][stream]["Properties"]
    assert properties["DeliveryStreamType"] == "DirectPut"
    assert properties["DeliveryStreamEncryptionConfigurationInput"]["KeyType"] == "AWS_OWNED_CMK"
    destination = properties["ExtendedS3DestinationConfiguration"]
    assert set(refs(destination["BucketARN"])) == {"EventsBucket"}
    assert set(refs(destination["RoleARN"])) == {"EventsDeliveryRole"}
    day = datetime(2026, 3, 2, tzinfo=UTC)
    # The layout Firehose writes is the one the KPI report lists, day by day (objects end in .gz: gzip lines).
    assert _partition_of(destination["Prefix"], day) == day_prefixes(kind, day, day + timedelta(days=1))[0]
    assert destination["CompressionFormat"] == "GZIP"
    # With !{timestamp} in the prefix Firehose requires an error prefix; failed records land apart from the events.
    assert destination["ErrorOutputPrefix"].startswith(f"errors/{kind}/!{{firehose:error-output-type}}/")


def test_the_events_bucket_is_private_encrypted_tls_only_and_expires_what_it_holds(cfn: dict[str, Any]) -> None:
    resources = cfn["Resources"]
    bucket = resources["EventsBucket"]
    assert bucket["DeletionPolicy"] == "Retain"
    properties = bucket["Properties"]
    assert all(is_true(v) for v in properties["PublicAccessBlockConfiguration"].values())
    assert len(properties["PublicAccessBlockConfiguration"]) == 4
    (encryption,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}
    rules = {rule.get("Prefix"): rule for rule in properties["LifecycleConfiguration"]["Rules"]}
    assert rules["events/"]["ExpirationInDays"] == {"Ref": "EventsRetentionDays"}
    assert int(cfn["Parameters"]["EventsRetentionDays"]["Default"]) == 400
    assert int(rules["unrecognised/"]["ExpirationInDays"]) == 30
    assert int(rules["errors/"]["ExpirationInDays"]) == 30
    policies = resources_of_type(cfn, "AWS::S3::BucketPolicy").values()
    (policy,) = [p for p in policies if p["Properties"]["Bucket"] == {"Ref": "EventsBucket"}]
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny" and statement["Condition"] == {"Bool": {"aws:SecureTransport": False}}


def test_firehose_may_write_to_the_events_bucket_and_nothing_else(cfn: dict[str, Any]) -> None:
    role = cfn["Resources"]["EventsDeliveryRole"]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "firehose.amazonaws.com"}
    for policy in role["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            assert all(action.startswith("s3:") for action in statement["Action"])
            assert set(refs(statement["Resource"])) == {"EventsBucket"}


def test_the_functions_are_told_the_streams_and_the_code_reads_them(cfn: dict[str, Any]) -> None:
    webhook = cfn["Resources"]["WebhookFunction"]["Properties"]["Environment"]["Variables"]
    fulfillment = cfn["Resources"]["FulfillmentFunction"]["Properties"]["Environment"]["Variables"]
    assert webhook["EVENTS_STREAM_NAME"] == fulfillment["EVENTS_STREAM_NAME"] == {"Ref": "EventsStream"}
    assert fulfillment["UNRECOGNISED_STREAM_NAME"] == {"Ref": "UnrecognisedStream"}
    assert "UNRECOGNISED_STREAM_NAME" not in webhook  # the webhook never sees a customer's words
    settings = load_settings({"EVENTS_STREAM_NAME": "parley-events", "UNRECOGNISED_STREAM_NAME": "parley-unrec"})
    assert (settings.events_stream_name, settings.unrecognised_stream_name) == ("parley-events", "parley-unrec")
    assert cfn["Outputs"]["EventsBucketName"]["Value"] == {"Ref": "EventsBucket"}


# ------------------------------------------------------------------------------------------------ webhook's budget


def _worst_case_seconds(config: Any) -> float:
    """A call that hangs: every attempt waits out its connect and read timeouts, and botocore's standard mode sleeps
    under a second before each retry (its backoff is at most 1 s x 2^(retry-1) for the first, throttled or not)."""
    assert "max_attempts" not in config.retries, "botocore's max_attempts counts retries: say total_max_attempts"
    attempts = int(config.retries["total_max_attempts"])
    return attempts * (config.connect_timeout + config.read_timeout) + (attempts - 1) * 1.0


def test_the_webhooks_aws_calls_give_up_well_inside_its_function_timeout(cfn: dict[str, Any]) -> None:
    """SQS, DynamoDB and Secrets Manager: one call that fails ends the request (500); only a delivery status makes
    two calls that may fail in a row (pseudonym keys, then Firehose once), and even they leave time to answer."""
    from parley.wiring.aws import WEBHOOK_AWS_CONFIG, WEBHOOK_FIREHOSE_CONFIG

    timeout = int(cfn["Resources"]["WebhookFunction"]["Properties"]["Timeout"])
    assert WEBHOOK_AWS_CONFIG.retries["mode"] == WEBHOOK_FIREHOSE_CONFIG.retries["mode"] == "standard"
    one_call = _worst_case_seconds(WEBHOOK_AWS_CONFIG)
    assert one_call <= timeout / 2
    # The webhook's Firehose sink sends once (tests/integration/test_webhook_when_aws_hangs.py counts the attempts).
    assert one_call + _worst_case_seconds(WEBHOOK_FIREHOSE_CONFIG) < timeout - 2  # time left to log and answer


def test_the_report_threshold_of_customers_is_a_parameter_the_code_accepts(cfn: dict[str, Any]) -> None:
    variables = cfn["Resources"]["AnalyticsFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["REPORT_MIN_CUSTOMERS"] == {"Ref": "ReportMinCustomers"}
    parameter = cfn["Parameters"]["ReportMinCustomers"]
    assert (int(parameter["Default"]), int(parameter["MinValue"])) == (3, 3)
    assert load_report_settings({"REPORT_MIN_CUSTOMERS": str(parameter["Default"])}).min_customers == 3
