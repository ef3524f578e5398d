package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
)

// eventLog is the append-only log file: one JSON event a line. A line
// counts once its newline is written; a tail without one is a torn write.
type eventLog struct {
	f     logFile
	size  int64
	fsync bool
	// broken is set when a failed append could not be cut back: later
	// appends would follow a torn line, so they are refused.
	broken error
}

// logFile is what eventLog needs of its *os.File; tests put faults in it.
type logFile interface {
	io.Writer
	io.Seeker
	Sync() error
	Truncate(size int64) error
	Close() error
}

// openLog replays the log at path through apply and opens it for appends.
// A torn last line is truncated away with a warning; any other bad line is
// an error, so a damaged log is never silently shortened.
func openLog(path string, fsync bool, logger *slog.Logger, apply func(*event) error) (*eventLog, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("server: open log: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("server: lock log: %w", err)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("server: read log: %w", err)
	}
	good, err := replay(data, apply)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("server: replay log %s: %w", path, err)
	}
	if good < int64(len(data)) {
		logger.Warn("server: truncating torn last line of log", "path", path, "offset", good, "bytes", int64(len(data))-good)
		if err := f.Truncate(good); err != nil {
			f.Close()
			return nil, fmt.Errorf("server: truncate torn log tail: %w", err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, fmt.Errorf("server: sync log: %w", err)
		}
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("server: seek log: %w", err)
	}
	if fsync && len(data) == 0 {
		syncDir(filepath.Dir(path))
	}
	return &eventLog{f: f, size: good, fsync: fsync}, nil
}

// replay applies every complete line of data and returns the length of the
// complete lines.
func replay(data []byte, apply func(*event) error) (int64, error) {
	var off int64
	line := 0
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break // torn tail
		}
		line++
		b := data[:i]
		data = data[i+1:]
		if len(bytes.TrimSpace(b)) > 0 {
			var ev event
			if err := json.Unmarshal(b, &ev); err != nil {
				return off, fmt.Errorf("line %d: %w", line, err)
			}
			if err := apply(&ev); err != nil {
				return off, fmt.Errorf("line %d: %w", line, err)
			}
		}
		off += int64(i) + 1
	}
	return off, nil
}

// append writes one event. On failure it cuts the file back to its last
// complete line, so a failed write never leaves a torn line in the middle.
func (l *eventLog) append(ev *event) error {
	b, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encode event: %w", err)
	}
	b = append(b, '\n')
	if l.broken != nil {
		return fmt.Errorf("append to log: refused after an earlier failure: %w", l.broken)
	}
	n, err := l.f.Write(b)
	if err == nil && l.fsync {
		err = l.f.Sync()
	}
	if err != nil {
		if n > 0 {
			terr := l.f.Truncate(l.size)
			if terr == nil {
				_, terr = l.f.Seek(l.size, io.SeekStart)
			}
			if terr != nil {
				l.broken = errors.Join(err, terr)
				err = l.broken
			}
		}
		return fmt.Errorf("append to log: %w", err)
	}
	l.size += int64(n)
	return nil
}

func (l *eventLog) close() error {
	if l == nil {
		return nil
	}
	err := l.f.Sync()
	return errors.Join(err, l.f.Close())
}

// syncDir makes a new file's directory entry durable; errors are ignored,
// as some file systems cannot sync directories.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
