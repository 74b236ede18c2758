// Registers the site's service worker (sw.js at the site's root, written by the build:
// build_scripts/offline.py). It keeps the Python runtime, the pages and the charts, so a repeat
// visit starts at once and a reader who opened the site once can read it with the network off.
// A browser without service workers, a page not served over a secure origin, or a failed
// registration only loses that: the page works as before, with one line in the console.

const ROOT = new URL("../", import.meta.url);

async function register() {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  if (!navigator.onLine && navigator.serviceWorker.controller) return; // nothing to update now
  try {
    await navigator.serviceWorker.register(new URL("sw.js", ROOT), { scope: ROOT.pathname });
  } catch (error) {
    console.warn(`Offline reading is not available: ${error.message}`);
    return;
  }
  // Once Python has run on this page, ask the service worker to keep the runtime it fetched.
  const warm = async () => (await navigator.serviceWorker.ready).active?.postMessage({ warm: true });
  if (window.gde?.worker?.().timings) warm();
  else window.addEventListener("gde:python-ready", warm, { once: true });
}

// after the page's own loading, so the worker's downloads do not compete with it
if (document.readyState === "complete") register();
else window.addEventListener("load", register, { once: true });
