"""Live listening: run the connectors, store each page with its cursor, then analyse, watch
for alerts and prune — above `sources/`, `text/`, `alerts/` in the one-way flow."""
