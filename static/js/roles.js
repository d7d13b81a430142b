/*
 * roles.js — the role form's "Select all in <category>" boxes
 * (templates/default/roles/form.tpl).  The form works without this file:
 * the server adds every permission of a category whose "all" box is
 * ticked.  Here the box ticks or unticks the category's enabled boxes as
 * it is clicked, and follows them (ticked when all of them are), so what
 * the page shows is what will be saved.
 */
(function () {
  'use strict';

  function perms(form, slug) {
    return Array.prototype.filter.call(
      form.querySelectorAll('input.pt-role-perm'),
      function (box) { return box.dataset.category === slug && !box.disabled; });
  }

  function follow(form, all) {
    var boxes = perms(form, all.dataset.category);
    all.checked = boxes.length > 0 && boxes.every(function (box) { return box.checked; });
  }

  function start() {
    var form = document.getElementById('role-form');
    if (!form)
      return;
    var alls = form.querySelectorAll('input.pt-role-all');
    Array.prototype.forEach.call(alls, function (all) {
      follow(form, all);
      all.addEventListener('change', function () {
        perms(form, all.dataset.category).forEach(function (box) { box.checked = all.checked; });
      });
    });
    form.addEventListener('change', function (ev) {
      var box = ev.target;
      if (!box.classList || !box.classList.contains('pt-role-perm'))
        return;
      Array.prototype.forEach.call(alls, function (all) {
        if (all.dataset.category === box.dataset.category)
          follow(form, all);
      });
    });
  }

  if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', start);
  else
    start();
})();
