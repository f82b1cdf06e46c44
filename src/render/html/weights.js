(function () {
  'use strict';
  // Re-scores every fund under the reader's weights with the engine's arithmetic
  // (src/score.rs): item credit min/max/mean over its disclosures, not_applicable left out,
  // unknown per the rubric's rule; category = sum(w*c)/sum(w) over counted items; score =
  // floor + span * sum(W*S)/sum(W) over categories with a counted item; rounded to one
  // decimal half away from zero; competition ranks (1, 2, 2, 4), ties by fund id.
  var data = document.getElementById('swfscore-data');
  var panel = document.getElementById('weights');
  var chart = document.getElementById('ranking-chart');
  if (!data || !panel || !chart) return;
  var D = JSON.parse(data.textContent);
  var sliders = Array.prototype.slice.call(panel.querySelectorAll('input[data-category]'));
  var preset = document.getElementById('weights-preset');
  var status = document.getElementById('weights-status');
  var table = document.getElementById('scores');
  var moved = document.getElementById('weights-moved');
  var state = { preset: '', categories: {} };

  function round1(x) {
    var r = (x < 0 ? -1 : 1) * Math.round(Math.abs(x * 10)) / 10;
    return r === 0 ? 0 : r;
  }

  function itemCredit(item, levels, unknown) {
    var c = item.c, credits = [];
    item.d.forEach(function (d) {
      var l = levels[d] || 'unknown';
      if (l === 'full') credits.push(c[0]);
      else if (l === 'partial') credits.push(c[1]);
      else if (l === 'none') credits.push(c[2]);
      else if (l === 'unknown') {
        if (unknown === 'none') credits.push(c[2]);
        else if (unknown === 'low') credits.push(Math.min(c[2], c[1], c[0]));
        else if (unknown === 'high') credits.push(Math.max(c[2], c[1], c[0]));
      }
    });
    if (!credits.length) return null;
    if (item.r === 'max') return Math.max.apply(null, credits);
    if (item.r === 'mean') {
      var sum = 0;
      credits.forEach(function (x) { sum += x; });
      return sum / credits.length;
    }
    return Math.min.apply(null, credits);
  }

  function score(fund, weights, unknown) {
    var per = D.categories.map(function (cat) {
      var sw = 0, swc = 0;
      cat.items.forEach(function (item) {
        var cr = itemCredit(item, fund.levels, unknown);
        if (cr !== null) {
          var w = weights.items[item.id];
          sw += w;
          swc += w * cr;
        }
      });
      return [weights.categories[cat.id], sw > 0 ? swc / sw : null];
    });
    var total = 0;
    per.forEach(function (p) { if (p[1] !== null) total += p[0]; });
    var span = D.scale - D.floor, s = D.floor, cats = {};
    D.categories.forEach(function (cat, k) {
      var p = per[k];
      cats[cat.id] = p[1] === null ? null : round1(D.floor + span * p[1]);
      if (p[1] !== null) s += span * (p[0] / total) * p[1];
    });
    return { score: round1(s), cats: cats, ok: total > 0 };
  }

  function ranking(weights) {
    var rows = D.funds.map(function (f) {
      var s = score(f, weights, D.unknown);
      return {
        fund: f, score: s.score, cats: s.cats, ok: s.ok,
        low: score(f, weights, 'low').score, high: score(f, weights, 'high').score
      };
    });
    rows.forEach(function (r) {
      r.rank = 1 + rows.filter(function (o) { return o.score > r.score; }).length;
    });
    rows.sort(function (a, b) {
      return a.rank - b.rank || (a.fund.id < b.fund.id ? -1 : a.fund.id > b.fund.id ? 1 : 0);
    });
    return rows;
  }

  // The ranks under the page's own weights, which moved ranks are shown against.
  var baseRanks = {};

  // `▲2` for a fund two places higher than under the page's weights, `▼1` one lower.
  function delta(r) {
    var d = baseRanks[r.fund.id] - r.rank;
    return d > 0 ? ' \u25B2' + d : d < 0 ? ' \u25BC' + (-d) : '';
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? values[k] : m; });
  }

  function draw(rows) {
    var lw = +chart.getAttribute('data-label-w'), bw = +chart.getAttribute('data-bar-w');
    var rh = +chart.getAttribute('data-row-h'), top = +chart.getAttribute('data-top');
    var span = D.scale - D.floor;
    function x(v) { return lw + bw * (v - D.floor) / span; }
    rows.forEach(function (r, i) {
      var g = chart.querySelector('g.bar[data-fund="' + r.fund.id + '"]');
      if (!g) return;
      g.setAttribute('transform', 'translate(0,' + (top + rh * i).toFixed(1) + ')');
      g.setAttribute('data-score', r.score.toFixed(1));
      g.setAttribute('data-rank', String(r.rank));
      g.querySelector('rect').setAttribute('width', (x(r.score) - lw).toFixed(1));
      var range = g.querySelector('g.range');
      range.setAttribute('data-low', r.low.toFixed(1));
      range.setAttribute('data-high', r.high.toFixed(1));
      var lines = range.querySelectorAll('line');
      lines[0].setAttribute('x1', x(r.low).toFixed(1));
      lines[0].setAttribute('x2', x(r.high).toFixed(1));
      lines[1].setAttribute('x1', x(r.high).toFixed(1));
      lines[1].setAttribute('x2', x(r.high).toFixed(1));
      var value = g.querySelector('text.value');
      value.textContent = r.score.toFixed(1) + delta(r);
      g.setAttribute('data-moved', String(baseRanks[r.fund.id] - r.rank));
      value.setAttribute('x', (Math.max(x(r.score), x(r.high)) + 4).toFixed(1));
      g.querySelector('text.label').textContent = r.rank + '. ' + g.getAttribute('data-label');
      g.querySelector('title').textContent = fill(D.text['chart.ranking.bar'], {
        fund: r.fund.name, score: r.score.toFixed(1), low: r.low.toFixed(1), high: r.high.toFixed(1), rank: r.rank
      });
    });
  }

  function tabulate(rows, weights) {
    if (!table) return;
    var body = table.querySelector('tbody');
    var total = 0;
    D.categories.forEach(function (c) { total += weights.categories[c.id]; });
    D.categories.forEach(function (c) {
      var th = table.querySelector('th[data-category="' + c.id + '"] span');
      if (th && total > 0) th.textContent = '(' + (100 * weights.categories[c.id] / total).toFixed(0) + '%)';
    });
    rows.forEach(function (r) {
      var tr = body.querySelector('tr[data-fund="' + r.fund.id + '"]');
      if (!tr) return;
      tr.querySelector('td.rank').textContent = r.rank + delta(r);
      tr.querySelector('td.score').innerHTML = '<strong>' + r.score.toFixed(1) + '</strong>';
      tr.querySelector('td.range').textContent = r.low.toFixed(1) + '–' + r.high.toFixed(1);
      D.categories.forEach(function (c) {
        var td = tr.querySelector('td[data-category="' + c.id + '"]');
        var v = r.cats[c.id];
        if (td) td.textContent = v === null ? '-' : v.toFixed(1);
      });
      body.appendChild(tr);
    });
    Array.prototype.slice.call(body.querySelectorAll('tr')).forEach(function (tr) {
      if (!tr.querySelector('td.score')) body.appendChild(tr);
    });
  }

  // The funds whose rank moved, most places first: named under the sliders, so a reader on a
  // phone sees what changed without scrolling back to the chart.
  function report(rows, custom) {
    if (!moved) return;
    var changed = rows.filter(function (r) { return r.rank !== baseRanks[r.fund.id]; });
    changed.sort(function (a, b) {
      return Math.abs(baseRanks[b.fund.id] - b.rank) - Math.abs(baseRanks[a.fund.id] - a.rank) || a.rank - b.rank;
    });
    if (!custom) { moved.textContent = ''; return; }
    if (!changed.length) { moved.textContent = D.text['weights.moved_none']; return; }
    var shown = changed.slice(0, 8).map(function (r) {
      return r.fund.label + delta(r) + ' (' + baseRanks[r.fund.id] + '\u2192' + r.rank + ')';
    });
    var text = fill(D.text['weights.moved'], { list: shown.join(D.text['list.separator']) });
    if (changed.length > shown.length) text += fill(D.text['weights.moved_more'], { n: changed.length - shown.length });
    moved.textContent = text;
  }

  function weights() {
    var base = state.preset && D.presets[state.preset] ? D.presets[state.preset] : D['default'];
    var cats = {};
    D.categories.forEach(function (c) {
      cats[c.id] = c.id in state.categories ? state.categories[c.id] : base.categories[c.id];
    });
    return { categories: cats, items: base.items };
  }

  function fragment(w) {
    var parts = D.categories.map(function (c) { return c.id + ':' + w.categories[c.id]; });
    return (state.preset ? 'p=' + state.preset + '&' : '') + 'w=' + parts.join(',');
  }

  function update(writeHash) {
    var w = weights();
    sliders.forEach(function (s) {
      var v = w.categories[s.getAttribute('data-category')];
      s.value = String(v);
      var out = panel.querySelector('output[for="' + s.id + '"]');
      if (out) out.textContent = String(v);
    });
    if (preset) preset.value = state.preset;
    var rows = ranking(w);
    if (rows.some(function (r) { return !r.ok; })) {
      status.textContent = D.text['weights.status_zero'];
      return;
    }
    draw(rows);
    tabulate(rows, w);
    var custom = state.preset || Object.keys(state.categories).length;
    status.textContent = custom ? D.text['weights.status_custom'] : '';
    report(rows, custom);
    if (writeHash) {
      var hash = custom ? '#' + fragment(w) : '';
      try {
        history.replaceState(null, '', hash || location.pathname + location.search);
      } catch (e) {
        location.hash = hash;
      }
    }
  }

  function read() {
    state = { preset: '', categories: {} };
    location.hash.replace(/^#/, '').split('&').forEach(function (part) {
      var kv = part.split('=');
      if (kv.length !== 2) return;
      if (kv[0] === 'p' && D.presets[kv[1]]) state.preset = kv[1];
      if (kv[0] === 'w') {
        kv[1].split(',').forEach(function (e) {
          var p = e.split(':');
          var v = p.length === 2 && p[1] !== '' ? Number(p[1]) : NaN;
          var known = D.categories.some(function (c) { return c.id === p[0]; });
          if (known && isFinite(v) && v >= 0) state.categories[p[0]] = v;
        });
      }
    });
  }

  ranking(D['default']).forEach(function (r) { baseRanks[r.fund.id] = r.rank; });

  // Once the reader moves a weight, the panel docks at the foot of a narrow screen, so the
  // chart stays in view above it (see the page's style).
  function activate() { panel.classList.add('active'); }

  sliders.forEach(function (s) {
    s.addEventListener('input', activate);
    s.addEventListener('input', function () {
      state.categories[s.getAttribute('data-category')] = Number(s.value);
      update(true);
    });
  });
  if (preset) {
    preset.addEventListener('change', activate);
    preset.addEventListener('change', function () {
      state = { preset: preset.value, categories: {} };
      update(true);
    });
  }
  document.getElementById('weights-reset').addEventListener('click', function () {
    state = { preset: '', categories: {} };
    update(true);
  });
  window.addEventListener('hashchange', function () { read(); update(false); });
  panel.hidden = false;
  read();
  if (state.preset || Object.keys(state.categories).length) update(false);
})();
