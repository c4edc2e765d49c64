"""A shop the end-to-end conversations run against: not the demo's data, and dated from today, so a delivery
"three days ago" is inside the return window whenever the tests run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path


@dataclass(frozen=True)
class Person:
    customer_id: str
    name: str
    email: str
    phone: str
    psid: str
    language: str
    offers: str = ""  # marketing_opt_in: "yes" for a customer who opted in to offers (a product suggestion)


HANNAH = Person("CUST-5004", "Hannah Weber", "hannah.weber@example.net", "4917612345678", "7700000000000004", "de")
MATTEO = Person("CUST-5001", "Matteo Rossi", "matteo.rossi@example.it", "393471234567", "7700000000000001", "it")
AYSE = Person("CUST-5002", "Ayşe Yılmaz", "ayse.yilmaz@example.com.tr", "905321234567", "", "tr")
DMITRY = Person("CUST-5003", "Дмитрий Волков", "d.volkov@example.ru", "", "7700000000000003", "ru")
PRIYA = Person("CUST-5005", "Priya Sharma", "priya.sharma@example.in", "919812345678", "", "hi")
BUDI = Person("CUST-5006", "Budi Santoso", "budi.santoso@example.co.id", "", "7700000000000006", "id")
LAYLA = Person("CUST-5007", "Layla Haddad", "layla.haddad@example.ae", "971501234567", "", "ar")
WEI = Person("CUST-5008", "Wei Zhang", "wei.zhang@example.cn", "8613812345678", "", "zh")
CHLOE = Person("CUST-5009", "Chloé Martin", "chloe.martin@example.fr", "33698765432", "7700000000000009", "fr")
ANA = Person("CUST-5010", "Ana Costa", "ana.costa@example.com.br", "5521998877665", "7700000000000010", "pt")
CARLOS = Person("CUST-5011", "Carlos Ruiz", "carlos.ruiz@example.es", "34699887766", "", "es", offers="yes")
GRACE = Person("CUST-5012", "Grace Miller", "grace.miller@example.com", "12065550177", "7700000000000012", "en")
PEOPLE = (HANNAH, MATTEO, AYSE, DMITRY, PRIYA, BUDI, LAYLA, WEI, CHLOE, ANA, CARLOS, GRACE)


@dataclass(frozen=True)
class Shop:
    directory: Path
    today: date

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_shop(directory: Path, now: datetime | None = None) -> Shop:
    now = now or datetime.now(UTC)
    today = now.date()

    def ago(days: int) -> str:
        return _iso(now - timedelta(days=days))

    def later(days: int) -> str:
        return _iso(now + timedelta(days=days))

    def day(days: int) -> str:
        return (today + timedelta(days=days)).isoformat()

    customers = "customer_id,name,email,phone,messenger_psid,language,marketing_opt_in\n" + "".join(
        f"{p.customer_id},{p.name},{p.email},{p.phone},{p.psid},{p.language},{p.offers}\n" for p in PEOPLE
    )
    h, m, a, y, d = HANNAH.customer_id, MATTEO.customer_id, AYSE.customer_id, DMITRY.customer_id, BUDI.customer_id
    order_columns = "order_id,customer_id,status,placed_at,carrier,tracking_number,estimated_delivery,total,currency"
    orders = f"""{order_columns},items,delivered_at
ORD-510001,{h},shipped,{ago(3)},DHL,JJD000390007718,{day(2)},74.90,EUR,SKU-LMP-OAK x1,
ORD-510002,{h},processing,{ago(1)},,,{day(5)},19.90,EUR,SKU-MUG-GRY x2,
ORD-520001,{m},delivered,{ago(12)},BRT,BRT0561239874,{day(-8)},129.00,EUR,SKU-CHR-WAL x1,{ago(8)}
ORD-520002,{m},shipped,{ago(2)},GLS,GLS77120094,{day(1)},39.50,EUR,SKU-MUG-GRY x1,
ORD-530001,{LAYLA.customer_id},out_for_delivery,{ago(4)},Aramex,ARX5526610,{day(0)},310.00,AED,SKU-LMP-OAK x2,
ORD-540001,{d},shipped,{ago(2)},JNE,JNE8812003344,{day(3)},450000,IDR,SKU-MUG-GRY x3,
ORD-550001,{WEI.customer_id},placed,{ago(0)},,,{day(6)},299.00,CNY,SKU-CHR-WAL x1,
ORD-560001,{PRIYA.customer_id},processing,{ago(1)},,,{day(4)},2499.00,INR,SKU-LMP-OAK x1,
ORD-570001,{a},delivered,{ago(20)},Yurtiçi,YK1199200,{day(-15)},899.00,TRY,SKU-CHR-WAL x1,{ago(15)}
ORD-580001,{y},shipped,{ago(5)},СДЭК,1520034477,{day(2)},5490.00,RUB,SKU-LMP-OAK x1,
ORD-590001,{GRACE.customer_id},processing,{ago(1)},,,{day(4)},19.90,USD,SKU-MUG-GRY x2,
ORD-590002,{GRACE.customer_id},delivered,{ago(6)},UPS,1Z999AA10123400001,{day(-3)},74.90,USD,SKU-LMP-OAK x1,{ago(3)}
"""
    invoices = f"""invoice_id,customer_id,issued_at,due_at,amount,currency,status,url,payment_failure_reason
INV-9001,{ANA.customer_id},{ago(20)},{later(10)},89.90,BRL,open,https://billing.example.net/i/INV-9001,
INV-9002,{ANA.customer_id},{ago(50)},{ago(20)},89.90,BRL,paid,https://billing.example.net/i/INV-9002,
INV-9003,{GRACE.customer_id},{ago(40)},{ago(5)},24.00,USD,overdue,https://billing.example.net/i/INV-9003,insufficient_funds
"""
    subscriptions = f"""subscription_id,customer_id,plan,status,renews_at,price,currency
SUB-8001,{CHLOE.customer_id},Box Café Mensuelle,active,{later(9)},24.90,EUR
SUB-8002,{CARLOS.customer_id},Plan Hogar,paused,,12.00,EUR
"""
    products = """sku,name,description,price,currency,stock,attributes
SKU-LMP-OAK,Fjord Desk Lamp,Oak desk lamp.,74.90,EUR,6,color=oak;material=wood;category=lighting;pairs_with=SKU-BLB-E27
SKU-BLB-E27,Glow Bulb E27,Dimmable warm-white LED bulb.,6.90,EUR,40,category=lighting
SKU-MUG-GRY,Stoneware Mug,"Handmade stoneware mug, 350 ml.",9.95,EUR,2,color=grey;material=stoneware;category=kitchen
SKU-CHR-WAL,Nordic Chair,Walnut dining chair.,129.00,EUR,0,color=walnut;material=wood;category=furniture
PLAN-CAFE-M,Box Café Mensuelle,A box of coffee every month.,24.90,EUR,,category=plan
PLAN-CAFE-Q,Box Café Trimestrielle,A box of coffee every three months.,64.90,EUR,,category=plan
PLAN-HOGAR,Plan Hogar,Home essentials every month.,12.00,EUR,,category=plan
PLAN-HOGAR-PLUS,Plan Hogar Plus,More home essentials every month.,18.00,EUR,,category=plan
"""
    directory.mkdir(parents=True, exist_ok=True)
    files = {"customers": customers, "orders": orders, "invoices": invoices, "subscriptions": subscriptions,
             "products": products}  # fmt: skip
    for name, text in files.items():
        (directory / f"{name}.csv").write_text(text, encoding="utf-8")
    return Shop(directory, today)
