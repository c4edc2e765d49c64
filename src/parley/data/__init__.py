"""Business data: domain records, repositories and the DynamoDB tables behind them."""
