package jsgen

import (
	"fmt"

	"github.com/signposthq/signpost/rules"
)

// Limits CloudFront enforces on what signpost generates.
const (
	// MaxFunctionSize is the largest CloudFront Function code.
	MaxFunctionSize = 10 * 1024
	// MaxKVSKey, MaxKVSValue and MaxKVSFile bound a KeyValueStore: each key,
	// each value, and the whole import file.
	MaxKVSKey   = 512
	MaxKVSValue = 1024
	MaxKVSFile  = 5 * 1024 * 1024
	// MaxViewerZip and MaxOriginZip bound a Lambda@Edge deployment package
	// for viewer and origin triggers.
	MaxViewerZip = 1024 * 1024
	MaxOriginZip = 50 * 1024 * 1024
)

// LimitError says which CloudFront limit an artifact exceeds and, when one
// rule is the cause, which.
type LimitError struct {
	What  string // e.g. "KeyValueStore value"
	Size  int    // bytes
	Limit int    // bytes
	Rule  *rules.Rule
	Hint  string
}

func (e *LimitError) Error() string {
	msg := fmt.Sprintf("%s is %s, over CloudFront's limit of %s", e.What, bytesText(e.Size), bytesText(e.Limit))
	if e.Rule != nil {
		where := ""
		if e.Rule.KeyPos.IsValid() {
			where = fmt.Sprintf(" (line %d)", e.Rule.KeyPos.Line)
		}
		msg = fmt.Sprintf("rule %q%s: %s", e.Rule.Source, where, msg)
	}
	return msg
}

func bytesText(n int) string {
	switch {
	case n >= 1024*1024 && n%(1024*1024) == 0:
		return fmt.Sprintf("%d MB", n/(1024*1024))
	case n >= 1024 && n%1024 == 0:
		return fmt.Sprintf("%d KB", n/1024)
	}
	return fmt.Sprintf("%d bytes", n)
}
