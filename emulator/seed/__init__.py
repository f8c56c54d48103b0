"""The seed API's entities, one module each: edges (with their SIP profiles and edge groups in ``catalog``),
webhooks and their deliveries, and the analytics events both raise."""
