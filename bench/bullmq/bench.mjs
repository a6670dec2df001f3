// BullMQ peer of the job engine benchmark: no-op jobs through a queue and a worker on the same Redis, with the same
// job count, concurrency and submission pattern as the Atelier run. Prints one JSON line with its figures.
//   node bench.mjs <redis-url> <jobs> <concurrency> <warmup-jobs> <paced-rate> <paced-jobs>
import { Queue, Worker } from 'bullmq';

const [redisUrl, jobsArg, concurrencyArg, warmupArg, rateArg, pacedArg] = process.argv.slice(2);
const url = new URL(redisUrl);
const connection = { host: url.hostname, port: Number(url.port), maxRetriesPerRequest: null };
const jobs = Number(jobsArg);
const concurrency = Number(concurrencyArg);
const warmup = Number(warmupArg);
const rate = Number(rateArg);
const pacedJobs = Number(pacedArg);
const window = concurrency * 4;

const queue = new Queue('atelier-bench', { connection });
await queue.obliterate({ force: true }).catch(() => {});

let expected = 0;
let completed = 0;
let latencies = [];
let onDone = () => {};
const worker = new Worker('atelier-bench', async () => {}, { connection, concurrency });
worker.on('completed', (job) => {
  // Queue latency: from the add call (timestamp) to the moment the job became active (processedOn).
  latencies.push(job.processedOn - job.timestamp);
  if (++completed === expected) onDone();
});
await worker.waitUntilReady();

/** Adds `count` jobs, `window` additions in flight, or `perSecond` a second when above zero; waits until done. */
async function run(count, perSecond = 0) {
  completed = 0;
  expected = count;
  latencies = [];
  const finished = new Promise((resolve) => { onDone = resolve; });
  const started = process.hrtime.bigint();
  let next = 0;
  if (perSecond > 0) {
    // Every 10 ms, the jobs due by then: an open-loop load that does not wait for the engine.
    await new Promise((resolve, reject) => {
      const timer = setInterval(() => {
        const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
        const due = Math.min(count, Math.floor(elapsed * perSecond));
        while (next < due) {
          next++;
          queue.add('noop', {}).catch(reject);
        }
        if (next >= count) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
  } else {
    async function submitter() {
      while (next < count) {
        next++;
        await queue.add('noop', {});
      }
    }
    await Promise.all(Array.from({ length: window }, submitter));
  }
  await finished;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const pick = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { jobs: count, seconds, jobsPerSecond: count / seconds, p50Ms: pick(0.5), p99Ms: pick(0.99) };
}

await run(warmup);
const throughput = await run(jobs);
const paced = await run(pacedJobs, rate);
console.log(JSON.stringify({ engine: 'bullmq', version: '6.7.0', concurrency, throughput, paced }));
await worker.close();
await queue.close();
process.exit(0);
