// The chain map as a Streamlit bidirectional component (st.components.v2): vis-network from the
// app's own static files (no CDN), a click on a segment sent back to Python as the trigger "clicked".
//
// Streamlit calls this function again with the same parentElement whenever the data changes, so
// the network is built once per element and then updated: new nodes/edges only when `data.sig`
// changes (another chain or scope), otherwise just the highlighted selection.

const LOADS = (window.__indmapVisLoads = window.__indmapVisLoads || {});

function loadVis(base) {
  if (window.vis && window.vis.Network) return Promise.resolve(window.vis);
  if (!LOADS[base]) {
    LOADS[base] = new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = base + "/vis-network.min.js";
      s.async = true;
      s.onload = () => (window.vis && window.vis.Network ? resolve(window.vis) : reject(new Error("vis")));
      s.onerror = () => { delete LOADS[base]; reject(new Error("vis")); };
      document.head.appendChild(s);
    });
  }
  return LOADS[base];
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function build(root, data) {
  const css = el("link");
  css.rel = "stylesheet";
  css.href = data.assets + "/vis-network.css";
  root.appendChild(css);
  const wrap = el("div", "indmap-map");
  const legend = el("div", "legend");
  const missing = el("div", "missing", "图形组件 vis-network 未能加载（静态文件服务未开启？请检查 .streamlit/config.toml 的 enableStaticServing）。");
  const net = el("div", "net");
  wrap.append(legend, missing, net);
  root.appendChild(wrap);
  return { legend, missing, net, network: null, nodes: null, sig: null, selected: null, plain: {} };
}

function drawLegend(box, data) {
  box.replaceChildren();
  for (const item of data.legend || []) {
    const d = el("span", "item");
    const sw = el("span", item.kind === "dot" ? "sw" : item.kind === "dash" ? "ln dash" : "ln");
    if (item.kind === "dot") sw.style.background = item.color;
    d.append(sw, document.createTextNode(item.text));
    box.appendChild(d);
  }
  if (data.note) box.appendChild(el("span", "note", data.note));
}

function highlight(state, id, style) {
  const update = [];
  if (state.selected && state.plain[state.selected]) update.push(state.plain[state.selected]);
  if (id && state.plain[id]) {
    const n = state.plain[id];
    update.push({
      id: id,
      borderWidth: style.borderWidth,
      color: Object.assign({}, n.color, { border: style.ring }),
      shadow: { enabled: true, color: style.shadow, size: 14, x: 0, y: 0 },
    });
  }
  if (update.length) state.nodes.update(update);
  state.selected = id || null;
  if (id && state.plain[id]) state.network.selectNodes([id]);
  else state.network.unselectAll();
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement;
  let state = root.__indmapMap;
  if (!state) state = root.__indmapMap = build(root, data);
  state.net.style.height = data.height + "px";
  drawLegend(state.legend, data);

  loadVis(data.assets)
    .then((vis) => {
      state.missing.style.display = "none";
      if (!state.network || state.sig !== data.sig) {
        state.plain = {};
        for (const n of data.nodes) state.plain[n.id] = { id: n.id, borderWidth: n.borderWidth, color: n.color, shadow: { enabled: false } };
        if (!state.network) {
          state.nodes = new vis.DataSet(data.nodes);
          state.edges = new vis.DataSet(data.edges);
          state.network = new vis.Network(state.net, { nodes: state.nodes, edges: state.edges }, data.options);
          state.network.on("click", (params) => {
            const id = params.nodes && params.nodes.length ? String(params.nodes[0]) : null;
            if (!id || id.startsWith("__")) return; // stage headers are not segments
            highlight(state, id, state.style);
            setTriggerValue("clicked", id);
          });
          state.network.on("hoverNode", (p) => { state.net.style.cursor = String(p.node).startsWith("__") ? "default" : "pointer"; });
          state.network.on("blurNode", () => { state.net.style.cursor = "default"; });
          window.indmapChainMap = state.network; // for the browser test: positions of nodes on the canvas
        } else {
          state.nodes.clear();
          state.edges.clear();
          state.nodes.add(data.nodes);
          state.edges.add(data.edges);
          state.network.setOptions(data.options);
        }
        state.sig = data.sig;
        state.selected = null;
        state.network.once("afterDrawing", () => {
          state.network.fit({ animation: false });
          state.net.setAttribute("data-drawn", "1");
        });
        state.network.redraw();
      }
      state.style = data.style;
      if (state.selected !== (data.selected || null)) highlight(state, data.selected, data.style);
    })
    .catch(() => { state.missing.style.display = "block"; });

  return () => {
    if (state.network) state.network.destroy();
    delete root.__indmapMap;
  };
}
