package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/deploy"
	"github.com/signposthq/signpost/engine"
)

// deployArtifacts builds what the mode publishes from the checked rules.
//
// Mode s3 uploads the engine's compiled table. The edge modes take the
// files 'signpost build' wrote (--zip, or --code and --kvs): this adapter is
// where the edge/jsgen builders are to be called directly, so that deploy
// builds the code from the very rules it checked.
func deployArtifacts(mode deploy.Mode, c *signpost.Compiled, f *deployFlags) (*deploy.Artifacts, error) {
	enc, err := engine.Encode(c.Table)
	if err != nil {
		return nil, fmt.Errorf("compiling the rules: %w", err)
	}
	art := &deploy.Artifacts{Set: c.Set, Table: c.Table, Compiled: enc}
	switch mode {
	case deploy.ModeLambdaEdge:
		if f.zip == "" {
			return nil, fmt.Errorf("mode lambda-edge needs the function's zip: build it with 'signpost build --target lambda-edge --out dist' and pass --zip")
		}
		if art.LambdaZip, err = os.ReadFile(f.zip); err != nil {
			return nil, err
		}
	case deploy.ModeCloudFrontFunction:
		if f.code == "" {
			return nil, fmt.Errorf("mode cloudfront-function needs the function's code: build it with 'signpost build --target cloudfront-function --out dist' and pass --code (and --kvs)")
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
				Data []struct{ Key, Value string } `json:"data"`
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
