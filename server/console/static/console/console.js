/* The console's only script: the QR login's polling and the dashboard's charts (ECharts).
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

  document.addEventListener('DOMContentLoaded', function () {
    var box = document.getElementById('login');
    if (box) pollLogin(box);
    drawCharts();
  });
})();
