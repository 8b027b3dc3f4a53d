// service-worker.js — keeps the app shell available offline. The build (web/vite.config.ts)
// prepends `VERSION` (a hash of the file list) and `PRECACHE` (every file of the build).
//
// - install: cache every file of this build, then take over at once.
// - activate: drop caches of older builds.
// - fetch: page navigations get the network first and the cached shell when offline (the app
//   routes on the client); built files come from the cache; /api is never touched, so data is
//   always live or visibly failing, and queued observations live in IndexedDB, not here.
/* global VERSION, PRECACHE */
const CACHE = `attest-shell-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request).catch(() =>
        caches.open(CACHE).then((cache) => cache.match('/').then((r) => r ?? Response.error())),
      ),
    );
    return;
  }
  event.respondWith(caches.match(request).then((cached) => cached ?? fetch(request)));
});
