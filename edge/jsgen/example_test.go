package jsgen_test

import (
	"archive/zip"
	"bytes"
	"fmt"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/edge"
	"github.com/signposthq/signpost/edge/jsgen"
	"github.com/signposthq/signpost/engine"
)

func ExampleLambdaEdgeZip() {
	c := signpost.Compile("redirects.json", []byte(`{
  "/jobs": { "to": "https://jobs.example.com/" },
  "/blog/*": { "to": "/news/:splat" }
}`), engine.Options{})
	z, err := jsgen.LambdaEdgeZip(c.Table, jsgen.LambdaOptions{Trigger: edge.OriginResponse})
	if err != nil {
		fmt.Println(err)
		return
	}
	zr, _ := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	for _, f := range zr.File {
		fmt.Println(f.Name)
	}
	// Output:
	// index.mjs
	// rules.json
}

func ExampleCloudFrontFunction() {
	c := signpost.Compile("redirects.json", []byte(`{
  "/jobs": { "to": "https://jobs.example.com/" },
  "/blog/*": { "to": "/news/:splat" }
}`), engine.Options{})
	code, kvs, err := jsgen.CloudFrontFunction(c.Table, jsgen.FunctionOptions{KVS: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(code) <= jsgen.MaxFunctionSize)
	for _, kv := range kvs {
		fmt.Println(kv.Key, kv.Value)
	}
	// Output:
	// true
	// /jobs {"status":301,"loc":"https://jobs.example.com/","keep":true}
}
