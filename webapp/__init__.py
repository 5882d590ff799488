"""The Streamlit app's helpers; the pages themselves are the files of ``app_pages/``.

One module per concern:

* :mod:`webapp.pages` – the page registry (file, title, icon, section) and links between pages;
* :mod:`webapp.context` – what a page runs on (:class:`~webapp.context.Ctx`: settings, store, view);
* :mod:`webapp.store` – the store and graph view, cached once per location and store version;
* :mod:`webapp.cached` – analysis results, cached per store version and settings;
* :mod:`webapp.sidebar` – the settings sidebar, built from the settings' field metadata;
* :mod:`webapp.widgets` – widgets that follow the URL's query parameters (shareable links);
* :mod:`webapp.markdown` – data text made safe for markdown, gap-label badges;
* :mod:`webapp.basket` – the what-if basket (targets and projects to land);
* :mod:`webapp.park_ranking`, :mod:`webapp.park_sections` – the province-wide park ranking: frames,
  the 本市 choice in the sidebar, the 总览 lines and the 园区 page sections;
* :mod:`webapp.lookups`, :mod:`webapp.frames`, :mod:`webapp.export`, :mod:`webapp.graphviz`,
  :mod:`webapp.params` – look-ups, display frames, exports, offline network rendering, console
  parameters.

Numbers and labels for people come from :mod:`graph.i18n`.
"""
