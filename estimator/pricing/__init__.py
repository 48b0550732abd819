"""Offline prices: the bundled catalog (``catalog``) and the pricing engine (``engine``)."""
