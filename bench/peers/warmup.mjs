// The warm-up both Node load generators run before a measured run (bench/run.sh gives every peer the same one):
// `events` flooded to every client and discarded, ROUNDS times, each followed by a pause in which the server's JIT can
// finish its background tier-up on an otherwise idle machine. Without it a fresh .NET server spends most of a short
// flood compiling, and the run would measure start-up rather than steady state. A paced run then gets PACED_SECONDS of
// events at its own rate, also discarded: a flood does not reach the paced code paths (a queue drained while idle, a
// write per event), whose tier-up otherwise ran inside the measured window (16% of a paced profile).
import { performance } from 'node:perf_hooks';

const ROUNDS = 2;
const PAUSE_MS = 2000;
const ROUND_DEADLINE_MS = 30_000;
const PACED_SECONDS = 10;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {{events: number, clients: number, rate: number, publish: (count: number, rate: number) => Promise<void>,
 *          received: () => number, log: (...a: unknown[]) => void}} o  publish sends `count` events at `rate` per second
 *          (0 = flood); rate is the measured run's; received counts warm-up deliveries so far
 */
export async function warmUp({ events, clients, rate, publish, received, log }) {
  const started = performance.now();
  const rounds = [...Array(ROUNDS)].map(() => ({ count: events, rate: 0, deadlineMs: ROUND_DEADLINE_MS }));
  if (rate > 0) {
    const count = Math.ceil(rate * PACED_SECONDS);
    rounds.push({ count, rate, deadlineMs: (count / rate) * 1000 + ROUND_DEADLINE_MS });
  }
  let expected = 0;
  for (const round of rounds) {
    const roundStarted = performance.now();
    expected += clients * round.count;
    await publish(round.count, round.rate);
    while (received() < expected && performance.now() - roundStarted < round.deadlineMs) await sleep(50);
    await sleep(PAUSE_MS);
  }
  log(`warm-up: ${received()}/${expected} deliveries in ${((performance.now() - started) / 1000).toFixed(2)} s (discarded)`);
}
