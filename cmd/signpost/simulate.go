package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/signposthq/signpost/edge"
	"github.com/signposthq/signpost/edge/jsgen"
	"github.com/signposthq/signpost/engine"
)

func init() {
	register(&command{name: "simulate", summary: "run the edge function on a CloudFront test event", run: runSimulate})
}

const simulateUsage = `Usage: signpost simulate [flags] EVENT.json
       signpost simulate [flags] --url URL

Runs the edge function on a CloudFront event, locally, and prints what the
function returns: the response, or the request passed on. EVENT.json is a
Lambda@Edge event ({"Records":[{"cf":...}]}) or a CloudFront Functions event
({"version":"1.0","request":...}); "-" reads it from standard input. --url
builds the event for you. By default the Go reference handler answers;
--runtime node runs the generated JavaScript in Node.js instead.

Exit status: 0 when the function answered, 1 when the rules have errors or
the generated code failed, 2 for usage errors (a bad event), 3 when Node.js
is missing for --runtime node.

Examples:
  signpost simulate --url '/jobs?a=1'
  signpost simulate --url https://old.example.com/pricing --trigger viewer-request
  signpost simulate --target cloudfront-function --runtime node --url /blog/2019/hello
  signpost simulate --rules site/redirects.json event.json

Flags:
`

func runSimulate(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet("simulate")
	rulesPath := fs.String("rules", "redirects.json", "the rules `file`")
	target := fs.String("target", "lambda-edge", "`lambda-edge` or cloudfront-function (with --url)")
	trigger := fs.String("trigger", "", "lambda-edge: `origin-response` (default) or viewer-request")
	runtime := fs.String("runtime", "go", "`go` (the reference handler) or node (the generated JavaScript)")
	rawURL := fs.String("url", "", "build the event for this `URL` (a path such as /jobs?a=1, or https://host/path)")
	host := fs.String("host", "example.com", "with --url: the Host header for a bare path")
	originStatus := fs.Int("origin-status", 200, "with --url, origin-response: the origin's `status`")
	useKVS := fs.Bool("kvs", false, "cloudfront-function, node: use the KeyValueStore form of the function")
	caseInsensitive := fs.Bool("case-insensitive", false, "match paths without regard to case")
	var hf headerFlags
	hf.register(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagError(env, "simulate", simulateUsage, fs, err)
	}
	fail := func(code int, msg, hint string) int {
		printError(env, hint, "%s", msg)
		return code
	}
	if (*rawURL == "") == (len(pos) == 0) || len(pos) > 1 {
		return fail(exitUsage, "give one EVENT.json or --url", "signpost simulate --url '/jobs?a=1'")
	}
	if *runtime != "go" && *runtime != "node" {
		return fail(exitUsage, fmt.Sprintf("--runtime %q is not go or node", *runtime), "")
	}
	policy, err := hf.policy()
	if err != nil {
		return fail(exitUsage, err.Error(), "")
	}

	// The event: built from --url, or read and recognised.
	var lambdaEv *edge.LambdaEvent
	var fnEv *edge.FunctionEvent
	if *rawURL != "" {
		req, err := edge.ParseSampleURL(*rawURL, *host)
		if err != nil {
			return fail(exitUsage, "--url: "+err.Error(), "")
		}
		req.OriginStatus = *originStatus
		switch *target {
		case "lambda-edge":
			t, ok := edge.ParseTrigger(*trigger)
			if !ok {
				return fail(exitUsage, fmt.Sprintf("--trigger %q is not origin-response or viewer-request", *trigger), "")
			}
			lambdaEv = req.LambdaEvent(t)
		case "cloudfront-function":
			if *trigger != "" {
				return fail(exitUsage, "--trigger applies to --target lambda-edge", "a CloudFront Function runs on viewer-request")
			}
			fnEv = req.FunctionEvent()
		default:
			return fail(exitUsage, fmt.Sprintf("unknown --target %q", *target), "use lambda-edge or cloudfront-function")
		}
	} else {
		data, err := readEventFile(env, pos[0])
		if err != nil {
			return fail(exitUsage, err.Error(), "")
		}
		if lambdaEv, fnEv, err = parseEvent(data); err != nil {
			return fail(exitUsage, fmt.Sprintf("%s: %v", pos[0], err), "a Lambda@Edge event has Records[0].cf; a CloudFront Functions event has version, context and request")
		}
		if lambdaEv != nil {
			t := lambdaEv.Records[0].CF.Config.EventType
			if *trigger != "" {
				tt, ok := edge.ParseTrigger(*trigger)
				if !ok {
					return fail(exitUsage, fmt.Sprintf("--trigger %q is not origin-response or viewer-request", *trigger), "")
				}
				t = tt
			}
			t, ok := edge.ParseTrigger(string(t))
			if !ok {
				return fail(exitUsage, fmt.Sprintf("%s: eventType %q: signpost runs on origin-response or viewer-request", pos[0], lambdaEv.Records[0].CF.Config.EventType), "")
			}
			lambdaEv.Records[0].CF.Config.EventType = t
			if t == edge.OriginResponse && lambdaEv.Records[0].CF.Response == nil {
				return fail(exitUsage, pos[0]+": an origin-response event needs Records[0].cf.response", "")
			}
		}
	}

	table := loadForBuild(env, *rulesPath, *caseInsensitive)
	if table == nil {
		return exitProblems
	}
	var result any
	if *runtime == "go" {
		result, err = simulateGo(table, policy, lambdaEv, fnEv)
	} else {
		result, err = simulateNode(ctx, env, table, policy, *useKVS, lambdaEv, fnEv)
	}
	if err != nil {
		if errors.Is(err, jsgen.ErrNoNode) {
			return fail(exitFailure, err.Error(), "install Node.js 20 or later, or use --runtime go")
		}
		return fail(exitProblems, err.Error(), "")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(result); err != nil {
		return fail(exitFailure, err.Error(), "")
	}
	env.Stdout.Write(buf.Bytes())
	return exitOK
}

func readEventFile(env *Env, name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(env.Stdin)
	}
	return os.ReadFile(name)
}

