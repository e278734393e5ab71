package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/internal/samplepath"
)

// publishFunction syncs the KeyValueStore, updates the function's
// DEVELOPMENT stage, tests it against the engine and publishes it to LIVE.
// When the test or the publication fails, the store is put back as it was
// and LIVE is untouched.
func (d *Deployer) publishFunction(ctx context.Context, p *Plan) (err error) {
	name := d.Target.CFFunction
	cf := d.Clients.CloudFront
	if d.Target.KVSARN != "" {
		undo, serr := d.kvsSync(ctx, p.payload.kvs)
		if serr != nil {
			return serr
		}
		defer func() {
			if err != nil {
				if uerr := undo(context.WithoutCancel(ctx)); uerr != nil {
					err = fmt.Errorf("%w; and %v", err, uerr)
				}
			}
		}()
	}
	var etag string
	err = d.step("update function "+name+" (DEVELOPMENT)", func() (string, error) {
		cur, err := cf.DescribeFunction(ctx, &cloudfront.DescribeFunctionInput{Name: &name, Stage: cftypes.FunctionStageDevelopment})
		if err != nil {
			return "", fmt.Errorf("reading CloudFront function %s: %w", name, err)
		}
		cfg := &cftypes.FunctionConfig{Comment: aws.String("redirects deployed by signpost"), Runtime: cftypes.FunctionRuntimeCloudfrontJs20}
		if cur.FunctionSummary != nil && cur.FunctionSummary.FunctionConfig != nil {
			old := cur.FunctionSummary.FunctionConfig
			cfg.KeyValueStoreAssociations = old.KeyValueStoreAssociations
			if old.Comment != nil {
				cfg.Comment = old.Comment
			}
		}
		if d.Target.KVSARN != "" && !hasKVS(cfg.KeyValueStoreAssociations, d.Target.KVSARN) {
			cfg.KeyValueStoreAssociations = &cftypes.KeyValueStoreAssociations{Quantity: aws.Int32(1),
				Items: []cftypes.KeyValueStoreAssociation{{KeyValueStoreARN: aws.String(d.Target.KVSARN)}}}
		}
		out, err := cf.UpdateFunction(ctx, &cloudfront.UpdateFunctionInput{Name: &name, IfMatch: cur.ETag, FunctionCode: p.payload.code, FunctionConfig: cfg})
		if err != nil {
			if isPreconditionFailed(err) {
				return "", fmt.Errorf("%w: CloudFront function %s was changed by someone else", ErrConflict, name)
			}
			return "", fmt.Errorf("updating CloudFront function %s: %w", name, err)
		}
		etag = aws.ToString(out.ETag)
		return ByteSize(len(p.payload.code)), nil
	})
	if err != nil {
		return err
	}
	var changed []string
	for _, c := range p.Changes {
		changed = append(changed, c.Source)
	}
	samples := Samples(p.table, d.Options.Samples, changed)
	err = d.step(fmt.Sprintf("test function %s on %d sample requests", name, len(samples)), func() (string, error) {
		most := 0
		for _, s := range samples {
			cu, err := d.testSample(ctx, name, etag, s)
			if err != nil {
				return "", err
			}
			most = max(most, cu)
		}
		detail := fmt.Sprintf("every answer agrees with the engine; compute utilization at most %d%%", most)
		if most > 70 {
			// CloudFront throttles a function whose utilization nears 100.
			detail += " (high: CloudFront may throttle it)"
		}
		return detail, nil
	})
	if err != nil {
		return fmt.Errorf("%w (LIVE is unchanged; DEVELOPMENT holds the code that failed)", err)
	}
	return d.step("publish function "+name+" (LIVE)", func() (string, error) {
		_, err := cf.PublishFunction(ctx, &cloudfront.PublishFunctionInput{Name: &name, IfMatch: &etag})
		if err != nil {
			if isPreconditionFailed(err) {
				return "", fmt.Errorf("%w: CloudFront function %s was changed by someone else before it was published", ErrConflict, name)
			}
			return "", fmt.Errorf("publishing CloudFront function %s: %w", name, err)
		}
		return "", nil
	})
}

func hasKVS(a *cftypes.KeyValueStoreAssociations, arn string) bool {
	if a == nil {
		return false
	}
	for _, it := range a.Items {
		if aws.ToString(it.KeyValueStoreARN) == arn {
			return true
		}
	}
	return false
}

// Sample is a request a CloudFront Function is tested with, and what the
// engine answers it.
type Sample struct {
	Host, Path, Query string
	Want              engine.Decision
}

