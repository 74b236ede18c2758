// The site's Python workers (Pyodide + numpy + explainer_core), started the first time a demo
// needs one and kept for as long as the tab is open: with Material's instant navigation a page
// change keeps this module, so the next chapter's demos find Python already running.
//
// Most demos share one worker, the "main" lane. A demo that runs several heavy computations at
// once (the image race: one method per worker) or code that may never return (a reader's own
// function) asks for a named lane: a worker of its own, started on first use. A lane can be
// restarted (terminated at once and booted afresh), which is how a run that never yields is
// stopped.

const MAIN = "main";

class Lane {
  constructor(name) {
    this.name = name;
    this.instance = null;
    this.booting = null; // Promise resolved when Python is ready
    this.ready = false;
    this.pending = new Map(); // id -> {resolve, reject, onFrames, onError, stream}
    this.starts = 0; // how many workers this lane started (tests check a page change starts none)
    this.timings = null; // the boot's milliseconds, from the worker
    this.config = null;
  }
}

const lanes = new Map([[MAIN, new Lane(MAIN)]]);
const progress = new Set(); // callbacks (fraction, label) while the main lane boots
let nextId = 1;

const laneOf = (name = MAIN) => {
  if (!lanes.has(name)) lanes.set(name, new Lane(name));
  return lanes.get(name);
};

// Start the lane's worker (once); resolves with the boot's timings when Python is ready.
export function startWorker(config, name = MAIN) {
  const lane = laneOf(name);
  if (lane.booting) return lane.booting;
  lane.config = config;
  lane.starts += 1;
  lane.startedAt = performance.now();
  lane.booting = new Promise((resolve, reject) => {
    const instance = new Worker(new URL("./worker.js", import.meta.url));
    lane.instance = instance;
    instance.onmessage = ({ data }) => {
      if (instance !== lane.instance) return; // a terminated worker's last words
      if (data.progress) {
        if (name === MAIN) progress.forEach((cb) => cb(data.progress.fraction, data.progress.label));
      } else if (data.ready) {
        lane.ready = true;
        lane.timings = { ...data.timings, startedAt: lane.startedAt, readyAt: performance.now() };
        if (name === MAIN) window.dispatchEvent(new Event("gde:python-ready")); // offline.js keeps the runtime then
        resolve(data.timings);
      } else if (data.bootError) {
        failWorker(lane, new Error(data.bootError));
        reject(new Error(data.bootError));
      } else if (data.id !== undefined) {
        route(lane, data);
      }
    };
    instance.onerror = (event) => {
      const error = new Error(event.message || "the Python worker could not start");
      failWorker(lane, error);
      reject(error);
    };
    // only the main lane imports the other chapters' demos while idle: a lane does one job
    instance.postMessage({ boot: { ...config, warmUp: name === MAIN } });
  });
  return lane.booting;
}

function failWorker(lane, error) {
  if (lane.instance) lane.instance.terminate();
  lane.instance = null;
  lane.booting = null; // a retry starts afresh
  lane.ready = false;
  lane.pending.forEach((p) => p.reject(error));
  lane.pending.clear();
}

function route(lane, message) {
  const pending = lane.pending.get(message.id);
  if (!pending) return;
  if (message.frames !== undefined) {
    // a chunk of a streaming run
    if (message.ok === false) pending.onError?.(message.error);
    if (message.frames.length) pending.onFrames?.(message.frames);
    if (message.done || message.ok === false) {
      lane.pending.delete(message.id);
      pending.resolve({ ok: message.ok !== false, error: message.error, cancelled: !!message.cancelled });
    }
    return;
  }
  lane.pending.delete(message.id);
  pending.resolve(message);
}

// Calls a progress callback (fraction, label) while Python boots; returns its remover.
export function onProgress(callback) {
  progress.add(callback);
  return () => progress.delete(callback);
}

// The lane ready for a message: the main lane must have been started (the runtime does it before
// a demo mounts); another lane starts here, with the main lane's configuration.
async function readyLane(name) {
  const lane = laneOf(name);
  if (!lane.booting) {
    const config = lane.config || lanes.get(MAIN).config;
    if (!config) throw new Error("Python was not started");
    startWorker(config, name);
  }
  await lane.booting;
  return lane;
}

const failed = (error) => ({ ok: false, error: { type: "WorkerError", message: error.message } });

// call(demo, method, args, lane) -> Promise<{ok, result} | {ok: false, error: {type, message, arg}}>
export async function call(demo, method, args, name = MAIN) {
  let lane;
  try {
    lane = await readyLane(name);
  } catch (error) {
    return failed(error);
  }
  const id = nextId++;
  return new Promise((resolve, reject) => {
    lane.pending.set(id, { resolve, reject });
    lane.instance.postMessage({ id, demo, method, args });
  });
}

// stream(demo, method, args, {onFrames, onError, chunkFrames, intervalMs}, lane) -> {done, cancel()}
// A run on a lane still booting starts when it is ready (unless cancelled meanwhile).
export function stream(demo, method, args, { onFrames, onError, chunkFrames = 1000, intervalMs = 0 } = {}, name = MAIN) {
  let id = null;
  let lane = null;
  let cancelled = false;
  const done = readyLane(name).then(
    (ready) => new Promise((resolve, reject) => {
      if (cancelled) return resolve({ ok: true, cancelled: true });
      lane = ready;
      id = nextId++;
      lane.pending.set(id, { resolve, reject, onFrames, onError, stream: true });
      lane.instance.postMessage({ id, demo, method, args, stream: { chunkFrames, intervalMs } });
    }),
    (error) => {
      const answer = failed(error);
      onError?.(answer.error);
      return { ...answer, cancelled: false };
    },
  );
  const cancel = () => {
    cancelled = true;
    if (id !== null) lane.instance?.postMessage({ cancel: id });
  };
  return { done, cancel };
}

// Terminate the lane's worker at once and boot a fresh one: its calls answer {ok: false, error:
// {type: "Terminated"}}, its runs end {ok: false, cancelled: true, terminated: true}. Resolves
// when the new worker is ready. State the old worker held (a reader's function) is gone.
export function restartLane(name) {
  const lane = laneOf(name);
  const config = lane.config || lanes.get(MAIN).config;
  if (lane.instance) lane.instance.terminate();
  lane.instance = null;
  lane.booting = null;
  lane.ready = false;
  const error = { type: "Terminated", message: "Python was restarted" };
  lane.pending.forEach((p) => p.resolve(p.stream ? { ok: false, cancelled: true, terminated: true, error } : { ok: false, error }));
  lane.pending.clear();
  return startWorker(config, name);
}

// For tests and benchmarks: the main lane's figures, and every lane's.
export const stats = () => {
  const main = lanes.get(MAIN);
  return {
    starts: main.starts,
    pending: [...lanes.values()].reduce((n, lane) => n + lane.pending.size, 0),
    ready: main.ready,
    timings: main.timings ?? null,
    lanes: Object.fromEntries([...lanes].map(([name, lane]) => [name, {
      starts: lane.starts, ready: lane.ready, pending: lane.pending.size, timings: lane.timings ?? null,
    }])),
  };
};
