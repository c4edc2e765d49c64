"""The `parley` command: the local face of the project (serve, chat, demo, data import, nlu classify, privacy,
agent, report, dlq)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from parley.cli.data_import import run as _import
from parley.cli.dead_letters import replay as _dlq_replay
from parley.config import ConfigError, load_local_settings, load_settings


def _serve(args: argparse.Namespace) -> int:
    from parley.local.stack import LocalStack, StackError

    stack = LocalStack(host=args.host, port=args.port)
    try:
        stack.start()
    except (StackError, ConfigError) as exc:
        print(f"parley serve: {exc}", file=sys.stderr)
        return 2
    print(f"Parley is serving on {stack.url}", flush=True)
    print(f"  WhatsApp webhook:  {stack.url}/webhook/whatsapp")
    print(f"  Messenger webhook: {stack.url}/webhook/messenger")
    print(f"  Agent endpoint:    {stack.url}/agent/conversations/<id>/messages|release (parley agent --help)")
    settings = stack.settings or load_settings()
    print(f"  AWS endpoint:      {settings.aws_endpoint_url}")
    print(f"  Replies go to:     {settings.graph_api_url}", flush=True)
    print(f"  Dead letters:      AWS_ENDPOINT_URL={settings.aws_endpoint_url} parley dlq replay", flush=True)
    feed = _agent_feed()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        if feed is not None:
            feed.stop()
        stack.stop()
    return 0


def _agent_feed() -> Any:
    """Handoff notifications printed here, standing in for the agents' inbox (the topic is on the local endpoint)."""
    from parley.local.agent_feed import AgentFeed
    from parley.wiring import aws_client

    settings = load_settings()
    if not settings.handoff_topic_arn or not settings.is_local_endpoint:
        return None
    print("  Handoffs:          shown here as they happen (the agents' inbox, locally)", flush=True)

    def show(text: str) -> None:
        print(text, flush=True)

    return AgentFeed(aws_client("sns", settings), aws_client("sqs", settings), settings.handoff_topic_arn, show).start()


def _classify(args: argparse.Namespace) -> int:
    from parley.wiring import build_understanding

    settings = load_settings()
    if not settings.intent_model_path:
        # Kept in the user's cache between runs, as `parley serve` keeps it (retrained when the examples change).
        model = str(load_local_settings().intent_model_cache)
        settings = replace(settings, intent_model_path=model, intent_model_save=True)
    understand = build_understanding(settings)
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            text = json.loads(line)["text"]
            if not isinstance(text, str):
                raise TypeError
        except (json.JSONDecodeError, KeyError, TypeError):
            print(json.dumps({"error": f"line {number}: expected a JSON object with a text field"}))
            continue
        print(json.dumps(understand(text), ensure_ascii=False), flush=True)
    return 0


def _customer_data() -> Any:
    from parley.data.dynamo import DynamoCustomers, DynamoInvoices, DynamoOrders, DynamoReturns, DynamoSubscriptions
    from parley.data.dynamo_conversations import DynamoMessageLog
    from parley.data.dynamo_pseudonyms import DynamoPseudonymKeys
    from parley.data.tables import bind_models
    from parley.privacy.pseudonyms import Pseudonyms
    from parley.privacy.rights import CustomerData

    settings = load_settings()
    bind_models(settings)
    return CustomerData(
        DynamoCustomers(),
        DynamoOrders(),
        DynamoInvoices(),
        DynamoSubscriptions(),
        DynamoReturns(),
        DynamoMessageLog(settings.conversation_ttl_days),
        pseudonyms=Pseudonyms(DynamoPseudonymKeys()),
    )


