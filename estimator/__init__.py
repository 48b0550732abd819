"""costrail: cost and FinOps policy review of planned AWS infrastructure."""

__version__ = "0.1.0"
