package registry

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/schemagen/schemagen/serde"
)

type fakeFinding string

func (f fakeFinding) String() string { return string(f) }

// DriftAllowIfCompatible runs the checker it is given, and only it: the
// registry client links no compatibility checker of its own.
func TestDriftAllowIfCompatibleInjected(t *testing.T) {
	var calls int
	var gotReader, gotWriter string
	check := func(findings ...fakeFinding) func(context.Context, serde.Schema, serde.Schema, serde.Resolver) ([]fakeFinding, error) {
		return func(_ context.Context, reader, writer serde.Schema, _ serde.Resolver) ([]fakeFinding, error) {
			calls++
			gotReader, gotWriter = reader.Text, writer.Text
			return findings, nil
		}
	}
	failing := func(context.Context, serde.Schema, serde.Schema, serde.Resolver) ([]fakeFinding, error) {
		return nil, errors.New("checker broke")
	}
	tests := []struct {
		name  string
		drift Drift
		calls int
		want  []error
		inMsg []string
	}{
		{name: "checker finds nothing: registered schema used", drift: DriftAllowIfCompatible(check()), calls: 1},
		{name: "checker findings fail the bind", drift: DriftAllowIfCompatible(check("F1: field gone", "F2: type changed")), calls: 1,
			want: []error{ErrDrift, ErrIncompatible}, inMsg: []string{"F1: field gone; F2: type changed"}},
		{name: "checker error", drift: DriftAllowIfCompatible(failing), want: []error{}, inMsg: []string{"checker broke"}},
		{name: "nil checker refused", drift: DriftAllowIfCompatible[fakeFinding](nil), want: []error{}, inMsg: []string{"needs a checker"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls = 0
			reg, cl, _ := fakeClient(t)
			reg.SeedSchema("s-value", 1, 1, sr.Schema{Schema: avroUser})
			got, err := cl.Bind(context.Background(), "s-value", avroSchema(avroUser2), UseLatest(nil), tt.drift)
			if calls != tt.calls {
				t.Errorf("checker called %d times, want %d", calls, tt.calls)
			}
			if tt.want == nil {
				if err != nil || got.ID != 1 {
					t.Fatalf("Bind = %+v, %v; want id 1", got, err)
				}
				if gotReader != avroUser || gotWriter != avroUser2 {
					t.Errorf("checker asked whether %q reads %q; want registered reads local", gotReader, gotWriter)
				}
				return
			}
			if err == nil {
				t.Fatalf("Bind = %+v, want error", got)
			}
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("error %v is not %v", err, w)
				}
			}
			for _, m := range tt.inMsg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q lacks %q", err, m)
				}
			}
			var de *DriftError
			if errors.As(err, &de) && len(de.Findings) > 0 {
				if f, ok := de.Findings[0].(fakeFinding); !ok || f != "F1: field gone" {
					t.Errorf("Findings[0] = %#v, want the checker's own finding", de.Findings[0])
				}
			}
		})
	}
	if s := fmt.Sprint(DriftAllowIfCompatible(check()), DriftWarn, DriftFail); s != "allow-if-compatible warn fail" {
		t.Errorf("String = %q", s)
	}
	if !DriftFail.Strict() || DriftWarn.Strict() || DriftAllowIfCompatible(check()).Strict() {
		t.Error("Strict is true only for DriftFail")
	}
}
