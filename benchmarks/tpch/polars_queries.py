"""The 22 TPC-H queries in Polars' lazy API, over the parquet files of ``data.py``.

Each ``qN(data_dir, sf)`` scans the tables it needs, states the query as joins, filters and
aggregations (correlated subqueries become joins, semi/anti joins or window aggregates), and
returns the collected DataFrame. Parameters are the specification's validation values and
output columns carry the names of ``sql_queries.py``, so both answers compare column by column;
Q17's sum over no rows is null, as SQL's is (it has no rows at SF 0.01).
"""
from datetime import date, timedelta

import polars as pl


def _scan(data_dir, table):
    return pl.scan_parquet(f"{data_dir}/{table}.parquet")


_DISC_PRICE = pl.col("l_extendedprice") * (1 - pl.col("l_discount"))


def q1(data_dir, sf):
    return (
        _scan(data_dir, "lineitem")
        .filter(pl.col("l_shipdate") <= date(1998, 12, 1) - timedelta(days=90))
        .group_by("l_returnflag", "l_linestatus")
        .agg(
            sum_qty=pl.col("l_quantity").sum(),
            sum_base_price=pl.col("l_extendedprice").sum(),
            sum_disc_price=_DISC_PRICE.sum(),
            sum_charge=(_DISC_PRICE * (1 + pl.col("l_tax"))).sum(),
            avg_qty=pl.col("l_quantity").mean(),
            avg_price=pl.col("l_extendedprice").mean(),
            avg_disc=pl.col("l_discount").mean(),
            count_order=pl.len(),
        )
        .sort("l_returnflag", "l_linestatus")
        .collect()
    )


def q2(data_dir, sf):
    europe_supply = (
        _scan(data_dir, "partsupp")
        .join(_scan(data_dir, "supplier"), left_on="ps_suppkey", right_on="s_suppkey")
        .join(_scan(data_dir, "nation"), left_on="s_nationkey", right_on="n_nationkey")
        .join(_scan(data_dir, "region").filter(pl.col("r_name") == "EUROPE"),
              left_on="n_regionkey", right_on="r_regionkey")
    )
    return (
        _scan(data_dir, "part")
        .filter((pl.col("p_size") == 15) & pl.col("p_type").str.ends_with("BRASS"))
        .join(europe_supply, left_on="p_partkey", right_on="ps_partkey")
        .filter(pl.col("ps_supplycost") == pl.col("ps_supplycost").min().over("p_partkey"))
        .select("s_acctbal", "s_name", "n_name", "p_partkey", "p_mfgr", "s_address", "s_phone",
                "s_comment")
        .sort("s_acctbal", "n_name", "s_name", "p_partkey",
              descending=[True, False, False, False])
        .head(100)
        .collect()
    )


def q3(data_dir, sf):
    day = date(1995, 3, 15)
    return (
        _scan(data_dir, "customer")
        .filter(pl.col("c_mktsegment") == "BUILDING")
        .join(_scan(data_dir, "orders").filter(pl.col("o_orderdate") < day),
              left_on="c_custkey", right_on="o_custkey")
        .join(_scan(data_dir, "lineitem").filter(pl.col("l_shipdate") > day),
              left_on="o_orderkey", right_on="l_orderkey")
        .group_by("o_orderkey", "o_orderdate", "o_shippriority")
        .agg(revenue=_DISC_PRICE.sum())
        .select(pl.col("o_orderkey").alias("l_orderkey"), "revenue", "o_orderdate",
                "o_shippriority")
        .sort("revenue", "o_orderdate", descending=[True, False])
        .head(10)
        .collect()
    )


def q4(data_dir, sf):
    late = _scan(data_dir, "lineitem").filter(pl.col("l_commitdate") < pl.col("l_receiptdate"))
    return (
        _scan(data_dir, "orders")
        .filter(pl.col("o_orderdate").is_between(date(1993, 7, 1), date(1993, 10, 1),
                                                 closed="left"))
        .join(late, left_on="o_orderkey", right_on="l_orderkey", how="semi")
        .group_by("o_orderpriority")
        .agg(order_count=pl.len())
        .sort("o_orderpriority")
        .collect()
    )


