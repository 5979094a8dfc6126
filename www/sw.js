// The service worker: precaches the page, its modules, the engine's worker and the wasm
// (the list and the version come from precache.js, written by scripts/build-site.sh), serves
// them cache-first so the editor opens and exports offline, and drops older caches.
/* global FRAMELOOM_PRECACHE */
importScripts('./precache.js');

const { version, files } = FRAMELOOM_PRECACHE;
const CACHE = `frameloom-site-${version}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(files)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name.startsWith('frameloom-site-') && name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    // ignoreVary: the server varies on Origin (CORS), and module scripts are requested with one.
    const hit = await cache.match(event.request, { ignoreSearch: true, ignoreVary: true });
    if (hit) return hit;
    return fetch(event.request); // the API and anything not precached go to the network
  })());
});
