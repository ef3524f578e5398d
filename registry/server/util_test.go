package server

import (
	"bytes"
	"io"
	"net/http/httptest"
)

func bytesReader(b []byte) io.Reader       { return bytes.NewReader(b) }
func recorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }
