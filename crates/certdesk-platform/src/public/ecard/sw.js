// Service worker of the electronic card (scope /e/): every GET under /e/ goes to the network
// first and a good answer is kept; offline, the kept copy is answered, so the card page opens
// from the home screen without a network and its script shows the last state, marked offline.
// The live state (/state) is never kept here: the page keeps the last one itself.
var CACHE = "certdesk-ecard-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (e) { e.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (e) {
  var url = new URL(e.request.url);
  if (e.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (!url.pathname.startsWith("/e/") || url.pathname.endsWith("/state")) return;
  e.respondWith(
    fetch(e.request)
      .then(function (r) {
        if (r.ok) {
          var copy = r.clone();
          caches.open(CACHE).then(function (c) { return c.put(e.request, copy); });
        }
        return r;
      })
      .catch(function () {
        return caches.match(e.request).then(function (hit) { return hit || Response.error(); });
      })
  );
});
