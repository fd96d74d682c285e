/**
 * The UI's only script, served at /ui/app.js (the pages' content policy allows no inline script).
 * It turns the silence forms and expire buttons into calls to the JSON API. A logged-in browser
 * writes on its session cookie (login.ts); otherwise, on the first 401, it asks for the token
 * once per tab (sessionStorage, gone when the tab closes). Everything else is plain HTML.
 */
export const APP_JS = `'use strict';
(function () {
  var KEY = 'lookout.token';
  function token(again) {
    var t = sessionStorage.getItem(KEY);
    if (again) {
      t = window.prompt('API token for writes (asked once per tab)') || '';
      if (t) sessionStorage.setItem(KEY, t); else sessionStorage.removeItem(KEY);
    }
    return t;
  }
  function call(method, path, body, out) {
    var send = function (again) {
      var t = token(again);
      var headers = { 'content-type': 'application/json' };
      if (t) headers.authorization = 'Bearer ' + t;
      return fetch(path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined })
        .then(function (res) {
          return res.json().then(function (j) { return { status: res.status, body: j }; });
        });
    };
    return send(false).then(function (r) {
      return r.status === 401 ? send(true) : r;
    }).then(function (r) {
      if (r.status !== 200) { out.textContent = 'Refused (' + r.status + '): ' + r.body.error; return false; }
      return true;
    });
  }
  document.querySelectorAll('form.silence-form').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var matchers = form.elements.matchers.value.split('\\n').map(function (s) { return s.trim(); })
        .filter(function (s) { return s; });
      var body = { matchers: matchers, for: form.elements.for.value, comment: form.elements.comment.value, created_by: 'ui' };
      var out = form.querySelector('output');
      call('POST', '/api/v1/silences', body, out).then(function (ok) { if (ok) location.reload(); });
    });
  });
  document.querySelectorAll('button.expire').forEach(function (b) {
    b.addEventListener('click', function () {
      var out = b.parentNode.querySelector('output');
      call('DELETE', '/api/v1/silences/' + encodeURIComponent(b.dataset.id), null, out)
        .then(function (ok) { if (ok) location.reload(); });
    });
  });
})();
`;
