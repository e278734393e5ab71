// Package awsfake holds stand-ins for the AWS APIs a deploy calls, speaking their real wire
// protocols (CloudFront's XML REST API under /2020-05-31/, Lambda's JSON
// REST API under /2015-03-31/, the KeyValueStore's JSON REST API) so that the
// requests aws-sdk-go-v2 sends are checked as they are: paths, methods,
// If-Match headers, bodies. They model ETags, revisions and conflicts, and
// can be told to fail. They are for tests only.
package awsfake

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// faults makes a stand-in fail the next n requests whose "METHOD path"
// contains match, with the given status and error code.
type fault struct {
	match  string
	n      int
	status int
	code   string
}

type faults struct {
	mu   sync.Mutex
	list []*fault
}

// Fail makes the next n requests whose "METHOD path" contains match fail
// with status and the service's error code.
func (f *faults) Fail(match string, n, status int, code string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.list = append(f.list, &fault{match, n, status, code})
}

// Unused returns the failures not injected yet, as "match" strings.
func (f *faults) Unused() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, x := range f.list {
		if x.n > 0 {
			out = append(out, x.match)
		}
	}
	return out
}

func (f *faults) take(r *http.Request) *fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := r.Method + " " + r.URL.Path
	for _, x := range f.list {
		if x.n > 0 && strings.Contains(key, x.match) {
			x.n--
			return x
		}
	}
	return nil
}

// --- CloudFront ---------------------------------------------------------

// CloudFront stands in for CloudFront's API: distributions and their
// configs (with ETags), invalidations, and functions with their two stages.
type CloudFront struct {
	t testing.TB
	faults
	mu            sync.Mutex
	Dists         map[string]*Distribution
	Invalidations []Invalidation
	callerRefs    map[string]bool
	Functions     map[string]*Function
}

// Distribution is a distribution's state.
type Distribution struct {
	Config  []byte // the DistributionConfig XML as last written
	etag    int
	polls   int // GetDistribution calls left before Deployed
	status  string
	Updates int
}

// Invalidation is one CreateInvalidation received.
type Invalidation struct {
	Distribution, ID string
	Paths            []string
	polls            int
}

// Function is a CloudFront Function.
type Function struct {
	Dev, Live []byte // the code of each stage
	etag      int
	Config    string // FunctionConfig XML
	// behave runs the code on a viewer-request event, as TestFunction does.
	behave Behaviour
	Tests  int
}

// NewCloudFront returns a CloudFront with no distributions.
func NewCloudFront(t testing.TB) *CloudFront {
	return &CloudFront{t: t, Dists: map[string]*Distribution{}, callerRefs: map[string]bool{}, Functions: map[string]*Function{}}
}

const initialDistConfig = `<?xml version="1.0" encoding="UTF-8"?>
<DistributionConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><CallerReference>site</CallerReference><Comment>site</Comment><Enabled>true</Enabled>` +
	`<Origins><Quantity>1</Quantity><Items><Origin><Id>s3</Id><DomainName>site.s3.amazonaws.com</DomainName></Origin></Items></Origins>` +
	`<DefaultCacheBehavior><TargetOriginId>s3</TargetOriginId><ViewerProtocolPolicy>redirect-to-https</ViewerProtocolPolicy>` +
	`<LambdaFunctionAssociations><Quantity>1</Quantity><Items><LambdaFunctionAssociation><LambdaFunctionARN>arn:aws:lambda:us-east-1:123456789012:function:redirects:1</LambdaFunctionARN><EventType>origin-response</EventType><IncludeBody>false</IncludeBody></LambdaFunctionAssociation></Items></LambdaFunctionAssociations>` +
	`</DefaultCacheBehavior>` +
	`<CacheBehaviors><Quantity>1</Quantity><Items><CacheBehavior><PathPattern>/docs/*</PathPattern><TargetOriginId>s3</TargetOriginId><ViewerProtocolPolicy>allow-all</ViewerProtocolPolicy></CacheBehavior></Items></CacheBehaviors>` +
	`</DistributionConfig>`

func (f *CloudFront) AddDistribution(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Dists[id] = &Distribution{Config: []byte(initialDistConfig), etag: 1, status: "Deployed"}
}

