package avrocompat

import "github.com/schemagen/schemagen/internal/jsonpos"

// positions maps JSON pointers ("/fields/1/type") of one schema text to
// lines and columns, so findings can carry them.
type positions struct{ ix *jsonpos.Index }

// scanPositions indexes text; it is lenient (see jsonpos.Scan).
func scanPositions(text string) *positions { return &positions{ix: jsonpos.Scan(text)} }

// locate returns the 1-based line and column of the value at ptr, or of the
// deepest enclosing value the text has (a named type used by name has no
// body there); 0, 0 when nothing matches.
func (p *positions) locate(ptr string) (line, col int) {
	pos, _ := p.ix.Enclosing(ptr)
	return pos.Line, pos.Col
}