def q5(data_dir, sf):
    asia = (
        _scan(data_dir, "nation")
        .join(_scan(data_dir, "region").filter(pl.col("r_name") == "ASIA"),
              left_on="n_regionkey", right_on="r_regionkey")
    )
    orders = _scan(data_dir, "orders").filter(
        pl.col("o_orderdate").is_between(date(1994, 1, 1), date(1995, 1, 1), closed="left"))
    return (
        _scan(data_dir, "customer")
        .join(orders, left_on="c_custkey", right_on="o_custkey")
        .join(_scan(data_dir, "lineitem"), left_on="o_orderkey", right_on="l_orderkey")
        .join(_scan(data_dir, "supplier"), left_on=["l_suppkey", "c_nationkey"],
              right_on=["s_suppkey", "s_nationkey"])
        .join(asia, left_on="c_nationkey", right_on="n_nationkey")
        .group_by("n_name")
        .agg(revenue=_DISC_PRICE.sum())
        .sort("revenue", descending=True)
        .collect()
    )


def q6(data_dir, sf):
    return (
        _scan(data_dir, "lineitem")
        .filter(
            pl.col("l_shipdate").is_between(date(1994, 1, 1), date(1995, 1, 1), closed="left"),
            pl.col("l_discount").is_between(0.05, 0.07),
            pl.col("l_quantity") < 24,
        )
        .select(revenue=(pl.col("l_extendedprice") * pl.col("l_discount")).sum())
        .collect()
    )


def q7(data_dir, sf):
    nations = _scan(data_dir, "nation").filter(pl.col("n_name").is_in(["FRANCE", "GERMANY"]))
    suppliers = (
        _scan(data_dir, "supplier")
        .join(nations, left_on="s_nationkey", right_on="n_nationkey")
        .select("s_suppkey", supp_nation="n_name")
    )
    customers = (
        _scan(data_dir, "customer")
        .join(nations, left_on="c_nationkey", right_on="n_nationkey")
        .select("c_custkey", cust_nation="n_name")
    )
    return (
        _scan(data_dir, "lineitem")
        .filter(pl.col("l_shipdate").is_between(date(1995, 1, 1), date(1996, 12, 31)))
        .join(suppliers, left_on="l_suppkey", right_on="s_suppkey")
        .join(_scan(data_dir, "orders"), left_on="l_orderkey", right_on="o_orderkey")
        .join(customers, left_on="o_custkey", right_on="c_custkey")
        .filter(pl.col("supp_nation") != pl.col("cust_nation"))
        .group_by("supp_nation", "cust_nation", l_year=pl.col("l_shipdate").dt.year())
        .agg(revenue=_DISC_PRICE.sum())
        .sort("supp_nation", "cust_nation", "l_year")
        .collect()
    )


def q8(data_dir, sf):
    nation = _scan(data_dir, "nation")
    american_customers = (
        _scan(data_dir, "customer")
        .join(nation, left_on="c_nationkey", right_on="n_nationkey")
        .join(_scan(data_dir, "region").filter(pl.col("r_name") == "AMERICA"),
              left_on="n_regionkey", right_on="r_regionkey")
        .select("c_custkey")
    )
    suppliers = (
        _scan(data_dir, "supplier")
        .join(nation, left_on="s_nationkey", right_on="n_nationkey")
        .select("s_suppkey", nation="n_name")
    )
    volume = pl.col("volume")
    return (
        _scan(data_dir, "part")
        .filter(pl.col("p_type") == "ECONOMY ANODIZED STEEL")
        .join(_scan(data_dir, "lineitem"), left_on="p_partkey", right_on="l_partkey")
        .join(suppliers, left_on="l_suppkey", right_on="s_suppkey")
        .join(_scan(data_dir, "orders")
              .filter(pl.col("o_orderdate").is_between(date(1995, 1, 1), date(1996, 12, 31))),
              left_on="l_orderkey", right_on="o_orderkey")
        .join(american_customers, left_on="o_custkey", right_on="c_custkey", how="semi")
        .select("nation", o_year=pl.col("o_orderdate").dt.year(), volume=_DISC_PRICE)
        .group_by("o_year")
        .agg(mkt_share=pl.when(pl.col("nation") == "BRAZIL").then(volume).otherwise(0).sum()
             / volume.sum())
        .sort("o_year")
        .collect()
    )


