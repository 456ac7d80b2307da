// Lean Node load client for the app's ASP.NET Core SignalR hub: the JSON hub protocol spoken over raw WebSockets
// (`ws`), so the hub can be measured with the same client runtime and the same per-message work as the socket.io
// peer's client (bench/peers/socketio/client.js). Prints exactly one JSON line to stdout; everything else to stderr.
//
//   node client.js --urls http://127.0.0.1:PORT[,http://127.0.0.1:PORT2] --clients N --events M --rate R \
//                  --payload 256 [--warmup W] [--timeout-seconds 120]
//
// --warmup W: before the measured run, W events are flooded to every client and discarded, twice, with a pause after
// each, so the measured run sees a warmed-up server (JIT, pools, buffers), as in steady state. run.sh passes the
// same W to every peer.
//
// The app must run with REALTIME_BENCH_ENDPOINTS=true (POST /api/bench/token, POST /api/bench/publish,
// GET /api/bench/cpu). Exit codes: 0 all deliveries arrived, 2 some were lost (JSON still printed), 1 setup failure.
import { performance } from 'node:perf_hooks';
import { warmUp as runWarmUp } from '../warmup.mjs';
import WebSocket from 'ws';

const CONNECT_BATCH = 50;
const CONNECT_DEADLINE_MS = 60_000;
const IDLE_STOP_MS = 5_000;
const PING_EVERY_MS = 10_000; // server: keep-alive 15 s, client timeout 30 s

const RS = '\u001e'; // SignalR record separator
const HANDSHAKE = `{"protocol":"json","version":1}${RS}`;
const PING = `{"type":6}${RS}`;
const HUB_PATH = 'hubs/realtime';
const TICK_EVENT = 'bench.tick';

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
  const urls = opts.urls.split(',').map((u) => u.trim()).filter(Boolean).map((u) => {
    let url;
    try { url = new URL(u.endsWith('/') ? u : `${u}/`); } catch { fail(`bad url ${u}`); }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`url must be http(s)://, got ${u}`);
    return url;
  });
  if (urls.length === 0) fail('--urls is empty');
  const clients = int('clients');
  if (clients < 1) fail('--clients must be >= 1');
  return {
    urls,
    clients,
    events: int('events'),
    rate: num('rate', 0),
    payload: int('payload', 256),
    warmup: int('warmup', 0),
    timeoutMs: num('timeout-seconds', 120) * 1000,
  };
}

const cfg = parseArgs(process.argv.slice(2));
const N = cfg.clients;
const M = cfg.events;
const expected = N * M;
const api = (path) => new URL(path, cfg.urls[0]); // relative: keeps a path base if the url has one

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

// One hub protocol record (the text between separators), after the handshake.
let serverCloses = 0;
let frames = 0; // websocket messages received (each holds one or more records); stderr only
function onRecord(text) {
  const msg = JSON.parse(text);
  switch (msg.type) {
    case 1: { // invocation
      if (msg.target !== 'event') return;
      const env = msg.arguments && msg.arguments[0];
      if (env && env.name === TICK_EVENT && env.payload) onTick(env.payload);
      return;
    }
    case 6: // ping
      return;
    case 7: // close
      serverCloses++;
      if (serverCloses <= 5) log(`server sent close: ${msg.error ?? '(no error)'}`);
      return;
    default:
      return;
  }
}

// ---- connections ----
const sockets = new Array(N);
let disconnectsDuringRun = 0;
let running = false;
let pinger;

function hubUrl(base, token) {
  const u = new URL(HUB_PATH, base);
  u.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  u.searchParams.set('access_token', token); // URL-encoded by URLSearchParams
  return u.toString();
}

function connectOne(i, token) {
  const base = cfg.urls[i % cfg.urls.length];
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(hubUrl(base, token), { perMessageDeflate: false, handshakeTimeout: CONNECT_DEADLINE_MS });
    sockets[i] = ws;
    let ready = false;
    let rest = ''; // a record cut across websocket messages (the server does not do that, but be safe)
    const where = `client ${i} to ${base.origin}`;

    ws.on('unexpected-response', (_req, res) => {
      reject(new Error(`connection failed for ${where}: HTTP ${res.statusCode} on the websocket upgrade` +
        (res.statusCode === 401 ? ' (token rejected?)' : res.statusCode === 404 ? ` (is ${HUB_PATH} mapped?)` : '')));
      res.resume();
      ws.terminate();
    });
    ws.on('error', (err) => {
      if (!ready) reject(new Error(`connection failed for ${where}: ${err.message}`));
      else if (running && !finishing && disconnectsDuringRun < 5) log(`socket error: ${err.message}`);
    });
    ws.on('open', () => ws.send(HANDSHAKE));
    ws.on('close', (code, reason) => {
      if (!ready) {
        reject(new Error(`connection closed before the SignalR handshake for ${where}: ${code} ${reason}`));
      } else if (running && !finishing) {
        disconnectsDuringRun++;
        if (disconnectsDuringRun <= 5) log(`socket closed during run: ${code} ${reason}`);
      }
    });
    ws.on('message', (data, isBinary) => {
      frames++;
      if (isBinary) return;
      let text = data.toString();
      if (rest) { text = rest + text; rest = ''; }
      let start = 0;
      let end = text.indexOf(RS);
      if (!ready) {
        if (end < 0) { rest = text; return; }
        let reply;
        try { reply = JSON.parse(text.slice(0, end)); } catch { reply = { error: `unparsable reply ${JSON.stringify(text.slice(0, 200))}` }; }
        if (reply.error) {
          reject(new Error(`SignalR handshake rejected for ${where}: ${reply.error}`));
          ws.terminate();
          return;
        }
        ready = true;
        resolve();
        start = end + 1;
        end = text.indexOf(RS, start);
      }
      while (end >= 0) {
        onRecord(text.slice(start, end));
        start = end + 1;
        end = text.indexOf(RS, start);
      }
      if (start < text.length) rest = text.slice(start);
    });
  });
}

