// The attention page: builds everything from the inline JSON (element "attention-data") into element "app".
// Two views, as in the Illustrated Transformer's pictures: lines from the selected query token to every key token,
// one colour per head, the line's opacity being the weight; and the weight matrices of the selected layer, one per
// selected head. Only plain DOM calls (createElement, appendChild, textContent, style, addEventListener), no network.
(function () {
  "use strict";
  var ROW = 22;      // px per token row
  var GAP = 220;     // px between the query and key columns
  var MAX_CELLS = 100000;   // weight-matrix cells drawn at once
  var PALETTE = [[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
    [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207]];

  var data = JSON.parse(document.getElementById("attention-data").textContent);
  var app = document.getElementById("app");
  var state = { kind: 0, layer: 0, query: 0, heads: [] };
  for (var h = 0; h < data.heads; h++) state.heads.push(true);

  function headColor(head) {
    if (head < PALETTE.length) return PALETTE[head];
    var hue = (head * 137.508) % 360, s = 0.65, l = 0.45;      // golden-angle hues beyond the palette
    var c = (1 - Math.abs(2 * l - 1)) * s, x = c * (1 - Math.abs((hue / 60) % 2 - 1)), m = l - c / 2;
    var rgb = hue < 60 ? [c, x, 0] : hue < 120 ? [x, c, 0] : hue < 180 ? [0, c, x] : hue < 240 ? [0, x, c] : hue < 300 ? [x, 0, c] : [c, 0, x];
    return [Math.round((rgb[0] + m) * 255), Math.round((rgb[1] + m) * 255), Math.round((rgb[2] + m) * 255)];
  }

  function rgba(color, alpha) {
    return "rgba(" + color[0] + "," + color[1] + "," + color[2] + "," + alpha.toFixed(3) + ")";
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function kind() { return data.kinds[state.kind]; }

  function selectedHeads() {
    var heads = [];
    for (var h = 0; h < data.heads; h++) if (state.heads[h]) heads.push(h);
    return heads;
  }

  // ---- header and controls -------------------------------------------------------------------------------------
  app.appendChild(el("h1", "title", "Attention"));
  app.appendChild(el("p", "input-text", "Input: " + data.text));
  if (data.output !== null && data.output !== undefined) app.appendChild(el("p", "output-text", "Output: " + data.output));

  var controls = el("div", "controls");
  app.appendChild(controls);
  if (data.kinds.length > 1) {
    var kindLabel = el("label", "control", "Attention ");
    var kindSelect = el("select", "kind-select");
    data.kinds.forEach(function (k, i) {
      var option = el("option", "", k.name);
      option.value = String(i);
      kindSelect.appendChild(option);
    });
    kindSelect.addEventListener("change", function () {
      state.kind = Number(kindSelect.value);
      state.layer = Math.min(state.layer, kind().layers.length - 1);
      state.query = 0;
      fillLayers();
      render();
    });
    kindLabel.appendChild(kindSelect);
    controls.appendChild(kindLabel);
  }
  var layerLabel = el("label", "control", "Layer ");
  var layerSelect = el("select", "layer-select");
  layerSelect.addEventListener("change", function () {
    state.layer = Number(layerSelect.value);
    render();
  });
  layerLabel.appendChild(layerSelect);
  controls.appendChild(layerLabel);

  function fillLayers() {
    layerSelect.textContent = "";
    for (var l = 0; l < kind().layers.length; l++) {
      var option = el("option", "", String(l));
      option.value = String(l);
      layerSelect.appendChild(option);
    }
    layerSelect.value = String(state.layer);
  }

  var headBar = el("div", "heads", "Heads ");
  controls.appendChild(headBar);
  var toggles = [];
  state.heads.forEach(function (_, h) {
    var toggle = el("span", "head-toggle", String(h));
    toggle.setAttribute("title", "head " + h + ": click to show or hide");
    toggle.addEventListener("click", function () {
      state.heads[h] = !state.heads[h];
      render();
    });
    toggles.push(toggle);
    headBar.appendChild(toggle);
  });
  [["all", true], ["none", false]].forEach(function (pair) {
    var button = el("span", "head-all", pair[0]);
    button.addEventListener("click", function () {
      for (var h = 0; h < data.heads; h++) state.heads[h] = pair[1];
      render();
    });
    headBar.appendChild(button);
  });

  app.appendChild(el("p", "hint", "Click (or point at) a token on the left to see which tokens on the right it attends to."));
  var linesView = el("div", "lines-view");
  app.appendChild(linesView);
  app.appendChild(el("h2", "", "Weight matrices"));
  var matrixView = el("div", "matrix-view");
  app.appendChild(matrixView);

  // ---- the lines view ------------------------------------------------------------------------------------------
  function renderLines() {
    var k = kind(), heads = selectedHeads(), weights = k.layers[state.layer];
    linesView.textContent = "";
    var height = Math.max(k.queries.length, k.keys.length) * ROW;
    var queries = el("div", "column queries"), links = el("div", "links"), keys = el("div", "column keys");
    links.style.width = GAP + "px";
    links.style.height = height + "px";
    linesView.appendChild(queries);
    linesView.appendChild(links);
    linesView.appendChild(keys);

    k.queries.forEach(function (token, q) {
      var t = el("div", q === state.query ? "token query selected" : "token query", token);
      t.style.height = ROW + "px";
      t.addEventListener("click", function () { select(q); });
      t.addEventListener("mouseenter", function () { select(q); });
      queries.appendChild(t);
    });
    k.keys.forEach(function (token, j) {
      var total = 0;
      heads.forEach(function (h) { total += weights[h][state.query][j]; });
      var t = el("div", "token key", token);
      t.style.height = ROW + "px";
      t.style.background = rgba([70, 110, 200], heads.length ? total / heads.length : 0);
      t.setAttribute("title", heads.length ? "mean weight over the shown heads: " + (total / heads.length).toFixed(3) : "");
      keys.appendChild(t);
    });

    var y1 = state.query * ROW + ROW / 2;
    heads.forEach(function (h) {
      var color = headColor(h);
      k.keys.forEach(function (_, j) {
        var w = weights[h][state.query][j], dy = j * ROW + ROW / 2 - y1;
        var line = el("div", "attn-line");
        line.style.top = y1 + "px";
        line.style.width = Math.sqrt(GAP * GAP + dy * dy).toFixed(1) + "px";
        line.style.transform = "rotate(" + Math.atan2(dy, GAP).toFixed(4) + "rad)";
        line.style.background = rgba(color, 1);
        line.style.opacity = w.toFixed(3);
        line.setAttribute("title", "head " + h + ": " + k.queries[state.query] + " \u2192 " + k.keys[j] + " " + w.toFixed(3));
        links.appendChild(line);
      });
    });
  }

  function select(q) {
    if (q === state.query) return;
    state.query = q;
    renderLines();
  }

  // ---- the matrix view -----------------------------------------------------------------------------------------
  function renderMatrices() {
    var k = kind(), weights = k.layers[state.layer], heads = selectedHeads();
    matrixView.textContent = "";
    // one table cell per weight: past MAX_CELLS (long inputs) only the first selected heads are drawn
    var fit = Math.max(1, Math.floor(MAX_CELLS / Math.max(1, k.queries.length * k.keys.length)));
    if (heads.length > fit) {
      matrixView.appendChild(el("p", "note", "Long input: showing the matrices of heads " + heads.slice(0, fit).join(", ") +
        " only; hide some heads to see the others."));
      heads = heads.slice(0, fit);
    }
    heads.forEach(function (h) {
      var color = headColor(h), box = el("div", "matrix");
      box.appendChild(el("div", "matrix-title", "layer " + state.layer + " \u00b7 head " + h));
      var table = el("table", "matrix-table");
      var header = el("tr", "");
      header.appendChild(el("th", "corner", ""));
      k.keys.forEach(function (token) { header.appendChild(el("th", "key-label", token)); });
      table.appendChild(header);
      k.queries.forEach(function (token, q) {
        var row = el("tr", "");
        row.appendChild(el("th", "query-label", token));
        k.keys.forEach(function (key, j) {
          var w = weights[h][q][j], cell = el("td", "cell");
          cell.style.background = rgba(color, w);
          cell.setAttribute("title", token + " \u2192 " + key + ": " + w.toFixed(3));
          row.appendChild(cell);
        });
        table.appendChild(row);
      });
      box.appendChild(table);
      matrixView.appendChild(box);
    });
  }

  function render() {
    toggles.forEach(function (toggle, h) {
      toggle.className = state.heads[h] ? "head-toggle on" : "head-toggle";
      toggle.style.background = state.heads[h] ? rgba(headColor(h), 1) : "transparent";
      toggle.style.borderColor = rgba(headColor(h), 1);
    });
    renderLines();
    renderMatrices();
  }

  fillLayers();
  render();
})();