def q9(data_dir, sf):
    return (
        _scan(data_dir, "part")
        .filter(pl.col("p_name").str.contains("green", literal=True))
        .join(_scan(data_dir, "lineitem"), left_on="p_partkey", right_on="l_partkey")
        .join(_scan(data_dir, "partsupp"), left_on=["l_suppkey", "p_partkey"],
              right_on=["ps_suppkey", "ps_partkey"])
        .join(_scan(data_dir, "supplier"), left_on="l_suppkey", right_on="s_suppkey")
        .join(_scan(data_dir, "nation"), left_on="s_nationkey", right_on="n_nationkey")
        .join(_scan(data_dir, "orders"), left_on="l_orderkey", right_on="o_orderkey")
        .group_by(nation="n_name", o_year=pl.col("o_orderdate").dt.year())
        .agg(sum_profit=(_DISC_PRICE - pl.col("ps_supplycost") * pl.col("l_quantity")).sum())
        .sort("nation", "o_year", descending=[False, True])
        .collect()
    )


def q10(data_dir, sf):
    orders = _scan(data_dir, "orders").filter(
        pl.col("o_orderdate").is_between(date(1993, 10, 1), date(1994, 1, 1), closed="left"))
    return (
        _scan(data_dir, "customer")
        .join(orders, left_on="c_custkey", right_on="o_custkey")
        .join(_scan(data_dir, "lineitem").filter(pl.col("l_returnflag") == "R"),
              left_on="o_orderkey", right_on="l_orderkey")
        .join(_scan(data_dir, "nation"), left_on="c_nationkey", right_on="n_nationkey")
        .group_by("c_custkey", "c_name", "c_acctbal", "c_phone", "n_name", "c_address",
                  "c_comment")
        .agg(revenue=_DISC_PRICE.sum())
        .select("c_custkey", "c_name", "revenue", "c_acctbal", "n_name", "c_address", "c_phone",
                "c_comment")
        .sort("revenue", descending=True)
        .head(20)
        .collect()
    )


def q11(data_dir, sf):
    value = pl.col("value")
    return (
        _scan(data_dir, "partsupp")
        .join(_scan(data_dir, "supplier"), left_on="ps_suppkey", right_on="s_suppkey")
        .join(_scan(data_dir, "nation").filter(pl.col("n_name") == "GERMANY"),
              left_on="s_nationkey", right_on="n_nationkey")
        .group_by("ps_partkey")
        .agg(value=(pl.col("ps_supplycost") * pl.col("ps_availqty")).sum())
        .filter(value > value.sum() * (0.0001 / sf))
        .sort("value", descending=True)
        .collect()
    )


def q12(data_dir, sf):
    urgent = pl.col("o_orderpriority").is_in(["1-URGENT", "2-HIGH"])
    lineitem = _scan(data_dir, "lineitem").filter(
        pl.col("l_shipmode").is_in(["MAIL", "SHIP"]),
        pl.col("l_commitdate") < pl.col("l_receiptdate"),
        pl.col("l_shipdate") < pl.col("l_commitdate"),
        pl.col("l_receiptdate").is_between(date(1994, 1, 1), date(1995, 1, 1), closed="left"),
    )
    return (
        _scan(data_dir, "orders")
        .join(lineitem, left_on="o_orderkey", right_on="l_orderkey")
        .group_by("l_shipmode")
        .agg(high_line_count=urgent.sum(), low_line_count=(~urgent).sum())
        .sort("l_shipmode")
        .collect()
    )


def q13(data_dir, sf):
    orders = _scan(data_dir, "orders").filter(
        ~pl.col("o_comment").str.contains("special.*requests"))
    return (
        _scan(data_dir, "customer")
        .join(orders, left_on="c_custkey", right_on="o_custkey", how="left")
        .group_by("c_custkey")
        .agg(c_count=pl.col("o_orderkey").count())
        .group_by("c_count")
        .agg(custdist=pl.len())
        .sort("custdist", "c_count", descending=True)
        .collect()
    )


