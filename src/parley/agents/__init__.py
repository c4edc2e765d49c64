"""The people side of a handoff: agent commands, the agent endpoint, notifications and the fulfillment's desk."""
