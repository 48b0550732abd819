"""Entry point Pulumi runs for `pulumi preview --policy-pack policies/pulumi`."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# Run as a script, this folder is sys.path[0] and its `policies.py` would shadow the package.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))  # the checkout root, when not pip-installed

from pulumi_policy import PolicyPack  # noqa: E402

from policies.pulumi.policies import POLICIES  # noqa: E402

PolicyPack("costrail-finops-ai", policies=POLICIES)
