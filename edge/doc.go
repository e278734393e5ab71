// Package edge is what CloudFront sees of signpost: the events CloudFront
// passes to edge code, and a Go reference handler for each trigger that
// answers them exactly as the generated JavaScript (package edge/jsgen) does.
//
// # Events
//
// Lambda@Edge passes a [LambdaEvent]: Records[0].cf holds config, the
// request (uri without the query string, querystring without "?", headers
// as lower-case names mapped to lists of {key, value}) and, for the
// origin-response trigger, the origin's response (status is a string).
//
// CloudFront Functions pass a [FunctionEvent]: request.uri, request.querystring
// as an object of {value} (plus multiValue when a name repeats), headers as
// lower-case names mapped to {value}, and responses with a numeric
// statusCode.
//
// # Triggers
//
//   - origin-response (the default, as in the original setup, so CloudFront
//     caches the redirect like any other object): every response gets
//     Strict-Transport-Security and the policy's extra headers; on a match the
//     answer is the rule's status and reason phrase with the origin response's
//     headers plus location. Read-only headers (transfer-encoding, via) are
//     never touched, and no disallowed header is ever added: CloudFront
//     answers 502 to a function that does either.
//   - viewer-request: on a match a generated response carrying location and
//     the security headers itself (viewer-response triggers do not run for
//     generated responses); otherwise the request goes on unchanged.
//
// A 410 rule answers 410 Gone without location in both triggers.
//
// # What the origin-response trigger sees
//
// At origin-response the request is the one CloudFront sent to the origin.
// Host-qualified rules (https://old.example.com/pricing) match the request's
// Host header, which there is the origin's (for an S3 origin, the bucket's
// name), so sites with host-qualified rules should use the viewer-request
// trigger or a CloudFront Function. The query string is there only when
// the cache policy puts query strings in the cache key.
package edge
