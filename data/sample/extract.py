"""Extract data/sample from data/demo: two chains (PV, NEV), a few dozen enterprises."""
import polars as pl
from pathlib import Path
D = Path("data/demo"); O = Path("data/sample")
r = lambda n: pl.read_csv(D / f"{n}.csv", infer_schema=False)
CH = ["PV", "NEV"]
chains = r("chains").filter(pl.col("id").is_in(CH))
ind = r("industries").filter(pl.col("id").is_in(chains["industry_id"].implode()))
seg = r("segments").filter(pl.col("chain_id").is_in(CH))
sids = seg["id"].implode()
links = r("segment_links").filter(pl.col("from_id").is_in(sids) & pl.col("to_id").is_in(sids))
es = r("enterprise_segments").filter(pl.col("segment_id").is_in(sids))
ent = r("enterprises")
es = es.join(ent.select("id", "local"), left_on="enterprise_id", right_on="id")
# keep up to 2 local and 1 candidate per segment, deterministically (first ids), to get a few dozen enterprises
loc = es.filter(pl.col("local") == "true").sort("enterprise_id").group_by("segment_id", maintain_order=True).head(2)
cand = es.filter(pl.col("local") == "false").sort("enterprise_id").group_by("segment_id", maintain_order=True).head(1)
keep_ids = pl.concat([loc, cand])["enterprise_id"].unique()
es2 = es.filter(pl.col("enterprise_id").is_in(keep_ids.implode())).drop("local").sort(["enterprise_id", "segment_id"])
ent2 = ent.filter(pl.col("id").is_in(keep_ids.implode())).sort("id")
parks_used = ent2["park_id"].drop_nulls().unique()
# and the 高新区 and 经开区 of each fictional neighbouring city (peer parks, for the province-wide ranking)
peer = pl.col("id").str.starts_with("N") & pl.col("id").str.ends_with("01") | pl.col("id").str.starts_with("N") & pl.col("id").str.ends_with("02")
parks = r("parks").filter(pl.col("id").is_in(parks_used.implode()) | peer)
focus_ok = ind["id"].to_list()
parks = parks.with_columns(pl.col("focus_industries").str.split(";").list.eval(pl.element().filter(pl.element().is_in(focus_ok))).list.join(";"))
stats = r("park_stats").filter(pl.col("park_id").is_in(parks["id"].implode()))
proj = r("projects").filter(pl.col("segment_id").is_in(sids)).with_columns(pl.when(pl.col("enterprise_id").is_in(keep_ids.implode())).then(pl.col("enterprise_id")).otherwise(None).alias("enterprise_id"))
proj = proj.with_columns(pl.when(pl.col("park_id").is_in(parks["id"].implode())).then(pl.col("park_id")).otherwise(None).alias("park_id"))
sup = r("supply_links").filter(pl.col("supplier_id").is_in(keep_ids.implode()) & pl.col("customer_id").is_in(keep_ids.implode()))
reg = r("regions")
for name, df in [("industries", ind), ("chains", chains), ("segments", seg), ("segment_links", links), ("enterprises", ent2), ("enterprise_segments", es2), ("parks", parks), ("park_stats", stats), ("projects", proj), ("supply_links", sup), ("regions", reg)]:
    df.write_csv(O / f"{name}.csv")
    print(name, df.height)