// association returns the ARN the default cache behavior's trigger points
// at, read from the XML the SDK wrote.
func (f *CloudFront) Association(id, eventType string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var cfg struct {
		Default struct {
			Items []struct {
				ARN       string `xml:"LambdaFunctionARN"`
				EventType string
			} `xml:"LambdaFunctionAssociations>Items>LambdaFunctionAssociation"`
		} `xml:"DefaultCacheBehavior"`
	}
	if err := xml.Unmarshal(f.Dists[id].Config, &cfg); err != nil {
		f.t.Fatalf("distribution %s config: %v", id, err)
	}
	for _, it := range cfg.Default.Items {
		if it.EventType == eventType {
			return it.ARN
		}
	}
	return ""
}

func xmlError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0"?><ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`, code, msg)
}

func (f *CloudFront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if flt := f.take(r); flt != nil {
		xmlError(w, flt.status, flt.code, "injected failure")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") || !strings.Contains(r.Header.Get("Authorization"), "/us-east-1/cloudfront/aws4_request") {
		xmlError(w, 403, "SignatureDoesNotMatch", "requests must be signed for cloudfront in us-east-1")
		return
	}
	body, _ := io.ReadAll(r.Body)
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/2020-05-31/"), "/")
	switch {
	case len(parts) == 3 && parts[0] == "distribution" && parts[2] == "invalidation" && r.Method == "POST":
		f.createInvalidation(w, parts[1], body)
	case len(parts) == 4 && parts[0] == "distribution" && parts[2] == "invalidation" && r.Method == "GET":
		f.getInvalidation(w, parts[1], parts[3])
	case len(parts) == 3 && parts[0] == "distribution" && parts[2] == "config":
		f.distConfig(w, r, parts[1], body)
	case len(parts) == 2 && parts[0] == "distribution" && r.Method == "GET":
		d := f.Dists[parts[1]]
		if d == nil {
			xmlError(w, 404, "NoSuchDistribution", "no such distribution")
			return
		}
		if d.polls > 0 {
			d.polls--
		} else {
			d.status = "Deployed"
		}
		w.Header().Set("ETag", "E"+strconv.Itoa(d.etag))
		fmt.Fprintf(w, `<?xml version="1.0"?><Distribution xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Id>%s</Id><ARN>arn:aws:cloudfront::123456789012:distribution/%s</ARN><Status>%s</Status><LastModifiedTime>2026-11-25T09:00:00Z</LastModifiedTime><InProgressInvalidationBatches>0</InProgressInvalidationBatches><DomainName>d1.cloudfront.net</DomainName></Distribution>`, parts[1], parts[1], d.status)
	case parts[0] == "function" && len(parts) >= 2:
		f.function(w, r, parts, body)
	default:
		f.t.Errorf("cloudfront stand-in: unexpected %s %s", r.Method, r.URL.Path)
		xmlError(w, 400, "InvalidArgument", "unexpected request")
	}
}

func (f *CloudFront) createInvalidation(w http.ResponseWriter, dist string, body []byte) {
	if f.Dists[dist] == nil {
		xmlError(w, 404, "NoSuchDistribution", "no such distribution")
		return
	}
	var batch struct {
		XMLName  xml.Name `xml:"InvalidationBatch"`
		Quantity int      `xml:"Paths>Quantity"`
		Paths    []string `xml:"Paths>Items>Path"`
		Ref      string   `xml:"CallerReference"`
	}
	if err := xml.Unmarshal(body, &batch); err != nil {
		xmlError(w, 400, "MalformedInput", err.Error())
		return
	}
	if batch.Quantity != len(batch.Paths) || len(batch.Paths) == 0 || len(batch.Paths) > 3000 {
		xmlError(w, 400, "InconsistentQuantities", "quantity does not match the paths")
		return
	}
	for _, p := range batch.Paths {
		if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, " ?#\x00\n") || strings.Contains(p[:len(p)-1], "*") {
			xmlError(w, 400, "InvalidArgument", "Your request contains one or more invalid invalidation paths.")
			return
		}
	}
	if f.callerRefs[batch.Ref] {
		xmlError(w, 409, "InvalidationBatchAlreadyExists", "caller reference reused")
		return
	}
	f.callerRefs[batch.Ref] = true
	id := fmt.Sprintf("I%d", len(f.Invalidations)+1)
	f.Invalidations = append(f.Invalidations, Invalidation{Distribution: dist, ID: id, Paths: batch.Paths, polls: 1})
	w.Header().Set("Location", "https://cloudfront.amazonaws.com/2020-05-31/distribution/"+dist+"/invalidation/"+id)
	w.WriteHeader(201)
	fmt.Fprintf(w, `<?xml version="1.0"?><Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Id>%s</Id><Status>InProgress</Status><CreateTime>2026-11-25T09:00:00Z</CreateTime>%s</Invalidation>`, id, body[strings.Index(string(body), "<InvalidationBatch"):])
}

