// nnl's view of a pass: draws the network, the pass and the data from the JSON
// of docs/view-json.md.  Live (json.live), it sends commands to nnl and redraws
// from /pass.json whenever /events says the session changed; offline, it
// steps through json.frames.  It never computes a number of the pass itself.
'use strict';

// ---- numbers: C's printf("%.*g", prec, v), exactly (round half to even on
// the double's exact decimal value, as glibc does) ----
const POW5 = [];
function pow5(n) {
  if (!POW5[n]) POW5[n] = 5n ** BigInt(n);
  return POW5[n];
}
function fmtG(v, prec) {
  if (typeof v !== 'number') return String(v);
  if (prec === undefined || prec < 0) prec = 6;
  const P = prec === 0 ? 1 : prec;
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const sign = v < 0 ? '-' : '';
  // the exact value: D × 10^-s
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, Math.abs(v));
  const hi = dv.getUint32(0), lo = dv.getUint32(4);
  const bexp = hi >>> 20;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2;
  if (bexp === 0) e2 = -1074; else { m |= 1n << 52n; e2 = bexp - 1075; }
  let D, s;
  if (e2 >= 0) { D = m << BigInt(e2); s = 0; } else { D = m * pow5(-e2); s = -e2; }
  const str = D.toString();
  let X = str.length - 1 - s;            // decimal exponent of the first digit
  let head;
  if (str.length > P) {
    head = str.slice(0, P);
    const rest = str.slice(P);
    let up;
    if (rest[0] > '5') up = true;
    else if (rest[0] < '5') up = false;
    else if (/[1-9]/.test(rest.slice(1))) up = true;
    else up = (head.charCodeAt(P - 1) - 48) % 2 === 1;    // a tie: to even
    if (up) {
      let h = (BigInt(head) + 1n).toString();
      if (h.length > P) { h = h.slice(0, P); X += 1; }
      head = h;
    }
  } else {
    head = str.padEnd(P, '0');
  }
  let out;
  if (X < -4 || X >= P) {
    let mant = head[0];
    const frac = head.slice(1).replace(/0+$/, '');
    if (frac) mant += '.' + frac;
    const ax = Math.abs(X);
    out = mant + 'e' + (X < 0 ? '-' : '+') + (ax < 10 ? '0' + ax : String(ax));
  } else if (X >= 0) {
    const ip = head.slice(0, X + 1);
    const frac = head.slice(X + 1).replace(/0+$/, '');
    out = frac ? ip + '.' + frac : ip;
  } else {
    const frac = ('0'.repeat(-X - 1) + head).replace(/0+$/, '');
    out = '0.' + frac;
  }
  return sign + out;
}
window.nnlFormat = fmtG;

// ---- colours (TensorFlow Playground's scale: orange, grey, blue) ----
const NEG = [0xf5, 0x93, 0x22], MID = [0xe8, 0xea, 0xeb], POS = [0x08, 0x77, 0xbd];
const NEG_HEX = '#f59322', POS_HEX = '#0877bd';
function mix(c1, c2, t) {
  return [0, 1, 2].map(i => Math.round(c1[i] + (c2[i] - c1[i]) * t));
}
// t in [-1, 1] -> rgb triple
function scale(t) {
  if (!(t === t)) return MID;
  t = Math.max(-1, Math.min(1, t));
  return t < 0 ? mix(MID, NEG, -t) : mix(MID, POS, t);
}
function rgb(c) { return `rgb(${c[0]},${c[1]},${c[2]})`; }
function signColour(v) { return v < 0 ? NEG_HEX : v > 0 ? POS_HEX : '#888'; }
const CLASS_COLOURS = [NEG, POS, [0x3a, 0xa6, 0x55], [0x9c, 0x4d, 0xcc], [0xd6, 0x3b, 0x3b], [0x55, 0x55, 0x55]];

// ---- state ----
const SVGNS = 'http://www.w3.org/2000/svg';
let data = null;          // the JSON as received (live) or embedded (offline)
let row = 0;              // the row shown
let busy = false;
const token = new URLSearchParams(location.search).get('t') || '';

