// fpdb's service worker: caches the app shell, the tfjs wasm binaries and the shipped models on install
// (PRECACHE and CACHE are prepended by the build, see vite.config.ts), then answers from the network when
// it can and from the cache when offline. Network first keeps a reloaded page current. Only the files of
// the site itself are stored: an image opened by URL (?image=) is never written to the cache.
/* global PRECACHE, CACHE */

const precached = () => new Set(PRECACHE.map((f) => new URL(f, self.registration.scope).href));

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
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('fpdb-browser-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        const url = new URL(request.url);
        url.search = '';
        if (response.ok && response.type === 'basic' && (request.mode === 'navigate' || precached().has(url.href))) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
        }
        return response;
      })
      .catch(async () => {
        // A shared link (?checkpoint=…&image=…) is the same page: match it without its query.
        const cached = (await caches.match(request)) ?? (await caches.match(request, { ignoreSearch: true }));
        if (cached) return cached;
        // The build lists every file of the shipped models: any other path there does not exist (e.g. the
        // optional optimizer.json a checkpoint loader asks for), online or not.
        const url = new URL(request.url);
        url.search = '';
        if (url.href.startsWith(new URL('models/', self.registration.scope).href)) return new Response('', { status: 404, statusText: 'Not Found' });
        return new Response('', { status: 504, statusText: 'Offline, and not cached' });
      }),
  );
});
