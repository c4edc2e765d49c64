"""DynamoDB adapter of the analytics pseudonym keys (parley.privacy.pseudonyms.KeyStore): fulfillment creates
them, `parley privacy erase` and a customer's own "delete my data" delete them."""

from __future__ import annotations

import time
from collections.abc import Sequence

from pynamodb.exceptions import PynamoDBException

from parley.data.dynamo_mapping import condition_failed
from parley.data.models import PseudonymKeyModel
from parley.privacy.pseudonyms import KeyStoreError


class DynamoPseudonymKeys:
    def get_many(self, ids: Sequence[str]) -> dict[str, bytes]:
        try:
            # One BatchGetItem (pynamodb asks again for any keys DynamoDB left unprocessed).
            items = list(PseudonymKeyModel.batch_get(list(ids), attributes_to_get=["subject", "hmac_key"]))
        except PynamoDBException as exc:
            raise KeyStoreError("pseudonym keys could not be read") from exc
        return {item.subject: bytes.fromhex(item.hmac_key) for item in items}

    def create(self, id_: str, key: bytes) -> bytes:
        item = PseudonymKeyModel(subject=id_, hmac_key=key.hex(), created_at=int(time.time()))
        try:
            item.save(condition=PseudonymKeyModel.subject.does_not_exist())
            return key
        except PynamoDBException as exc:
            if not condition_failed(exc):
                raise KeyStoreError("a pseudonym key could not be written") from exc
        # Another environment created it a moment ago: theirs is the key.
        try:
            return bytes.fromhex(PseudonymKeyModel.get(id_, consistent_read=True).hmac_key)
        except PynamoDBException as exc:
            raise KeyStoreError("a pseudonym key could not be read") from exc

    def delete(self, ids: Sequence[str]) -> None:
        try:
            with PseudonymKeyModel.batch_write() as batch:
                for id_ in ids:
                    batch.delete(PseudonymKeyModel(subject=id_))
        except PynamoDBException as exc:
            raise KeyStoreError("pseudonym keys could not be deleted") from exc
