// The site's service worker, written by the build (build_scripts/offline.py) from this template.
// It keeps one build of the site in one Cache, named by a hash of everything listed below:
//   install   fetch every listed file but the Python runtime, check it against its sha256, and
//             only then keep it: the pages, charts and page code are kept whole or not at all;
//   activate  delete the Caches of other builds, and take over the open pages;
//   fetch     a listed asset or runtime file ("cache", "lazy", "used"): from the Cache, else the
//             network; a runtime file ("lazy": Pyodide, numpy, our wheel) or the code editor
//             ("used": loaded when a Python panel with an editor first opens) is kept the first
//             time it passes, once its sha256 checks; a page, chart spec or page script
//             ("network"): the network first, so a new build is seen at once, the Cache when offline;
//   message   {warm: true} from a page whose Python has started: keep the runtime files not yet
//             kept (the browser's HTTP cache usually has them, so this costs no download).
// The ~17 MB runtime is thus kept only by a reader who ran Python, without downloading it twice.
// Anything not listed (another origin, a file of another build) goes to the network untouched.

const CACHE = __CACHE_NAME__;
const PREFIX = "gde-";
// address relative to this file -> [sha256, "cache" | "lazy" | "network"]
const MANIFEST = __MANIFEST__;
const ROOT = new URL("./", self.location).href;
const PARALLEL = 6;

const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

async function matches(response, sha256) {
  if (!response.ok) return false;
  return hex(await crypto.subtle.digest("SHA-256", await response.clone().arrayBuffer())) === sha256;
}

// Keep `key` if the bytes are this build's: from the HTTP cache when it has them, else (or when
// it holds another build's file) from the network.
async function keep(cache, key, sha256) {
  const url = new URL(key, ROOT).href;
  for (const mode of ["default", "no-store"]) {
    const response = await fetch(url, { cache: mode });
    if (await matches(response, sha256)) return cache.put(url, response);
    if (!response.ok) throw new Error(`${key}: HTTP ${response.status}`);
  }
  throw new Error(`${key}: the server sent another build's file`);
}

async function keepAll(strategies) {
  const cache = await caches.open(CACHE);
  const todo = Object.entries(MANIFEST).filter(([, [, strategy]]) => strategies.includes(strategy));
  const workers = Array.from({ length: PARALLEL }, async () => {
    while (todo.length) {
      const [key, [sha256]] = todo.shift();
      if (!(await cache.match(new URL(key, ROOT).href))) await keep(cache, key, sha256);
    }
  });
  await Promise.all(workers);
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      try {
        await keepAll(["cache", "network"]);
      } catch (error) {
        await caches.delete(CACHE); // nothing half-kept; the next visit tries again
        throw error;
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.warm) event.waitUntil(keepAll(["lazy"]).catch(() => {}));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

// The manifest's address for a request URL, or null when it is not ours.
function keyOf(url) {
  if (!url.href.startsWith(ROOT)) return null;
  let key = url.origin + url.pathname;
  key = key.slice(ROOT.length);
  if (key === "" || key === "index.html") key = "./";
  else if (key.endsWith("/index.html")) key = key.slice(0, -"index.html".length);
  return key in MANIFEST ? key : null;
}

async function fromCache(key) {
  const cache = await caches.open(CACHE);
  return cache.match(new URL(key, ROOT).href);
}

async function cacheFirst(request, key) {
  return (await fromCache(key)) ?? fetch(request);
}

// A runtime file or the editor: from the Cache, else the network, kept once its sha256 checks.
async function lazy(event, key) {
  const kept = await fromCache(key);
  if (kept) return kept;
  const response = await fetch(event.request);
  const [sha256] = MANIFEST[key];
  const copy = response.clone();
  event.waitUntil(
    (async () => {
      if (await matches(copy, sha256)) await (await caches.open(CACHE)).put(new URL(key, ROOT).href, copy);
    })().catch(() => {}),
  );
  return response;
}

async function networkFirst(request, key) {
  try {
    return await fetch(request);
  } catch (error) {
    const kept = await fromCache(key);
    if (kept) return kept;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET" || request.headers.has("range")) return;
  const key = keyOf(new URL(request.url));
  if (key === null) return;
  const [, strategy] = MANIFEST[key];
  event.respondWith(
    strategy === "network" ? networkFirst(request, key)
      : strategy === "lazy" || strategy === "used" ? lazy(event, key) : cacheFirst(request, key),
  );
});
