package producer

import "testing"

// TestFreeListBounds: a free list keeps at most max pendings and
// maxFreeBytes of value buffers, and hands back what it kept, last in
// first out.
func TestFreeListBounds(t *testing.T) {
	l := freeList{max: 3000}
	if l.get() != nil {
		t.Fatal("an empty list handed out a pending")
	}
	const bufSize = 64 << 10
	for range l.max + 10 {
		l.put(&pending{vbuf: make([]byte, 0, bufSize)})
	}
	if len(l.items) != l.max {
		t.Fatalf("%d pendings kept, want at most %d", len(l.items), l.max)
	}
	if l.bytes > maxFreeBytes || l.bytes != maxFreeBytes/bufSize*bufSize {
		t.Fatalf("%d bytes of buffers kept, want %d (bound %d)", l.bytes, maxFreeBytes/bufSize*bufSize, maxFreeBytes)
	}
	withBuf := 0
	for pd := l.get(); pd != nil; pd = l.get() {
		if cap(pd.vbuf) > 0 {
			withBuf++
		}
	}
	if withBuf != maxFreeBytes/bufSize || l.bytes != 0 {
		t.Fatalf("%d pendings came back with a buffer, want %d; %d bytes left", withBuf, maxFreeBytes/bufSize, l.bytes)
	}
}
