// socket.io 4.8 comparison peer.
//
//   PORT=5101 [REDIS_URL=redis://127.0.0.1:6390] [HOST=127.0.0.1] node server.js
//
// GET  /healthz  -> 200 "ok"
// GET  /cpu      -> {"cpuMs": user+system CPU time of this process}
// POST /publish  {"count":M,"rate":R,"payloadBytes":B} -> 202, then io.emit("tick", {seq, sentAt, pad}) M times
//                rate 0 = flood (yield with setImmediate every 50 events), rate > 0 = paced at R events/s
//                on a drift-free schedule (event i is due at start + i * 1000 / R).
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { Server } from 'socket.io';

const port = Number.parseInt(process.env.PORT ?? '', 10);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('server.js: env PORT is required (1-65535)');
  process.exit(1);
}
const host = process.env.HOST || '127.0.0.1';
const redisUrl = process.env.REDIS_URL || '';

const FLOOD_BATCH = 50;
const MAX_BODY = 64 * 1024;

const nowMs = () => performance.timeOrigin + performance.now();

let io; // assigned below, used by the publish handler
let stopping = false; // set on SIGINT/SIGTERM: running publish loops stop emitting

function readJson(req, cb) {
  let size = 0;
  const chunks = [];
  req.on('data', (c) => {
    size += c.length;
    if (size > MAX_BODY) {
      req.destroy();
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    try {
      cb(null, JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
    } catch (err) {
      cb(err);
    }
  });
  req.on('error', cb);
}

function publish(count, rate, payloadBytes) {
  const pad = 'x'.repeat(payloadBytes);
  const started = nowMs();
  let seq = 0;

  const done = () => {
    const ms = nowMs() - started;
    console.error(`publish done: ${count} events in ${ms.toFixed(1)} ms`);
  };

  if (rate <= 0) {
    // Flood: emit as fast as possible, yielding every FLOOD_BATCH events so sockets can flush.
    const flood = () => {
      if (stopping) return;
      const end = Math.min(seq + FLOOD_BATCH, count);
      for (; seq < end; seq++) {
        io.emit('tick', { seq, sentAt: nowMs(), pad });
      }
      if (seq < count) setImmediate(flood);
      else done();
    };
    flood();
    return;
  }

  // Paced: event i is due at started + i * intervalMs. Emit everything that is due, then sleep
  // until the next due time. Lateness is never accumulated because due times derive from `started`.
  const intervalMs = 1000 / rate;
  const paced = () => {
    if (stopping) return;
    const now = nowMs();
    while (seq < count && started + seq * intervalMs <= now) {
      io.emit('tick', { seq, sentAt: nowMs(), pad });
      seq++;
    }
    if (seq < count) {
      const wait = started + seq * intervalMs - nowMs();
      setTimeout(paced, wait > 0 ? wait : 0);
    } else {
      done();
    }
  };
  paced();
}

const httpServer = http.createServer((req, res) => {
  const path = (req.url || '/').split('?')[0];
  if (req.method === 'GET' && path === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
    return;
  }
  if (req.method === 'GET' && path === '/cpu') {
    // CPU time used by this process (user + system), so the client can attribute server cost to the publish phase.
    const { user, system } = process.cpuUsage();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ cpuMs: (user + system) / 1000 }));
    return;
  }
  if (req.method === 'POST' && path === '/publish') {
    readJson(req, (err, body) => {
      if (err) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end('bad json');
        return;
      }
      const count = Number(body.count);
      const rate = Number(body.rate ?? 0);
      const payloadBytes = Number(body.payloadBytes ?? 0);
      if (!Number.isInteger(count) || count < 0 || !Number.isFinite(rate) || rate < 0 ||
          !Number.isInteger(payloadBytes) || payloadBytes < 0) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end('expected {"count":int>=0,"rate":number>=0,"payloadBytes":int>=0}');
        return;
      }
      res.writeHead(202, { 'content-type': 'text/plain' });
      res.end('accepted');
      console.error(`publish: count=${count} rate=${rate} payloadBytes=${payloadBytes} clients=${io.engine.clientsCount}`);
      setImmediate(() => publish(count, rate, payloadBytes));
    });
    return;
  }
  // socket.io attaches its own 'request' listener for /socket.io/; leave those alone.
  if (path.startsWith('/socket.io/')) return;
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found');
});

io = new Server(httpServer, {
  transports: ['websocket'],
  perMessageDeflate: false,
  serveClient: false,
  cors: { origin: '*' },
});

const redisClients = [];

async function main() {
  if (redisUrl) {
    const { createClient } = await import('redis');
    const { createAdapter } = await import('@socket.io/redis-adapter');
    const pubClient = createClient({ url: redisUrl });
    const subClient = pubClient.duplicate();
    for (const c of [pubClient, subClient]) c.on('error', (e) => console.error('redis error:', e.message));
    await Promise.all([pubClient.connect(), subClient.connect()]);
    redisClients.push(pubClient, subClient);
    io.adapter(createAdapter(pubClient, subClient));
  }
  httpServer.listen(port, host, () => {
    console.log(`socketio peer listening on ${port} (redis: ${redisUrl ? 'yes' : 'no'})`);
  });
}

function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.error(`socketio peer: ${signal}, shutting down`);
  io.close();
  Promise.allSettled(redisClients.map((c) => c.quit())).finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

main().catch((err) => {
  console.error('socketio peer failed to start:', err);
  process.exit(1);
});