// Samples builds up to n requests (0 means 20) and the engine's answers to
// them: first one for each of the sources in first (the sources a deploy
// adds, changes or removes: a removed one must no longer redirect), then
// one per rule of the table, placeholders filled in; the first with a query
// string; the last a path no rule matches.
func Samples(t *engine.Table, n int, first []string) []Sample {
	if n <= 0 {
		n = 20
	}
	const host = "www.example.test"
	sources := append([]string(nil), first...)
	for _, r := range t.Rules().Rules {
		sources = append(sources, r.Source)
	}
	var out []Sample
	seen := map[string]bool{}
	for _, src := range sources {
		if len(out) >= n-1 {
			break
		}
		h, path := engine.SplitSource(src)
		if h == "" {
			h = host
		}
		path = samplePath(path)
		if path == "" || seen[h+path] {
			continue
		}
		seen[h+path] = true
		q := ""
		if len(out) == 0 {
			q = "signpost=1"
		}
		out = append(out, Sample{Host: h, Path: path, Query: q, Want: t.Resolve(h, path, q)})
	}
	miss := "/signpost-sample-without-a-rule"
	out = append(out, Sample{Host: host, Path: miss, Want: t.Resolve(host, miss, "")})
	return out
}

// samplePath fills a source's placeholders and escapes it as a request
// URI; "" when it cannot be sent as one.
func samplePath(src string) string {
	src = strings.TrimSuffix(src, "*")
	p := samplepath.Fill(src, "sample")
	if strings.HasSuffix(src, "/") || p == "" {
		p += "sample"
	}
	if !strings.HasPrefix(p, "/") {
		return ""
	}
	// Keep escapes as written; escape what a browser would.
	return samplepath.Escape(p)
}

// testSample runs the function's DEVELOPMENT stage on one viewer-request
// event and compares its answer with the engine's.
func (d *Deployer) testSample(ctx context.Context, name, etag string, s Sample) (utilization int, err error) {
	ev := map[string]any{
		"version": "1.0",
		"context": map[string]any{"eventType": "viewer-request"},
		"viewer":  map[string]any{"ip": "198.51.100.7"},
		"request": map[string]any{
			"method": "GET", "uri": s.Path, "querystring": querystringObject(s.Query),
			"headers": map[string]any{"host": map[string]string{"value": s.Host}}, "cookies": map[string]any{},
		},
	}
	body, _ := json.Marshal(ev)
	out, err := d.Clients.CloudFront.TestFunction(ctx, &cloudfront.TestFunctionInput{Name: &name, IfMatch: &etag, Stage: cftypes.FunctionStageDevelopment, EventObject: body})
	if err != nil {
		return 0, fmt.Errorf("testing CloudFront function %s on %s: %w", name, s.Path, err)
	}
	tr := out.TestResult
	if tr == nil {
		return 0, fmt.Errorf("testing CloudFront function %s on %s: no result", name, s.Path)
	}
	if msg := aws.ToString(tr.FunctionErrorMessage); msg != "" {
		return 0, fmt.Errorf("function %s failed on %s: %s", name, s.Path, msg)
	}
	var got struct {
		Response *struct {
			StatusCode int `json:"statusCode"`
			Headers    map[string]struct {
				Value string `json:"value"`
			} `json:"headers"`
		} `json:"response"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(tr.FunctionOutput)), &got); err != nil {
		return 0, fmt.Errorf("function %s on %s: its output is not JSON: %v", name, s.Path, err)
	}
	want := describeDecision(s.Want.Match, s.Want.Status, s.Want.Location)
	var have string
	if got.Response == nil {
		have = describeDecision(false, 0, "")
	} else {
		have = describeDecision(true, got.Response.StatusCode, got.Response.Headers["location"].Value)
	}
	if have != want {
		return 0, &ErrDisagrees{Function: name, Request: s.Host + s.Path + querySuffix(s.Query), Have: have, Want: want}
	}
	utilization, _ = strconv.Atoi(aws.ToString(tr.ComputeUtilization))
	return utilization, nil
}

func describeDecision(match bool, status int, location string) string {
	if !match {
		return "no redirect"
	}
	if location == "" {
		return fmt.Sprint(status)
	}
	return fmt.Sprintf("%d %s", status, location)
}

func querySuffix(q string) string {
	if q == "" {
		return ""
	}
	return "?" + q
}

// querystringObject writes a query string the way CloudFront Functions
// receive it: {name: {value}}, with multiValue for a repeated name.
func querystringObject(q string) map[string]any {
	out := map[string]any{}
	vals, _ := url.ParseQuery(q)
	for k, vs := range vals {
		first := map[string]any{"value": vs[0]}
		if len(vs) > 1 {
			var mv []map[string]string
			for _, v := range vs {
				mv = append(mv, map[string]string{"value": v})
			}
			first["multiValue"] = mv
		}
		out[k] = first
	}
	return out
}
