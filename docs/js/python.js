// The site's one Python worker (Pyodide + numpy + explainer_core), started the first time a demo
// needs it and kept for as long as the tab is open: with Material's instant navigation a page
// change keeps this module, so the next chapter's demos find Python already running.

const worker = {
  instance: null,
  booting: null, // Promise resolved when Python is ready
  pending: new Map(), // id -> {resolve, reject, onFrames, onError}
  nextId: 1,
  progress: new Set(), // callbacks (fraction, label)
  starts: 0, // how many workers this tab started (tests check that a page change starts none)
  timings: null, // the boot's milliseconds, from the worker: {pyodide, packages, imports, total}
};

export function startWorker(config) {
  if (worker.booting) return worker.booting;
  worker.starts += 1;
  worker.startedAt = performance.now();
  worker.booting = new Promise((resolve, reject) => {
    const instance = new Worker(new URL("./worker.js", import.meta.url));
    worker.instance = instance;
    instance.onmessage = ({ data }) => {
      if (data.progress) {
        worker.progress.forEach((cb) => cb(data.progress.fraction, data.progress.label));
      } else if (data.ready) {
        worker.timings = { ...data.timings, startedAt: worker.startedAt, readyAt: performance.now() };
        window.dispatchEvent(new Event("gde:python-ready")); // offline.js keeps the runtime then
        resolve(data.timings);
      } else if (data.bootError) {
        failWorker(new Error(data.bootError));
        reject(new Error(data.bootError));
      } else if (data.id !== undefined) {
        route(data);
      }
    };
    instance.onerror = (event) => {
      const error = new Error(event.message || "the Python worker could not start");
      failWorker(error);
      reject(error);
    };
    instance.postMessage({ boot: config });
  });
  return worker.booting;
}

function failWorker(error) {
  if (worker.instance) worker.instance.terminate();
  worker.instance = null;
  worker.booting = null; // a retry starts afresh
  worker.pending.forEach((p) => p.reject(error));
  worker.pending.clear();
}

function route(message) {
  const pending = worker.pending.get(message.id);
  if (!pending) return;
  if (message.frames !== undefined) {
    // a chunk of a streaming run
    if (message.ok === false) pending.onError?.(message.error);
    if (message.frames.length) pending.onFrames?.(message.frames);
    if (message.done || message.ok === false) {
      worker.pending.delete(message.id);
      pending.resolve({ ok: message.ok !== false, error: message.error, cancelled: !!message.cancelled });
    }
    return;
  }
  worker.pending.delete(message.id);
  pending.resolve(message);
}

// Calls a progress callback (fraction, label) while Python boots; returns its remover.
export function onProgress(callback) {
  worker.progress.add(callback);
  return () => worker.progress.delete(callback);
}

// call(demo, method, args) -> Promise<{ok, result} | {ok: false, error: {type, message, arg}}>
export function call(demo, method, args) {
  const id = worker.nextId++;
  return new Promise((resolve, reject) => {
    worker.pending.set(id, { resolve, reject });
    worker.instance.postMessage({ id, demo, method, args });
  });
}

// stream(demo, method, args, {onFrames, onError, chunkFrames, intervalMs}) -> {done, cancel()}
export function stream(demo, method, args, { onFrames, onError, chunkFrames = 1000, intervalMs = 0 } = {}) {
  const id = worker.nextId++;
  const done = new Promise((resolve, reject) => {
    worker.pending.set(id, { resolve, reject, onFrames, onError });
    worker.instance.postMessage({ id, demo, method, args, stream: { chunkFrames, intervalMs } });
  });
  return { done, cancel: () => worker.instance?.postMessage({ cancel: id }) };
}

// For tests and benchmarks.
export const stats = () => ({
  starts: worker.starts, pending: worker.pending.size, ready: !!worker.instance, timings: worker.timings ?? null,
});
