/*
 * Baton tracking snippet. On each page of a tracked site:
 *   <script src="https://BATON_HOST/t.js" data-write-key="WRITE_KEY" async></script>
 * It sets a first-party visitor id (cookie baton_aid), sends a page view, reads the share-link
 * parameters (bt_s, the share; bt_c, the click, which this page view confirms ran in a browser
 * with JavaScript), fills hidden "anonymousId" inputs of Baton forms, loads embedded forms
 *   <iframe data-baton-form="FORM_ID"></iframe>
 * with the visitor's id (and the page's utm_* parameters for hidden fields of those names), and offers
 *   baton.track("Event Name", {properties}), baton.page(), baton.identify(userId, {traits}).
 * Sends are beacons with a text/plain body (no CORS preflight); the write key travels in the body.
 */
(function (window, document) {
  'use strict';
  var script = document.currentScript || document.querySelector('script[src*="/t.js"]');
  if (!script) { return; }
  var base = script.src.replace(/\/t\.js(\?.*)?$/, '');
  var writeKey = script.getAttribute('data-write-key');
  var COOKIE = 'baton_aid';
  var TWO_YEARS = 60 * 60 * 24 * 730;

  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0;
      return (c === 'x' ? r : (r & 0x3 | 0x8)).toString(16);
    });
  }

  function readCookie(name) {
    var match = document.cookie.match(new RegExp('(?:^|; )' + name + '=([^;]*)'));
    return match ? decodeURIComponent(match[1]) : null;
  }

  var anonymousId = readCookie(COOKIE) || newId();
  document.cookie = COOKIE + '=' + encodeURIComponent(anonymousId) + '; max-age=' + TWO_YEARS + '; path=/; SameSite=Lax'
    + (location.protocol === 'https:' ? '; Secure' : '');
  var userId = null;
  var query = new URLSearchParams(location.search);
  var share = query.get('bt_s');
  var click = query.get('bt_c');

  function context() {
    var ctx = {
      page: { url: location.href, path: location.pathname, referrer: document.referrer, title: document.title },
      userAgent: navigator.userAgent,
      locale: navigator.language,
      library: { name: 'baton.js', version: '1' }
    };
    if (share) { ctx.campaign = { share: share }; }
    if (share && click) { ctx.campaign.click = click; }
    return ctx;
  }

  function send(type, message) {
    message.type = type;
    message.anonymousId = anonymousId;
    if (userId) { message.userId = userId; }
    message.writeKey = writeKey;
    message.messageId = newId();
    message.timestamp = new Date().toISOString();
    message.context = context();
    var body = JSON.stringify(message);
    var url = base + '/v1/' + type;
    if (navigator.sendBeacon && navigator.sendBeacon(url, new Blob([body], { type: 'text/plain' }))) { return; }
    if (window.fetch) {
      window.fetch(url, { method: 'POST', body: body, keepalive: true, headers: { 'Content-Type': 'text/plain' } });
    }
  }

  function fillForms() {
    var inputs = document.querySelectorAll('form[action*="/f/"] input[name="anonymousId"]');
    for (var i = 0; i < inputs.length; i++) { inputs[i].value = anonymousId; }
    var frames = document.querySelectorAll('iframe[data-baton-form]');
    // "?utm_source=x&utm_medium=y" of this page, as "&utm_source=x&utm_medium=y"
    var utm = (window.location.search.match(/[?&]utm_[a-z]+=[^&#]*/g) || []).join('').replace(/^\?/, '&');
    for (var j = 0; j < frames.length; j++) {
      if (frames[j].getAttribute('src')) { continue; }
      frames[j].src = base + '/f/' + encodeURIComponent(frames[j].getAttribute('data-baton-form'))
          + '?aid=' + encodeURIComponent(anonymousId) + utm;
    }
  }

  window.baton = {
    anonymousId: function () { return anonymousId; },
    page: function (properties) { send('page', { properties: properties || {} }); },
    track: function (event, properties) { send('track', { event: event, properties: properties || {} }); },
    identify: function (id, traits) { userId = id || userId; send('identify', { traits: traits || {} }); }
  };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', fillForms);
  } else {
    fillForms();
  }
  window.baton.page();
})(window, document);