function el(tag, attrs, parent, text) {
  const e = tag.startsWith('svg:') ? document.createElementNS(SVGNS, tag.slice(4))
                                   : document.createElement(tag);
  if (attrs) for (const k in attrs) if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  if (text !== undefined) e.textContent = text;
  return e;
}
function $(id) { return document.getElementById(id); }
function isLive() { return !!(data && data.live); }
function digits() { return data && Number.isInteger(data.digits) ? data.digits : 6; }
function fmt(v) { return v === null || v === undefined ? '' : fmtG(v, digits()); }
function fmtVec(a) { return '[' + a.map(fmt).join(', ') + ']'; }

// the state at the cursor: offline, the frame's values over the top level
function current() {
  if (!data) return null;
  if (isLive() || !Array.isArray(data.frames)) return data;
  const f = data.frames[data.cursor] || {};
  const layers = data.layers.map((L, i) => Object.assign({}, L, (f.layers || [])[i] || {}));
  return Object.assign({}, data, {
    last: f.last !== undefined ? f.last : data.last,
    explain: f.explain !== undefined ? f.explain : data.explain,
    loss: f.loss !== undefined ? f.loss : data.loss,
    layers,
  });
}

// the layer a step or `last` belongs to: 1..L, L+1 for the loss
function layerOf(s) {
  if (!s) return null;
  if (s.layer === 'loss') return data.layers.length + 1;
  return typeof s.layer === 'number' ? s.layer : null;
}
function groupKey(s) { return s ? layerOf(s) + '/' + s.direction : ''; }
// positions where a layer (or the direction) changes: what `next` stops at
function boundaries() {
  const st = data.steps || [], B = [0];
  for (let k = 1; k < st.length; k++) if (groupKey(st[k - 1]) !== groupKey(st[k])) B.push(k);
  B.push(data.total);
  return B;
}
function layerName(l) {
  const L = data.layers.length;
  if (l === 0) return 'input';
  if (l === L + 1) return 'loss';
  return 'layer ' + l;
}