// parseEvent recognises a Lambda@Edge or a CloudFront Functions event.
func parseEvent(data []byte) (*edge.LambdaEvent, *edge.FunctionEvent, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, nil, fmt.Errorf("not a JSON event: %v", err)
	}
	if _, ok := probe["Records"]; ok {
		var ev edge.LambdaEvent
		if err := json.Unmarshal(data, &ev); err != nil {
			return nil, nil, err
		}
		if len(ev.Records) == 0 {
			return nil, nil, edge.ErrNoRecord
		}
		return &ev, nil, nil
	}
	if _, ok := probe["request"]; ok {
		var ev edge.FunctionEvent
		if err := json.Unmarshal(data, &ev); err != nil {
			return nil, nil, err
		}
		if ev.Context.EventType == "" {
			ev.Context.EventType = edge.ViewerRequest
		}
		if ev.Context.EventType != edge.ViewerRequest {
			return nil, nil, fmt.Errorf("eventType %q: the redirect function runs on viewer-request", ev.Context.EventType)
		}
		return nil, &ev, nil
	}
	return nil, nil, errors.New("neither a Lambda@Edge nor a CloudFront Functions event")
}

func simulateGo(t *engine.Table, p edge.HeaderPolicy, lev *edge.LambdaEvent, fev *edge.FunctionEvent) (any, error) {
	if lev != nil {
		h, err := edge.NewHandler(t, lev.Records[0].CF.Config.EventType, p)
		if err != nil {
			return nil, err
		}
		return h.Lambda(lev)
	}
	h, err := edge.NewHandler(t, edge.ViewerRequest, p)
	if err != nil {
		return nil, err
	}
	return h.Function(fev)
}

func simulateNode(ctx context.Context, env *Env, t *engine.Table, p edge.HeaderPolicy, useKVS bool, lev *edge.LambdaEvent, fev *edge.FunctionEvent) (any, error) {
	var n *jsgen.Node
	var ev any
	if lev != nil {
		z, err := jsgen.LambdaEdgeZip(t, jsgen.LambdaOptions{Trigger: lev.Records[0].CF.Config.EventType, Headers: p})
		if err != nil {
			return nil, err
		}
		if n, err = jsgen.StartLambda(ctx, z); err != nil {
			return nil, err
		}
		ev = lev
	} else {
		code, kvs, err := jsgen.CloudFrontFunction(t, jsgen.FunctionOptions{Headers: p, KVS: useKVS})
		if err != nil {
			return nil, err
		}
		if n, err = jsgen.StartFunction(ctx, code, kvs); err != nil {
			return nil, err
		}
		ev = fev
	}
	out, err := n.Run([]any{ev})
	if logs := n.Stderr(); logs != "" {
		fmt.Fprint(env.Stderr, logs) // what the function logged, as CloudWatch would show it
	}
	n.Close()
	if err != nil {
		return nil, err
	}
	return out[0], nil
}
