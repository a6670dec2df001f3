// BullMQ peer of the job engine benchmark: no-op jobs through a queue and a worker on the same Redis, with the same
// job count, concurrency and submission window as the Atelier run. Prints one JSON line with its figures.
//   node bench.mjs <redis-url> <jobs> <concurrency> <warmup-jobs>
import { Queue, Worker } from 'bullmq';

const [redisUrl, jobsArg, concurrencyArg, warmupArg] = process.argv.slice(2);
const url = new URL(redisUrl);
const connection = { host: url.hostname, port: Number(url.port), maxRetriesPerRequest: null };
const jobs = Number(jobsArg);
const concurrency = Number(concurrencyArg);
const warmup = Number(warmupArg);
const window = concurrency * 4;

const queue = new Queue('atelier-bench', { connection });
await queue.obliterate({ force: true }).catch(() => {});

let expected = 0;
let completed = 0;
let latencies = [];
let onDone = () => {};
const worker = new Worker('atelier-bench', async () => {}, { connection, concurrency });
worker.on('completed', (job) => {
  latencies.push(job.processedOn - job.timestamp);
  if (++completed === expected) onDone();
});
await worker.waitUntilReady();

async function run(count) {
  completed = 0;
  expected = count;
  latencies = [];
  const finished = new Promise((resolve) => { onDone = resolve; });
  const started = process.hrtime.bigint();
  // Submit with a bounded number of additions in flight, as the Atelier run does.
  let next = 0;
  async function submitter() {
    while (next < count) {
      next++;
      await queue.add('noop', {});
    }
  }
  await Promise.all(Array.from({ length: window }, submitter));
  await finished;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const pick = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { jobs: count, seconds, jobsPerSecond: count / seconds, p50Ms: pick(0.5), p99Ms: pick(0.99) };
}

await run(warmup);
const result = await run(jobs);
console.log(JSON.stringify({ engine: 'bullmq', version: '6.7.0', concurrency, ...result }));
await worker.close();
await queue.close();
process.exit(0);
