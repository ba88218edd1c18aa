"""``kind: access-control``: the authorization matrix (越权) — roles × endpoints → allowed / denied / own-only."""
