// LTI client-side platform storage: the tool keeps its OIDC state and nonce in the LMS's storage
// frame when the browser withholds the tool's cookies inside the LMS iframe.
// 1EdTech "LTI OIDC Login with LTI Client Side postMessages" (lti-cs-oidc v0.1), "LTI Client Side
// postMessages" (lti-cs-pm v0.1) and "LTI postMessage Storage" (lti-pm-s v0.1).
// Served as a file (no inline script); the page gives its values in data-* attributes of the
// form #lti-storage: data-mode "put" (login) or "get" (launch), data-origin (the platform's
// OIDC origin: messages go only there and only its answers count), data-target (the
// lti_storage_target frame name; empty: ask lti.capabilities), data-items (JSON list of
// {key, value} to put or {key, field} to get into a form field), data-next (put: where to go).
"use strict";
(function () {
  var form = document.getElementById("lti-storage");
  var failed = document.getElementById("lti-storage-failed");
  var origin = form.dataset.origin;
  var mode = form.dataset.mode;
  var items = JSON.parse(form.dataset.items);
  var TIMEOUT_MS = 5000;

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  // Post one message; resolve with the answer that has our subject + ".response", our
  // message_id and comes from the platform's origin; anything else is ignored.
  function send(target, message) {
    return new Promise(function (resolve, reject) {
      var id = newId();
      var timer = window.setTimeout(function () {
        window.removeEventListener("message", listener);
        reject(new Error("no answer to " + message.subject));
      }, TIMEOUT_MS);
      function listener(event) {
        var data = event.data;
        if (event.origin !== origin) return;
        if (typeof data !== "object" || data === null) return;
        if (data.subject !== message.subject + ".response" || data.message_id !== id) return;
        window.clearTimeout(timer);
        window.removeEventListener("message", listener);
        if (data.error) reject(new Error(data.error.code + ": " + data.error.message));
        else resolve(data);
      }
      window.addEventListener("message", listener);
      target.postMessage(Object.assign({ message_id: id }, message), origin);
    });
  }

  // The storage frame: "_parent", a frame of the parent by name, or the one lti.capabilities names.
  function storageFrame(name) {
    var parent = window.parent !== window ? window.parent : window.opener;
    if (!parent) return Promise.reject(new Error("no LMS window"));
    if (name === "_parent") return Promise.resolve(parent);
    if (name) {
      var frame = null;
      try { frame = parent.frames[name]; } catch (e) { frame = null; }
      return frame ? Promise.resolve(frame) : Promise.reject(new Error("no frame " + name));
    }
    return send(parent, { subject: "lti.capabilities" }).then(function (reply) {
      var wanted = "lti." + mode + "_data";
      var entry = (reply.supported_messages || []).filter(function (m) {
        return m.subject === wanted;
      })[0];
      if (!entry) throw new Error("the LMS offers no " + wanted);
      return entry.frame ? storageFrame(entry.frame) : parent;
    });
  }

  storageFrame(form.dataset.target).then(function (frame) {
    return Promise.all(items.map(function (item) {
      if (mode === "put") {
        return send(frame, { subject: "lti.put_data", key: item.key, value: item.value });
      }
      return send(frame, { subject: "lti.get_data", key: item.key }).then(function (reply) {
        if (typeof reply.value !== "string") throw new Error("no value for " + item.key);
        form.elements[item.field].value = reply.value;
      });
    }));
  }).then(function () {
    if (form.dataset.next) window.location.assign(form.dataset.next);
    else form.submit();
  }, function (error) {
    failed.hidden = false;
    if (window.console) window.console.warn("platform storage:", error.message);
  });
})();
