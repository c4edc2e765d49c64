"""Load the functions' handler modules from functions/ and call them as the Lambda runtime would."""

from __future__ import annotations

import importlib.util
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from parley.config import load_local_settings


def project_root() -> Path:
    configured = load_local_settings().home
    if configured:
        return Path(configured)
    for parent in Path(__file__).resolve().parents:
        if (parent / "functions").is_dir() and (parent / "infra").is_dir():
            return parent
    raise RuntimeError("cannot find the project's functions/ directory; set PARLEY_HOME to the checkout")


def load_handler_module(function: str) -> ModuleType:
    """functions/<function>/app.py, imported under a unique name (every function's module is called app)."""
    path = project_root() / "functions" / function / "app.py"
    spec = importlib.util.spec_from_file_location(f"parley_function_{function}", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class LocalLambdaContext:
    """The attributes Powertools reads from Lambda's context object."""

    function_name: str
    timeout_seconds: int = 30
    memory_limit_in_mb: int = 512
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    _started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:us-east-1:123456789012:function:{self.function_name}"

    @property
    def function_version(self) -> str:
        return "$LATEST"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.timeout_seconds - (time.monotonic() - self._started)) * 1000))


class InvocationError(RuntimeError):
    """The function raised: Lambda reports the invocation as failed (a 500 to API Gateway, the batch back to SQS)."""


def invoke(module: ModuleType, event: dict[str, Any], function_name: str, timeout_seconds: int = 30) -> Any:
    try:
        return module.handler(event, LocalLambdaContext(function_name, timeout_seconds))
    except Exception as exc:  # as Lambda's runtime does: whatever a handler raises fails that invocation, no more
        raise InvocationError(f"{function_name} failed: {type(exc).__name__}") from exc
