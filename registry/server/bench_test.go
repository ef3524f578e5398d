package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/schemagen/schemagen/registry/compat"
)

func benchRegister(b *testing.B, opts ...Opt) {
	s, err := New(append([]Opt{DefaultCompatibility(compat.None)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	h := s.Handler()
	bodies := make([][]byte, b.N)
	for i := range bodies {
		bodies[i], _ = json.Marshal(avroBody(fmt.Sprintf(`{"type":"record","name":"R%d","fields":[{"name":"id","type":"long"}]}`, i)))
	}
	b.ResetTimer()
	for i := range b.N {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/subjects/bench/versions", bytes.NewReader(bodies[i])))
		if rec.Code != 200 {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}

func BenchmarkRegister(b *testing.B) {
	b.Run("memory", func(b *testing.B) { benchRegister(b) })
	b.Run("log", func(b *testing.B) { benchRegister(b, LogFile(filepath.Join(b.TempDir(), "r.log"))) })
	b.Run("log+fsync", func(b *testing.B) { benchRegister(b, LogFile(filepath.Join(b.TempDir(), "r.log")), Fsync(true)) })
}

func BenchmarkRead(b *testing.B) {
	s, _ := New()
	defer s.Close()
	h := s.Handler()
	body, _ := json.Marshal(avroBody(userV1))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/subjects/s/versions", bytes.NewReader(body)))
	b.Run("schema by id", func(b *testing.B) {
		for range b.N {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/schemas/ids/1", nil))
		}
	})
	b.Run("lookup", func(b *testing.B) {
		for range b.N {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("POST", "/subjects/s", bytes.NewReader(body)))
		}
	})
}

func BenchmarkReplay(b *testing.B) {
	path := filepath.Join(b.TempDir(), "r.log")
	s, _ := New(LogFile(path), DefaultCompatibility(compat.None))
	h := s.Handler()
	const n = 10000
	for i := range n {
		body, _ := json.Marshal(avroBody(fmt.Sprintf(`{"type":"record","name":"R%d","fields":[{"name":"id","type":"long"}]}`, i)))
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", fmt.Sprintf("/subjects/s%d/versions", i%100), bytes.NewReader(body)))
	}
	s.Close()
	b.ResetTimer()
	for range b.N {
		s, err := New(LogFile(path))
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	b.ReportMetric(n, "events/op")
}
