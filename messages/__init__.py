"""The SMS channel and message flows: gateways, webhooks, inbound router, flow engine, outbox."""
