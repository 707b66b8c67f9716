// The Playground's page: it draws what Python sends, on canvases and SVG.
//
// The model holds the menus ("choices"), the colour scale ("palette"), the settings and
// their text ("state"), "running", "error" and the point's graph. Frames come as custom
// messages: the weights, the losses from epoch "start" on, and one buffer of node
// pictures (grid x grid bytes per hidden neuron and the output; 0 is -1, 255 is +1). A
// full frame also brings the points, the plane's extent and the seven feature pictures.
// Controls send {kind: ...} messages; Python answers with new settings and frames.
// Frames are drawn at most once per animation frame, the latest one; the root's
// data-frames attribute counts the frames drawn.

const SVG = "http://www.w3.org/2000/svg";
const NODE = 30; // a neuron's picture, in pixels
const GAP = 38; // from one neuron to the next in a column

function make(tag, attrs = {}, parent = null, text = null) {
  const e = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== null) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

// Material Design icons (Apache 2.0), 24 x 24
const ICONS = {
  reset: "M12 5V1L7 6l5 5V7c3.31 0 6 2.69 6 6s-2.69 6-6 6-6-2.69-6-6H4c0 4.42 3.58 8 8 8s8-3.58 8-8-3.58-8-8-8z",
  play: "M8 5v14l11-7z",
  pause: "M6 19h4V5H6v14zm8-14v14h4V5h-4z",
  step: "M6 18l8.5-6L6 6v12zM16 6v12h2V6h-2z",
  shuffle: "M10.59 9.17L5.41 4 4 5.41l5.17 5.17 1.42-1.41zM14.5 4l2.04 2.04L4 18.59 5.41 20 17.96 7.46 20 9.5V4h-5.5zm.33 9.41l-1.41 1.41 3.13 3.13L14.5 20H20v-5.5l-2.04 2.04-3.13-3.13z",
};
function icon(button, name) {
  button.innerHTML = `<svg viewBox="0 0 24 24" width="20" height="20"><path fill="currentColor" d="${ICONS[name]}"/></svg>`;
}

const fmt = (x, digits = 3) => (x === null || x === undefined ? "-" : Number(x).toFixed(digits));
const label = (s) => s.replace(/_/g, " ");

