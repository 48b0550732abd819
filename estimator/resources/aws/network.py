"""Networking that bills by the hour: NAT gateways, load balancers, Elastic IPs, VPC endpoints.

``aws_eip``: every public IPv4 address bills $0.005/h since 2024-02 (in use or not).
VPC interface endpoints bill per subnet (one ENI per AZ); gateway endpoints are free. When
``subnet_ids`` is not known (a data source's ids, computed in a plan) or not set, the number
of AZs is unknown: the hourly line is unpriced with that reason, never a guessed 1 AZ.
"""

from __future__ import annotations

from decimal import Decimal

from estimator.cost_model import CostComponent
from estimator.model import Resource, Unknown, is_unknown
from estimator.pricing import catalog

from ._base import (
    PriceContext,
    Priced,
    ResourceSpec,
    UsageKey,
    hourly,
    known_value,
    line,
    missing_price,
    region_of,
    unknown_line,
    unknown_reason,
    usage_qty,
)


def _price_nat(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    usage = ctx.usage(res)
    hour = catalog.service("nat_hour", region)
    return Priced([
        hourly("NAT gateway", hour, missing=missing_price("NAT gateway hours", region)),
        line("Data processed", "GB", usage_qty(usage, "monthly_data_processed_gb"), catalog.service("nat_gb", region),
             usage_based=True, missing=missing_price("NAT data processed", region)),
    ])


def _price_lb(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    usage = ctx.usage(res)
    kind = known_value(res, "load_balancer_type", "application")
    if kind not in ("application", "network"):
        return Priced([hourly(f"Load balancer ({kind})", None, missing=f"no price for {kind} load balancers")])
    prefix = "alb" if kind == "application" else "nlb"
    label = "Application load balancer" if kind == "application" else "Network load balancer"
    lcu = usage_qty(usage, "capacity_units")
    return Priced([
        hourly(label, catalog.service(f"{prefix}_hour", region), missing=missing_price(label, region)),
        line("Load balancer capacity units", "LCU-hours", None if lcu is None else lcu * 730,
             catalog.service(f"{prefix}_lcu_hour", region), usage_based=True,
             missing=missing_price("load balancer capacity units", region)),
    ])


def _price_eip(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    price = catalog.service("public_ipv4_hour", catalog.DEFAULT_REGION)
    # The public IPv4 charge is the same in every commercial region (AWS, 2024-02-01).
    return Priced([hourly("IP address (public IPv4)", price if not region.startswith(("cn-", "us-gov-")) else None,
                          missing=missing_price("public IPv4", region))])


def _price_vpce(res: Resource, ctx: PriceContext) -> Priced:
    region = region_of(res)
    # not set: the provider default; unknown is never "free" (an Interface endpoint bills per AZ-hour and GB)
    kind = known_value(res, "vpc_endpoint_type", "Gateway")
    if kind == "Gateway":
        return Priced(status="free", reason="gateway endpoints (S3, DynamoDB) are free")
    usage = ctx.usage(res)
    return Priced([
        _endpoint_hours(res, kind, region, _associated_subnets(res, ctx)),
        line("Data processed (first 1PB)", "GB", usage_qty(usage, "monthly_data_processed_gb"),
             catalog.service("vpce_gb_first1pb", region), usage_based=True,
             missing=missing_price("VPC endpoint data processed", region)),
    ])


def _associated_subnets(res: Resource, ctx: PriceContext) -> int:
    """Subnets added by ``aws_vpc_endpoint_subnet_association`` resources: each is one more billed ENI."""
    def names_it(value: object) -> bool:  # by reference, or by a literal id the endpoint has (never by default)
        if isinstance(value, Unknown):
            return value.ref in (res.address, res.address.rsplit("[", 1)[0])
        return isinstance(value, str) and value != "" and value == res.get("id")

    return sum(1 for assoc in ctx.of_type("aws_vpc_endpoint_subnet_association") if names_it(assoc.get("vpc_endpoint_id")))


def _endpoint_hours(res: Resource, kind: str, region: str, associated: int = 0) -> CostComponent:
    """One endpoint-hour per subnet (AZ): the list's length, known even when the subnet ids are not,
    plus the subnets associated by separate resources."""
    subnets = res.get("subnet_ids")
    if is_unknown(subnets):
        return unknown_line(f"Endpoint ({kind})", "hours",
                            unknown_reason("subnet_ids (one billed ENI per AZ)", subnets))
    if not isinstance(subnets, (list, tuple, set)):
        subnets = []
    if not subnets and not associated:
        return unknown_line(f"Endpoint ({kind})", "hours",
                            "subnet_ids is not set: the number of AZs (one billed ENI each) is unknown")
    count = Decimal(len(subnets) + associated)
    key = "vpce_interface_hour" if kind == "Interface" else "vpce_gwlb_hour"
    return hourly(f"Endpoint ({kind}, {count} AZ)", catalog.service(key, region), count,
                  missing=missing_price(f"VPC {kind} endpoint", region))


RESOURCES = (
    ResourceSpec("aws_nat_gateway", "aws:ec2/natGateway:NatGateway", _price_nat,
                 (UsageKey("monthly_data_processed_gb", "GB processed a month", None),), "NAT gateways"),
    ResourceSpec("aws_lb", "aws:lb/loadBalancer:LoadBalancer", _price_lb,
                 (UsageKey("capacity_units", "average LCUs per hour", None),), "Application/network load balancers"),
    ResourceSpec("aws_alb", "aws:alb/loadBalancer:LoadBalancer", _price_lb,
                 (UsageKey("capacity_units", "average LCUs per hour", None),), "Application load balancers"),
    ResourceSpec("aws_eip", "aws:ec2/eip:Eip", _price_eip, (), "Elastic IPs (public IPv4 hours)"),
    ResourceSpec("aws_vpc_endpoint", "aws:ec2/vpcEndpoint:VpcEndpoint", _price_vpce,
                 (UsageKey("monthly_data_processed_gb", "GB processed a month", None),), "VPC interface endpoints"),
)
