"""Analytics: conversation events, the KPIs computed from them, and the scheduled report."""
