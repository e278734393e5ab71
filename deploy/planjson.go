package deploy

import (
	"encoding/json"
	"time"
)

// ReleaseSummary describes a release without its rules, for output.
type ReleaseSummary struct {
	ID               string `json:"id"`
	Mode             Mode   `json:"mode"`
	CreatedAt        string `json:"createdAt"`
	Rules            int    `json:"rules"`
	Digest           string `json:"digest"`
	ArtifactSHA256   string `json:"artifactSha256,omitempty"`
	LambdaVersionARN string `json:"lambdaVersionArn,omitempty"`
	RolledBackFrom   string `json:"rolledBackFrom,omitempty"`
}

// Summary returns r without its rules; nil for nil.
func (r *Release) Summary() *ReleaseSummary {
	if r == nil {
		return nil
	}
	return &ReleaseSummary{ID: r.ID, Mode: r.Mode, CreatedAt: r.CreatedAt.Format(time.RFC3339), Rules: len(r.Rules),
		Digest: r.Digest, ArtifactSHA256: r.ArtifactSHA256, LambdaVersionARN: r.LambdaVersionARN, RolledBackFrom: r.RolledBackFrom}
}

// MarshalJSON writes the plan for machines: the releases summarized (a
// million rules are not repeated), the changes in full. It is the only
// JSON form of a Plan, by value or by pointer.
func (p Plan) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Mode         Mode             `json:"mode"`
		Rollback     bool             `json:"rollback"`
		Current      *ReleaseSummary  `json:"current"`
		Next         *ReleaseSummary  `json:"next"`
		UpToDate     bool             `json:"upToDate"`
		Stats        DiffStats        `json:"stats"`
		Changes      []Change         `json:"changes"`
		Invalidation InvalidationPlan `json:"invalidation"`
		Calls        []string         `json:"calls"`
		Locked       *Lock            `json:"locked,omitempty"`
	}{p.Mode, p.Rollback, p.Current.Summary(), p.Next.Summary(), p.UpToDate, p.Stats, p.Changes, p.Invalidation, p.Calls, p.Locked})
}

// MarshalJSON writes the result for machines.
func (r Result) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Plan          *Plan           `json:"plan"`
		Release       *ReleaseSummary `json:"release"`
		Invalidations []Invalidation  `json:"invalidations"`
		DurationMS    int64           `json:"durationMs"`
	}{r.Plan, r.Release.Summary(), r.Invalidations, r.Duration.Milliseconds()})
}
