"""The 22 TPC-H queries in plain pandas, as a pandas user writes them from the specification's
SQL (its default substitution parameters), nothing written for hpjit.

Each query is a function of no arguments that reads its tables with ``pd.read_parquet`` from
the directory ``DATA`` (the environment's ``TPCH_DATA``, default scale factor 0.01 under
``benchmarks/tpch/data``) and returns a DataFrame. Dates are the generator's ``date32``
columns: ``object`` columns of ``datetime.date`` in pandas.
"""
import datetime
import os
from datetime import date

import numpy as np
import pandas as pd

DATA = os.environ.get("TPCH_DATA") or os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                   "data", "sf0.01")
#: Q11's FRACTION is 0.0001 / SF (the spec scales it with the data).
SCALE = float(os.environ.get("TPCH_SF", "0.01"))

Q1_SHIP_CUTOFF = date(1998, 12, 1) - datetime.timedelta(days=90)


def q1():
    lineitem = pd.read_parquet(f"{DATA}/lineitem.parquet")
    sel = lineitem[lineitem.l_shipdate <= Q1_SHIP_CUTOFF]
    sel = sel.assign(disc_price=sel.l_extendedprice * (1 - sel.l_discount))
    sel["charge"] = sel.disc_price * (1 + sel.l_tax)
    res = sel.groupby(["l_returnflag", "l_linestatus"], as_index=False).agg(
        sum_qty=("l_quantity", "sum"),
        sum_base_price=("l_extendedprice", "sum"),
        sum_disc_price=("disc_price", "sum"),
        sum_charge=("charge", "sum"),
        avg_qty=("l_quantity", "mean"),
        avg_price=("l_extendedprice", "mean"),
        avg_disc=("l_discount", "mean"),
        count_order=("l_orderkey", "count"),
    )
    return res.sort_values(["l_returnflag", "l_linestatus"])


def q2():
    part = pd.read_parquet(f"{DATA}/part.parquet")
    supplier = pd.read_parquet(f"{DATA}/supplier.parquet")
    partsupp = pd.read_parquet(f"{DATA}/partsupp.parquet")
    nation = pd.read_parquet(f"{DATA}/nation.parquet")
    region = pd.read_parquet(f"{DATA}/region.parquet")
    europe = region[region.r_name == "EUROPE"]
    nations = nation.merge(europe, left_on="n_regionkey", right_on="r_regionkey")
    suppliers = supplier.merge(nations, left_on="s_nationkey", right_on="n_nationkey")
    offers = partsupp.merge(suppliers, left_on="ps_suppkey", right_on="s_suppkey")
    brass = part[(part.p_size == 15) & part.p_type.str.endswith("BRASS")]
    cand = brass.merge(offers, left_on="p_partkey", right_on="ps_partkey")
    cheapest = cand.groupby("p_partkey", as_index=False).agg(min_cost=("ps_supplycost", "min"))
    cand = cand.merge(cheapest, on="p_partkey")
    best = cand[cand.ps_supplycost == cand.min_cost]
    res = best[["s_acctbal", "s_name", "n_name", "p_partkey", "p_mfgr", "s_address", "s_phone",
                "s_comment"]]
    return res.sort_values(["s_acctbal", "n_name", "s_name", "p_partkey"],
                           ascending=[False, True, True, True]).head(100)


def q3():
    customer = pd.read_parquet(f"{DATA}/customer.parquet")
    orders = pd.read_parquet(f"{DATA}/orders.parquet")
    lineitem = pd.read_parquet(f"{DATA}/lineitem.parquet")
    day = date(1995, 3, 15)
    cust = customer[customer.c_mktsegment == "BUILDING"]
    ords = orders[orders.o_orderdate < day]
    items = lineitem[lineitem.l_shipdate > day]
    jn = cust.merge(ords, left_on="c_custkey", right_on="o_custkey")
    jn = jn.merge(items, left_on="o_orderkey", right_on="l_orderkey")
    jn["revenue"] = jn.l_extendedprice * (1 - jn.l_discount)
    res = jn.groupby(["l_orderkey", "o_orderdate", "o_shippriority"], as_index=False)["revenue"].sum()
    res = res[["l_orderkey", "revenue", "o_orderdate", "o_shippriority"]]
    return res.sort_values(["revenue", "o_orderdate"], ascending=[False, True]).head(10)


