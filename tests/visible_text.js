() => {
  // the text a person sees: visible text nodes of the main area, the sidebar and components'
  // shadow roots (icons, which are ligature text of an icon font, and hidden or collapsed parts
  // are skipped), and the cells of the data grids (their accessible table; "true"/"false" there
  // are checkbox cells, drawn as boxes)
  const parts = [];
  const skip = (el) => !!el.closest('[data-testid*="Icon"], pre, script, style, noscript, svg, [data-testid="stDataFrame"]')
    || (el.checkVisibility && !el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }));
  const collect = (root) => {
    const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = w.nextNode(); n; n = w.nextNode()) {
      const t = n.textContent.trim();
      if (t && n.parentElement && !skip(n.parentElement)) parts.push(t);
    }
  };
  for (const sel of ['[data-testid="stMain"]', '[data-testid="stSidebar"]']) {
    const el = document.querySelector(sel);
    if (el) collect(el);
  }
  document.querySelectorAll("*").forEach((host) => { if (host.shadowRoot) collect(host.shadowRoot); });
  document.querySelectorAll('[data-testid="stDataFrame"] table td, [data-testid="stDataFrame"] table th').forEach((c) => {
    let t = (c.textContent || "").trim();
    const link = t.match(/^company\?enterprise=[^#]*#(.*)$/); // a link cell holds its URL; a person reads the name
    if (link) t = decodeURIComponent(link[1]);
    if (t !== "true" && t !== "false") parts.push(t);
  });
  return parts.join("\n");
}
