"""Adapters for real public data (one module per source).

* :mod:`ingest.public.chainkg` — A-share listed companies with 申万 industries
  and main products (ChainKnowledgeGraph by 刘焕勇) plus provinces (tushare
  ``stock_basic`` via henrylin99/stock_web_app). At run time it reads only the
  compact excerpt shipped in ``ingest/data/public/``; the excerpt is rebuilt from the
  original files with ``python -m ingest.public.chainkg_build build-excerpt SRC DEST``.
"""