def q14(data_dir, sf):
    promo = pl.col("p_type").str.starts_with("PROMO")
    return (
        _scan(data_dir, "lineitem")
        .filter(pl.col("l_shipdate").is_between(date(1995, 9, 1), date(1995, 10, 1),
                                                closed="left"))
        .join(_scan(data_dir, "part"), left_on="l_partkey", right_on="p_partkey")
        .select(promo_revenue=100.0 * pl.when(promo).then(_DISC_PRICE).otherwise(0).sum()
                / _DISC_PRICE.sum())
        .collect()
    )


def q15(data_dir, sf):
    revenue = (
        _scan(data_dir, "lineitem")
        .filter(pl.col("l_shipdate").is_between(date(1996, 1, 1), date(1996, 4, 1),
                                                closed="left"))
        .group_by("l_suppkey")
        .agg(total_revenue=_DISC_PRICE.sum())
        .filter(pl.col("total_revenue") == pl.col("total_revenue").max())
    )
    return (
        _scan(data_dir, "supplier")
        .join(revenue, left_on="s_suppkey", right_on="l_suppkey")
        .select("s_suppkey", "s_name", "s_address", "s_phone", "total_revenue")
        .sort("s_suppkey")
        .collect()
    )


def q16(data_dir, sf):
    complaints = _scan(data_dir, "supplier").filter(
        pl.col("s_comment").str.contains("Customer.*Complaints"))
    return (
        _scan(data_dir, "part")
        .filter(
            pl.col("p_brand") != "Brand#45",
            ~pl.col("p_type").str.starts_with("MEDIUM POLISHED"),
            pl.col("p_size").is_in([49, 14, 23, 45, 19, 3, 36, 9]),
        )
        .join(_scan(data_dir, "partsupp"), left_on="p_partkey", right_on="ps_partkey")
        .join(complaints, left_on="ps_suppkey", right_on="s_suppkey", how="anti")
        .group_by("p_brand", "p_type", "p_size")
        .agg(supplier_cnt=pl.col("ps_suppkey").n_unique())
        .sort("supplier_cnt", "p_brand", "p_type", "p_size",
              descending=[True, False, False, False])
        .collect()
    )


def q17(data_dir, sf):
    return (
        _scan(data_dir, "part")
        .filter(pl.col("p_brand") == "Brand#23", pl.col("p_container") == "MED BOX")
        .join(_scan(data_dir, "lineitem"), left_on="p_partkey", right_on="l_partkey")
        .filter(pl.col("l_quantity") < 0.2 * pl.col("l_quantity").mean().over("p_partkey"))
        .select(avg_yearly=pl.when(pl.len() > 0).then(pl.col("l_extendedprice").sum() / 7.0))
        .collect()
    )


def q18(data_dir, sf):
    large_orders = (
        _scan(data_dir, "lineitem")
        .group_by("l_orderkey")
        .agg(sum_qty=pl.col("l_quantity").sum())
        .filter(pl.col("sum_qty") > 300)
    )
    return (
        _scan(data_dir, "orders")
        .join(large_orders, left_on="o_orderkey", right_on="l_orderkey")
        .join(_scan(data_dir, "customer"), left_on="o_custkey", right_on="c_custkey")
        .select("c_name", pl.col("o_custkey").alias("c_custkey"), "o_orderkey", "o_orderdate",
                "o_totalprice", col6="sum_qty")
        .sort("o_totalprice", "o_orderdate", descending=[True, False])
        .head(100)
        .collect()
    )


def _q19_branch(brand, containers, quantity, max_size):
    return (
        (pl.col("p_brand") == brand)
        & pl.col("p_container").is_in(containers)
        & pl.col("l_quantity").is_between(quantity, quantity + 10)
        & pl.col("p_size").is_between(1, max_size)
    )


