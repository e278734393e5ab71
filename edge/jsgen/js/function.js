{{if .KVS}}import cf from 'cloudfront';
{{end}}// {{.Banner}}
// CloudFront Function (cloudfront-js-2.0), viewer-request. The runtime below
// is minified to fit CloudFront's 10 KB; its readable source is the same as
// in the Lambda@Edge package (signpost build --target lambda-edge).
{{- if .KVS}} Exact rules are read from the associated KeyValueStore.{{end}}
var HEADERS = {{.Headers}};
{{- if .KVS}}
var KVS = cf.kvs();

// kvsEntry reads an exact rule's answer from the KeyValueStore; a missing
// key (or a store error) means no exact rule.
async function kvsEntry(ht, kind, key) {
  try {
    return JSON.parse(await KVS.get((kind === 'override' ? '~' : '') + ht.name + key));
  } catch (e) {
    return null;
  }
}
{{- end}}
{{.Runtime}}
var TABLE = SP.loadTable({{.Table}});

// queryString rebuilds the raw query from request.querystring: values stay
// percent-encoded as the viewer sent them, a repeated name keeps every value.
function queryString(qs) {
  if (typeof qs === 'string') return qs;
  var out = [];
  for (var k in qs) {
    var v = qs[k], vs = v.multiValue ? v.multiValue : [v];
    for (var i = 0; i < vs.length; i++) out.push(vs[i].value === '' ? k : k + '=' + vs[i].value);
  }
  return out.join('&');
}

{{if .KVS}}async {{end}}function handler(event) {
  var r = event.request, h = r.headers && r.headers.host ? r.headers.host.value : '';
  var d = {{if .KVS}}await {{end}}SP.resolve(TABLE, h, r.uri, queryString(r.querystring));
  if (d === null) return r;
  var res = { statusCode: d.status, statusDescription: SP.STATUS_TEXT[d.status], headers: {} };
  if (d.location) res.headers.location = { value: d.location };
  for (var i = 0; i < HEADERS.length; i++) res.headers[HEADERS[i][0]] = { value: HEADERS[i][1] };
  return res;
}
