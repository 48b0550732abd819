"""costrail policy packs: FinOps rules over the resource model (stdlib + pyyaml only)."""