func (f *CloudFront) getInvalidation(w http.ResponseWriter, dist, id string) {
	for i := range f.Invalidations {
		inv := &f.Invalidations[i]
		if inv.Distribution == dist && inv.ID == id {
			status := "Completed"
			if inv.polls > 0 {
				inv.polls--
				status = "InProgress"
			}
			fmt.Fprintf(w, `<?xml version="1.0"?><Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Id>%s</Id><Status>%s</Status><CreateTime>2026-11-25T09:00:00Z</CreateTime><InvalidationBatch><Paths><Quantity>0</Quantity></Paths><CallerReference>x</CallerReference></InvalidationBatch></Invalidation>`, id, status)
			return
		}
	}
	xmlError(w, 404, "NoSuchInvalidation", "no such invalidation")
}

func (f *CloudFront) distConfig(w http.ResponseWriter, r *http.Request, id string, body []byte) {
	d := f.Dists[id]
	if d == nil {
		xmlError(w, 404, "NoSuchDistribution", "no such distribution")
		return
	}
	switch r.Method {
	case "GET":
		w.Header().Set("ETag", "E"+strconv.Itoa(d.etag))
		w.Write(d.Config)
	case "PUT":
		if r.Header.Get("If-Match") != "E"+strconv.Itoa(d.etag) {
			xmlError(w, 412, "PreconditionFailed", "The If-Match version is missing or not valid for the resource.")
			return
		}
		var probe struct {
			XMLName xml.Name `xml:"DistributionConfig"`
			Caller  string   `xml:"CallerReference"`
			Origins int      `xml:"Origins>Quantity"`
		}
		if err := xml.Unmarshal(body, &probe); err != nil || probe.Caller != "site" || probe.Origins != 1 {
			xmlError(w, 400, "MalformedInput", "the config must be the whole DistributionConfig read before")
			return
		}
		d.Config, d.etag, d.status, d.polls = body, d.etag+1, "InProgress", 1
		d.Updates++
		w.Header().Set("ETag", "E"+strconv.Itoa(d.etag))
		fmt.Fprintf(w, `<?xml version="1.0"?><Distribution xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Id>%s</Id><Status>InProgress</Status><DomainName>d1.cloudfront.net</DomainName></Distribution>`, id)
	}
}

// Behaviour runs a CloudFront Function's code on an event (the JSON that
// TestFunction receives) and returns its FunctionOutput, {"request": ...}
// or {"response": ...}, or the error message the function failed with.
type Behaviour func(code, event []byte) (output []byte, errMsg string)

// AddFunction adds a function whose TestFunction answers with behave.
func (f *CloudFront) AddFunction(name string, behave Behaviour) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Functions[name] = &Function{Dev: []byte("function handler(e) { return e.request }"), etag: 1, behave: behave,
		Config: `<Comment>redirects</Comment><Runtime>cloudfront-js-2.0</Runtime>`}
	f.Functions[name].Live = f.Functions[name].Dev
}

func (f *CloudFront) functionSummary(name, stage string) string {
	fn := f.Functions[name]
	return fmt.Sprintf(`<Name>%s</Name><Status>UNASSOCIATED</Status><FunctionConfig>%s</FunctionConfig><FunctionMetadata><FunctionARN>arn:aws:cloudfront::123456789012:function/%s</FunctionARN><Stage>%s</Stage><LastModifiedTime>2026-11-25T09:00:00Z</LastModifiedTime></FunctionMetadata>`, name, fn.Config, name, stage)
}

