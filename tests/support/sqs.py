"""SQS's rule on message bodies, which moto (5.x) does not enforce: a body with a character outside #x9 | #xA | #xD |
#x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF is refused with InvalidMessageContents. Written here from AWS's
documentation, independently of the code under test."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError


def sqs_accepts(body: str) -> bool:
    return all(
        char in "\t\n\r"
        or 0x20 <= ord(char) <= 0xD7FF
        or 0xE000 <= ord(char) <= 0xFFFD
        or 0x10000 <= ord(char) <= 0x10FFFF
        for char in body
    )


def enforce_sqs_body_rule(client: Any) -> Any:
    """Make a (moto) SQS client refuse what SQS refuses, as SQS does: the whole call fails."""

    def check(params: dict[str, Any], model: Any, **_: Any) -> None:
        bodies = [params["MessageBody"]] if "MessageBody" in params else [e["MessageBody"] for e in params["Entries"]]
        if not all(sqs_accepts(body) for body in bodies):
            error = {"Code": "InvalidMessageContents", "Message": "Invalid binary character in the message body"}
            raise ClientError({"Error": error}, model.name)

    for operation in ("SendMessage", "SendMessageBatch"):
        client.meta.events.register_first(f"before-parameter-build.sqs.{operation}", check)
    return client
