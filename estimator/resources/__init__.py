"""Priced resource types, one module per family (``estimator.resources.aws.<family>``)."""