// ---- the network ----
function drawNet(cur) {
  const host = $('net');
  host.textContent = '';
  const L = cur.layers.length;
  const hasLoss = cur.loss_name !== undefined && cur.loss_name !== null;
  const cols = [cur.inputs].concat(cur.layers.map(l => l.units));
  const maxUnits = Math.max(...cols);
  const plane = cur.plane && cur.inputs === 2 ? cur.plane : null;
  const W = Math.max(420, host.clientWidth || 600);
  const H = Math.max(360, host.clientHeight || 480);
  const labels = maxUnits <= 6;                       // a, z, δ written beside each unit
  const r = Math.max(7, Math.min(plane ? 24 : 18, (H - 110) / (maxUnits * (labels ? 4.2 : 2.6))));
  const top = 74, bottom = 20;
  const ncol = cols.length + (hasLoss ? 1 : 0);
  const left = 40, right = 40;
  const colX = i => left + r + (W - left - right - 2 * r) * (ncol === 1 ? 0 : i / (ncol - 1));
  const spacing = Math.min(labels ? 140 : 60, (H - top - bottom) / maxUnits);
  const unitY = (n, j) => top + (H - top - bottom - (labels ? 40 : 0)) / 2 + (j - (n - 1) / 2) * spacing;
  const last = cur.last;
  const curLayer = layerOf(last);
  const svg = el('svg:svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, id: 'net-svg',
    role: 'img', 'aria-label': 'the network, layer by layer',
    'data-current-layer': curLayer === null ? '' : String(curLayer),
    'data-direction': last ? last.direction : '' }, host);
  const rowOf = m => (m && m[row]) ? m[row] : (m && m[0]) || null;

  // column backgrounds and headers
  const colW = Math.min(150, (W - left - right) / ncol * 0.8);
  const gcols = el('svg:g', { class: 'columns' }, svg);
  for (let i = 0; i < ncol; i++) {
    const x = colX(i);
    const cls = 'column' + (curLayer === i ? ' current ' + (last.direction || '') : '');
    el('svg:rect', { class: cls, x: x - colW / 2, y: 8, width: colW, height: H - 14, rx: 10,
                     'data-layer': i }, gcols);
    const head = el('svg:text', { class: 'col-title', x, y: 28, 'text-anchor': 'middle' }, gcols);
    head.textContent = layerName(i);
    let sub = '';
    if (i === 0) sub = cur.inputs + (cur.inputs === 1 ? ' input' : ' inputs');
    else if (i <= L) {
      const ly = cur.layers[i - 1];
      sub = `${ly.label || ly.kind || 'dense'} ${ly.units} ${ly.activation || ''}`.trim();
    } else sub = cur.loss_name;
    el('svg:text', { class: 'col-sub', x, y: 44, 'text-anchor': 'middle' }, gcols, sub);
    if (curLayer === i && last) {
      el('svg:text', { class: 'col-dir ' + last.direction, x, y: 61, 'text-anchor': 'middle' }, gcols,
         last.direction === 'backward' ? '← backward' : 'forward →');
    }
  }

  // weights: cubic curves, colour the sign, width the magnitude
  let wmax = 0, gmax = 0;
  for (const ly of cur.layers) {
    for (const rw of ly.W || []) for (const w of rw) wmax = Math.max(wmax, Math.abs(w));
    for (const rw of ly.gradW || []) for (const gv of rw) gmax = Math.max(gmax, Math.abs(gv));
  }
  wmax = Math.max(wmax, 1e-12);
  const gw = el('svg:g', { class: 'weights' }, svg);
  const gg = el('svg:g', { class: 'grads' }, svg);
  for (let l = 1; l <= L; l++) {
    const ly = cur.layers[l - 1];
    const n0 = cols[l - 1], n1 = cols[l];
    const x0 = colX(l - 1) + r, x1 = colX(l) - r;
    for (let j = 0; j < n1; j++) {
      for (let i = 0; i < n0; i++) {
        const w = ly.W && ly.W[j] ? ly.W[j][i] : 0;
        const y0 = unitY(n0, i), y1 = unitY(n1, j);
        const xm = (x0 + x1) / 2;
        const d = `M${x0},${y0} C${xm},${y0} ${xm},${y1} ${x1},${y1}`;
        const gv = ly.gradW && ly.gradW[j] ? ly.gradW[j][i] : null;
        const cls = 'weight' + (curLayer === l ? ' current' : '');
        const p = el('svg:path', { class: cls, d, stroke: signColour(w),
          'stroke-width': (0.8 + 7 * Math.abs(w) / wmax).toFixed(2),
          'data-layer': l, 'data-from': i, 'data-to': j, 'data-w': fmt(w),
          'data-grad': gv === null ? '' : fmt(gv) }, gw);
        el('svg:title', null, p,
           `W(${l})[${j + 1}][${i + 1}] = ${fmt(w)}  (unit ${i + 1} of ${layerName(l - 1)} → unit ${j + 1})` +
           (gv === null ? '' : `\n∂C/∂W(${l})[${j + 1}][${i + 1}] = ${fmt(gv)}`));
        if (gv !== null && gmax > 0) {
          const q = el('svg:path', { class: 'grad' + (curLayer === l ? ' current' : ''), d,
            stroke: signColour(gv), 'stroke-width': (1.2 + 2.8 * Math.abs(gv) / gmax).toFixed(2) }, gg);
          el('svg:title', null, q, `∂C/∂W(${l})[${j + 1}][${i + 1}] = ${fmt(gv)}`);
        }
      }
    }
  }

  // units
  const gu = el('svg:g', { class: 'units' }, svg);
  const xrow = rowOf(cur.x);
  for (let l = 0; l <= L; l++) {
    const n = cols[l];
    const ly = l > 0 ? cur.layers[l - 1] : null;
    const a = ly ? rowOf(ly.a) : null, z = ly ? rowOf(ly.z) : xrow, dl = ly ? rowOf(ly.delta) : null;
    for (let j = 0; j < n; j++) {
      const x = colX(l), y = unitY(n, j);
      const g = el('svg:g', { class: 'unit' + (curLayer === l ? ' current' : '') }, gu);
      if (plane) {
        const fo = el('svg:foreignObject', { x: x - r, y: y - r, width: 2 * r, height: 2 * r }, g);
        const cv = document.createElement('canvas');
        cv.className = 'unit-map';
        fo.appendChild(cv);
        drawUnitMap(cv, plane, l, j);
      }
      const zv = z ? z[j] : null;
      let fill = '#ffffff';
      if (!plane && zv !== null && zv !== undefined) {
        const lo = l > 0 && plane === null && cur.plane ? cur.plane.zmin[l - 1] : null;
        fill = rgb(scale(unitScale(cur, l, zv, lo)));
      }
      const c = el('svg:circle', { class: 'neuron' + (curLayer === l ? ' current' : ''), cx: x, cy: y, r,
        fill: plane ? 'none' : fill,
        'data-layer': l, 'data-unit': j,
        'data-a': a ? fmt(a[j]) : '', 'data-z': zv !== null && zv !== undefined ? fmt(zv) : '',
        'data-delta': dl ? fmt(dl[j]) : '' }, g);
      let tip = l === 0 ? `input unit ${j + 1}\nx${j + 1} = z(0) = ${zv !== null && zv !== undefined ? fmt(zv) : '—'}`
                        : `${layerName(l)} (${ly.activation || ly.kind}), unit ${j + 1}\n` +
                          `a(${l}) = ${a ? fmt(a[j]) : 'not reached yet'}\n` +
                          `z(${l}) = ${z ? fmt(z[j]) : 'not reached yet'}\n` +
                          `δ(${l}) = ∂C/∂a(${l}) = ${dl ? fmt(dl[j]) : 'not reached yet'}\n` +
                          `b(${l}) = ${ly.b ? fmt(ly.b[j]) : '?'}` +
                          (ly.gradb ? `\n∂C/∂b(${l}) = ${fmt(ly.gradb[j])}` : '');
      el('svg:title', null, c, tip);
      if (l > 0 && ly.b) {
        // the bias: a small square at the unit's lower left, as in the Playground
        const bs = Math.max(5, r * 0.38);
        const bq = el('svg:rect', { class: 'bias', x: x - r - bs * 0.35, y: y + r - bs * 0.65, width: bs, height: bs,
          fill: signColour(ly.b[j]), 'data-b': fmt(ly.b[j]) }, g);
        el('svg:title', null, bq, `b(${l})[${j + 1}] = ${fmt(ly.b[j])}` +
           (ly.gradb ? `\n∂C/∂b(${l})[${j + 1}] = ${fmt(ly.gradb[j])}` : ''));
      }
      if (labels) {
        // a, z, δ under the unit (x under an input), on a white halo
        const lines = [];
        if (l === 0) lines.push(['x' + (j + 1), zv, 'z']);
        else {
          lines.push(['a', a ? a[j] : null, 'a']);
          lines.push(['z', z ? z[j] : null, 'z']);
          lines.push(['δ', dl ? dl[j] : null, 'delta']);
          // this unit's row of ∂C/∂W (its incoming lines), when backward reached it
          if (ly.gradW && ly.gradW[j] && cols[l - 1] <= 3) lines.push(['∂W', ly.gradW[j], 'gradW']);
        }
        lines.forEach(([name, v, what], k) => {
          const fresh = curLayer === l && last && last.what === what ? ' fresh' : '';
          const none = v === null || v === undefined;
          const t = el('svg:text', { class: 'val val-' + what + fresh + (none ? ' unreached' : ''),
                                     x: x - r + 2, y: y + r + 14 + k * 13 }, g);
          el('svg:tspan', { class: 'val-name' }, t, name + ' ');
          if (Array.isArray(v)) {
            el('svg:tspan', null, t, '[');
            v.forEach((e, i) => {
              if (i) el('svg:tspan', null, t, ', ');
              el('svg:tspan', { fill: signColour(e) }, t, fmt(e));
            });
            el('svg:tspan', null, t, ']');
          } else {
            el('svg:tspan', { fill: none ? '#aaa' : signColour(v) }, t, none ? '·' : fmt(v));
          }
        });
      }
    }
  }

  // the loss
  if (hasLoss) {
    const x = colX(cols.length), y = unitY(1, 0);
    const g = el('svg:g', { class: 'loss-node' + (curLayer === L + 1 ? ' current' : '') }, svg);
    const w = Math.min(colW - 10, 120);
    el('svg:rect', { x: x - w / 2, y: y - 22, width: w, height: 44, rx: 8 }, g);
    el('svg:text', { x, y: y - 4, 'text-anchor': 'middle', class: 'loss-label' }, g, 'C');
    el('svg:text', { x, y: y + 13, 'text-anchor': 'middle', class: 'loss-value', 'data-loss': fmt(cur.loss) }, g,
       cur.loss === null || cur.loss === undefined ? '·' : fmt(cur.loss));
    const xo = colX(cols.length - 1) + r;
    for (let j = 0; j < cols[L]; j++) {
      el('svg:path', { class: 'to-loss', d: `M${xo},${unitY(cols[L], j)} L${x - w / 2},${y}` }, gw);
    }
  }
}

