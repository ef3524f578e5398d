package jsoncompat

import (
	"strings"

	"github.com/schemagen/schemagen/internal/jsonpos"
)

// positions maps diff paths of a schema text to 1-based line and column:
// of the member name for object members, of the value otherwise.
type positions struct{ ix *jsonpos.Index }

// scanPositions indexes JSON text; it is lenient (see jsonpos.Scan).
func scanPositions(text string) *positions { return &positions{ix: jsonpos.Scan(text)} }

// locate finds a diff path (#/a/b) in the text. The path follows the
// schema model, which may name parts the text lacks (the allOf/1 of a
// "type" beside "enum") and passes through $refs; locate skips segments
// the text lacks, follows in-document $refs, and returns the position of
// the deepest part it found.
func (p *positions) locate(path string) (int, int) {
	if p == nil {
		return 0, 0
	}
	best, ok := p.ix.Member("")
	if !ok {
		return 0, 0
	}
	path = strings.TrimPrefix(path, "#")
	path = strings.TrimPrefix(path, "/")
	if path == "" {
		return best.Line, best.Col
	}
	cur, hops := "", 0
	for _, seg := range strings.Split(path, "/") {
		next := cur + "/" + seg
		if !p.ix.Has(next) {
			target, isRef := p.ix.Ref(cur)
			if !isRef || hops >= 32 {
				continue
			}
			hops++
			if !p.ix.Has(target + "/" + seg) {
				continue
			}
			next = target + "/" + seg
		}
		cur = next
		best, _ = p.ix.Member(cur)
	}
	return best.Line, best.Col
}