function closeAll() {
  clearInterval(pinger);
  for (const ws of sockets) {
    if (!ws) continue;
    if (ws.readyState === WebSocket.OPEN) ws.close(1000);
    else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
  }
}

async function connectAll(token) {
  const deadline = new Promise((_, reject) => {
    const t = setTimeout(() => reject(new Error(`not all ${N} clients connected (SignalR handshake done) within ${CONNECT_DEADLINE_MS / 1000} s`)), CONNECT_DEADLINE_MS);
    t.unref();
  });
  const work = (async () => {
    for (let start = 0; start < N; start += CONNECT_BATCH) {
      const batch = [];
      for (let i = start; i < Math.min(start + CONNECT_BATCH, N); i++) batch.push(connectOne(i, token));
      await Promise.all(batch);
    }
  })();
  work.catch(() => {}); // the race below reports it; avoid an unhandled rejection if the deadline wins
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

// CPU used by every server process, summed (GET /api/bench/cpu of each instance).
async function serverCpuMs() {
  let total = 0;
  for (const url of cfg.urls) {
    const res = await fetch(new URL('api/bench/cpu', url));
    if (!res.ok) throw new Error(`GET api/bench/cpu on ${url.origin}: HTTP ${res.status}`);
    total += (await res.json()).cpuMs;
  }
  return total;
}

let cpuBefore = NaN;
let cpuClientBefore;
let framesBefore = 0;

async function finish(why) {
  if (finishing) return;
  finishing = true;
  clearInterval(watchdog);
  clearInterval(pinger);
  let serverCpu = NaN;
  try { serverCpu = (await serverCpuMs()) - cpuBefore; } catch { /* reported as null */ }
  const D = deliveries;
  const sorted = latencies.subarray(0, D).sort();
  const durationMs = D > 0 ? lastRecvAt - firstSentAt : NaN;
  const result = {
    peer: 'signalr-node',
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
  const cpu = process.cpuUsage(cpuClientBefore);
  log(`finished (${why}); deliveries ${D}/${expected}, extra ${extra}, disconnects during run ${disconnectsDuringRun}, ` +
      `server closes ${serverCloses}, wall ${((nowMs() - publishAt) / 1000).toFixed(2)} s since publish, ` +
      `${frames - framesBefore} websocket messages since publish, client CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms since publish`);
  closeAll();
  const code = D === expected ? 0 : 2;
  process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(code));
}

async function getToken() {
  const url = api('api/bench/token');
  let res;
  try {
    res = await fetch(url, { method: 'POST' });
  } catch (err) {
    fail(`POST ${url} failed: ${err.cause?.message ?? err.message} (is the app up?)`);
  }
  if (!res.ok) fail(`POST ${url} returned HTTP ${res.status} (is the app running with REALTIME_BENCH_ENDPOINTS=true?)`);
  const token = (await res.json().catch(() => ({}))).token;
  if (typeof token !== 'string' || !token) fail(`POST ${url} answered without a "token"`);
  return token;
}

async function requestPublish(count, rate) {
  const publishUrl = api('api/bench/publish');
  let res;
  try {
    res = await fetch(publishUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ count, rate, payloadBytes: cfg.payload, wait: false }),
    });
  } catch (err) {
    closeAll();
    fail(`publish to ${publishUrl} failed: ${err.cause?.message ?? err.message}`);
  }
  if (res.status !== 202) {
    const body = await res.text().catch(() => '');
    closeAll();
    fail(`publish to ${publishUrl} returned HTTP ${res.status}${body ? `: ${body.slice(0, 300)}` : ''}`);
  }
}

// Warm-up ticks are counted apart (see onTick) and never measured.
async function warmUp() {
  warming = true;
  await runWarmUp({ events: cfg.warmup, clients: N, rate: cfg.rate, publish: requestPublish, received: () => warmed, log });
  warming = false;
}

let token;

async function main() {
  token = await getToken();
  const t0 = nowMs();
  // Pings keep idle connections alive (the server drops a client silent for 30 s); started before connecting, as
  // connecting 1,000 clients can take a while. Only sockets past the handshake are pinged.
  pinger = setInterval(() => {
    for (const ws of sockets) if (ws && ws.readyState === WebSocket.OPEN) ws.send(PING);
  }, PING_EVERY_MS);
  try {
    await connectAll(token);
  } catch (err) {
    closeAll();
    fail(err.message);
  }
  log(`${N} clients connected to ${cfg.urls.length} url(s) in ${((nowMs() - t0) / 1000).toFixed(2)} s`);

  running = true;
  if (cfg.warmup > 0) await warmUp();
  try { cpuBefore = await serverCpuMs(); } catch (err) { log(`cannot read server CPU: ${err.message}`); }
  cpuClientBefore = process.cpuUsage();
  framesBefore = frames;
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
