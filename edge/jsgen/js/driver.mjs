// Runs generated edge code in Node.js for `signpost simulate --runtime node`
// and the tests: one JSON event per line on stdin, one JSON answer per line
// on stdout ({"result": ...} or {"error": "..."}), in order.
//
//   node driver.mjs lambda DIR/index.mjs
//   node driver.mjs function DIR/name.js [DIR/name-kvs.json]
//
// A CloudFront Function is a script whose handler is a top-level function;
// it is loaded as a module with its 'cloudfront' import pointed at a small
// stand-in whose kvs().get reads the KeyValueStore import file and, like
// CloudFront's, rejects for a missing key.
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';

const [, , kind, file, kvsFile] = process.argv;

async function load() {
  if (kind === 'lambda') return (await import(pathToFileURL(file).href)).handler;
  const dir = mkdtempSync(join(tmpdir(), 'signpost-cff-'));
  const data = {};
  if (kvsFile) for (const kv of JSON.parse(readFileSync(kvsFile, 'utf8')).data) data[kv.key] = kv.value;
  writeFileSync(join(dir, 'kvs.json'), JSON.stringify(data));
  writeFileSync(join(dir, 'cloudfront.mjs'), `
import { readFileSync } from 'node:fs';
const data = JSON.parse(readFileSync(new URL('./kvs.json', import.meta.url), 'utf8'));
export default {
  kvs() {
    return {
      async get(key, opts) {
        if (!Object.prototype.hasOwnProperty.call(data, key)) throw new Error('KeyNotFound: ' + key);
        const v = data[key];
        return opts && opts.format === 'json' ? JSON.parse(v) : v;
      },
      async exists(key) { return Object.prototype.hasOwnProperty.call(data, key); },
    };
  },
};
`);
  let code = readFileSync(file, 'utf8');
  code = code.replace(/^import cf from 'cloudfront';$/m, "import cf from './cloudfront.mjs';");
  writeFileSync(join(dir, 'function.mjs'), code + '\nexport { handler };\n');
  return (await import(pathToFileURL(join(dir, 'function.mjs')).href)).handler;
}

const handler = await load();
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (line === '') continue;
  let out;
  try {
    out = { result: await handler(JSON.parse(line)) };
  } catch (e) {
    out = { error: String(e && e.stack ? e.stack : e) };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}
