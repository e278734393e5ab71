// Measures a generated Lambda@Edge handler in Node.js: with "load", the time
// to import the module (reading and preparing the bundled rules: the cold
// start a new container pays); with "run", the time per invocation over the
// events in events.json (hits spread over many rules, misses, pattern hits).
//
//   node bench.mjs load DIR
//   node bench.mjs run DIR ITERATIONS
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [, , mode, dir, iterations] = process.argv;
// CPU time is reported beside wall time: on a shared machine the wall
// clock also counts the time other processes hold the cores.
const cpu = (c) => (c.user + c.system) / 1000; // ms
const t0 = performance.now(), c0 = process.cpuUsage();
const { handler } = await import(pathToFileURL(join(dir, 'index.mjs')).href);
const loadMs = performance.now() - t0, loadCPUMs = cpu(process.cpuUsage(c0));
if (mode === 'load') {
  console.log(JSON.stringify({ loadMs, loadCPUMs, heapMB: process.memoryUsage().heapUsed / 1048576 }));
  process.exit(0);
}
const groups = JSON.parse(readFileSync(join(dir, 'events.json'), 'utf8'));
const out = { loadMs };
for (const [name, events] of Object.entries(groups)) {
  const n = Number(iterations);
  for (let i = 0; i < Math.min(n, 20000); i++) await handler(events[i % events.length]); // warm up
  const start = process.hrtime.bigint(), c = process.cpuUsage();
  for (let i = 0; i < n; i++) await handler(events[i % events.length]);
  out[name] = Number(process.hrtime.bigint() - start) / n / 1000; // microseconds
  out[name + 'CPU'] = cpu(process.cpuUsage(c)) * 1000 / n;
  const sample = await handler(events[0]);
  out[name + 'Status'] = sample.status;
}
console.log(JSON.stringify(out));
