// {{.Banner}}
// CloudFront Function (cloudfront-js-2.0), viewer-response: adds the security
// headers to every response CloudFront sends.
var HEADERS = {{.Headers}};
function handler(event) {
  var res = event.response;
  for (var i = 0; i < HEADERS.length; i++) res.headers[HEADERS[i][0]] = { value: HEADERS[i][1] };
  return res;
}
