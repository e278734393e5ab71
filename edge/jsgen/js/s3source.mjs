// Reading the compiled table from S3: once per container, then a
// conditional GET (If-None-Match) at most every refreshSeconds. The last good
// table keeps serving when S3 fails, is slow or holds an invalid object.
// Requests are signed with AWS Signature Version 4 using the credentials the
// Lambda runtime puts in the environment for the function's execution role.

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function sha256hex(s) { return createHash('sha256').update(s, 'utf8').digest('hex'); }
function hmac(key, s) { return createHmac('sha256', key).update(s, 'utf8').digest(); }

// encodeKey encodes each segment of an object key as S3's canonical URI
// wants it: every byte except the unreserved characters, "/" kept.
function encodeKey(key) {
  return key.split('/').map((seg) => encodeURIComponent(seg).replace(/[!'()*]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())).join('/');
}

function s3Request(src, etag) {
  const key = encodeKey(src.key);
  let url, host, path;
  if (src.endpoint) {
    const u = new URL(src.endpoint);
    host = u.host;
    path = u.pathname.replace(/\/+$/, '') + '/' + encodeKey(src.bucket) + '/' + key;
    url = u.protocol + '//' + host + path;
  } else {
    host = src.bucket + '.s3.' + src.region + '.amazonaws.com';
    path = '/' + key;
    url = 'https://' + host + path;
  }
  const env = process.env;
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  const day = amzDate.slice(0, 8);
  const headers = { 'host': host, 'x-amz-content-sha256': EMPTY_SHA256, 'x-amz-date': amzDate };
  if (env.AWS_SESSION_TOKEN) headers['x-amz-security-token'] = env.AWS_SESSION_TOKEN;
  if (etag) headers['if-none-match'] = etag;
  const names = Object.keys(headers).sort();
  const signed = names.join(';');
  const canonical = ['GET', path, '', names.map((n) => n + ':' + headers[n] + '\n').join(''), signed, EMPTY_SHA256].join('\n');
  const scope = day + '/' + src.region + '/s3/aws4_request';
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256hex(canonical)].join('\n');
  let k = hmac('AWS4' + (env.AWS_SECRET_ACCESS_KEY || ''), day);
  k = hmac(hmac(hmac(k, src.region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', k).update(toSign, 'utf8').digest('hex');
  headers['authorization'] = 'AWS4-HMAC-SHA256 Credential=' + (env.AWS_ACCESS_KEY_ID || '') + '/' + scope +
    ', SignedHeaders=' + signed + ', Signature=' + signature;
  delete headers['host'];
  return { url, headers };
}

const source = { table: null, etag: '', checked: 0, pending: null, failures: 0 };

// fetchTable makes one conditional GET and swaps in a new table when S3 has
// a valid new object. It never throws: a failure is logged and the last good
// table stays.
async function fetchTable(src) {
  try {
    const req = s3Request(src, source.table ? source.etag : '');
    const res = await fetch(req.url, { headers: req.headers, signal: AbortSignal.timeout(src.timeoutMs) });
    if (res.status === 304) {
      await res.arrayBuffer();
    } else if (res.status !== 200) {
      const text = (await res.text()).slice(0, 300);
      throw new Error('S3 answered ' + res.status + ': ' + text.replace(/\s+/g, ' '));
    } else {
      const body = await res.text();
      const next = loadTable(JSON.parse(body));
      source.table = next;
      source.etag = res.headers.get('etag') || '';
    }
    source.failures = 0;
  } catch (e) {
    source.failures++;
    console.error('signpost: reading s3://' + src.bucket + '/' + src.key + ' failed' +
      (source.table ? ', keeping the last good rules: ' : ', no rules yet: ') + (e && e.message ? e.message : e));
  }
  // The interval counts from the answer, so a slow S3 is not asked again
  // at once.
  source.checked = Date.now();
}

// currentTable returns the table to answer with, first checking S3 when the
// refresh interval has passed (5 s at most after a failure). One check
// runs at a time.
async function currentTable(src) {
  const wait = source.failures > 0 ? Math.min(src.refreshSeconds, 5) : src.refreshSeconds;
  if (source.checked === 0 || Date.now() - source.checked >= wait * 1000) {
    if (!source.pending) {
      source.pending = fetchTable(src).finally(() => { source.pending = null; });
    }
    await source.pending;
  }
  return source.table;
}