function unitScale(cur, l, v) {
  // a unit's colour: [zmin, zmax] of the plane when known, else its sign
  const p = cur.plane;
  if (p && l > 0 && p.zmin && p.zmax) {
    const lo = p.zmin[l - 1], hi = p.zmax[l - 1];
    if (hi > lo) return 2 * (v - lo) / (hi - lo) - 1;
  }
  return Math.tanh(v);
}

function drawUnitMap(cv, p, l, j) {
  const n = p.n;
  cv.width = n; cv.height = n;
  const ctx = cv.getContext('2d');
  const img = ctx.createImageData(n, n);
  let val;
  if (l === 0) {
    const m = Math.max(Math.abs(p.xmin), Math.abs(p.xmax), Math.abs(p.ymin), Math.abs(p.ymax)) || 1;
    val = (rr, cc) => (j === 0 ? p.xmin + (p.xmax - p.xmin) * cc / (n - 1)
                               : p.ymax - (p.ymax - p.ymin) * rr / (n - 1)) / m;
  } else {
    const grid = p.neurons && p.neurons[l - 1] && p.neurons[l - 1][j];
    const lo = p.zmin[l - 1], hi = p.zmax[l - 1];
    val = (rr, cc) => grid ? 2 * (grid[rr * n + cc] - lo) / ((hi - lo) || 1) - 1 : 0;
  }
  for (let rr = 0; rr < n; rr++) for (let cc = 0; cc < n; cc++) {
    const c = scale(val(rr, cc)), k = 4 * (rr * n + cc);
    img.data[k] = c[0]; img.data[k + 1] = c[1]; img.data[k + 2] = c[2]; img.data[k + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

// ---- decision regions and data ----
function drawRegions(cur) {
  const panel = $('regions-panel'), host = $('regions');
  host.textContent = '';
  const p = cur.plane;
  if (!p || cur.inputs !== 2) { panel.hidden = true; return; }
  panel.hidden = false;
  const S = 200, n = p.n;
  const box = el('div', { class: 'region-box' }, host);
  const cv = el('canvas', { width: n, height: n, class: 'region-map' }, box);
  const ctx = cv.getContext('2d');
  const img = ctx.createImageData(n, n);
  for (let k = 0; k < n * n; k++) {
    const v = p.output[k];
    let c;
    if (p.classes) c = mix(MID, CLASS_COLOURS[v % CLASS_COLOURS.length], 0.55);
    else c = scale(2 * v - 1);
    img.data[4 * k] = c[0]; img.data[4 * k + 1] = c[1]; img.data[4 * k + 2] = c[2]; img.data[4 * k + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  const sx = x => (x - p.xmin) / (p.xmax - p.xmin) * S, sy = y => (p.ymax - y) / (p.ymax - p.ymin) * S;
  const svg = el('svg:svg', { width: S, height: S, class: 'region-points', role: 'img',
                              'aria-label': 'decision regions with the data points' }, box);
  for (const q of p.points || []) {
    const col = p.classes ? CLASS_COLOURS[q.label % CLASS_COLOURS.length] : (q.label > 0.5 ? POS : NEG);
    const c = el('svg:circle', { class: 'point', cx: sx(q.x), cy: sy(q.y), r: 3.5, fill: rgb(col) }, svg);
    el('svg:title', null, c, `(${fmt(q.x)}, ${fmt(q.y)}) label ${q.label}`);
  }
  const xr = cur.x && cur.x[row];
  if (xr && xr.length === 2) {
    const c = el('svg:circle', { class: 'point-current', cx: sx(xr[0]), cy: sy(xr[1]), r: 7 }, svg);
    el('svg:title', null, c, `row ${row}: x = ${fmtVec(xr)}`);
  }
  const ax = el('div', { class: 'axes' }, host);
  ax.textContent = `x1 ${fmt(p.xmin)} … ${fmt(p.xmax)},  x2 ${fmt(p.ymin)} … ${fmt(p.ymax)}`;
  const lg = el('div', { class: 'region-legend' }, host);
  if (p.classes) lg.textContent = `colour: the class the model picks (${p.classes} classes)`;
  else {
    el('span', { class: 'sw neg' }, lg); lg.append(' 0  ');
    el('span', { class: 'sw pos' }, lg); lg.append(' 1  — the output over the plane; ring: this row');
  }
}

function drawLoss(cur) {
  const host = $('losscurve');
  host.textContent = '';
  const h = cur.history;
  if (!h || !h.loss || !h.loss.length) {
    el('p', { class: 'muted' }, host, isLive() ? 'no training yet: Train N epochs draws the curve'
                                                : 'no training history in this file');
    return;
  }
  const Wd = 220, Ht = 100, pad = 4;
  const all = h.loss.concat(h.valid_loss || []).filter(v => Number.isFinite(v));
  const hi = Math.max(...all, 1e-12), lo = 0;
  const ep = h.epoch && h.epoch.length === h.loss.length ? h.epoch : h.loss.map((_, i) => i + 1);
  const e0 = ep[0], e1 = ep[ep.length - 1] === e0 ? e0 + 1 : ep[ep.length - 1];
  const X = e => pad + (e - e0) / (e1 - e0) * (Wd - 2 * pad);
  const Y = v => Ht - pad - (v - lo) / (hi - lo) * (Ht - 2 * pad);
  const svg = el('svg:svg', { width: Wd, height: Ht, class: 'loss-svg', role: 'img',
                              'aria-label': 'loss per epoch' }, host);
  el('svg:line', { x1: pad, y1: Ht - pad, x2: Wd - pad, y2: Ht - pad, class: 'axis' }, svg);
  const line = (vals, cls) => {
    const pts = vals.map((v, i) => Number.isFinite(v) ? `${X(ep[i]).toFixed(1)},${Y(v).toFixed(1)}` : null)
                    .filter(Boolean).join(' ');
    el('svg:polyline', { points: pts, class: cls }, svg);
  };
  if (h.valid_loss) line(h.valid_loss, 'curve valid');
  line(h.loss, 'curve train');
  const t = el('div', { class: 'loss-legend' }, host);
  el('span', { class: 'key train' }, t, `training ${fmt(h.loss[h.loss.length - 1])}`);
  if (h.valid_loss) el('span', { class: 'key valid' }, t, `validation ${fmt(h.valid_loss[h.valid_loss.length - 1])}`);
  el('div', { class: 'muted' }, host, `epochs ${ep[0]}–${ep[ep.length - 1]}, max ${fmt(hi)}`);
}

// ---- the pass panel ----
function drawSteps(cur) {
  const ol = $('steps');
  ol.textContent = '';
  const st = cur.steps || [];
  const L = cur.layers.length;
  let fwd = 0;
  st.forEach(s => { if (s.direction === 'forward') fwd++; });
  $('steps-count').textContent = `(${cur.cursor} of ${cur.total} taken)`;
  let taken = null;
  st.forEach((s, k) => {
    const back = s.direction === 'backward';
    const opno = back ? st.length - k : k + 1;
    const cls = ['step', back ? 'backward' : 'forward'];
    if (k < cur.cursor) cls.push('done');
    if (k === cur.cursor - 1) cls.push('taken');
    if (k === cur.cursor) cls.push('next');
    if (k > 0 && groupKey(st[k - 1]) !== groupKey(s)) cls.push('group-start');
    const li = el('li', { class: cls.join(' '), 'data-step': k }, ol);
    el('span', { class: 'arrow' }, li, back ? '←' : '→');
    el('span', { class: 'opno' }, li, String(opno));
    const l = layerOf(s);
    el('span', { class: 'part' }, li, l === null ? 'model' : l === L + 1 ? 'loss' : 'layer ' + l);
    el('span', { class: 'opname' }, li, s.op || s.name || '');
    el('span', { class: 'src' }, li, s.text || '');
    if (k === cur.cursor - 1) taken = li;
  });
  const target = taken || ol.querySelector('.next');
  if (target) {
    const top = target.offsetTop - ol.offsetTop, h = ol.clientHeight;
    if (top < ol.scrollTop || top > ol.scrollTop + h - 40) ol.scrollTop = Math.max(0, top - h / 2);
  } else ol.scrollTop = 0;
  const ls = cur.last;
  $('explain-what').textContent = !ls ? '' :
    `(${layerOf(ls) === L + 1 ? 'loss' : layerName(layerOf(ls))}, ${ls.direction}` +
    (ls.what ? `: ${ls.what})` : ')');
  const ex = $('explain');
  ex.textContent = cur.explain || (cur.cursor === 0 ? 'At the start of the pass: Step runs one op, Next one layer.'
                                                     : '');
}

function drawHeader(cur) {
  $('model-name').textContent = cur.model ? `model ${cur.model}` : 'view';
  const mode = $('mode');
  mode.textContent = isLive() ? 'live' : 'offline file';
  mode.className = 'badge ' + (isLive() ? 'live' : 'offline');
  const L = cur.layers.length, last = cur.last;
  let where = `position ${cur.cursor} / ${cur.total}`;
  if (cur.cursor === 0) where += ' · at the start';
  else if (cur.cursor >= cur.total) where += ' · pass done';
  if (last) {
    const l = layerOf(last);
    where += ` · ${l === L + 1 ? 'loss' : layerName(l)} ${last.direction === 'backward' ? '← backward' : 'forward →'}`;
  }
  const pos = $('position');
  pos.textContent = where;
  pos.setAttribute('data-cursor', String(cur.cursor));
  $('loss-now').textContent = cur.loss === null || cur.loss === undefined ? ''
    : `C = ${fmt(cur.loss)} (${cur.loss_name || 'loss'})`;
}

function drawRowPicker(cur) {
  const sel = $('row');
  const n = cur.rows || (cur.x ? cur.x.length : 1);
  if (row >= n) row = 0;
  $('row-pick').hidden = n <= 1 && !isLive();
  if (sel.options.length !== n || sel.dataset.model !== String(cur.model)) {
    sel.textContent = '';
    for (let k = 0; k < n; k++) {
      const xr = cur.x && cur.x[k];
      const yr = cur.y && cur.y[k];
      el('option', { value: k }, sel, `${k}: ${xr ? fmtVec(xr) : '?'}` + (yr ? ` → ${fmtVec(yr)}` : ''));
    }
    sel.dataset.model = String(cur.model);
  }
  sel.value = String(row);
}

function render() {
  if (!data) return;
  document.body.classList.toggle('live', isLive());
  document.body.classList.toggle('offline', !isLive());
  const cur = current();
  if (Number.isInteger(cur.row) && isLive()) row = cur.row;
  drawHeader(cur);
  drawRowPicker(cur);
  drawNet(cur);
  drawRegions(cur);
  drawLoss(cur);
  drawSteps(cur);
  drawLegend(cur);
  updateButtons(cur);
}

function drawLegend(cur) {
  const lg = $('legend');
  lg.textContent = '';
  el('span', { class: 'sw neg' }, lg); lg.append(' negative ');
  el('span', { class: 'sw pos' }, lg); lg.append(' positive — lines: weights W (width |w|); dashed: ∂C/∂W once backward reaches them; ' +
    'a pre-activation, z activation, δ = ∂C/∂a; small squares: biases. Hover a unit or a line for its numbers.');
}

function updateButtons(cur) {
  const live = isLive();
  for (const b of document.querySelectorAll('[data-command]')) {
    const c = b.dataset.command;
    let off = false, why = '';
    if (!live && (c === 'update' || c === 'undo' || c === 'reset' || c === 'train')) {
      off = true; why = `${c} needs the live session: run \`view\` at the nnl prompt`;
    } else if (!live && (c === 'step' || c === 'next' || c === 'continue')) {
      off = cur.cursor >= cur.total; why = 'the pass is at its end';
    } else if (!live && (c === 'back' || c === 'prev')) {
      off = cur.cursor <= 0; why = 'the pass is at its start';
    } else if (live && busy) {
      off = true; why = 'waiting for nnl';
    }
    if (off) {
      b.setAttribute('aria-disabled', 'true');
      b.dataset.why = why;
      b.title = why;
    } else {
      b.removeAttribute('aria-disabled');
      if (b.dataset.tip) b.title = b.dataset.tip;
    }
  }
  $('epochs').disabled = !live;
  if (!live) $('epochs').title = 'train needs the live session';
}

// ---- commands ----
function say(text, cls) {
  const c = $('console');
  const line = el('div', { class: cls || '' }, c, text);
  while (c.childNodes.length > 200) c.removeChild(c.firstChild);
  c.scrollTop = c.scrollHeight;
  return line;
}

function command(cmd) {
  const btn = document.querySelector(`[data-command="${cmd}"]`);
  if (btn && btn.getAttribute('aria-disabled') === 'true') {
    if (btn.dataset.why) say(btn.dataset.why, 'note');
    return;
  }
  if (isLive()) return sendCommand(cmd);
  const st = data.steps || [];
  let c = data.cursor;
  const B = boundaries();
  if (cmd === 'step') c = Math.min(data.total, c + 1);
  else if (cmd === 'back') c = Math.max(0, c - 1);
  else if (cmd === 'next') c = B.find(b => b > c) ?? data.total;
  else if (cmd === 'prev') c = [...B].reverse().find(b => b < c) ?? 0;
  else if (cmd === 'continue') c = data.total;
  else if (cmd === 'start') c = 0;
  else return;
  if (c !== data.cursor && st.length) {
    data.cursor = c;
    render();
  }
}

async function sendCommand(cmd) {
  if (cmd === 'train') cmd = 'train ' + Math.max(1, parseInt($('epochs').value, 10) || 1);
  say('nnl> ' + cmd, 'cmd');
  busy = true;
  updateButtons(current());
  try {
    const r = await fetch('/command?t=' + encodeURIComponent(token), {
      method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: cmd });
    let reply = null;
    try { reply = await r.json(); } catch (e) { reply = null; }
    if (r.ok && reply && reply.ok) {
      if (reply.output) say(reply.output.replace(/\n$/, ''), 'out');
    } else {
      say((reply && reply.error) || `nnl answered ${r.status}`, 'err');
    }
  } catch (e) {
    say('could not reach nnl: ' + e.message, 'err');
  }
  busy = false;
  await refresh();
}

async function refresh() {
  try {
    const r = await fetch('/pass.json?t=' + encodeURIComponent(token), { cache: 'no-store' });
    if (!r.ok) { say(`pass.json: ${r.status}`, 'err'); return; }
    data = await r.json();
    render();
  } catch (e) {
    say('could not reach nnl: ' + e.message, 'err');
    updateButtons(current());
  }
}

let lastSerial = null, polling = null;
function listen() {
  let es;
  try { es = new EventSource('/events?t=' + encodeURIComponent(token)); } catch (e) { es = null; }
  if (!es) { poll(); return; }
  es.addEventListener('changed', ev => {
    if (ev.data !== lastSerial) { lastSerial = ev.data; refresh(); }
  });
  es.onerror = () => {
    if (es.readyState === EventSource.CLOSED) { es.close(); poll(); }
  };
}
function poll() {
  if (polling) return;
  polling = setInterval(refresh, 1000);
}

// ---- keyboard ----
const KEYS = { s: 'step', n: 'next', c: 'continue', b: 'back', p: 'prev', u: 'update', z: 'undo',
               r: 'reset', t: 'train', ArrowRight: 'step', ArrowLeft: 'back', Home: 'start', End: 'continue' };
function onKey(ev) {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const t = ev.target;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
  let cmd = KEYS[ev.key];
  if (!cmd) return;
  if (isLive() && (cmd === 'back' || cmd === 'prev' || cmd === 'start')) return;
  ev.preventDefault();
  command(cmd);
}

// ---- start ----
function start() {
  const src = $('nnl-pass');
  try {
    data = JSON.parse(src.textContent);
  } catch (e) {
    say('the page has no pass: ' + e.message, 'err');
    return;
  }
  for (const b of document.querySelectorAll('[data-command]')) {
    b.dataset.tip = b.title;
    b.addEventListener('click', () => command(b.dataset.command));
  }
  $('row').addEventListener('change', ev => {
    row = parseInt(ev.target.value, 10) || 0;
    if (isLive()) sendCommand('row ' + row);
    else render();
  });
  document.addEventListener('keydown', onKey);
  let resizeTimer = null;
  window.addEventListener('resize', () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(render, 100); });
  if (isLive()) {
    say('live: commands go to nnl; the prompt and this page show the same pass', 'note');
    render();
    refresh();
    listen();
  } else {
    say('offline file: Step, Next, Continue, Back and Prev move through the pass stored in this page; ' +
        'Update, Undo, Reset and Train need the live session.', 'note');
    render();
  }
}
start();
