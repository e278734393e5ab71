package rules

// Limits on what a rules file may hold. Each one has a clear error naming the
// limit and the value found, so that a runaway generator or a pasted binary
// file is refused instead of crashing or slowing down every command.
const (
	// MaxFileSize is the largest rules file accepted, in bytes. A million
	// rules take about 90 MB.
	MaxFileSize = 256 << 20

	// MaxURLLength is the longest source (key) or "to" accepted, in bytes
	// after JSON unescaping. Browsers, CloudFront and S3 all refuse URLs a
	// little longer than a few KiB; a longer value is a mistake.
	MaxURLLength = 4096

	// MaxDepth is the deepest nesting of objects and arrays accepted. The
	// format itself needs two levels (the file, a rule); unknown fields
	// holding deeper values are errors anyway.
	MaxDepth = 32

	// maxSyntaxErrors stops parsing a file that is not JSON at all (a binary
	// file given by mistake) after this many syntax errors.
	maxSyntaxErrors = 100
)