func (f *CloudFront) function(w http.ResponseWriter, r *http.Request, parts []string, body []byte) {
	name := parts[1]
	fn := f.Functions[name]
	if fn == nil {
		xmlError(w, 404, "NoSuchFunctionExists", "no such function")
		return
	}
	etag := "ETVPDKIKX0DER" + strconv.Itoa(fn.etag)
	ifMatch := func() bool {
		if r.Header.Get("If-Match") != etag {
			xmlError(w, 412, "PreconditionFailed", "The If-Match version is missing or not valid for the resource.")
			return false
		}
		return true
	}
	const ns = ` xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"`
	switch {
	case len(parts) == 3 && parts[2] == "describe" && r.Method == "GET":
		w.Header().Set("ETag", etag)
		fmt.Fprintf(w, `<?xml version="1.0"?><FunctionSummary%s>%s</FunctionSummary>`, ns, f.functionSummary(name, r.URL.Query().Get("Stage")))
	case len(parts) == 2 && r.Method == "PUT":
		if !ifMatch() {
			return
		}
		var req struct {
			XMLName xml.Name `xml:"UpdateFunctionRequest"`
			Code    string   `xml:"FunctionCode"`
			Config  struct {
				Inner string `xml:",innerxml"`
			} `xml:"FunctionConfig"`
		}
		if err := xml.Unmarshal(body, &req); err != nil {
			xmlError(w, 400, "MalformedInput", err.Error())
			return
		}
		code, err := base64.StdEncoding.DecodeString(req.Code)
		if err != nil || len(code) == 0 || len(code) > 10240 {
			xmlError(w, 400, "FunctionSizeLimitExceeded", "function code is empty, not base64 or above 10 KB")
			return
		}
		if !strings.Contains(req.Config.Inner, "<Runtime>cloudfront-js-2.0</Runtime>") {
			xmlError(w, 400, "InvalidArgument", "runtime missing")
			return
		}
		fn.Dev, fn.Config, fn.etag = code, req.Config.Inner, fn.etag+1
		// The real API names this header ETtag.
		w.Header().Set("ETtag", "ETVPDKIKX0DER"+strconv.Itoa(fn.etag))
		fmt.Fprintf(w, `<?xml version="1.0"?><FunctionSummary%s>%s</FunctionSummary>`, ns, f.functionSummary(name, "DEVELOPMENT"))
	case len(parts) == 3 && parts[2] == "test" && r.Method == "POST":
		if !ifMatch() {
			return
		}
		var req struct {
			XMLName xml.Name `xml:"TestFunctionRequest"`
			Stage   string
			Event   string `xml:"EventObject"`
		}
		if err := xml.Unmarshal(body, &req); err != nil {
			xmlError(w, 400, "MalformedInput", err.Error())
			return
		}
		raw, _ := base64.StdEncoding.DecodeString(req.Event)
		var ev struct {
			Version string
			Context struct{ EventType string }
		}
		if err := json.Unmarshal(raw, &ev); err != nil || ev.Version != "1.0" || ev.Context.EventType != "viewer-request" {
			xmlError(w, 400, "TestFunctionFailed", "the event object is not a viewer-request event")
			return
		}
		code := fn.Dev
		if req.Stage == "LIVE" {
			code = fn.Live
		}
		f.mu.Unlock() // the function may take a while, and read the KVS
		out, errMsg := fn.behave(code, raw)
		f.mu.Lock()
		fn.Tests++
		fmt.Fprintf(w, `<?xml version="1.0"?><TestResult%s><FunctionSummary>%s</FunctionSummary><ComputeUtilization>14</ComputeUtilization><FunctionErrorMessage>%s</FunctionErrorMessage><FunctionOutput>%s</FunctionOutput></TestResult>`, ns, f.functionSummary(name, req.Stage), xmlText(errMsg), xmlText(string(out)))
	case len(parts) == 3 && parts[2] == "publish" && r.Method == "POST":
		if !ifMatch() {
			return
		}
		fn.Live = fn.Dev
		fmt.Fprintf(w, `<?xml version="1.0"?><FunctionSummary%s>%s</FunctionSummary>`, ns, f.functionSummary(name, "LIVE"))
	default:
		f.t.Errorf("cloudfront stand-in: unexpected %s %s", r.Method, r.URL.Path)
		xmlError(w, 400, "InvalidArgument", "unexpected request")
	}
}

// --- Lambda -------------------------------------------------------------

// Lambda stands in for the Lambda API of one function: code updates with
// revision IDs, published versions that are Pending before Active.
type Lambda struct {
	t testing.TB
	faults
	mu        sync.Mutex
	name      string
	code      []byte
	revision  int
	Versions  [][]byte
	updating  int // configuration polls left before LastUpdateStatus Successful
	pending   map[string]int
	RejectZip bool
	// FailVersions makes published versions end Failed instead of Active.
	FailVersions bool
}