def _privacy_export(args: argparse.Namespace) -> int:
    exported = _customer_data().export(args.customer_id)
    if exported is None:
        print(f"parley privacy export: no customer {args.customer_id}", file=sys.stderr)
        return 1
    text = json.dumps(exported, ensure_ascii=False, indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
        print(f"Exported customer {args.customer_id} to {args.out}.")
    else:
        print(text)
    return 0


def _privacy_erase(args: argparse.Namespace) -> int:
    data = _customer_data()
    if data.customers.get(args.customer_id) is None:
        print(f"parley privacy erase: no customer {args.customer_id}", file=sys.stderr)
        return 1
    if not args.yes:
        answer = input(f"Erase every conversation of customer {args.customer_id}? This cannot be undone. [y/N] ")
        if answer.strip().lower() not in {"y", "yes"}:
            print("Nothing was erased.")
            return 1
    deleted = data.erase(args.customer_id)
    print(
        f"Erased the conversations of customer {args.customer_id} ({deleted} items) and their analytics keys; "
        "orders and invoices stay."
    )
    return 0


def _agent(args: argparse.Namespace) -> int:
    from parley.agents.client import AgentClientError, send_command

    token = args.token or load_local_settings().agent_token
    if not token:
        print("parley agent: no token: set AGENT_API_TOKEN or pass --token", file=sys.stderr)
        return 2
    text = args.text if args.agent_command == "reply" else None
    try:
        result = send_command(args.url, token, args.conversation_id, text, args.language, args.request_id)
    except AgentClientError as exc:
        print(f"parley agent {args.agent_command}: {exc}", file=sys.stderr)
        return exc.exit_code
    print(result)
    return 0


def _report(args: argparse.Namespace) -> int:
    from datetime import UTC, date, datetime, timedelta

    from parley.analytics.period import report_period
    from parley.analytics.reading import S3Source, SourceError
    from parley.config import load_report_settings

    try:
        first, last = date.fromisoformat(args.date_from), date.fromisoformat(args.date_to)
    except ValueError:
        print(f"parley report: dates are written YYYY-MM-DD, got {args.date_from!r} and {args.date_to!r}",
              file=sys.stderr)  # fmt: skip
        return 2
    if last < first:
        print(f"parley report: --to {last} is before --from {first}", file=sys.stderr)
        return 2
    start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    end = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1)  # --to is included
    report, settings = load_report_settings(), load_settings()
    source: Path | S3Source
    if args.events:
        source = Path(args.events)
    elif settings.events_bucket or settings.is_local_endpoint:
        from parley.local.stack import EVENTS_BUCKET
        from parley.wiring import aws_client

        # On the local stack (AWS_ENDPOINT_URL on this machine) its own bucket, as `parley serve` writes it.
        source = S3Source(aws_client("s3", settings), settings.events_bucket or EVENTS_BUCKET)
    else:
        print("parley report: no events to read: pass --events DIR or set EVENTS_BUCKET", file=sys.stderr)
        return 2
    try:
        result = report_period(
            source, start, end, Path(args.out), report.locale, report.price_per_million, report.min_customers
        )
    except SourceError as exc:
        print(f"parley report: {exc}", file=sys.stderr)
        return 2
    kpis = result.kpis
    charts = len(result.files) - 3
    days = (last - first).days + 1
    print(f"Report for {first} to {last} ({days} day{'s' if days > 1 else ''}): {kpis.conversations} conversations, "
          f"{kpis.messages_in} messages in, {kpis.messages_out} out.")  # fmt: skip
    if not kpis.conversations:
        print("No conversations in this period; the report says so.")
    if result.stats.skipped or result.stats.unreadable:
        print(f"Skipped {result.stats.skipped} malformed lines and {result.stats.unreadable} damaged objects.",
              file=sys.stderr)  # fmt: skip
    print(f"Wrote kpis.json, kpis.csv, report.html and {charts} chart{'s' if charts != 1 else ''} to {args.out}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from parley.local.demo import run

    return run()


def _chat(args: argparse.Namespace) -> int:
    from parley.local.chat import run

    return run(args.phone, args.messenger)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parley", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the whole system on this machine")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--host", default="127.0.0.1")
    serve.set_defaults(run=_serve)

    data = commands.add_parser("data", help="business data").add_subparsers(dest="data_command", required=True)
    importer = data.add_parser("import", help="check a CSV file and import all of it, or nothing")
    importer.add_argument("kind", choices=["customers", "orders", "invoices", "subscriptions", "products"])
    importer.add_argument("file")
    importer.set_defaults(run=_import)

    nlu = commands.add_parser("nlu", help="understanding").add_subparsers(dest="nlu_command", required=True)
    classify = nlu.add_parser("classify", help="JSON lines with a text field in, language/intent/entities out")
    classify.set_defaults(run=_classify)

    privacy = commands.add_parser("privacy", help="one customer's personal data").add_subparsers(
        dest="privacy_command", required=True
    )
    export = privacy.add_parser("export", help="everything Parley holds about a customer, as JSON")
    export.add_argument("customer_id")
    export.add_argument("--out", help="write the JSON to this file instead of standard output")
    export.set_defaults(run=_privacy_export)
    erase = privacy.add_parser("erase", help="erase a customer's conversations (orders and invoices stay)")
    erase.add_argument("customer_id")
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    erase.set_defaults(run=_privacy_erase)

    agent = commands.add_parser("agent", help="answer a customer handed to a person, or hand them back").add_subparsers(
        dest="agent_command", required=True
    )
    reply = agent.add_parser("reply", help="send a message to the customer (translated into their language)")
    reply.add_argument("conversation_id", help="as in the handoff notification, like whatsapp:14155550123")
    reply.add_argument("text")
    reply.add_argument("--language", help="the language you write in, when it is not AGENT_LANGUAGE")
    release = agent.add_parser("release", help="hand the conversation back to the assistant")
    release.add_argument("conversation_id")
    for command in (reply, release):
        command.add_argument("--url", default=load_local_settings().url,
                             help="the webhook API (default: PARLEY_URL, else the local `parley serve`)")  # fmt: skip
        command.add_argument("--token", help="bearer token (default: AGENT_API_TOKEN)")
        command.add_argument("--request-id", help="repeat a request safely: the same id is carried out once")
        command.set_defaults(run=_agent)
    release.set_defaults(language=None, text=None)

    report = commands.add_parser("report", help="KPI report of a period: kpis.json, kpis.csv, report.html")
    report.add_argument("--from", dest="date_from", required=True, metavar="DATE", help="first day, YYYY-MM-DD (UTC)")
    report.add_argument("--to", dest="date_to", required=True, metavar="DATE", help="last day, included")
    report.add_argument("--out", required=True, metavar="DIR", help="where the files go (replaced if there)")
    report.add_argument(
        "--events", metavar="DIR", help="a folder with events/year=YYYY/month=MM/day=DD/ (default: EVENTS_BUCKET)"
    )
    report.set_defaults(run=_report)

    dlq = commands.add_parser("dlq", help="messages that failed every retry").add_subparsers(
        dest="dlq_command", required=True
    )
    replay = dlq.add_parser("replay", help="move the dead-letter queue's messages back to be answered")
    replay.add_argument("--queue-url", help="the inbound queue (default: INBOUND_QUEUE_URL, else the local stack's)")
    replay.add_argument("--dry-run", action="store_true", help="count what would be moved, move nothing")
    replay.add_argument("--limit", type=int, metavar="N", help="move at most N messages")
    replay.set_defaults(run=_dlq_replay)

    demo = commands.add_parser("demo", help="play a scripted conversation on the local stack")
    demo.set_defaults(run=_demo)

    chat = commands.add_parser("chat", help="type as a WhatsApp customer and see Parley's replies")
    chat.add_argument("--phone", default="14155550123", help="the customer's WhatsApp number (demo data: Emily)")
    chat.add_argument("--messenger", action="store_true", help="write as a Messenger user (--phone is the PSID)")
    chat.set_defaults(run=_chat)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except ConfigError as exc:
        print(f"parley: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # Stopped before a command could say more (or by a command that has nothing to put back): one line, no trace.
        print(f"parley {args.command}: stopped by Ctrl-C.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
