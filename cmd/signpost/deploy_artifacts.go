package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/deploy"
	"github.com/signposthq/signpost/edge"
	"github.com/signposthq/signpost/edge/jsgen"
	"github.com/signposthq/signpost/engine"
)

// deployArtifacts builds what the mode publishes from the rules it just
// checked: the engine's compiled table (mode s3), the Lambda@Edge zip with
// the rules bundled, or the CloudFront Function and its KeyValueStore
// entries, with the same builders and header flags as 'signpost build'.
// --zip, or --code and --kvs, deploy files built earlier instead.
func deployArtifacts(t deploy.Target, c *signpost.Compiled, f *deployFlags) (*deploy.Artifacts, error) {
	enc, err := engine.Encode(c.Table)
	if err != nil {
		return nil, fmt.Errorf("compiling the rules: %w", err)
	}
	art := &deploy.Artifacts{Set: c.Set, Table: c.Table, Compiled: enc}
	policy, err := f.headers.policy()
	if err != nil {
		return nil, err
	}
	switch t.Mode {
	case deploy.ModeLambdaEdge:
		if f.zip != "" {
			art.LambdaZip, err = os.ReadFile(f.zip)
			return art, err
		}
		trig, ok := edge.ParseTrigger(t.Trigger)
		if !ok {
			return nil, fmt.Errorf("signpost builds origin-response and viewer-request functions, not %s; pass a zip built for it with --zip", t.Trigger)
		}
		art.LambdaZip, err = jsgen.LambdaEdgeZip(c.Table, jsgen.LambdaOptions{Trigger: trig, Headers: policy})
		return art, err
	case deploy.ModeCloudFrontFunction:
		if f.code == "" {
			// With a store, the exact rules always live in it, so that a
			// deploy never empties the store because the rules fit the code
			// for once.
			code, kvs, err := jsgen.CloudFrontFunction(c.Table, jsgen.FunctionOptions{Headers: policy, KVS: t.KVSARN != ""})
			if err != nil {
				return nil, err
			}
			art.FunctionCode, art.KVS = code, map[string]string{}
			for _, kv := range kvs {
				art.KVS[kv.Key] = kv.Value
			}
			return art, nil
		}
		if art.FunctionCode, err = os.ReadFile(f.code); err != nil {
			return nil, err
		}
		art.KVS = map[string]string{}
		if f.kvsFile != "" {
			data, err := os.ReadFile(f.kvsFile)
			if err != nil {
				return nil, err
			}
			var imp struct {
				Data []jsgen.KV `json:"data"`
			}
			if err := json.Unmarshal(data, &imp); err != nil {
				return nil, fmt.Errorf("%s is not a KeyValueStore import file: %w", f.kvsFile, err)
			}
			for _, kv := range imp.Data {
				art.KVS[kv.Key] = kv.Value
			}
		}
	}
	return art, nil
}
