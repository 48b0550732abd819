"""Pulumi CrossGuard pack: `pulumi preview --policy-pack policies/pulumi` (policy list in ``policies.py``)."""
