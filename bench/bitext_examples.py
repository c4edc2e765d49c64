"""Writes locales/examples/en/bitext/<intent>.txt: Bitext's TRAINING split (never its validation or test split),
relabelled with DESIGN.md's intents, so the English model also learns phrasing no one here wrote. Run by hand when
the mapping changes: `python bench/bitext_examples.py`. Bitext's data is CDLA-Sharing-1.0; its notice goes with it
(locales/examples/en/bitext/NOTICE.md)."""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "benchmarks" / "bitext" / "Bitext_Sample_Customer_Service_Training_Dataset.csv"
OUT = ROOT / "locales" / "examples" / "en" / "bitext"

# One label each for training: the first of the two ../shared/benchmarks/README.md allows where it allows two.
TRAIN_AS = {
    "cancel_order": "cancel_order", "change_order": "change_order", "change_shipping_address": "change_order",
    "set_up_shipping_address": "account", "check_cancellation_fee": "faq", "check_invoice": "invoice",
    "get_invoice": "invoice", "check_payment_methods": "faq", "check_refund_policy": "faq",
    "complaint": "complaint", "contact_customer_service": "human_agent", "contact_human_agent": "human_agent",
    "create_account": "account", "edit_account": "account", "switch_account": "account",
    "delete_account": "account", "recover_password": "account", "registration_problems": "account",
    "delivery_options": "faq", "delivery_period": "faq", "newsletter_subscription": "marketing_preferences",
    "payment_issue": "payment", "place_order": "product_info", "review": "feedback",
    "track_order": "order_status", "get_refund": "return_refund", "track_refund": "return_refund",
}  # fmt: skip

NOTICE = """# Bitext customer-service sample, training split, relabelled

Source: https://github.com/bitext/customer-support-intent-detection-training-dataset (commit e970229, 2022-11-08),
data/train/Bitext_Sample_Customer_Service_Training_Dataset.csv, (c) Bitext Innovations, licensed under the
Community Data License Agreement – Sharing, Version 1.0 (CDLA-Sharing-1.0,
https://cdla.dev/sharing-1-0/). Changed: each utterance filed under the Parley intent its Bitext intent maps to
(bench/bitext_examples.py). Only the training split is here; the validation and test splits only measure.
"""


def main() -> None:
    by_intent: dict[str, dict[str, None]] = {}
    with SOURCE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            text = " ".join(row["utterance"].split())
            if text and not text.startswith("#"):
                by_intent.setdefault(TRAIN_AS[row["intent"]], {})[text] = None
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.txt"):
        old.unlink()
    for intent, texts in sorted(by_intent.items()):
        (OUT / f"{intent}.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
    (OUT / "NOTICE.md").write_text(NOTICE, encoding="utf-8")
    print(f"{sum(map(len, by_intent.values()))} utterances in {len(by_intent)} intents written to {OUT}")


if __name__ == "__main__":
    main()
