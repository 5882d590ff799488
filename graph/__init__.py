"""indmap graph layer: schema, settings, stores and analysis (no ingest, no Streamlit)."""