def q4():
    orders = pd.read_parquet(f"{DATA}/orders.parquet")
    lineitem = pd.read_parquet(f"{DATA}/lineitem.parquet")
    ords = orders[(orders.o_orderdate >= date(1993, 7, 1)) & (orders.o_orderdate < date(1993, 10, 1))]
    late = lineitem[lineitem.l_commitdate < lineitem.l_receiptdate]
    ords = ords[ords.o_orderkey.isin(late.l_orderkey)]
    res = ords.groupby("o_orderpriority", as_index=False).agg(order_count=("o_orderkey", "count"))
    return res.sort_values("o_orderpriority")


def q5():
    customer = pd.read_parquet(f"{DATA}/customer.parquet")
    orders = pd.read_parquet(f"{DATA}/orders.parquet")
    lineitem = pd.read_parquet(f"{DATA}/lineitem.parquet")
    supplier = pd.read_parquet(f"{DATA}/supplier.parquet")
    nation = pd.read_parquet(f"{DATA}/nation.parquet")
    region = pd.read_parquet(f"{DATA}/region.parquet")
    ords = orders[(orders.o_orderdate >= date(1994, 1, 1)) & (orders.o_orderdate < date(1995, 1, 1))]
    asia = region[region.r_name == "ASIA"]
    jn = asia.merge(nation, left_on="r_regionkey", right_on="n_regionkey")
    jn = jn.merge(customer, left_on="n_nationkey", right_on="c_nationkey")
    jn = jn.merge(ords, left_on="c_custkey", right_on="o_custkey")
    jn = jn.merge(lineitem, left_on="o_orderkey", right_on="l_orderkey")
    jn = jn.merge(supplier, left_on=["l_suppkey", "n_nationkey"], right_on=["s_suppkey", "s_nationkey"])
    jn["revenue"] = jn.l_extendedprice * (1 - jn.l_discount)
    res = jn.groupby("n_name", as_index=False)["revenue"].sum()
    return res.sort_values("revenue", ascending=False)


def q6():
    lineitem = pd.read_parquet(f"{DATA}/lineitem.parquet")
    sel = lineitem[(lineitem.l_shipdate >= date(1994, 1, 1))
                   & (lineitem.l_shipdate < date(1995, 1, 1))
                   & (lineitem.l_discount >= 0.05) & (lineitem.l_discount <= 0.07)
                   & (lineitem.l_quantity < 24)]
    revenue = (sel.l_extendedprice * sel.l_discount).sum()
    return pd.DataFrame({"revenue": [revenue]})


def q7():
    supplier = pd.read_parquet(f"{DATA}/supplier.parquet")
    lineitem = pd.read_parquet(f"{DATA}/lineitem.parquet")
    orders = pd.read_parquet(f"{DATA}/orders.parquet")
    customer = pd.read_parquet(f"{DATA}/customer.parquet")
    nation = pd.read_parquet(f"{DATA}/nation.parquet")
    pair = nation[nation.n_name.isin(["FRANCE", "GERMANY"])]
    supp = supplier.merge(pair, left_on="s_nationkey", right_on="n_nationkey")
    supp = supp[["s_suppkey", "n_name"]].rename(columns={"n_name": "supp_nation"})
    cust = customer.merge(pair, left_on="c_nationkey", right_on="n_nationkey")
    cust = cust[["c_custkey", "n_name"]].rename(columns={"n_name": "cust_nation"})
    items = lineitem[(lineitem.l_shipdate >= date(1995, 1, 1)) & (lineitem.l_shipdate <= date(1996, 12, 31))]
    jn = items.merge(supp, left_on="l_suppkey", right_on="s_suppkey")
    jn = jn.merge(orders, left_on="l_orderkey", right_on="o_orderkey")
    jn = jn.merge(cust, left_on="o_custkey", right_on="c_custkey")
    jn = jn[((jn.supp_nation == "FRANCE") & (jn.cust_nation == "GERMANY"))
            | ((jn.supp_nation == "GERMANY") & (jn.cust_nation == "FRANCE"))]
    jn["l_year"] = pd.to_datetime(jn.l_shipdate).dt.year
    jn["volume"] = jn.l_extendedprice * (1 - jn.l_discount)
    res = jn.groupby(["supp_nation", "cust_nation", "l_year"], as_index=False).agg(
        revenue=pd.NamedAgg(column="volume", aggfunc="sum"))
    return res.sort_values(["supp_nation", "cust_nation", "l_year"])


