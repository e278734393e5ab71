package jsgen

import (
	"bytes"
	"encoding/json"
)

// KV is one entry of a CloudFront KeyValueStore.
type KV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// KVSFile returns the KeyValueStore import file for kvs:
// {"data":[{"key":...,"value":...}]}, checked against the store's 5 MB
// limit.
func KVSFile(kvs []KV) ([]byte, error) {
	if kvs == nil {
		kvs = []KV{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(struct {
		Data []KV `json:"data"`
	}{kvs}); err != nil {
		return nil, err
	}
	if b.Len() > MaxKVSFile {
		return nil, &LimitError{What: "the KeyValueStore import file", Size: b.Len(), Limit: MaxKVSFile,
			Hint: "use a Lambda@Edge function (signpost build --target lambda-edge), which has no such limit"}
	}
	return b.Bytes(), nil
}