function render({ model, el, host }) {
  const choices = model.get("choices");
  const palette = model.get("palette");
  const rgb = palette.scale.map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)));
  const colour = (t) => palette.scale[Math.max(0, Math.min(255, Math.round((t + 1) * 127.5)))];
  const send = (content) => model.send(content);
  const set = (name, value) => send({ kind: "set", name, value });
  const S = () => model.get("settings");

  const root = make("div", { class: "mgl-pg", "data-frames": "0", tabindex: "0" }, el);
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  const top = make("div", { class: "mgl-pg-top" }, root);
  const button = (cls, name, title, kind) => {
    const b = make("button", { class: cls, title }, top);
    icon(b, name);
    b.addEventListener("click", () => send({ kind }));
    return b;
  };
  button("mgl-pg-reset", "reset", "reset: back to epoch 0, the same first weights", "reset");
  const play = make("button", { class: "mgl-pg-play", title: "play / pause (space)" }, top);
  play.addEventListener("click", () => send({ kind: model.get("running") ? "pause" : "play" }));
  const stepButton = button("mgl-pg-step", "step", "train one epoch", "step");
  button("mgl-pg-new-weights", "shuffle", "new random weights", "new_weights");
  const epochBox = make("div", { class: "mgl-pg-epoch" }, top);
  make("span", {}, epochBox, "Epoch");
  const epochText = make("b", {}, epochBox, "0");

  const menus = {};
  const menu = (name, title, parent, options, parse = (v) => v) => {
    const box = make("label", { class: "mgl-pg-menu" }, parent, null);
    make("span", {}, box, title);
    const select = make("select", { class: `mgl-pg-${name.replace(/_/g, "-")}` }, box);
    select.addEventListener("change", () => set(name, parse(select.value)));
    menus[name] = { select };
    fill(name, options);
    return select;
  };
  const fill = (name, options) => {
    const { select } = menus[name];
    const now = options.map((o) => String(o[0])).join("|");
    if (select.dataset.options !== now) {
      select.innerHTML = "";
      for (const [value, text] of options) make("option", { value }, select, text);
      select.dataset.options = now;
    }
  };
  const pairs = (xs, f = label) => xs.map((x) => [x, f(x)]);
  menu("lr", "Learning rate", top, pairs(choices.learning_rates, String), Number);
  menu("activation", "Activation", top, pairs(choices.activations));
  menu("regularization", "Regularization", top, pairs(choices.regularizations));
  menu("reg_rate", "Regularization rate", top, pairs(choices.reg_rates, String), Number);
  menu("problem", "Problem type", top, pairs(choices.problems));
  menu("loss", "Loss", top, []);
  menu("optimizer", "Optimizer", top, pairs(choices.optimizers));

  const main = make("div", { class: "mgl-pg-main" }, root);
  // ---- data: the datasets, the ratio, the noise, the batch size ----
  const dataCol = make("div", { class: "mgl-pg-data" }, main);
  make("h4", {}, dataCol, "Data");
  const thumbs = make("div", { class: "mgl-pg-datasets" }, dataCol);
  const thumbButtons = {};
  for (const [name, points] of Object.entries(choices.thumbnails)) {
    const c = make("canvas", { width: 44, height: 44, title: label(name), class: "mgl-pg-dataset", "data-name": name }, thumbs);
    const g = c.getContext("2d");
    g.fillStyle = palette.neutral;
    g.fillRect(0, 0, 44, 44);
    const xs = points.map((p) => p[0]), ys = points.map((p) => p[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    for (const [a, b, t] of points) {
      g.fillStyle = colour(t);
      g.fillRect(3 + ((a - x0) / (x1 - x0 || 1)) * 37, 41 - ((b - y0) / (y1 - y0 || 1)) * 37, 2.5, 2.5);
    }
    c.addEventListener("click", () => set("dataset", name));
    thumbButtons[name] = c;
  }
  const sliders = {};
  const slider = (name, title, min, max, step, toValue, toText) => {
    const box = make("label", { class: "mgl-pg-slider" }, dataCol);
    const caption = make("span", {}, box);
    const input = make("input", { type: "range", min, max, step, class: `mgl-pg-${name.replace(/_/g, "-")}` }, box);
    input.addEventListener("input", () => { caption.textContent = `${title}: ${toText(Number(input.value))}`; });
    input.addEventListener("change", () => set(name, toValue(Number(input.value))));
    sliders[name] = { input, caption, title, toText };
  };
  slider("train_ratio", "Ratio of training to test data", 10, 90, 10, (v) => v / 100, (v) => `${v}%`);
  slider("noise", "Noise", 0, 50, 5, (v) => v / 100, (v) => (v / 100).toFixed(2));
  slider("batch_size", "Batch size", 1, 31, 1, (v) => (v > 30 ? null : v), (v) => (v > 30 ? "all" : v));
  const regen = make("button", { class: "mgl-pg-regenerate", title: "new data from the same dataset" }, dataCol, "Regenerate");
  regen.addEventListener("click", () => send({ kind: "regenerate" }));

  // ---- the network: features, hidden layers, the output neuron ----
  const netCol = make("div", { class: "mgl-pg-net" }, main);
  const netHead = make("div", { class: "mgl-pg-net-head" }, netCol);
  const stage = make("div", { class: "mgl-pg-stage" }, netCol);
  const links = make("svg:svg", { class: "mgl-pg-links" }, stage);
  const tip = make("div", { class: "mgl-pg-tip" }, root);
  const editor = make("input", { class: "mgl-pg-editor", type: "number", step: "0.1" }, root);
  let net = null; // what the stage shows: {key, sizes, nodes: [[canvas...]...], paths: [...], biases}

  const showTip = (event, text) => {
    tip.textContent = text;
    const box = root.getBoundingClientRect();
    tip.style.left = `${event.clientX - box.left + 12}px`;
    tip.style.top = `${event.clientY - box.top + 12}px`;
    tip.style.display = "block";
  };
  const hideTip = () => { tip.style.display = "none"; };
  const edit = (event, name, value) => {
    hideTip();
    const box = root.getBoundingClientRect();
    editor.style.left = `${event.clientX - box.left}px`;
    editor.style.top = `${event.clientY - box.top}px`;
    editor.style.display = "block";
    editor.value = Number(value).toFixed(3);
    editor.dataset.name = name;
    editor.focus();
    editor.select();
  };
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      send({ kind: "weight", name: editor.dataset.name, value: Number(editor.value) });
      editor.style.display = "none";
    } else if (event.key === "Escape") editor.style.display = "none";
    event.stopPropagation();
  });
  editor.addEventListener("blur", () => { editor.style.display = "none"; });

  let hovered = null; // [column, index] of the neuron shown in the big output
  function buildNetwork(settings) {
    const sizes = [choices.features.length, ...settings.hidden, 1];
    const key = JSON.stringify([settings.features, settings.hidden]);
    if (net && net.key === key) return;
    hideTip();
    for (const e of [...stage.querySelectorAll(".mgl-pg-node")]) e.remove();
    links.innerHTML = "";
    netHead.innerHTML = "";
    const width = stage.clientWidth || 480;
    const cols = sizes.length;
    const xAt = (c) => 24 + (c * (width - 48 - NODE)) / (cols - 1);
    const height = Math.max(...sizes.map((n) => n * GAP)) + 8;
    stage.style.height = `${height}px`;
    links.setAttribute("width", width);
    links.setAttribute("height", height);
    const yAt = (c, j) => 4 + j * GAP + (height - 8 - sizes[c] * GAP) / 2;
    // the header: features, + and - for the layers and for each layer's neurons
    const head = (c, text, plus, minus) => {
      const h = make("div", { class: "mgl-pg-col-head" }, netHead);
      h.style.left = `${xAt(c) + NODE / 2}px`;
      if (plus) {
        const p = make("button", { class: `mgl-pg-plus-${c}`, title: "add" }, h, "+");
        p.addEventListener("click", plus);
        const m = make("button", { class: `mgl-pg-minus-${c}`, title: "remove" }, h, "−");
        m.addEventListener("click", minus);
      }
      make("div", {}, h, text);
    };
    const hidden = settings.hidden;
    const layersHead = make("div", { class: "mgl-pg-layers" }, netHead);
    const addLayer = make("button", { class: "mgl-pg-add-layer", title: "add a hidden layer" }, layersHead, "+");
    addLayer.addEventListener("click", () => hidden.length < choices.max_layers && set("hidden", [...hidden, 2]));
    const removeLayer = make("button", { class: "mgl-pg-remove-layer", title: "remove the last hidden layer" }, layersHead, "−");
    removeLayer.addEventListener("click", () => hidden.length && set("hidden", hidden.slice(0, -1)));
    make("span", {}, layersHead, `${hidden.length} hidden layer${hidden.length === 1 ? "" : "s"}`);
    head(0, "Features");
    hidden.forEach((n, i) => {
      const change = (d) => () => {
        const next = [...hidden];
        next[i] = Math.max(1, Math.min(choices.max_neurons, n + d));
        if (next[i] !== n) set("hidden", next);
      };
      head(i + 1, `${n} neuron${n === 1 ? "" : "s"}`, change(1), change(-1));
    });
    head(cols - 1, "Output");
    // the nodes: a canvas each, and a bias square for the neurons
    const nodes = sizes.map((n, c) => Array.from({ length: n }, (_, j) => {
      const div = make("div", { class: "mgl-pg-node", "data-col": c, "data-index": j }, stage);
      div.style.left = `${xAt(c)}px`;
      div.style.top = `${yAt(c, j)}px`;
      const canvas = make("canvas", { width: NODE, height: NODE }, div);
      if (c === 0) {
        const [fname, flabel] = choices.features[j];
        make("span", { class: "mgl-pg-feature-name" }, div, flabel);
        div.classList.toggle("mgl-pg-off", !settings.features.includes(fname));
        div.addEventListener("click", () => {
          const on = settings.features.includes(fname);
          const next = on ? settings.features.filter((f) => f !== fname) : [...settings.features, fname];
          if (next.length) set("features", next);
        });
      } else {
        const bias = make("div", { class: "mgl-pg-bias", "data-name": `L${c}.N${j + 1}.b` }, div);
        bias.addEventListener("mousemove", (e) => { e.stopPropagation(); showTip(e, `L${c}.N${j + 1}.b = ${fmt(bias.dataset.value)}`); });
        bias.addEventListener("click", (e) => { e.stopPropagation(); edit(e, bias.dataset.name, bias.dataset.value); });
      }
      div.addEventListener("mouseenter", () => { hovered = [c, j]; schedule(true); });
      div.addEventListener("mouseleave", () => { hovered = null; hideTip(); schedule(true); });
      div.addEventListener("mousemove", (e) => c > 0 && showTip(e, `L${c}.N${j + 1}`));
      return canvas;
    }));
    // the links: a weight each, from the active features on
    const active = [choices.features.map(([f]) => settings.features.includes(f))];
    const paths = [];
    for (let c = 1; c < cols; c++) {
      const from = c === 1 ? choices.features.map((_, j) => j).filter((j) => active[0][j]) : [...Array(sizes[c - 1]).keys()];
      const layer = [];
      for (let j = 0; j < sizes[c]; j++) {
        layer.push(from.map((i, k) => {
          const [ax, ay] = [xAt(c - 1) + NODE, yAt(c - 1, i) + NODE / 2];
          const [bx, by] = [xAt(c), yAt(c, j) + NODE / 2];
          const mid = (ax + bx) / 2;
          const d = `M${ax},${ay} C${mid},${ay} ${mid},${by} ${bx},${by}`;
          const name = `L${c}.N${j + 1}.w${k + 1}`;
          const path = make("svg:path", { d, class: "mgl-pg-link", "data-name": name }, links);
          const hit = make("svg:path", { d, class: "mgl-pg-hit", "data-name": name }, links);
          hit.addEventListener("mousemove", (e) => showTip(e, `${name} = ${fmt(path.dataset.value)}`));
          hit.addEventListener("mouseleave", hideTip);
          hit.addEventListener("click", (e) => edit(e, name, path.dataset.value));
          return path;
        }));
      }
      paths.push(layer);
    }
    net = { key, sizes, nodes, paths, width };
  }

  // ---- the output: losses, the loss curves, the big picture, the legend ----
  const outCol = make("div", { class: "mgl-pg-out" }, main);
  make("h4", {}, outCol, "Output");
  const lossText = make("div", { class: "mgl-pg-losses" }, outCol);
  const chart = make("canvas", { class: "mgl-pg-chart", width: 300, height: 64 }, outCol);
  const heat = make("canvas", { class: "mgl-pg-heat", width: 300, height: 300 }, outCol);
  const small = make("canvas", { width: 1, height: 1 });
  const legend = make("div", { class: "mgl-pg-legend" }, outCol);
  const bar = make("canvas", { width: 300, height: 10 }, legend);
  const barG = bar.getContext("2d");
  palette.scale.forEach((c, i) => { barG.fillStyle = c; barG.fillRect((i * 300) / 256, 0, 2, 10); });
  make("div", { class: "mgl-pg-legend-ends" }, legend, "-1          0          +1");
  make("div", { class: "mgl-pg-legend-text" }, legend, palette.legend);
  const check = (name, text) => {
    const box = make("label", { class: "mgl-pg-check" }, outCol);
    const input = make("input", { type: "checkbox", class: `mgl-pg-${name.replace(/_/g, "-")}` }, box);
    make("span", {}, box, text);
    input.addEventListener("change", () => set(name, input.checked));
    return input;
  };
  const showTest = check("show_test", "Show test data");
  const discretize = check("discretize", "Discretize output");
  const shareBox = make("label", { class: "mgl-pg-share" }, root);
  make("span", {}, shareBox, "Share: Playground.from_state(");
  const share = make("input", { readonly: "", class: "mgl-pg-state" }, shareBox);
  make("span", {}, shareBox, ")");
  share.addEventListener("focus", () => share.select());
  make("div", { class: "mgl-pg-hint" }, outCol, "Click a point for its loss's computation graph.");
  const errorBox = make("div", { class: "mgl-pg-error" }, root);

  // ---- the point's computation graph, over the network ----
  const overlay = make("div", { class: "mgl-pg-point" }, main); // over the network and the output
  const overlayHead = make("div", { class: "mgl-pg-point-head" }, overlay);
  const overlayTitle = make("span", {}, overlayHead);
  const close = make("button", { class: "mgl-pg-point-close", title: "close" }, overlayHead, "✕");
  close.addEventListener("click", () => send({ kind: "close_point" }));
  const overlayBody = make("div", { class: "mgl-pg-point-body" }, overlay);
  let shownGraph = null;
  async function showGraph() {
    const ref = model.get("point_graph");
    overlayTitle.textContent = model.get("point_title");
    overlay.style.display = ref || model.get("point_title") ? "flex" : "none";
    if (ref === shownGraph) return;
    shownGraph = ref;
    overlayBody.innerHTML = "";
    if (!ref) return;
    const child = await host.getWidget(ref);
    if (shownGraph === ref) await child.render({ el: overlayBody });
  }

  // ---- frames ----
  let latest = null, points = null, extent = null, features = null, pending = false, drawn = 0;
  let asked = false; // a full frame is on its way
  const hello = () => { if (!asked) { asked = true; send({ kind: "hello" }); } };
  const losses = { train: [], test: [] };
  const toBytes = (b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  // Frames wait in a queue and are drawn one per animation frame at the pace they come
  // in; while it plays, one is kept in reserve, so that a frame the kernel sends late
  // does not leave a gap on screen (the picture is one frame behind, ~1/30 s).
  const queue = [];
  let period = 33, arrived = 0, lastDraw = 0;
  model.on("msg:custom", (msg, buffers) => {
    if (msg.kind !== "frame") return;
    const now = performance.now();
    if (msg.full) queue.length = 0; // it replaces what came before
    else if (arrived) period = Math.max(15, Math.min(200, 0.9 * period + 0.1 * (now - arrived)));
    arrived = now;
    queue.push({ msg, buffers, now });
    schedule();
  });
  function take(msg, buffers) {
    // the frame's losses and points into the page's copy; false if this view missed one
    if (msg.full) {
      points = msg.points;
      extent = msg.extent;
      features = toBytes(buffers[1]);
      losses.train = []; losses.test = [];
      asked = false;
    }
    if (!points || msg.start > losses.train.length) { hello(); return false; }
    losses.train.length = msg.start; losses.test.length = msg.start;
    losses.train.push(...msg.train_loss); losses.test.push(...msg.test_loss);
    latest = { ...msg, pictures: toBytes(buffers[0]) };
    return true;
  }
  function tick(t) {
    pending = false;
    const reserve = model.get("running") && !(queue[0] && queue[0].msg.full) ? 1 : 0;
    const due = t >= lastDraw + 0.9 * period || queue.length > 3 || (queue[0] && t - queue[0].now > 150);
    let fresh = false;
    if (queue.length > reserve && due) {
      const { msg, buffers } = queue.shift();
      fresh = take(msg, buffers);
      lastDraw = t;
    }
    if (fresh || redraw) draw(fresh);
    redraw = false;
    if (queue.length) schedule();
  }
  let redraw = false; // the settings or the mouse changed what the same frame looks like
  function schedule(again = false) {
    redraw = redraw || again;
    if (!pending) { pending = true; requestAnimationFrame(tick); }
  }
  function paint(canvas, bytes, offset, n, out, alpha = 1) {
    // n x n bytes as pixels, scaled to the canvas; discretized: sign colours only
    const lut = out && S().discretize ? (v) => rgb[v < 128 ? 0 : 255] : (v) => rgb[v];
    small.width = n; small.height = n;
    const g = small.getContext("2d");
    const image = g.createImageData(n, n);
    for (let i = 0; i < n * n; i++) {
      const [r, gg, b] = lut(bytes[offset + i]);
      image.data.set([r, gg, b, 255], 4 * i);
    }
    g.putImageData(image, 0, 0);
    const target = canvas.getContext("2d");
    target.imageSmoothingEnabled = true;
    target.globalAlpha = 1;
    target.fillStyle = "white";
    target.fillRect(0, 0, canvas.width, canvas.height);
    target.globalAlpha = alpha; // the big picture paler, so that the points stand out
    target.drawImage(small, 0, 0, canvas.width, canvas.height);
    target.globalAlpha = 1;
  }
  const toPixel = ([a, b]) => [((a - extent[0]) / (extent[1] - extent[0])) * heat.width,
    ((extent[3] - b) / (extent[3] - extent[2])) * heat.height];
  function drawPoints() {
    const g = heat.getContext("2d");
    const sets = S().show_test ? ["train", "test"] : ["train"];
    for (const name of sets) {
      for (const p of points[name]) {
        const [x, y] = toPixel(p);
        g.beginPath();
        if (name === "train") g.arc(x, y, 3.2, 0, 2 * Math.PI);
        else { g.moveTo(x, y - 4); g.lineTo(x + 4, y + 3); g.lineTo(x - 4, y + 3); g.closePath(); }
        g.fillStyle = colour(p[2]);
        g.fill();
        g.lineWidth = 1;
        g.strokeStyle = name === "train" ? "white" : "black";
        g.stroke();
      }
    }
  }
  function drawChart() {
    const g = chart.getContext("2d");
    g.clearRect(0, 0, chart.width, chart.height);
    const all = [...losses.train, ...losses.test].filter((v) => v !== null);
    if (!all.length) return;
    const top = Math.max(...all) || 1;
    for (const [series, style, dash] of [[losses.test, "#999999", [4, 3]], [losses.train, "#333333", []]]) {
      g.beginPath();
      g.setLineDash(dash);
      g.strokeStyle = style;
      series.forEach((v, i) => {
        const x = (i / Math.max(1, series.length - 1)) * (chart.width - 2) + 1;
        const y = chart.height - 2 - ((v ?? top) / top) * (chart.height - 6);
        i ? g.lineTo(x, y) : g.moveTo(x, y);
      });
      g.stroke();
    }
    g.setLineDash([]);
  }
  function draw(fresh) {
    const f = latest;
    if (!f || !points) return;
    buildNetwork(S());
    const n = f.grid, cell = n * n;
    const same = JSON.stringify(f.sizes.slice(1)) === JSON.stringify(net.sizes.slice(1));
    if (same) {
      // feature pictures (all seven), then the hidden neurons and the output
      net.nodes[0].forEach((canvas, j) => paint(canvas, features, j * cell, n, false));
      let k = 0;
      for (let c = 1; c < net.sizes.length; c++) {
        net.nodes[c].forEach((canvas) => { paint(canvas, f.pictures, k * cell, n, c === net.sizes.length - 1); k++; });
      }
      const top = Math.max(1e-9, ...f.weights.flat(2).map(Math.abs));
      net.paths.forEach((layer, l) => layer.forEach((row, j) => row.forEach((path, i) => {
        const w = f.weights[l][j][i];
        path.dataset.value = w;
        path.setAttribute("stroke", colour(w / top));
        path.setAttribute("stroke-width", (0.5 + 4 * Math.abs(w) / top).toFixed(2));
      })));
      net.nodes.slice(1).forEach((column, l) => column.forEach((canvas, j) => {
        const bias = canvas.parentElement.querySelector(".mgl-pg-bias");
        bias.dataset.value = f.biases[l][j];
        bias.style.background = colour(f.biases[l][j]);
      }));
      // the big picture: the output, or the neuron under the mouse
      const last = net.sizes.length - 1;
      if (hovered && hovered[0] === 0) paint(heat, features, hovered[1] * cell, n, false, 0.7);
      else if (hovered) {
        const before = net.sizes.slice(1, hovered[0]).reduce((a, b) => a + b, 0);
        paint(heat, f.pictures, (before + hovered[1]) * cell, n, hovered[0] === last, 0.7);
      } else paint(heat, f.pictures, (f.pictures.length / cell - 1) * cell, n, true, 0.7);
      drawPoints();
    }
    drawChart();
    epochText.textContent = f.epoch.toLocaleString("en-US", { minimumIntegerDigits: 6 });
    const tr = losses.train.at(-1), te = losses.test.at(-1);
    let text = `Test loss ${fmt(te)} · Training loss ${fmt(tr)}`;
    if (f.accuracy) text += ` · test accuracy ${(100 * f.accuracy[1]).toFixed(0)}%`;
    lossText.textContent = text;
    errorBox.textContent = f.diverged || model.get("error");
    root.dataset.epoch = f.epoch;
    if (fresh) root.dataset.frames = String(++drawn);
  }
  heat.addEventListener("click", (event) => {
    if (!points) return;
    const box = heat.getBoundingClientRect();
    const at = [(event.clientX - box.left) * (heat.width / box.width), (event.clientY - box.top) * (heat.height / box.height)];
    let best = null;
    for (const subset of S().show_test ? ["train", "test"] : ["train"]) {
      points[subset].forEach((p, index) => {
        const [x, y] = toPixel(p);
        const d = Math.hypot(x - at[0], y - at[1]);
        if (d < 8 && (!best || d < best.d)) best = { d, subset, index };
      });
    }
    if (best) send({ kind: "point", subset: best.subset, index: best.index });
  });

  // ---- the settings shown in the controls ----
  function showSettings() {
    const s = S();
    fill("loss", choices.losses[s.problem]);
    for (const [name, { select }] of Object.entries(menus)) {
      const value = String(s[name]);
      if (![...select.options].some((o) => o.value === value)) make("option", { value }, select, value);
      select.value = value;
    }
    for (const [name, c] of Object.entries(thumbButtons)) {
      c.style.display = choices.datasets[name] === s.problem ? "" : "none";
      c.classList.toggle("mgl-pg-chosen", name === s.dataset);
    }
    const values = { train_ratio: Math.round(s.train_ratio * 100), noise: Math.round(s.noise * 100), batch_size: s.batch_size ?? 31 };
    for (const [name, { input, caption, title, toText }] of Object.entries(sliders)) {
      input.value = values[name];
      caption.textContent = `${title}: ${toText(values[name])}`;
    }
    showTest.checked = s.show_test;
    discretize.checked = s.discretize;
    share.value = model.get("state");
    buildNetwork(s);
    schedule(true);
  }
  function showRunning() {
    const running = model.get("running");
    icon(play, running ? "pause" : "play");
    play.classList.toggle("mgl-pg-playing", running);
    stepButton.disabled = running;
  }
  model.on("change:settings", showSettings);
  model.on("change:state", showSettings);
  model.on("change:running", showRunning);
  model.on("change:error", () => { errorBox.textContent = model.get("error"); });
  model.on("change:point_graph", showGraph);
  model.on("change:point_title", showGraph);
  root.addEventListener("keydown", (event) => {
    if (event.key === " " && event.target === root) { send({ kind: model.get("running") ? "pause" : "play" }); event.preventDefault(); }
  });
  showSettings();
  showRunning();
  showGraph();
  new ResizeObserver(() => { if (net && stage.clientWidth !== net.width) { net = null; schedule(true); } }).observe(stage);
  hello();
}

export default { render };