def q8():
    part = pd.read_parquet(f"{DATA}/part.parquet")
    supplier = pd.read_parquet(f"{DATA}/supplier.parquet")
    lineitem = pd.read_parquet(f"{DATA}/lineitem.parquet")
    orders = pd.read_parquet(f"{DATA}/orders.parquet")
    customer = pd.read_parquet(f"{DATA}/customer.parquet")
    nation = pd.read_parquet(f"{DATA}/nation.parquet")
    region = pd.read_parquet(f"{DATA}/region.parquet")
    america = region[region.r_name == "AMERICA"]
    cust_nations = nation.merge(america, left_on="n_regionkey", right_on="r_regionkey")
    cust = customer.merge(cust_nations, left_on="c_nationkey", right_on="n_nationkey")
    ords = orders[(orders.o_orderdate >= date(1995, 1, 1)) & (orders.o_orderdate <= date(1996, 12, 31))]
    ords = ords.merge(cust, left_on="o_custkey", right_on="c_custkey")
    steel = part[part.p_type == "ECONOMY ANODIZED STEEL"]
    jn = lineitem.merge(steel, left_on="l_partkey", right_on="p_partkey")
    jn = jn.merge(ords, left_on="l_orderkey", right_on="o_orderkey")
    jn = jn.merge(supplier, left_on="l_suppkey", right_on="s_suppkey")
    supp_nation = nation[["n_nationkey", "n_name"]].rename(columns={"n_nationkey": "supp_key",
                                                                     "n_name": "nation"})
    jn = jn.merge(supp_nation, left_on="s_nationkey", right_on="supp_key")
    jn["o_year"] = pd.to_datetime(jn.o_orderdate).dt.year
    jn["volume"] = jn.l_extendedprice * (1 - jn.l_discount)
    jn["brazil_volume"] = jn.volume.where(jn.nation == "BRAZIL", 0.0)
    res = jn.groupby("o_year", as_index=False).agg(brazil=("brazil_volume", "sum"),
                                                   total=("volume", "sum"))
    res["mkt_share"] = (res.brazil / res.total).round(2)
    return res[["o_year", "mkt_share"]].sort_values("o_year")


def q9():
    part = pd.read_parquet(f"{DATA}/part.parquet")
    supplier = pd.read_parquet(f"{DATA}/supplier.parquet")
    lineitem = pd.read_parquet(f"{DATA}/lineitem.parquet")
    partsupp = pd.read_parquet(f"{DATA}/partsupp.parquet")
    orders = pd.read_parquet(f"{DATA}/orders.parquet")
    nation = pd.read_parquet(f"{DATA}/nation.parquet")
    green = part[part.p_name.str.contains("green")]
    jn = lineitem.merge(green, left_on="l_partkey", right_on="p_partkey")
    jn = jn.merge(partsupp, left_on=["l_suppkey", "l_partkey"], right_on=["ps_suppkey", "ps_partkey"])
    jn = jn.merge(supplier, left_on="l_suppkey", right_on="s_suppkey")
    jn = jn.merge(orders, left_on="l_orderkey", right_on="o_orderkey")
    jn = jn.merge(nation, left_on="s_nationkey", right_on="n_nationkey")
    jn["o_year"] = pd.to_datetime(jn.o_orderdate).dt.year
    jn["amount"] = jn.l_extendedprice * (1 - jn.l_discount) - jn.ps_supplycost * jn.l_quantity
    res = jn.groupby(["n_name", "o_year"], as_index=False).agg(sum_profit=("amount", "sum"))
    res = res.rename(columns={"n_name": "nation"})
    return res.sort_values(["nation", "o_year"], ascending=[True, False])