// NewLambda returns a function called name whose version 1 exists.
func NewLambda(t testing.TB, name string) *Lambda {
	return &Lambda{t: t, name: name, code: []byte("v1"), revision: 1, Versions: [][]byte{[]byte("v1")}, pending: map[string]int{}}
}

func lambdaError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("X-Amzn-ErrorType", typ)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"Type":"User","message":%q}`, msg)
}

func (f *Lambda) arn() string { return "arn:aws:lambda:us-east-1:123456789012:function:" + f.name }

func (f *Lambda) config(version string) map[string]any {
	c := map[string]any{"FunctionName": f.name, "FunctionArn": f.arn(), "Runtime": "nodejs22.x", "Handler": "index.handler",
		"RevisionId": fmt.Sprintf("rev-%d", f.revision), "CodeSha256": sha256Hex(f.code), "Version": "$LATEST", "State": "Active", "LastUpdateStatus": "Successful"}
	if f.updating > 0 {
		c["LastUpdateStatus"] = "InProgress"
	}
	if version != "" && version != "$LATEST" {
		c["Version"], c["FunctionArn"], c["State"] = version, f.arn()+":"+version, "Active"
		if f.pending[version] > 0 {
			c["State"] = "Pending"
		} else if f.FailVersions {
			c["State"], c["StateReason"] = "Failed", "the function's role cannot be assumed by edgelambda.amazonaws.com"
		}
	}
	return c
}

func (f *Lambda) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if flt := f.take(r); flt != nil {
		lambdaError(w, flt.status, flt.code, "injected failure")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !strings.Contains(r.Header.Get("Authorization"), "/us-east-1/lambda/aws4_request") {
		lambdaError(w, 403, "AccessDeniedException", "Lambda@Edge functions are called in us-east-1")
		return
	}
	prefix := "/2015-03-31/functions/" + f.name + "/"
	if !strings.HasPrefix(r.URL.Path, prefix) {
		lambdaError(w, 404, "ResourceNotFoundException", "Function not found: "+r.URL.Path)
		return
	}
	var body map[string]any
	if r.ContentLength != 0 {
		json.NewDecoder(r.Body).Decode(&body)
	}
	w.Header().Set("Content-Type", "application/json")
	switch op := strings.TrimPrefix(r.URL.Path, prefix); {
	case op == "configuration" && r.Method == "GET":
		v := r.URL.Query().Get("Qualifier")
		out := f.config(v)
		if v == "" && f.updating > 0 {
			f.updating--
		} else if f.pending[v] > 0 {
			f.pending[v]--
		}
		json.NewEncoder(w).Encode(out)
	case op == "code" && r.Method == "PUT":
		if body["RevisionId"] != fmt.Sprintf("rev-%d", f.revision) {
			lambdaError(w, 412, "PreconditionFailedException", "The Revision Id provided does not match the latest Revision Id.")
			return
		}
		zip, err := base64.StdEncoding.DecodeString(fmt.Sprint(body["ZipFile"]))
		if err != nil || len(zip) == 0 || f.RejectZip {
			lambdaError(w, 400, "InvalidParameterValueException", "Could not unzip uploaded file.")
			return
		}
		f.code, f.revision, f.updating = zip, f.revision+1, 1
		json.NewEncoder(w).Encode(f.config(""))
	case op == "versions" && r.Method == "POST":
		if body["RevisionId"] != fmt.Sprintf("rev-%d", f.revision) || body["CodeSha256"] != sha256Hex(f.code) {
			lambdaError(w, 412, "PreconditionFailedException", "The Revision Id provided does not match the latest Revision Id.")
			return
		}
		f.Versions = append(f.Versions, f.code)
		v := strconv.Itoa(len(f.Versions))
		f.pending[v] = 1
		f.revision++
		w.WriteHeader(201)
		json.NewEncoder(w).Encode(f.config(v))
	default:
		f.t.Errorf("lambda stand-in: unexpected %s %s", r.Method, r.URL.Path)
		lambdaError(w, 400, "InvalidRequestContentException", "unexpected")
	}
}

// --- KeyValueStore --------------------------------------------------------

// KVS stands in for the CloudFront KeyValueStore API of one store.
type KVS struct {
	t testing.TB
	faults
	mu    sync.Mutex
	arn   string
	Items map[string]string
	// ListCalls counts ListKeys pages served.
	ListCalls int
	etag      int
	Updates   int
	// failAfter makes the one UpdateKeys call after that many succeeded
	// fail with an error that is not retried (0: never).
	FailAfter int
	failed    bool
}

// NewKVS returns an empty store.
func NewKVS(t testing.TB, arn string) *KVS {
	return &KVS{t: t, arn: arn, Items: map[string]string{}, etag: 1}
}

func kvsError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("X-Amzn-ErrorType", typ)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"Message":%q}`, msg)
}

