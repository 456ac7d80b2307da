// The warm-up both Node load generators run before a measured run (bench/run.sh gives every peer the same one):
// `events` flooded to every client and discarded, ROUNDS times, each followed by a pause in which the server's JIT can
// finish its background tier-up on an otherwise idle machine. Without it a fresh .NET server spends most of a short
// flood compiling, and the run would measure start-up rather than steady state.
import { performance } from 'node:perf_hooks';

const ROUNDS = 2;
const PAUSE_MS = 2000;
const ROUND_DEADLINE_MS = 30_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {{events: number, clients: number, publish: (count: number) => Promise<void>, received: () => number,
 *          log: (...a: unknown[]) => void}} o  publish floods `count` events; received counts warm-up deliveries so far
 */
export async function warmUp({ events, clients, publish, received, log }) {
  const started = performance.now();
  for (let round = 1; round <= ROUNDS; round++) {
    await publish(events);
    while (received() < clients * events * round && performance.now() - started < ROUND_DEADLINE_MS * round) await sleep(50);
    await sleep(PAUSE_MS);
  }
  log(`warm-up: ${received()}/${clients * events * ROUNDS} deliveries in ${((performance.now() - started) / 1000).toFixed(2)} s (discarded)`);
}