def q10():
    customer = pd.read_parquet(f"{DATA}/customer.parquet")
    orders = pd.read_parquet(f"{DATA}/orders.parquet")
    lineitem = pd.read_parquet(f"{DATA}/lineitem.parquet")
    nation = pd.read_parquet(f"{DATA}/nation.parquet")
    ords = orders[(orders.o_orderdate >= date(1993, 10, 1)) & (orders.o_orderdate < date(1994, 1, 1))]
    returned = lineitem[lineitem.l_returnflag == "R"]
    jn = customer.merge(ords, left_on="c_custkey", right_on="o_custkey")
    jn = jn.merge(returned, left_on="o_orderkey", right_on="l_orderkey")
    jn = jn.merge(nation, left_on="c_nationkey", right_on="n_nationkey")
    jn["revenue"] = jn.l_extendedprice * (1 - jn.l_discount)
    keys = ["c_custkey", "c_name", "c_acctbal", "c_phone", "n_name", "c_address", "c_comment"]
    res = jn.groupby(keys, as_index=False).agg(revenue=("revenue", "sum"))
    res = res[["c_custkey", "c_name", "revenue", "c_acctbal", "n_name", "c_address", "c_phone",
               "c_comment"]]
    return res.sort_values("revenue", ascending=False).head(20)


def q11():
    partsupp = pd.read_parquet(f"{DATA}/partsupp.parquet")
    supplier = pd.read_parquet(f"{DATA}/supplier.parquet")
    nation = pd.read_parquet(f"{DATA}/nation.parquet")
    germany = nation[nation.n_name == "GERMANY"]
    supp = supplier.merge(germany, left_on="s_nationkey", right_on="n_nationkey")
    jn = partsupp.merge(supp, left_on="ps_suppkey", right_on="s_suppkey")
    jn["value"] = jn.ps_supplycost * jn.ps_availqty
    threshold = jn.value.sum() * (0.0001 / SCALE)
    res = jn.groupby("ps_partkey", as_index=False).agg(value=("value", "sum"))
    res = res[res.value > threshold]
    return res.sort_values("value", ascending=False)


def q12():
    orders = pd.read_parquet(f"{DATA}/orders.parquet")
    lineitem = pd.read_parquet(f"{DATA}/lineitem.parquet")
    items = lineitem[lineitem.l_shipmode.isin(["MAIL", "SHIP"])
                     & (lineitem.l_commitdate < lineitem.l_receiptdate)
                     & (lineitem.l_shipdate < lineitem.l_commitdate)
                     & (lineitem.l_receiptdate >= date(1994, 1, 1))
                     & (lineitem.l_receiptdate < date(1995, 1, 1))]
    jn = items.merge(orders, left_on="l_orderkey", right_on="o_orderkey")
    urgent = jn.o_orderpriority.isin(["1-URGENT", "2-HIGH"])
    jn["high_line_count"] = urgent.astype(np.int64)
    jn["low_line_count"] = (~urgent).astype(np.int64)
    res = jn.groupby("l_shipmode", as_index=False)[["high_line_count", "low_line_count"]].sum()
    return res.sort_values("l_shipmode")


def q13():
    customer = pd.read_parquet(f"{DATA}/customer.parquet")
    orders = pd.read_parquet(f"{DATA}/orders.parquet")
    ords = orders[~orders.o_comment.str.contains("special.*requests", regex=True)]
    jn = customer.merge(ords, left_on="c_custkey", right_on="o_custkey", how="left")
    per_customer = jn.groupby("c_custkey", as_index=False).agg(c_count=("o_orderkey", "count"))
    res = per_customer.groupby("c_count", as_index=False).agg(custdist=("c_custkey", "count"))
    return res.sort_values(["custdist", "c_count"], ascending=[False, False])


def q14():
    lineitem = pd.read_parquet(f"{DATA}/lineitem.parquet")
    part = pd.read_parquet(f"{DATA}/part.parquet")
    items = lineitem[(lineitem.l_shipdate >= date(1995, 9, 1)) & (lineitem.l_shipdate < date(1995, 10, 1))]
    jn = items.merge(part, left_on="l_partkey", right_on="p_partkey")
    revenue = jn.l_extendedprice * (1 - jn.l_discount)
    promo = revenue[jn.p_type.str.startswith("PROMO")].sum()
    return pd.DataFrame({"promo_revenue": [round(100.0 * promo / revenue.sum(), 2)]})


