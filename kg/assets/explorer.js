/* CaseKG explorer: plain DOM + SVG, no libraries, no network.
   Data: the JSON in <script id="kg-data"> (written by kg/explore.py).
   Every string from the graph goes into the page through textContent or
   setAttribute, never through innerHTML. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  var SVGNS = "http://www.w3.org/2000/svg";
  var STYLE = DATA.style;           // kind -> [face, edge, text]
  var EDGE_COLOUR = DATA.edgeColour; // relation -> colour
  var current = null;               // the shown case
  var selectedNode = null;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in (attrs || {})) { e.setAttribute(k, attrs[k]); }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in (attrs || {})) { e.setAttribute(k, attrs[k]); }
    return e;
  }

  // ------------------------------------------------------------ case list
  function renderList() {
    var q = document.getElementById("search").value.trim().toLowerCase();
    var words = q ? q.split(/\s+/) : [];
    var list = document.getElementById("cases");
    list.textContent = "";
    var shown = 0;
    DATA.cases.forEach(function (c, i) {
      if (!words.every(function (w) { return c.q.indexOf(w) >= 0; })) { return; }
      shown += 1;
      var li = el("li", {"data-case": c.id, "role": "option"});
      li.appendChild(el("div", {"class": "id"}, c.id));
      if (c.title) { li.appendChild(el("div", {"class": "title"}, c.title)); }
      if (current && current.id === c.id) { li.classList.add("selected"); }
      li.addEventListener("click", function () { showCase(i); });
      list.appendChild(li);
    });
    document.getElementById("count").textContent =
      shown + " of " + DATA.cases.length + " cases";
  }

  // ------------------------------------------------------------ one case
  function showCase(i) {
    current = DATA.cases[i];
    selectedNode = null;
    document.querySelectorAll("#cases li").forEach(function (li) {
      li.classList.toggle("selected", li.getAttribute("data-case") === current.id);
    });
    var head = document.getElementById("head");
    head.textContent = "";
    head.appendChild(el("h2", {"id": "case-title"}, current.id + (current.title ? " — " + current.title : "")));
    var who = [current.age !== null ? current.age + " y" : "", current.sex || ""].filter(Boolean).join(", ");
    head.appendChild(el("p", {"class": "muted"}, (who ? who + " · " : "") + current.nodes.length +
      " nodes · " + current.mentions.length + " highlighted mentions"));
    drawGraph(current);
    renderText(current);
    var props = document.getElementById("props");
    props.textContent = "";
    props.appendChild(el("p", {"class": "muted"}, "Click a node to see its properties."));
  }

  function drawGraph(c) {
    var box = document.getElementById("graph");
    box.textContent = "";
    var root = svg("svg", {"width": c.width, "height": c.height, "viewBox": "0 0 " + c.width + " " + c.height,
                           "id": "graph-svg"});
    c.captions.forEach(function (cap) {
      var t = svg("text", {"x": cap.x, "y": cap.y, "fill": "#6B7280", "font-style": "italic"});
      t.textContent = cap.text;
      root.appendChild(t);
    });
    var byId = {};
    c.nodes.forEach(function (n) { byId[n.id] = n; });
    c.edges.forEach(function (e) {
      var a = byId[e.s], b = byId[e.t];
      if (!a || !b) { return; }
      var x1 = a.x + a.w, y1 = a.y + a.h / 2, x2 = b.x, y2 = b.y + b.h / 2;
      if (b.x + b.w <= a.x) { x1 = a.x; x2 = b.x + b.w; }
      else if (Math.abs(a.x - b.x) < 1) { x1 = a.x + a.w; x2 = b.x + b.w; }
      var mx = Math.abs(a.x - b.x) < 1 ? Math.max(x1, x2) + 30 : (x1 + x2) / 2;
      var path = svg("path", {"class": e.rel === "site" ? "edge site" : "edge", "d": "M" + x1 + "," + y1 + " C" + mx + "," + y1 + " " + mx + "," + y2 + " " + x2 + "," + y2,
                              "stroke": EDGE_COLOUR[e.rel] || "#6B7280", "data-s": e.s, "data-t": e.t, "data-rel": e.rel});
      var title = svg("title"); title.textContent = e.rel; path.appendChild(title);
      root.appendChild(path);
    });
    c.nodes.forEach(function (n) {
      var st = STYLE[n.kind] || STYLE.finding;
      var g = svg("g", {"class": "node", "data-node": n.id, "tabindex": "0"});
      var rect = svg("rect", {"x": n.x, "y": n.y, "width": n.w, "height": n.h, "rx": 5,
                              "fill": st[0], "stroke": st[1]});
      if (n.kind === "absent") { rect.setAttribute("stroke-dasharray", "4 3"); }
      g.appendChild(rect);
      var t = svg("text", {"x": n.x + 6, "y": n.y + n.h / 2 + 4, "fill": st[2]});
      t.textContent = n.short;
      g.appendChild(t);
      var title = svg("title"); title.textContent = n.label; g.appendChild(title);
      g.addEventListener("click", function () { selectNode(n.id, true); });
      g.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { selectNode(n.id, true); } });
      root.appendChild(g);
    });
    box.appendChild(root);
  }

  function renderText(c) {
    var box = document.getElementById("text");
    box.textContent = "";
    if (!c.segments.length) { box.appendChild(el("p", {"class": "muted"}, "No case text in the graph.")); return; }
    c.segments.forEach(function (seg) {
      var text = seg[0], ms = seg[1];
      if (!ms.length) { box.appendChild(document.createTextNode(text)); return; }
      var nodes = [];
      ms.forEach(function (m) { c.mentions[m].nodes.forEach(function (id) { if (nodes.indexOf(id) < 0) { nodes.push(id); } }); });
      var kind = nodes.length ? nodeById(c, nodes[0]).kind : "finding";
      var mark = el("mark", {"data-mentions": ms.map(function (m) { return c.mentions[m].id; }).join(" "),
                             "data-nodes": nodes.join(" "), "class": "k-" + kind,
                             "title": nodes.map(function (id) { return nodeById(c, id).label; }).join("; ")}, text);
      mark.addEventListener("click", function () { if (nodes.length) { selectNode(nodes[0], false); } });
      box.appendChild(mark);
    });
  }

  function nodeById(c, id) {
    for (var i = 0; i < c.nodes.length; i++) { if (c.nodes[i].id === id) { return c.nodes[i]; } }
    return null;
  }

  // ------------------------------------------------------------ selection
  function selectNode(id, scrollText) {
    var c = current, n = nodeById(c, id);
    if (!n) { return; }
    selectedNode = id;
    document.querySelectorAll("#graph .node").forEach(function (g) {
      g.classList.toggle("selected", g.getAttribute("data-node") === id);
    });
    document.querySelectorAll("#graph .edge").forEach(function (p) {
      var on = p.getAttribute("data-s") === id || p.getAttribute("data-t") === id;
      p.classList.toggle("on", on);
    });
    var marks = [];
    document.querySelectorAll("#text mark").forEach(function (m) {
      var on = (" " + m.getAttribute("data-nodes") + " ").indexOf(" " + id + " ") >= 0;
      m.classList.toggle("active", on);
      if (on) { marks.push(m); }
    });
    if (scrollText && marks.length) { marks[0].scrollIntoView({block: "center"}); }
    var g = document.querySelector('#graph .node[data-node="' + cssEscape(id) + '"]');
    if (!scrollText && g && g.scrollIntoView) { g.scrollIntoView({block: "nearest", inline: "nearest"}); }
    showProps(c, n);
  }

  function cssEscape(s) { return window.CSS && CSS.escape ? CSS.escape(s) : s.replace(/["\\]/g, "\\$&"); }

  function showProps(c, n) {
    var box = document.getElementById("props");
    box.textContent = "";
    box.appendChild(el("h3", {"id": "props-label"}, n.label));
    var dl = el("dl");
    function row(k, v) {
      if (v === null || v === undefined || v === "" || (Array.isArray(v) && !v.length)) { return; }
      dl.appendChild(el("dt", null, k));
      dl.appendChild(el("dd", {"data-prop": k}, Array.isArray(v) ? v.join("; ") : String(v)));
    }
    row("kind", n.kind);
    row("class", n.cls);
    row("assertion", n.assertion);
    row("laterality", n.laterality);
    row("severity", n.severity);
    row("sites", n.sites);
    row("seen with", n.modalities);
    row("sequence", n.sequence);
    row("note", n.note);
    var rels = [];
    c.edges.forEach(function (e) {
      if (e.s === n.id) { rels.push(e.rel + " → " + nodeById(c, e.t).label); }
      else if (e.t === n.id) { rels.push("← " + e.rel + " " + nodeById(c, e.s).label); }
    });
    row("relations", rels);
    row("mentions", n.mentions.map(function (m) { return "“" + c.mentions[m].exact + "”"; }));
    row("IRI", n.id);
    box.appendChild(dl);
  }

  // ------------------------------------------------------------ legend, start
  function legend() {
    var box = document.getElementById("legend");
    [["procedure", "procedure"], ["step", "procedure step"], ["finding", "finding"],
     ["complication", "complication"], ["absent", "ruled out"], ["anatomy", "site"]].forEach(function (k) {
      var span = el("span");
      var i = el("i"); i.style.background = STYLE[k[0]][0]; i.style.borderColor = STYLE[k[0]][1];
      if (k[0] === "absent") { i.style.borderStyle = "dashed"; }
      span.appendChild(i); span.appendChild(document.createTextNode(k[1]));
      box.appendChild(span);
    });
  }

  document.getElementById("search").addEventListener("input", renderList);
  legend();
  renderList();
  if (DATA.cases.length === 1) { showCase(0); }
  window.kgExplorer = {showCase: showCase, selectNode: selectNode};
})();
