// Package deploy takes a checked rules file to CloudFront and back: it plans
// (the difference between the rules being deployed and the rules live now,
// and the calls that would make it so), applies that plan in one of three
// modes, and rolls back to the release before.
//
// # Modes
//
//   - ModeS3: the S3-backed Lambda@Edge function reads the compiled table
//     from s3://Bucket/Key. Deploying uploads the table and invalidates the
//     sources that changed. Only S3 and CloudFront's CreateInvalidation and
//     GetInvalidation are called.
//   - ModeLambdaEdge: the rules are bundled in the function's code. In
//     us-east-1: UpdateFunctionCode, PublishVersion, wait until the version is
//     Active, then point the chosen trigger of the chosen cache behavior of
//     every distribution at the new version (UpdateDistribution with
//     If-Match), and invalidate what changed.
//   - ModeCloudFrontFunction: UpdateFunction (DEVELOPMENT), the KeyValueStore
//     synchronised by difference, TestFunction on sample requests compared
//     with the engine's decisions, PublishFunction to LIVE.
//
// # State in the bucket
//
// Every mode keeps its releases beside the rules object, under the prefix
// Key + ".signpost/" (bucket versioning is not needed):
//
//	current.json       the release that is live: its rules and what it deployed
//	current.artifact   the bytes it deployed (table, or function code and KVS entries)
//	previous.json      the release before it, which rollback restores
//	previous.artifact
//	pending.json       the release a deploy in progress is publishing
//
// current.json is also the lock that makes deploys safe to run concurrently:
// before changing anything a deploy rewrites it with a pending marker,
// conditionally on the ETag it read when it planned (S3 If-Match, or
// If-None-Match for the first deploy). Of two deploys that planned against
// the same release, exactly one gets the lock; the other stops before any
// change. Every write to CloudFront, Lambda and the KeyValueStore is also
// conditional on the ETag or revision read at the start. A deploy that
// takes over the lock of one that died (after Options.LockTimeout, or with
// BreakLock) also invalidates what the dead one may have made live.
//
// # Failure half-way
//
// Steps are ordered so that what is live never points at something broken:
// a Lambda version is published and Active before a distribution refers to
// it; a CloudFront Function is tested before it is published; KeyValueStore
// batches that were applied are reverted when a later one fails. When a step
// fails the lock is released with the release that is still live.
package deploy
