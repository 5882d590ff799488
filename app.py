"""招商产业链图谱: the Streamlit app (`streamlit run app.py`).

Thin on purpose: page config, the login gate where one is needed (:mod:`webapp.auth`: nothing of
the data before a login), then settings → cached store → graph view
(:func:`webapp.context.setup`, which also draws the sidebar), then the page.
The pages are the files of ``app_pages/`` (registered in :mod:`webapp.pages`);
their helpers are the ``webapp`` package; offline assets in ``static/``.
"""

from __future__ import annotations

import streamlit as st

from webapp.auth import account_sidebar, gate, land_after_login
from webapp.context import protect_error_details, setup
from webapp.leads import keep_author_in_url
from webapp.lookups import names
from webapp.pages import navigation
from webapp.report_buttons import print_stylesheet

protect_error_details()  # served beyond this machine: no tracebacks with server paths
st.set_page_config(page_title="招商产业链图谱", page_icon="🧭", layout="wide", initial_sidebar_state="expanded")
print_stylesheet()  # the browser's print view shows the page without sidebar and menus

access = gate()  # a login first where one is needed: nothing of the data before it succeeds
nav = navigation(access)
land_after_login()  # a park account opens on its park
account_slot = st.sidebar.container()  # the account line heads the sidebar; a park account's park is named once the view is read
c = setup()
account_sidebar(access, account_slot, names(c.view, "parks") if c.view is not None and not c.empty and access.user is not None and access.user.park_id else None)
keep_author_in_url()
nav.run()
