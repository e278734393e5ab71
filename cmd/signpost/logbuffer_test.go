package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedWriter records each write it is given, as one piece.
type lockedWriter struct {
	mu     sync.Mutex
	writes []string
	err    error
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

func (w *lockedWriter) all() (string, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.writes, ""), len(w.writes)
}

// Records written at once from many goroutines come out whole, each
// goroutine's in its order, in a few writes rather than one each.
func TestLogBufferKeepsRecordsWhole(t *testing.T) {
	var w lockedWriter
	b := newLogBuffer(&w, time.Hour) // only size and Close write out
	const goroutines, each = 8, 2000
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				fmt.Fprintf(b, "g%d record %d %s\n", g, i, strings.Repeat("x", i%50))
			}
		})
	}
	wg.Wait()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	out, writes := w.all()
	next := make([]int, goroutines)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for _, line := range lines {
		var g, i int
		var pad string
		if n, _ := fmt.Sscanf(line, "g%d record %d %s", &g, &i, &pad); n < 2 || g < 0 || g >= goroutines || i != next[g] || len(pad) != i%50 && !(i%50 == 0 && pad == "") {
			t.Fatalf("line %q out of place or torn (goroutine %d wants record %d next)", line, g, next[g])
		}
		next[g]++
	}
	if len(lines) != goroutines*each {
		t.Errorf("%d lines, want %d", len(lines), goroutines*each)
	}
	if writes > 3*(len(out)/logBufferSize+1) { // racing writers may each flush a little
		t.Errorf("%d writes for %d bytes: not batched", writes, len(out))
	}
}

// What waits goes out within the interval, with no further Write.
func TestLogBufferFlushesOnTime(t *testing.T) {
	var w lockedWriter
	b := newLogBuffer(&w, 10*time.Millisecond)
	defer b.Close()
	b.Write([]byte("started\n"))
	deadline := time.Now().Add(5 * time.Second)
	for {
		if out, _ := w.all(); out == "started\n" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("a record waited more than 5 s with a 10 ms interval")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Once writing out fails, Write says so instead of gathering for nothing.
func TestLogBufferWriteError(t *testing.T) {
	broken := errors.New("stderr is gone")
	w := lockedWriter{err: broken}
	b := newLogBuffer(&w, time.Hour)
	b.Write([]byte("lost\n"))
	if err := b.Flush(); !errors.Is(err, broken) {
		t.Errorf("Flush = %v, want %v", err, broken)
	}
	if _, err := b.Write([]byte("more\n")); !errors.Is(err, broken) {
		t.Errorf("Write after a failed flush = %v, want %v", err, broken)
	}
	if err := b.Close(); !errors.Is(err, broken) {
		t.Errorf("Close = %v, want %v", err, broken)
	}
}

// A record larger than the buffer goes out whole.
func TestLogBufferLongRecord(t *testing.T) {
	var w lockedWriter
	b := newLogBuffer(&w, time.Hour)
	long := bytes.Repeat([]byte("y"), 3*logBufferSize)
	b.Write([]byte("a\n"))
	b.Write(append(long, '\n'))
	b.Write([]byte("b\n"))
	b.Close()
	if out, _ := w.all(); out != "a\n"+string(long)+"\nb\n" {
		t.Errorf("got %d bytes, not the three records in order", len(out))
	}
}

// blockedWriter blocks every write until release is closed.
type blockedWriter struct {
	entered chan struct{}
	release chan struct{}
	lockedWriter
}

func (w *blockedWriter) Write(p []byte) (int, error) {
	select {
	case w.entered <- struct{}{}:
	default:
	}
	<-w.release
	return w.lockedWriter.Write(p)
}

// While standard error blocks, writers wait for it once the buffer is
// full instead of gathering without bound; nothing is lost when it moves.
func TestLogBufferBlockedWriterBounds(t *testing.T) {
	w := &blockedWriter{entered: make(chan struct{}, 1), release: make(chan struct{})}
	b := newLogBuffer(w, time.Hour)
	record := strings.Repeat("r", 99) + "\n"
	const goroutines, each = 8, 1000
	var wg sync.WaitGroup
	// A full buffer: this Write blocks in writing it out.
	wg.Go(func() { b.Write([]byte(strings.Repeat("f", logBufferSize))) })
	<-w.entered
	for range goroutines {
		wg.Go(func() {
			for range each {
				b.Write([]byte(record))
			}
		})
	}
	time.Sleep(50 * time.Millisecond) // let the writers pile up
	b.mu.Lock()
	waiting := len(b.buf)
	b.mu.Unlock()
	if limit := logBufferSize + goroutines*len(record); waiting > limit {
		t.Errorf("%d bytes gathered while standard error blocks, want at most %d", waiting, limit)
	}
	close(w.release)
	wg.Wait()
	b.Close()
	out, _ := w.all()
	if want := logBufferSize + goroutines*each*len(record); len(out) != want {
		t.Errorf("%d bytes written out, want %d", len(out), want)
	}
}
