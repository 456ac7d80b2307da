// Load client for the socket.io peer. Prints exactly one JSON line to stdout; everything else goes to stderr.
//
//   node client.js --urls http://127.0.0.1:PORT[,http://127.0.0.1:PORT2] --clients N --events M --rate R \
//                  --payload 256 --publish-url http://127.0.0.1:PORT/publish [--warmup W] [--timeout-seconds 120]
//
// --warmup W: before the measured run, W events are flooded to every client and discarded, twice, with a pause after
// each, so the measured run sees a warmed-up server (V8 JIT, buffers), as in steady state. bench/run.sh passes the
// same W to every peer.
//
// Exit codes: 0 all deliveries arrived, 2 some were lost (JSON still printed), 1 setup failure.
import { performance } from 'node:perf_hooks';
import { warmUp as runWarmUp } from '../warmup.mjs';
import { io } from 'socket.io-client';

const CONNECT_BATCH = 50;
const CONNECT_DEADLINE_MS = 60_000;
const IDLE_STOP_MS = 5_000;

const nowMs = () => performance.timeOrigin + performance.now();
const log = (...a) => console.error('[client]', ...a);

function fail(msg) {
  console.error(`client.js: ${msg}`);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) fail(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    if (eq > 0) {
      opts[a.slice(2, eq)] = a.slice(eq + 1);
    } else {
      if (i + 1 >= argv.length) fail(`missing value for ${a}`);
      opts[a.slice(2)] = argv[++i];
    }
  }
  const int = (name, def) => {
    const v = opts[name] ?? def;
    if (v === undefined) fail(`--${name} is required`);
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a non-negative integer, got ${v}`);
    return n;
  };
  const num = (name, def) => {
    const v = opts[name] ?? def;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) fail(`--${name} must be a non-negative number, got ${v}`);
    return n;
  };
  if (!opts.urls) fail('--urls is required');
  if (!opts['publish-url']) fail('--publish-url is required');
  const urls = opts.urls.split(',').map((u) => u.trim()).filter(Boolean);
  if (urls.length === 0) fail('--urls is empty');
  const clients = int('clients');
  if (clients < 1) fail('--clients must be >= 1');
  return {
    urls,
    clients,
    events: int('events'),
    rate: num('rate', 0),
    payload: int('payload', 256),
    publishUrl: opts['publish-url'],
    warmup: int('warmup', 0),
    timeoutMs: num('timeout-seconds', 120) * 1000,
  };
}

const cfg = parseArgs(process.argv.slice(2));
const N = cfg.clients;
const M = cfg.events;
const expected = N * M;

// ---- measurement state (hot path: no allocations besides what the parser already made) ----
const latencies = new Float64Array(expected);
let deliveries = 0;
let extra = 0; // ticks beyond N*M (should stay 0)
let firstSentAt = Infinity;
let lastRecvAt = 0;
let finishing = false;
let warming = false; // warm-up ticks are counted apart and never measured
let warmed = 0;

function onTick(p) {
  if (warming) { warmed++; return; }
  const now = nowMs();
  const sentAt = p.sentAt;
  if (deliveries < expected) latencies[deliveries++] = now - sentAt;
  else extra++;
  if (sentAt < firstSentAt) firstSentAt = sentAt;
  lastRecvAt = now;
  if (deliveries === expected) finish('all delivered');
}

// ---- connections ----
const sockets = new Array(N);
let disconnectsDuringRun = 0;
let running = false;

function onDisconnect(reason) {
  if (running && !finishing) {
    disconnectsDuringRun++;
    if (disconnectsDuringRun <= 5) log(`socket disconnected during run: ${reason}`);
  }
}

function connectOne(i) {
  return new Promise((resolve, reject) => {
    const s = io(cfg.urls[i % cfg.urls.length], {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      perMessageDeflate: false,
      timeout: CONNECT_DEADLINE_MS,
    });
    sockets[i] = s;
    s.on('tick', onTick);
    s.on('disconnect', onDisconnect);
    s.once('connect', () => resolve());
    s.once('connect_error', (err) => reject(new Error(
      `connection failed for client ${i} to ${cfg.urls[i % cfg.urls.length]}: ${err.message} (is the server up and using transports ['websocket']?)`)));
  });
}

function closeAll() {
  for (const s of sockets) if (s) s.disconnect();
}

async function connectAll() {
  const deadline = new Promise((_, reject) => {
    const t = setTimeout(() => reject(new Error(`not all ${N} clients connected within ${CONNECT_DEADLINE_MS / 1000} s`)), CONNECT_DEADLINE_MS);
    t.unref();
  });
  const work = (async () => {
    for (let start = 0; start < N; start += CONNECT_BATCH) {
      const batch = [];
      for (let i = start; i < Math.min(start + CONNECT_BATCH, N); i++) batch.push(connectOne(i));
      await Promise.all(batch);
    }
  })();
  await Promise.race([work, deadline]);
}

// ---- finish / report ----
let publishAt = 0;
let watchdog;

const r3 = (x) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);

function percentile(sorted, p) {
  // nearest-rank: smallest value with at least p of the samples <= it
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[idx];
}

async function serverCpuMs() {
  let total = 0;
  for (const url of cfg.urls) {
    const res = await fetch(new URL('/cpu', url));
    total += (await res.json()).cpuMs;
  }
  return total;
}

let cpuBefore = NaN;

async function finish(why) {
  if (finishing) return;
  finishing = true;
  clearInterval(watchdog);
  let serverCpu = NaN;
  try { serverCpu = (await serverCpuMs()) - cpuBefore; } catch { /* reported as null */ }
  const D = deliveries;
  const sorted = latencies.subarray(0, D).sort();
  const durationMs = D > 0 ? lastRecvAt - firstSentAt : NaN;
  const result = {
    peer: 'socketio',
    clients: N,
    events: M,
    rate: cfg.rate,
    payloadBytes: cfg.payload,
    instances: cfg.urls.length,
    expected,
    deliveries: D,
    lost: expected - D,
    durationMs: r3(durationMs),
    deliveriesPerSec: r3(D > 0 && durationMs > 0 ? D / (durationMs / 1000) : NaN),
    p50Ms: r3(percentile(sorted, 0.5)),
    p99Ms: r3(percentile(sorted, 0.99)),
    maxMs: r3(D > 0 ? sorted[D - 1] : NaN),
    serverCpuMs: r3(serverCpu),
    serverCpuUsPerDelivery: r3(D > 0 ? (serverCpu * 1000) / D : NaN),
  };
  log(`finished (${why}); deliveries ${D}/${expected}, extra ${extra}, disconnects during run ${disconnectsDuringRun}, ` +
      `wall ${((nowMs() - publishAt) / 1000).toFixed(2)} s since publish`);
  closeAll();
  const code = D === expected ? 0 : 2;
  process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(code));
}

async function requestPublish(count, rate) {
  let res;
  try {
    res = await fetch(cfg.publishUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count, rate, payloadBytes: cfg.payload }),
    });
  } catch (err) {
    closeAll();
    fail(`publish to ${cfg.publishUrl} failed: ${err.message}`);
  }
  if (res.status !== 202) {
    closeAll();
    fail(`publish to ${cfg.publishUrl} returned HTTP ${res.status}`);
  }
}

// Warm-up ticks are counted apart (see onTick) and never measured.
async function warmUp() {
  warming = true;
  await runWarmUp({ events: cfg.warmup, clients: N, rate: cfg.rate, publish: requestPublish, received: () => warmed, log });
  warming = false;
}

async function main() {
  const t0 = nowMs();
  try {
    await connectAll();
  } catch (err) {
    closeAll();
    fail(err.message);
  }
  log(`${N} clients connected to ${cfg.urls.length} url(s) in ${((nowMs() - t0) / 1000).toFixed(2)} s`);

  running = true;
  if (cfg.warmup > 0) await warmUp();
  try { cpuBefore = await serverCpuMs(); } catch (err) { log(`cannot read server CPU: ${err.message}`); }
  publishAt = nowMs();
  await requestPublish(M, cfg.rate);
  log(`publish accepted: count=${M} rate=${cfg.rate} payloadBytes=${cfg.payload}`);
  if (expected === 0) return finish('nothing expected');

  watchdog = setInterval(() => {
    const now = nowMs();
    if (now - publishAt >= cfg.timeoutMs) finish(`timeout ${cfg.timeoutMs / 1000} s`);
    else if (deliveries > 0 && now - lastRecvAt >= IDLE_STOP_MS) finish(`no delivery for ${IDLE_STOP_MS / 1000} s`);
  }, 250);
}

main().catch((err) => {
  closeAll();
  fail(err.stack || String(err));
});
