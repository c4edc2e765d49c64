"""Table definitions derived from the models: bind them to configured names and create them on a local endpoint."""

from __future__ import annotations

from typing import Any

from pynamodb.models import Model

from parley.config import Settings
from parley.data.models import MODELS


def table_name(settings: Settings, field_name: str) -> str:
    """The configured name of a table (Tables.<field>, from <FIELD>_TABLE)."""
    name = getattr(settings.tables, field_name, None)
    if not isinstance(name, str) or not name:
        raise ValueError(f"parley.config.Tables has no table {field_name!r}")
    return name


def bind_models(settings: Settings) -> None:
    """Point every model at its configured table and endpoint (process-wide, done by the composition root)."""
    for field_name, model in MODELS.items():
        model.Meta.table_name = table_name(settings, field_name)
        model.Meta.region = settings.region
        model.Meta.host = settings.aws_endpoint_url
        model._connection = None


def table_definition(model: type[Model]) -> dict[str, Any]:
    """The key schema, attributes and indexes of a table, in DynamoDB's own vocabulary.

    The template check compares these with infra/template.yaml, so the deployed tables and the
    ones created locally cannot drift apart.
    """
    schema: dict[str, Any] = dict(model._get_schema())
    indexes = [
        {
            "IndexName": gsi["index_name"],
            "KeySchema": sorted(gsi["key_schema"], key=lambda k: k["KeyType"]),
            "Projection": gsi["projection"],
        }
        for gsi in schema["global_secondary_indexes"]
    ]
    definition: dict[str, Any] = {
        "AttributeDefinitions": sorted(schema["attribute_definitions"], key=lambda a: a["AttributeName"]),
        "KeySchema": sorted(schema["key_schema"], key=lambda k: k["KeyType"]),
        "GlobalSecondaryIndexes": sorted(indexes, key=lambda i: i["IndexName"]),
        "TimeToLiveAttribute": getattr(model, "ttl_attribute", None),
        "PointInTimeRecovery": getattr(model, "point_in_time_recovery", False),
    }
    return definition


def create_missing_tables(settings: Settings, client: Any) -> list[str]:
    """Create the tables that do not exist yet; only ever on a local endpoint, never on AWS."""
    if not settings.is_local_endpoint:
        raise RuntimeError("tables are created by the SAM template on AWS; refusing to create them here")
    return create_tables(settings, client)


def create_tables(settings: Settings, client: Any) -> list[str]:
    """Create whichever tables are missing on the endpoint the client talks to (moto, in tests)."""
    existing = set(client.list_tables().get("TableNames", []))
    created = []
    for field_name, model in MODELS.items():
        name = table_name(settings, field_name)
        if name in existing:
            continue
        definition = table_definition(model)
        kwargs: dict[str, Any] = {
            "TableName": name,
            "AttributeDefinitions": definition["AttributeDefinitions"],
            "KeySchema": definition["KeySchema"],
            "BillingMode": "PAY_PER_REQUEST",
        }
        if definition["GlobalSecondaryIndexes"]:
            kwargs["GlobalSecondaryIndexes"] = definition["GlobalSecondaryIndexes"]
        client.create_table(**kwargs)
        if definition["TimeToLiveAttribute"]:
            client.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": definition["TimeToLiveAttribute"]},
            )
        created.append(name)
    return created
