package producer

import (
	"context"
	"sync"
	"time"
)

// RecordMetadata describes a record the broker acknowledged, or, on failure,
// what was known of it.
type RecordMetadata struct {
	Topic     string
	Partition int32
	// Offset is the record's offset; -1 when unknown (acks=0 or failure).
	Offset    int64
	Timestamp time.Time
	// KeySize and ValueSize are the serialized sizes, framing included.
	KeySize   int
	ValueSize int
	// KeySchemaID and ValueSchemaID are the schema IDs the key and value
	// were framed with; 0 when the key or value has no schema.
	KeySchemaID   int
	ValueSchemaID int
}

// closedCh is a closed channel shared by futures completed before anyone
// asked for Done.
var closedCh = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// Future is the outcome of one produced record. It completes exactly once,
// when the broker acknowledges the record or the record fails. Callbacks run
// in the order they were added; a callback added after completion runs at
// once in the caller's goroutine. Callbacks added before completion run on
// franz-go's promise goroutine: they must be quick and must not block on the
// producer (no ProduceSync, Flush or Close inside them).
type Future struct {
	mu        sync.Mutex
	completed bool
	done      chan struct{}
	md        RecordMetadata
	err       error
	// cb is the first callback, kept out of cbs so that one callback
	// (ProduceFunc, a single Then) needs no slice.
	cb  func(RecordMetadata, error)
	cbs []func(RecordMetadata, error)
}

// Done returns a channel closed when the future completes.
func (f *Future) Done() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done == nil {
		if f.completed {
			return closedCh
		}
		f.done = make(chan struct{})
	}
	return f.done
}

// Get waits for the record's outcome or for ctx to be done. A ctx error
// only ends the wait: the record may still be delivered.
func (f *Future) Get(ctx context.Context) (RecordMetadata, error) {
	f.mu.Lock()
	if f.completed {
		md, err := f.md, f.err
		f.mu.Unlock()
		return md, err
	}
	f.mu.Unlock()
	select {
	case <-f.Done():
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.md, f.err
	case <-ctx.Done():
		return RecordMetadata{}, ctx.Err()
	}
}

// Then calls fn with the outcome, once.
func (f *Future) Then(fn func(RecordMetadata, error)) {
	f.mu.Lock()
	if !f.completed {
		if f.cb == nil && len(f.cbs) == 0 {
			f.cb = fn
		} else {
			f.cbs = append(f.cbs, fn)
		}
		f.mu.Unlock()
		return
	}
	md, err := f.md, f.err
	f.mu.Unlock()
	fn(md, err)
}

// OnSuccess calls fn if the record is acknowledged.
func (f *Future) OnSuccess(fn func(RecordMetadata)) {
	f.Then(func(md RecordMetadata, err error) {
		if err == nil {
			fn(md)
		}
	})
}

// OnFailure calls fn if the record fails.
func (f *Future) OnFailure(fn func(error)) {
	f.Then(func(_ RecordMetadata, err error) {
		if err != nil {
			fn(err)
		}
	})
}

func (f *Future) complete(md RecordMetadata, err error) {
	f.mu.Lock()
	if f.completed {
		f.mu.Unlock()
		return
	}
	f.md = md
	f.finishLocked(err)
}

// finishLocked completes f with f.md (already set) and err; f.mu is held
// and f is not completed yet. It unlocks f.mu and runs the callbacks.
func (f *Future) finishLocked(err error) {
	f.err, f.completed = err, true
	if f.done != nil {
		close(f.done)
	}
	cb, cbs := f.cb, f.cbs
	f.cb, f.cbs = nil, nil
	f.mu.Unlock()
	if cb == nil {
		return
	}
	// f.md and f.err no longer change once completed is set.
	md := f.md
	cb(md, err)
	for _, cb := range cbs {
		cb(md, err)
	}
}