func (f *KVS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if flt := f.take(r); flt != nil {
		kvsError(w, flt.status, flt.code, "injected failure")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	// The KeyValueStore API is signed with SigV4A for every region.
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-ECDSA-P256-SHA256 ") || r.Header.Get("X-Amz-Region-Set") != "*" {
		kvsError(w, 403, "AccessDeniedException", "requests must be signed with SigV4A for region *")
		return
	}
	segs := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	if len(segs) < 2 || segs[0] != "key-value-stores" {
		kvsError(w, 404, "ResourceNotFoundException", "no such path")
		return
	}
	arn, _ := url.PathUnescape(segs[1])
	if arn != f.arn {
		kvsError(w, 404, "ResourceNotFoundException", "no such key value store "+arn)
		return
	}
	etag := "KV" + strconv.Itoa(f.etag)
	w.Header().Set("Content-Type", "application/json")
	switch {
	case len(segs) == 2 && r.Method == "GET":
		w.Header().Set("ETag", etag)
		fmt.Fprintf(w, `{"KvsARN":%q,"ItemCount":%d,"TotalSizeInBytes":%d,"Status":"READY"}`, f.arn, len(f.Items), 0)
	case len(segs) == 3 && segs[2] == "keys" && r.Method == "GET":
		keys := slices.Sorted(maps.Keys(f.Items))
		start, _ := strconv.Atoi(r.URL.Query().Get("NextToken"))
		page := 10 // the API's default
		if v := r.URL.Query().Get("MaxResults"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 50 {
				kvsError(w, 400, "ValidationException", "MaxResults must be between 1 and 50")
				return
			}
			page = n
		}
		f.ListCalls++
		end := min(start+page, len(keys))
		var items []map[string]string
		for _, k := range keys[start:end] {
			items = append(items, map[string]string{"Key": k, "Value": f.Items[k]})
		}
		out := map[string]any{"Items": items}
		if end < len(keys) {
			out["NextToken"] = strconv.Itoa(end)
		}
		json.NewEncoder(w).Encode(out)
	case len(segs) == 3 && segs[2] == "keys" && r.Method == "POST":
		if r.Header.Get("If-Match") != etag {
			kvsError(w, 409, "ConflictException", "Pre-condition failed: ETag mismatch.")
			return
		}
		var req struct {
			Puts    []struct{ Key, Value string }
			Deletes []struct{ Key string }
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Puts)+len(req.Deletes) == 0 || len(req.Puts)+len(req.Deletes) > 50 {
			kvsError(w, 400, "ValidationException", "between 1 and 50 keys per UpdateKeys")
			return
		}
		if f.FailAfter > 0 && f.Updates == f.FailAfter && !f.failed {
			f.failed = true
			kvsError(w, 400, "ServiceQuotaExceededException", "the store is full")
			return
		}
		for _, p := range req.Puts {
			f.Items[p.Key] = p.Value
		}
		for _, d := range req.Deletes {
			delete(f.Items, d.Key)
		}
		f.etag++
		f.Updates++
		w.Header().Set("ETag", "KV"+strconv.Itoa(f.etag))
		fmt.Fprintf(w, `{"ETag":"KV%d","ItemCount":%d,"TotalSizeInBytes":0}`, f.etag, len(f.Items))
	default:
		f.t.Errorf("kvs stand-in: unexpected %s %s", r.Method, r.URL.Path)
		kvsError(w, 400, "ValidationException", "unexpected")
	}
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// InvalidationList returns the invalidations received so far.
func (f *CloudFront) InvalidationList() []Invalidation {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Invalidation(nil), f.Invalidations...)
}

// LastVersion returns the code of the last published version.
func (f *Lambda) LastVersion() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.Versions[len(f.Versions)-1]
}

// Entries returns a copy of the store's keys and values.
func (f *KVS) Entries() map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]string, len(f.Items))
	for k, v := range f.Items {
		out[k] = v
	}
	return out
}
