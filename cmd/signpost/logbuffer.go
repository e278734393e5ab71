package main

import (
	"io"
	"sync"
	"time"
)

// logBuffer gathers what serve logs and writes it out every interval, or
// at once when logBufferSize bytes are waiting: a busy server's access log
// then costs one write a batch instead of one a request (nginx's
// access_log buffer= and flush= do the same). A Write is never split
// across two writes out, so records stay whole and in order. Close writes
// out the rest.
type logBuffer struct {
	w io.Writer

	mu  sync.Mutex // guards buf and err
	buf []byte
	err error // the first error writing out; every later Write returns it

	out   sync.Mutex // held while writing out, so that batches keep their order
	spare []byte     // the other buffer, swapped in for buf by Flush; guarded by out

	stop chan struct{}
	done chan struct{}
}

const logBufferSize = 32 << 10

func newLogBuffer(w io.Writer, interval time.Duration) *logBuffer {
	b := &logBuffer{w: w, buf: make([]byte, 0, logBufferSize), spare: make([]byte, 0, logBufferSize),
		stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				b.Flush()
			case <-b.stop:
				return
			}
		}
	}()
	return b
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	if b.err != nil {
		b.mu.Unlock()
		return 0, b.err
	}
	b.buf = append(b.buf, p...)
	full := len(b.buf) >= logBufferSize
	b.mu.Unlock()
	if full {
		b.Flush()
	}
	return len(p), nil
}

// Flush writes out what is waiting.
func (b *logBuffer) Flush() error {
	b.out.Lock()
	defer b.out.Unlock()
	b.mu.Lock()
	batch := b.buf
	b.buf = b.spare[:0]
	err := b.err
	b.mu.Unlock()
	if len(batch) > 0 && err == nil {
		_, err = b.w.Write(batch)
	}
	b.mu.Lock()
	if b.err == nil {
		b.err = err
	}
	b.mu.Unlock()
	if cap(batch) > 4*logBufferSize {
		batch = make([]byte, 0, logBufferSize) // after a burst of long records
	}
	b.spare = batch[:0]
	return err
}

// Close stops the timer and writes out the rest.
func (b *logBuffer) Close() error {
	select {
	case <-b.stop:
	default:
		close(b.stop)
	}
	<-b.done
	return b.Flush()
}
