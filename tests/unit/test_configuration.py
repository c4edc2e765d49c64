"""Configuration is read once, by one package, and fails fast: no other module reads the environment, a secret
set in the environment is read with the rest at start-up, and settings never print a secret."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import parley
from parley.config import ConfigError, load_agent_token, load_meta_credentials, load_settings

PACKAGE = Path(parley.__file__).resolve().parent
# The local stack prepares the environment its handlers run in, as Lambda does: it may write there, never read.
ENVIRONMENT_WRITERS = ("local",)


def _environment_reads(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "getenv" and getattr(node.value, "id", "") == "os":
            found.append(f"{path.name}:{node.lineno} os.getenv")
        if not (isinstance(node, ast.Attribute) and node.attr == "environ" and getattr(node.value, "id", "") == "os"):
            continue
        parent = parents.get(node)
        writes = (isinstance(parent, ast.Attribute) and parent.attr == "setdefault") or (
            isinstance(parent, ast.Subscript) and isinstance(parent.ctx, ast.Store)
        )
        handed_on = not isinstance(parent, ast.Attribute | ast.Subscript | ast.Compare)
        writer = path.relative_to(PACKAGE).parts[0] in ENVIRONMENT_WRITERS
        if not (writer and (writes or handed_on)):
            found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} os.environ")
    return found


def test_no_module_but_the_configuration_reads_the_environment() -> None:
    modules = [p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] != "config"]

    reads = [read for path in modules for read in _environment_reads(path)]

    assert len(modules) > 50
    assert reads == []


def test_secrets_in_the_environment_are_read_with_the_settings_and_never_printed() -> None:
    env = {"META_APP_SECRET": "app-secret-123", "AGENT_API_TOKEN": "a-token-long-enough-1234"}
    settings = load_settings(env)
    env.clear()  # a later change of the environment changes nothing: it was read at start-up

    assert load_meta_credentials(settings).app_secret == "app-secret-123"
    assert load_agent_token(settings) == "a-token-long-enough-1234"
    assert "app-secret-123" not in repr(settings) and "a-token" not in repr(settings)


def test_the_secret_wins_only_where_the_environment_is_silent() -> None:
    settings = load_settings({"META_SECRET_NAME": "parley/meta", "META_VERIFY_TOKEN": "from-env"})
    secret = '{"META_APP_SECRET": "from-secret", "META_VERIFY_TOKEN": "from-secret"}'

    credentials = load_meta_credentials(settings, fetch_secret=lambda name: secret)

    assert (credentials.app_secret, credentials.verify_token) == ("from-secret", "from-env")


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"GRAPH_API_URL": "graph.facebook.com"}, "GRAPH_API_URL must be an http"),
        ({"RETURN_WINDOW_DAYS": "thirty"}, "RETURN_WINDOW_DAYS must be a positive whole number"),
        ({"TRANSLATION_PROVIDER": "babelfish"}, "TRANSLATION_PROVIDER must be one of"),
        ({"PAYMENT_URL_TEMPLATE": "https://pay.example.com/{invoice}"}, "unknown placeholder {invoice}"),
    ],
)
def test_a_bad_setting_fails_at_start_up_naming_the_variable(env: dict[str, str], complaint: str) -> None:
    with pytest.raises(ConfigError, match=complaint):
        load_settings(env)