def q15():
    lineitem = pd.read_parquet(f"{DATA}/lineitem.parquet")
    supplier = pd.read_parquet(f"{DATA}/supplier.parquet")
    items = lineitem[(lineitem.l_shipdate >= date(1996, 1, 1)) & (lineitem.l_shipdate < date(1996, 4, 1))]
    items = items.assign(revenue=items.l_extendedprice * (1 - items.l_discount))
    revenue = items.groupby("l_suppkey", as_index=False).agg(total_revenue=("revenue", "sum"))
    top = revenue[revenue.total_revenue == revenue.total_revenue.max()]
    res = supplier.merge(top, left_on="s_suppkey", right_on="l_suppkey")
    res = res[["s_suppkey", "s_name", "s_address", "s_phone", "total_revenue"]]
    return res.sort_values("s_suppkey")


def q16():
    partsupp = pd.read_parquet(f"{DATA}/partsupp.parquet")
    part = pd.read_parquet(f"{DATA}/part.parquet")
    supplier = pd.read_parquet(f"{DATA}/supplier.parquet")
    complaints = supplier[supplier.s_comment.str.contains("Customer.*Complaints", regex=True)]
    parts = part[(part.p_brand != "Brand#45")
                 & ~part.p_type.str.startswith("MEDIUM POLISHED")
                 & part.p_size.isin([49, 14, 23, 45, 19, 3, 36, 9])]
    offers = partsupp[~partsupp.ps_suppkey.isin(complaints.s_suppkey)]
    jn = parts.merge(offers, left_on="p_partkey", right_on="ps_partkey")
    res = jn.groupby(["p_brand", "p_type", "p_size"], as_index=False).agg(
        supplier_cnt=("ps_suppkey", "nunique"))
    return res.sort_values(["supplier_cnt", "p_brand", "p_type", "p_size"],
                           ascending=[False, True, True, True])


def q17():
    lineitem = pd.read_parquet(f"{DATA}/lineitem.parquet")
    part = pd.read_parquet(f"{DATA}/part.parquet")
    boxes = part[(part.p_brand == "Brand#23") & (part.p_container == "MED BOX")]
    jn = lineitem.merge(boxes, left_on="l_partkey", right_on="p_partkey")
    avg_qty = jn.groupby("p_partkey", as_index=False).agg(avg_qty=("l_quantity", "mean"))
    jn = jn.merge(avg_qty, on="p_partkey")
    small = jn[jn.l_quantity < 0.2 * jn.avg_qty]
    return pd.DataFrame({"avg_yearly": [round(small.l_extendedprice.sum() / 7.0, 2)]})


def q18():
    customer = pd.read_parquet(f"{DATA}/customer.parquet")
    orders = pd.read_parquet(f"{DATA}/orders.parquet")
    lineitem = pd.read_parquet(f"{DATA}/lineitem.parquet")
    qty = lineitem.groupby("l_orderkey", as_index=False).agg(sum_qty=("l_quantity", "sum"))
    big = qty[qty.sum_qty > 300]
    jn = orders.merge(big, left_on="o_orderkey", right_on="l_orderkey")
    jn = jn.merge(customer, left_on="o_custkey", right_on="c_custkey")
    res = jn[["c_name", "c_custkey", "o_orderkey", "o_orderdate", "o_totalprice", "sum_qty"]]
    res = res.rename(columns={"sum_qty": "col6"})
    return res.sort_values(["o_totalprice", "o_orderdate"], ascending=[False, True]).head(100)


def q19():
    lineitem = pd.read_parquet(f"{DATA}/lineitem.parquet")
    part = pd.read_parquet(f"{DATA}/part.parquet")
    items = lineitem[lineitem.l_shipmode.isin(["AIR", "AIR REG"])
                     & (lineitem.l_shipinstruct == "DELIVER IN PERSON")]
    jn = items.merge(part, left_on="l_partkey", right_on="p_partkey")
    q, size = jn.l_quantity, jn.p_size
    first = ((jn.p_brand == "Brand#12")
             & jn.p_container.isin(["SM CASE", "SM BOX", "SM PACK", "SM PKG"])
             & (q >= 1) & (q <= 11) & (size >= 1) & (size <= 5))
    second = ((jn.p_brand == "Brand#23")
              & jn.p_container.isin(["MED BAG", "MED BOX", "MED PKG", "MED PACK"])
              & (q >= 10) & (q <= 20) & (size >= 1) & (size <= 10))
    third = ((jn.p_brand == "Brand#34")
             & jn.p_container.isin(["LG CASE", "LG BOX", "LG PACK", "LG PKG"])
             & (q >= 20) & (q <= 30) & (size >= 1) & (size <= 15))
    sel = jn[first | second | third]
    revenue = (sel.l_extendedprice * (1 - sel.l_discount)).sum()
    return pd.DataFrame({"revenue": [revenue]})


