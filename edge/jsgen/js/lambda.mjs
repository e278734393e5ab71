// {{.Banner}}
//
// Lambda@Edge handler for the {{.Trigger}} trigger (runtime nodejs22.x or
// nodejs20.x, handler index.handler). Lambda@Edge has no environment
// variables, so every setting is written here.
{{if .S3}}import { createHash, createHmac } from 'node:crypto';
{{end}}{{if .Bundled}}import { readFileSync } from 'node:fs';
{{end}}
const SETTINGS = {{.Settings}};

{{.Runtime}}
{{if .S3}}{{.S3Source}}{{if .Bundled}}
// The rules as they were at build time, served only until S3 first answers:
// a container that starts while S3 is unreachable still redirects.
source.table = loadTable(JSON.parse(readFileSync(new URL('./rules.json', import.meta.url), 'utf8')));
{{end}}{{else}}
// The compiled rules, bundled beside this file and read once per container.
const TABLE = loadTable(JSON.parse(readFileSync(new URL('./rules.json', import.meta.url), 'utf8')));
{{end}}
// decide returns the rule's answer for the request, or null. A failure here
// is a bug, never the request's fault: it is logged and the request goes on
// as if no rule matched, rather than CloudFront answering 502.
function decide(table, request) {
  try {
    const host = request.headers && request.headers.host && request.headers.host[0] ? request.headers.host[0].value : '';
    return table ? resolve(table, host, request.uri, request.querystring || '') : null;
  } catch (e) {
    console.error('signpost: resolving ' + JSON.stringify(request.uri) + ' failed: ' + (e && e.stack ? e.stack : e));
    return null;
  }
}

// The security headers, built once: CloudFront reads the returned object
// and never changes it, so every response can share them.
const HEADERS = SETTINGS.headers.map((h) => [h.name.toLowerCase(), Object.freeze([Object.freeze({ key: h.name, value: h.value })])]);
const STATUS = {};
for (const code in STATUS_TEXT) STATUS[code] = String(code);

function addHeaders(headers, d) {
  for (let i = 0; i < HEADERS.length; i++) headers[HEADERS[i][0]] = HEADERS[i][1];
  if (SETTINGS.debugHeader && d !== null) headers['x-signpost-rule'] = [{ key: 'X-Signpost-Rule', value: String(d.rule) }];
}

export const handler = async (event) => {
  const cf = event.Records[0].cf;
  const d = decide({{if .S3}}await currentTable(SETTINGS.s3){{else}}TABLE{{end}}, cf.request);
{{- if eq .Trigger "viewer-request"}}
  if (d === null) return cf.request;
  const response = { status: STATUS[d.status], statusDescription: STATUS_TEXT[d.status], headers: {} };
  if (d.location) response.headers.location = [{ key: 'Location', value: d.location }];
  addHeaders(response.headers, d);
  return response;
{{- else}}
  const response = cf.response;
  if (!response.headers) response.headers = {};
  addHeaders(response.headers, d);
  if (d !== null) {
    // Keep the origin's headers: CloudFront fails the request when a
    // function sets or clears a read-only one such as transfer-encoding.
    response.status = STATUS[d.status];
    response.statusDescription = STATUS_TEXT[d.status];
    if (d.location) response.headers.location = [{ key: 'Location', value: d.location }];
    else delete response.headers.location;
  }
  return response;
{{- end}}
};