def q19(data_dir, sf):
    return (
        _scan(data_dir, "lineitem")
        .filter(
            pl.col("l_shipmode").is_in(["AIR", "AIR REG"]),
            pl.col("l_shipinstruct") == "DELIVER IN PERSON",
        )
        .join(_scan(data_dir, "part"), left_on="l_partkey", right_on="p_partkey")
        .filter(
            _q19_branch("Brand#12", ["SM CASE", "SM BOX", "SM PACK", "SM PKG"], 1, 5)
            | _q19_branch("Brand#23", ["MED BAG", "MED BOX", "MED PKG", "MED PACK"], 10, 10)
            | _q19_branch("Brand#34", ["LG CASE", "LG BOX", "LG PACK", "LG PKG"], 20, 15)
        )
        .select(revenue=_DISC_PRICE.sum())
        .collect()
    )


def q20(data_dir, sf):
    forest_parts = _scan(data_dir, "part").filter(pl.col("p_name").str.starts_with("forest"))
    shipped = (
        _scan(data_dir, "lineitem")
        .filter(pl.col("l_shipdate").is_between(date(1994, 1, 1), date(1995, 1, 1),
                                                closed="left"))
        .group_by("l_partkey", "l_suppkey")
        .agg(half_quantity=0.5 * pl.col("l_quantity").sum())
    )
    stocked = (
        _scan(data_dir, "partsupp")
        .join(forest_parts, left_on="ps_partkey", right_on="p_partkey", how="semi")
        .join(shipped, left_on=["ps_partkey", "ps_suppkey"], right_on=["l_partkey", "l_suppkey"])
        .filter(pl.col("ps_availqty") > pl.col("half_quantity"))
    )
    return (
        _scan(data_dir, "supplier")
        .join(_scan(data_dir, "nation").filter(pl.col("n_name") == "CANADA"),
              left_on="s_nationkey", right_on="n_nationkey")
        .join(stocked, left_on="s_suppkey", right_on="ps_suppkey", how="semi")
        .select("s_name", "s_address")
        .sort("s_name")
        .collect()
    )


def q21(data_dir, sf):
    lineitem = _scan(data_dir, "lineitem")
    late = lineitem.filter(pl.col("l_receiptdate") > pl.col("l_commitdate"))
    multi_supplier = (
        lineitem.group_by("l_orderkey")
        .agg(suppliers=pl.col("l_suppkey").n_unique())
        .filter(pl.col("suppliers") > 1)
    )
    one_late_supplier = (
        late.group_by("l_orderkey")
        .agg(suppliers=pl.col("l_suppkey").n_unique())
        .filter(pl.col("suppliers") == 1)
    )
    saudi_suppliers = (
        _scan(data_dir, "supplier")
        .join(_scan(data_dir, "nation").filter(pl.col("n_name") == "SAUDI ARABIA"),
              left_on="s_nationkey", right_on="n_nationkey")
    )
    return (
        late
        .join(multi_supplier, on="l_orderkey", how="semi")
        .join(one_late_supplier, on="l_orderkey", how="semi")
        .join(_scan(data_dir, "orders").filter(pl.col("o_orderstatus") == "F"),
              left_on="l_orderkey", right_on="o_orderkey", how="semi")
        .join(saudi_suppliers, left_on="l_suppkey", right_on="s_suppkey")
        .group_by("s_name")
        .agg(numwait=pl.len())
        .sort("numwait", "s_name", descending=[True, False])
        .head(100)
        .collect()
    )


def q22(data_dir, sf):
    balance = pl.col("c_acctbal")
    return (
        _scan(data_dir, "customer")
        .with_columns(cntrycode=pl.col("c_phone").str.slice(0, 2))
        .filter(pl.col("cntrycode").is_in(["13", "31", "23", "29", "30", "18", "17"]))
        .filter(balance > balance.filter(balance > 0.0).mean())
        .join(_scan(data_dir, "orders"), left_on="c_custkey", right_on="o_custkey", how="anti")
        .group_by("cntrycode")
        .agg(numcust=pl.len(), totacctbal=balance.sum())
        .sort("cntrycode")
        .collect()
    )


QUERIES = {
    1: q1, 2: q2, 3: q3, 4: q4, 5: q5, 6: q6, 7: q7, 8: q8, 9: q9, 10: q10, 11: q11,
    12: q12, 13: q13, 14: q14, 15: q15, 16: q16, 17: q17, 18: q18, 19: q19, 20: q20, 21: q21,
    22: q22,
}
