/*
 * whitelabel.js — the live preview of the brand page
 * (templates/default/whitelabel/branding.tpl).  The page works without
 * this file: its "Preview" button renders the unsaved values on the server.
 * Here, as the colour and name fields change, the preview box's CSS
 * variables (the ones the brand stylesheet sets: --pt-primary,
 * --pt-primary-dark, --pt-accent, --bs-link-color …) are set through the
 * CSSOM — allowed by the CSP, unlike a style attribute — and the contrast
 * ratio with white text is shown as the server will compute it (WCAG 2).
 */
(function () {
  'use strict';

  var HEX = /^#[0-9a-fA-F]{6}$/;
  var MIN = 4.5;

  function channels(hex) {
    return [1, 3, 5].map(function (i) { return parseInt(hex.substr(i, 2), 16); });
  }

  function linear(c) {
    var v = c / 255;
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  }

  function ratio(hex) {
    var c = channels(hex);
    var l = 0.2126 * linear(c[0]) + 0.7152 * linear(c[1]) + 0.0722 * linear(c[2]);
    return 1.05 / (l + 0.05);
  }

  function darker(hex) {
    return '#' + channels(hex).map(function (c) {
      var d = Math.floor((c * 8 + 5) / 10).toString(16);
      return d.length < 2 ? '0' + d : d;
    }).join('');
  }

  function say(out, hex) {
    if (!out)
      return;
    if (!hex) {
      out.textContent = '';
      return;
    }
    var q = ratio(hex);
    out.textContent = 'Contrast with white text: ' + q.toFixed(2) + ':1' +
      (q < MIN ? ' (too low: at least 4.5:1)' : '');
    out.className = q < MIN ? 'text-danger' : 'text-success';
  }

  function setVars(box, names, hex) {
    names.forEach(function (n) {
      if (!hex)
        box.style.removeProperty(n.name);
      else
        box.style.setProperty(n.name, n.value(hex));
    });
  }

  var PRIMARY = [
    { name: '--pt-primary', value: function (h) { return h; } },
    { name: '--pt-primary-dark', value: darker },
    { name: '--bs-primary', value: function (h) { return h; } },
    { name: '--bs-primary-rgb', value: function (h) { return channels(h).join(', '); } },
    { name: '--bs-link-color', value: function (h) { return h; } },
    { name: '--bs-link-color-rgb', value: function (h) { return channels(h).join(', '); } }
  ];
  var ACCENT = [
    { name: '--pt-accent', value: function (h) { return h; } },
    { name: '--pt-accent-rgb', value: function (h) { return channels(h).join(', '); } }
  ];

  function follow(box, input, names, out) {
    if (!input)
      return;
    function update() {
      var v = input.value.trim();
      var hex = HEX.test(v) ? v.toLowerCase() : null;
      setVars(box, names, hex);
      say(out, hex);
    }
    input.addEventListener('input', update);
    update();
  }

  function start() {
    var box = document.getElementById('wl-preview');
    if (!box)
      return;
    follow(box, document.getElementById('wl-primary'), PRIMARY,
           document.getElementById('wl-primary-ratio'));
    follow(box, document.getElementById('wl-accent'), ACCENT,
           document.getElementById('wl-accent-ratio'));
    var name = document.getElementById('wl-portal-name');
    var shown = document.getElementById('wl-preview-name');
    if (name && shown)
      name.addEventListener('input', function () { shown.textContent = name.value; });
    var footer = document.getElementById('wl-footer');
    var foot = document.getElementById('wl-preview-footer');
    if (footer && foot)
      footer.addEventListener('input', function () { foot.textContent = footer.value; });
  }

  if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', start);
  else
    start();
}());
