// Package jsgen generates the JavaScript that applies a compiled rules table
// at CloudFront's edge, and packages it as deployable artifacts.
//
// All the thinking happens in Go (package engine compiles and checks the
// rules and encodes the table). The generated code is a small runtime from
// templates embedded in the binary: it normalizes the request path exactly as
// the engine does, looks the result up in the table, substitutes
// placeholders, appends the query string and checks the Location before it
// answers. Rules are data, never code: nothing from the rules file is
// evaluated, and no regular expression is built from it.
//
// Three artifacts:
//
//   - [LambdaEdgeZip]: a Lambda@Edge function (nodejs22.x or nodejs20.x,
//     index.mjs exporting an async handler) with the table bundled in
//     rules.json, read relative to the module once per container.
//   - [LambdaEdgeZip] with [S3Source]: the same function reading the table
//     from S3 (the object that deploy uploads, produced by [TableJSON]),
//     once per container and then with a conditional GET at most every
//     refresh interval, keeping the last good table when S3 fails (and,
//     with S3Source.Fallback, bundling the table for a cold start while S3
//     is down). Requests to S3 are signed (SigV4) with the credentials of
//     the function's execution role.
//   - [CloudFrontFunction]: a cloudfront-js-2.0 viewer-request function of at
//     most 10 KB, with the table embedded when it fits, otherwise with exact
//     rules in a KeyValueStore (the KVs returned, written by [KVSFile]) and
//     the pattern rules in the code. [ViewerResponseFunction] adds the
//     security headers to ordinary responses when a response headers policy
//     is not used.
//
// Every size limit CloudFront enforces is checked here, and a rule that
// cannot fit is named in a [*LimitError]. [StartLambda] and
// [StartFunction] run the generated code in Node.js, for `signpost
// simulate --runtime node` and the tests; the DebugHeader options add
// X-Signpost-Rule, the index of the rule that answered.
package jsgen
