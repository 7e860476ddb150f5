/* The console's only script: the QR login's polling, the dashboard's charts (ECharts) and the
   map (Leaflet).
   Every page works without it except the automatic step after the phone confirms. */
(function () {
  'use strict';

  function pollLogin(box) {
    var url = box.getAttribute('data-status-url');
    var state = box.querySelector('[data-state]');
    var expired = box.querySelector('[data-expired]');
    var qr = box.querySelector('[data-qr]');
    function stop(message) {
      state.textContent = message;
      expired.hidden = false;
      qr.classList.add('faded');
    }
    function ask() {
      fetch(url, { credentials: 'same-origin', cache: 'no-store' })
        .then(function (r) { return r.json(); })
        .then(function (body) {
          if (body.state === 'approved') {
            state.textContent = '已确认，正在进入…';
            window.location.assign(body.next);
          } else if (body.state === 'expired') {
            stop('二维码已过期，请刷新。');
          } else {
            window.setTimeout(ask, 2000);
          }
        })
        .catch(function () { window.setTimeout(ask, 4000); });
    }
    window.setTimeout(ask, 1500);
  }

  function drawCharts() {
    var holder = document.getElementById('chart-data');
    if (!holder || !window.echarts) return;
    var data = JSON.parse(holder.textContent);
    var nodes = document.querySelectorAll('[data-chart]');
    Array.prototype.forEach.call(nodes, function (node) {
      var series = data[node.getAttribute('data-chart')];
      if (!series) return;
      node.classList.add('on');
      var chart = window.echarts.init(node, null, { renderer: 'canvas' });
      chart.setOption({
        animation: false,
        color: ['#1677ff'],
        grid: { left: 40, right: 16, top: 16, bottom: 64 },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: series.names, axisLabel: { interval: 0, rotate: 30 } },
        yAxis: { type: 'value', minInterval: 1 },
        series: [{ type: 'bar', data: series.counts, barMaxWidth: 32, label: { show: true, position: 'top' } }]
      });
      node.setAttribute('data-drawn', 'true');
      window.addEventListener('resize', function () { chart.resize(); });
    });
  }

  var COLOURS = { major: '#d83931', overdue: '#8f1d1d', general: '#de7802', checkpoint: '#2ba471', water: '#1677ff', campus: '#646a73' };

  // A popup's content built from text nodes: names come from users, never as HTML.
  function popup(lines, link) {
    var box = document.createElement('div');
    lines.forEach(function (line, i) {
      var row = document.createElement(i === 0 ? 'strong' : 'div');
      row.textContent = line;
      box.appendChild(row);
    });
    if (link) {
      var a = document.createElement('a');
      a.href = link.href;
      a.textContent = link.text;
      box.appendChild(a);
    }
    return box;
  }

  function drawMap(node) {
    var holder = document.getElementById('map-data');
    if (!holder || !window.L) return;
    var data = JSON.parse(holder.textContent);
    var L = window.L;
    var map = L.map(node, { fadeAnimation: false, attributionControl: true });
    if (data.tiles.url) {
      // Tiles that fail to load leave the plain background: the layers below still draw.
      L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution, maxZoom: 19 }).addTo(map);
    }
    // Layers are collected first and added once the view is set: a circle cannot be placed
    // on a map without one. Their bounds come from the data (a circle's from its radius).
    var layers = [];
    var bounds = L.latLngBounds([]);
    function add(layer, at, radius) {
      layers.push(layer);
      if (radius) bounds.extend(L.latLng(at).toBounds(radius * 2));
      else if (layer.getBounds) bounds.extend(layer.getBounds());
      else bounds.extend(at);
      return layer;
    }
    data.campuses.forEach(function (c) {
      var style = { className: 'map-campus', color: COLOURS.campus, weight: 2, dashArray: '6 4', fillOpacity: 0.04 };
      var shape = c.polygon ? L.polygon(c.polygon, style) : L.circle(c.center, Object.assign({ radius: c.radius_m }, style));
      add(shape, c.center, c.polygon ? 0 : c.radius_m).bindPopup(popup([c.school, '校园边界']));
    });
    data.water.forEach(function (w) {
      var style = { className: 'map-water', color: COLOURS.water, weight: 3, fillOpacity: 0.2 };
      var shape;
      if (w.shape && w.shape.type === 'Polygon') shape = L.polygon(w.shape.coordinates, style);
      else if (w.shape) shape = L.polyline(w.shape.coordinates, style);
      else shape = L.circle(w.at, Object.assign({ radius: w.radius_m }, style));
      add(shape, w.at, w.shape ? 0 : w.radius_m).bindPopup(popup([w.name, '危险水域 · ' + w.kind]));
    });
    data.checkpoints.forEach(function (p) {
      add(L.circleMarker(p.at, { className: 'map-checkpoint', radius: 5, color: COLOURS.checkpoint, fillOpacity: 0.8 }), p.at)
        .bindPopup(popup([p.name, p.school + ' · 巡查点位']));
    });
    // The most pressing last, so that they are drawn on top of the others at one place.
    data.hazards.slice().reverse().forEach(function (h) {
      var colour = h.overdue ? COLOURS.overdue : COLOURS[h.severity === 'major' ? 'major' : 'general'];
      var state = (data.status_names[h.status] || h.status) + (h.overdue ? ' · 已逾期' : '') + (h.severity === 'major' ? ' · 重大隐患' : '');
      add(L.circleMarker(h.at, { className: 'map-hazard', radius: h.severity === 'major' ? 9 : 7, color: colour, weight: 2, fillOpacity: 0.7 }), h.at)
        .bindPopup(popup([h.text, h.school, state], { href: '/console/hazards/' + h.id, text: '查看隐患' }));
    });
    if (bounds.isValid()) map.fitBounds(bounds.pad(0.1), { maxZoom: 17 });
    else map.setView([34.5, 108], 4);
    layers.forEach(function (layer) { layer.addTo(map); });
    node.setAttribute('data-drawn', 'true');
  }

  document.addEventListener('DOMContentLoaded', function () {
    var box = document.getElementById('login');
    if (box) pollLogin(box);
    drawCharts();
    var map = document.querySelector('[data-map]');
    if (map) drawMap(map);
  });
})();
