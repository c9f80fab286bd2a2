"""CSV downloads of the API: a flow's per-node stats and its recipients."""
