package jsgen

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/signposthq/signpost/internal/syncbuf"
)

// Node runs generated code in a Node.js process: events go in one per line
// and answers come back in order, so thousands of requests cost one process
// start. It is what `signpost simulate --runtime node` and the differential
// tests use.
type Node struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    *bufio.Reader
	stderr syncbuf.Buffer // the process writes it while Stderr reads it
	dir    string
	mu     sync.Mutex
}

// ErrNoNode is returned when no node executable is on PATH.
var ErrNoNode = errors.New("node (Node.js) is not installed or not on PATH")

// StartLambda starts Node.js on a Lambda@Edge deployment package.
func StartLambda(ctx context.Context, zipData []byte) (*Node, error) {
	return startNode(ctx, "lambda", func(dir string) ([]string, error) {
		return []string{filepath.Join(dir, "index.mjs")}, unzipTo(zipData, dir)
	})
}

// StartFunction starts Node.js on a CloudFront Function and its
// KeyValueStore contents (nil when the function uses none).
func StartFunction(ctx context.Context, code []byte, kvs []KV) (*Node, error) {
	return startNode(ctx, "function", func(dir string) ([]string, error) {
		args := []string{filepath.Join(dir, "function.js")}
		if err := os.WriteFile(args[0], code, 0o644); err != nil || kvs == nil {
			return args, err
		}
		data, err := KVSFile(kvs)
		if err != nil {
			return nil, err
		}
		args = append(args, filepath.Join(dir, "kvs.json"))
		return args, os.WriteFile(args[1], data, 0o644)
	})
}

// startNode writes the code to run into a new temporary directory (write
// returns the driver's arguments) and starts the driver on it. The
// directory goes with the Node's Close, or at once when anything fails.
func startNode(ctx context.Context, kind string, write func(dir string) ([]string, error)) (_ *Node, err error) {
	bin, err := exec.LookPath("node")
	if err != nil {
		return nil, ErrNoNode
	}
	dir, err := os.MkdirTemp("", "signpost-"+kind+"-")
	if err != nil {
		return nil, err
	}
	n := &Node{dir: dir}
	defer func() {
		if err != nil {
			if n.stdin != nil {
				n.stdin.Close()
			}
			os.RemoveAll(dir)
		}
	}()
	args, err := write(dir)
	if err != nil {
		return nil, err
	}
	driver := filepath.Join(dir, "signpost-driver.mjs")
	if err := os.WriteFile(driver, []byte(mustRead("js/driver.mjs")), 0o644); err != nil {
		return nil, err
	}
	n.cmd = exec.CommandContext(ctx, bin, append([]string{driver, kind}, args...)...)
	n.cmd.Stderr = &n.stderr
	if n.stdin, err = n.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := n.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	n.out = bufio.NewReaderSize(stdout, 1<<20)
	if err := n.cmd.Start(); err != nil {
		return nil, err
	}
	return n, nil
}

// Run sends events (each marshalled to one JSON line) and returns the raw
// JSON answers in order. An event the code throws on gives an error naming
// the event's index and the JavaScript error; the rest of the batch is
// still read, so that the next Run gets its own answers.
func (n *Node) Run(events []any) ([]json.RawMessage, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	errc := make(chan error, 1)
	go func() {
		w := bufio.NewWriterSize(n.stdin, 1<<20)
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, ev := range events {
			if err := enc.Encode(ev); err != nil {
				errc <- err
				return
			}
		}
		errc <- w.Flush()
	}()
	out := make([]json.RawMessage, len(events))
	var threw error
	for i := range events {
		line, err := n.out.ReadBytes('\n')
		if err != nil {
			return nil, fmt.Errorf("node stopped after %d of %d events: %v\n%s", i, len(events), err, n.stderr.String())
		}
		var ans struct {
			Result json.RawMessage `json:"result"`
			Error  string          `json:"error"`
		}
		if err := json.Unmarshal(line, &ans); err != nil {
			return nil, fmt.Errorf("node answered %q: %v", line, err)
		}
		if ans.Error != "" && threw == nil {
			threw = fmt.Errorf("event %d: the generated code threw: %s", i, ans.Error)
		}
		out[i] = ans.Result
	}
	if err := <-errc; err != nil {
		return nil, err
	}
	if threw != nil {
		return nil, threw
	}
	return out, nil
}

// Stderr returns what the code logged (console.error) so far.
func (n *Node) Stderr() string { return n.stderr.String() }

// Close stops the process and removes its files.
func (n *Node) Close() error {
	n.stdin.Close()
	err := n.cmd.Wait()
	os.RemoveAll(n.dir)
	return err
}

// unzipTo writes the files of a deployment package into dir.
func unzipTo(data []byte, dir string) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	for _, f := range zr.File {
		if strings.Contains(f.Name, "..") || strings.HasPrefix(f.Name, "/") {
			return fmt.Errorf("package holds an unsafe file name %q", f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, f.Name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