def q20():
    supplier = pd.read_parquet(f"{DATA}/supplier.parquet")
    nation = pd.read_parquet(f"{DATA}/nation.parquet")
    partsupp = pd.read_parquet(f"{DATA}/partsupp.parquet")
    part = pd.read_parquet(f"{DATA}/part.parquet")
    lineitem = pd.read_parquet(f"{DATA}/lineitem.parquet")
    items = lineitem[(lineitem.l_shipdate >= date(1994, 1, 1)) & (lineitem.l_shipdate < date(1995, 1, 1))]
    shipped = items.groupby(["l_partkey", "l_suppkey"], as_index=False).agg(
        shipped=("l_quantity", "sum"))
    forest = part[part.p_name.str.startswith("forest")]
    offers = partsupp[partsupp.ps_partkey.isin(forest.p_partkey)]
    offers = offers.merge(shipped, left_on=["ps_partkey", "ps_suppkey"],
                          right_on=["l_partkey", "l_suppkey"])
    offers = offers[offers.ps_availqty > 0.5 * offers.shipped]
    canada = nation[nation.n_name == "CANADA"]
    supp = supplier.merge(canada, left_on="s_nationkey", right_on="n_nationkey")
    supp = supp[supp.s_suppkey.isin(offers.ps_suppkey)]
    return supp[["s_name", "s_address"]].sort_values("s_name")


def q21():
    supplier = pd.read_parquet(f"{DATA}/supplier.parquet")
    lineitem = pd.read_parquet(f"{DATA}/lineitem.parquet")
    orders = pd.read_parquet(f"{DATA}/orders.parquet")
    nation = pd.read_parquet(f"{DATA}/nation.parquet")
    suppliers_per_order = lineitem.groupby("l_orderkey", as_index=False).agg(
        n_supp=("l_suppkey", "nunique"))
    late = lineitem[lineitem.l_receiptdate > lineitem.l_commitdate]
    late_per_order = late.groupby("l_orderkey", as_index=False).agg(n_late=("l_suppkey", "nunique"))
    saudi = nation[nation.n_name == "SAUDI ARABIA"]
    supp = supplier.merge(saudi, left_on="s_nationkey", right_on="n_nationkey")
    failed = orders[orders.o_orderstatus == "F"]
    jn = late.merge(supp, left_on="l_suppkey", right_on="s_suppkey")
    jn = jn.merge(failed, left_on="l_orderkey", right_on="o_orderkey")
    jn = jn.merge(suppliers_per_order, on="l_orderkey")
    jn = jn.merge(late_per_order, on="l_orderkey")
    jn = jn[(jn.n_supp > 1) & (jn.n_late == 1)]
    res = jn.groupby("s_name", as_index=False).agg(numwait=("l_orderkey", "count"))
    return res.sort_values(["numwait", "s_name"], ascending=[False, True]).head(100)


def q22():
    customer = pd.read_parquet(f"{DATA}/customer.parquet")
    orders = pd.read_parquet(f"{DATA}/orders.parquet")
    cust = customer.assign(cntrycode=customer.c_phone.str.slice(0, 2))
    cust = cust[cust.cntrycode.isin(["13", "31", "23", "29", "30", "18", "17"])]
    avg_balance = cust[cust.c_acctbal > 0.0].c_acctbal.mean()
    cust = cust[(cust.c_acctbal > avg_balance) & ~cust.c_custkey.isin(orders.o_custkey)]
    res = cust.groupby("cntrycode", as_index=False).agg(numcust=("c_acctbal", "count"),
                                                        totacctbal=("c_acctbal", "sum"))
    return res.sort_values("cntrycode")


QUERIES = {int(name[1:]): fn for name, fn in list(globals().items())
           if name.startswith("q") and name[1:].isdigit()}
