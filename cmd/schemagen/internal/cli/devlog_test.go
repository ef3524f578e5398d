package cli

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDevWarnsOfTornLog: issue 13 item 6. dev gave the registry no logger,
// so the warning about a torn log tail it cut away was lost.
func TestDevWarnsOfTornLog(t *testing.T) {
	dir := t.TempDir()
	m, err := startEmbedded("127.0.0.1:0", dir, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "registry.log"), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString(`{"op":"regis`) // a torn write
	_ = f.Close()
	var logs bytes.Buffer
	m, err = startEmbedded("127.0.0.1:0", dir, false, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer m.close()
	if !strings.Contains(logs.String(), "torn") {
		t.Fatalf("no warning about the torn tail; logs: %q", logs.String())
	}
}
