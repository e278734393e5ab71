// The body of a CloudFront Function; package jsgen minifies it and puts
// the import of 'cloudfront' (with a KeyValueStore) and the banner first.
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
{{- if .Debug}}
  res.headers['x-signpost-rule'] = { value: String(d.rule) };
{{- end}}
  return res;
}
