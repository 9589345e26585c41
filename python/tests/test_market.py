import capsim


def test_query_catalog_gpus_over_24_gib_under_3_usd():
    # By hand from the bundled catalog: only L40S GPUs (45,776 MiB) qualify under $3/h: g6e.xlarge
    # ($1.861) and g6e.2xlarge ($2.24208).
    rows = capsim.query_catalog([("karpenter.k8s.aws/instance-gpu-memory", "Gt", ["24575"])], max_price_usd_per_h=3.0,
                                sort="price-per-gpu")
    assert [r["instance_type"] for r in rows] == ["g6e.xlarge", "g6e.2xlarge"]
    spot = capsim.query_catalog([("karpenter.k8s.aws/instance-gpu-count", "In", ["4"])], spot=True, sort="price-per-gpu")
    # g4dn.12xlarge: 3.912 × (1 − 0.64) = 1.40832 per hour, bucket 2 (10-15%).
    assert spot[0]["instance_type"] == "g4dn.12xlarge"
    assert abs(spot[0]["price_usd_per_h"] - 1.40832) < 1e-9 and spot[0]["advisor"].bucket == 2


def test_allocate_price_capacity_optimized_skips_the_cheapest_thin_pool():
    # Capacity order 1 (200), 2 (150), 0 (5): with n = 3 the candidates are the top max(1, 2) = 2,
    # {1, 2}; the cheaper of those is pool 2 (0.25 < 0.40), though pool 0 (0.10) is cheapest overall.
    pools = [{"price_usd_per_h": 0.10, "spare_capacity": 5}, {"price_usd_per_h": 0.40, "spare_capacity": 200},
             {"price_usd_per_h": 0.25, "spare_capacity": 150}]
    assert capsim.allocate(4, "price-capacity-optimized", 1, pools) == ([(2, 4)], 0)
    assert capsim.allocate(4, "lowest-price", 1, pools) == ([(0, 4)], 0)
    assert capsim.allocate(400, "lowest-price", 1, pools) == ([(0, 5), (2, 150), (1, 200)], 45)
