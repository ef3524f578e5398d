package jsonschema

import (
	"encoding/binary"
	"regexp"
	"regexp/syntax"
	"slices"
	"unicode/utf8"
)

// matcher answers Regexp.Match for one pattern. For ASCII input it runs a
// DFA built at compile time from the pattern's syntax.Prog (Go's regexp
// package simulates the NFA, or backtracks, on every call: several times
// slower for the short strings schemas check); for other input, and for
// patterns the DFA does not cover (word boundaries, multi-line anchors, too
// many states), it calls the regexp.
type matcher struct {
	re  *regexp.Regexp
	dfa *dfa
}

func newMatcher(re *regexp.Regexp) *matcher {
	budget := dfaMaxStates
	return newMatcherWithin(re, &budget)
}

// newMatcherWithin is newMatcher for a plan that builds many: *budget is
// the DFA states the plan may still build (each costs a pass over the
// ASCII alphabet), less the states this one built, even if it gave up.
// Once it is spent, patterns keep to the regexp: a schema of many
// patterns compiles in time linear in their number, whatever they are.
func newMatcherWithin(re *regexp.Regexp, budget *int) *matcher {
	if re == nil {
		return nil
	}
	if *budget <= 0 {
		return &matcher{re: re}
	}
	d, built := buildDFAWithin(re.String(), min(dfaMaxStates, *budget))
	*budget -= built
	return &matcher{re: re, dfa: d}
}

func (m *matcher) match(b []byte) bool {
	if m.dfa != nil {
		if r, ok := m.dfa.match(b); ok {
			return r
		}
	}
	return m.re.Match(b)
}

// matchASCII is match for input known to be ASCII.
func (m *matcher) matchASCII(b []byte) bool {
	if m.dfa != nil {
		return m.dfa.matchASCII(b)
	}
	return m.re.Match(b)
}

const (
	dfaMaxInsts  = 256 // bigger programs keep to regexp: building would cost too much
	dfaMaxStates = 256
	dfaDead      = 0 // the state add returns when the DFA grows too big
)

// dfa is a deterministic automaton over ASCII bytes with search semantics:
// it accepts when some substring matches, like Regexp.Match.
type dfa struct {
	next   [][128]uint16 // state -> byte -> state; state 0 is dead
	flat   []uint16      // next in one table of row offsets: state<<7 | byte -> next<<7
	accept []bool        // a match has been seen
	atEnd  []bool        // a match completes at end of text ($)
	dead   []bool        // no match can follow
	start  uint16
}

// matchASCII runs the DFA over ASCII input. Accepting and dead states
// loop to themselves, so the loop needs no test but the end.
func (d *dfa) matchASCII(b []byte) bool {
	s := int(d.start) << 7
	for _, c := range b {
		s = int(d.flat[s|int(c&0x7f)])
	}
	return d.atEnd[s>>7]
}

func (d *dfa) match(b []byte) (matched, ok bool) {
	s := d.start
	if d.accept[s] {
		return true, true
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false, false
		}
		s = d.next[s][c]
		if d.accept[s] {
			return true, true
		}
		if d.dead[s] {
			return false, true
		}
	}
	return d.atEnd[s], true
}

type dfaBuilder struct {
	maxStates int
	prog      *syntax.Prog
	mark      []uint32 // mark[pc] == gen: pc already in the set being built
	gen       uint32
	ids       map[string]uint16
	states    [][]uint32 // thread pcs per state
	d         *dfa
	failed    bool
}

// buildDFA returns nil when the pattern is outside what the DFA handles.
func buildDFA(pattern string) *dfa {
	d, _ := buildDFAWithin(pattern, dfaMaxStates)
	return d
}

// buildDFAWithin is buildDFA with at most maxStates states; it also
// returns how many states it built.
func buildDFAWithin(pattern string, maxStates int) (_ *dfa, built int) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, 0
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil || len(prog.Inst) > dfaMaxInsts {
		return nil, 0
	}
	for _, in := range prog.Inst {
		if in.Op == syntax.InstEmptyWidth {
			if op := syntax.EmptyOp(in.Arg); op != syntax.EmptyBeginText && op != syntax.EmptyEndText {
				return nil, 0
			}
		}
	}
	b := &dfaBuilder{prog: prog, ids: map[string]uint16{}, d: &dfa{}, mark: make([]uint32, len(prog.Inst)), maxStates: maxStates}
	// State 0 is dead: no threads, and nothing restarts into it because
	// unanchored search restarts every step; keep it distinct by key.
	b.add(nil, "dead")
	b.gen++
	start := b.closure(nil, uint32(prog.Start), true)
	b.d.start = b.add(start, "start")
	b.gen++
	restart := b.closure(nil, uint32(prog.Start), false)
	for i := 1; i < len(b.states) && !b.failed; i++ {
		cur := b.states[i]
		for c := 0; c < 128; c++ {
			var out []uint32
			b.gen++
			for _, pc := range cur {
				in := &prog.Inst[pc]
				var ok bool
				switch in.Op {
				case syntax.InstRune, syntax.InstRune1:
					ok = in.MatchRune(rune(c))
				case syntax.InstRuneAny:
					ok = true
				case syntax.InstRuneAnyNotNL:
					ok = c != '\n'
				}
				if ok {
					out = b.closure(out, in.Out, false)
				}
			}
			for _, pc := range restart {
				if b.mark[pc] != b.gen {
					b.mark[pc] = b.gen
					out = append(out, pc)
				}
			}
			b.d.next[i][c] = b.add(out, "")
		}
	}
	if b.failed {
		return nil, len(b.states)
	}
	for st := range b.d.next {
		if b.d.accept[st] || b.d.dead[st] {
			for c := range b.d.next[st] {
				b.d.next[st][c] = uint16(st)
			}
		}
	}
	b.d.flat = make([]uint16, len(b.d.next)<<7)
	for st, row := range b.d.next {
		for c, nx := range row {
			b.d.flat[st<<7|c] = nx << 7
		}
	}
	return b.d, len(b.states)
}

// closure adds to set the threads reachable from pc without consuming
// input: rune instructions, Match, and assertions (kept pending). Marks
// with the current generation say what the set already holds.
func (b *dfaBuilder) closure(set []uint32, pc uint32, atStart bool) []uint32 {
	stack := []uint32{pc}
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if b.mark[pc] == b.gen {
			continue
		}
		b.mark[pc] = b.gen
		in := &b.prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, in.Out, in.Arg)
		case syntax.InstNop, syntax.InstCapture:
			stack = append(stack, in.Out)
		case syntax.InstEmptyWidth:
			set = append(set, pc)
			if syntax.EmptyOp(in.Arg) == syntax.EmptyBeginText && atStart {
				stack = append(stack, in.Out)
			}
		case syntax.InstFail:
		default: // runes, Match
			set = append(set, pc)
		}
	}
	return set
}

// add interns a state (a set of pcs) and returns its number.
func (b *dfaBuilder) add(set []uint32, tag string) uint16 {
	slices.Sort(set)
	set = slices.Compact(set)
	key := make([]byte, 0, len(tag)+4*len(set))
	key = append(key, tag...)
	for _, pc := range set {
		key = binary.LittleEndian.AppendUint32(key, pc)
	}
	if id, ok := b.ids[string(key)]; ok {
		return id
	}
	if len(b.states) >= b.maxStates {
		b.failed = true
		return dfaDead
	}
	id := uint16(len(b.states))
	b.ids[string(key)] = id
	b.states = append(b.states, set)
	b.d.next = append(b.d.next, [128]uint16{})
	accept, atEnd, live := false, false, false
	for _, pc := range set {
		in := &b.prog.Inst[pc]
		switch in.Op {
		case syntax.InstMatch:
			accept = true
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			live = true
		case syntax.InstEmptyWidth:
			if syntax.EmptyOp(in.Arg) == syntax.EmptyEndText {
				live = true
			}
		}
	}
	if !accept {
		// At end of text the pending $ assertions pass.
		var ends []uint32
		for _, pc := range set {
			in := &b.prog.Inst[pc]
			if in.Op == syntax.InstEmptyWidth && syntax.EmptyOp(in.Arg)&syntax.EmptyEndText != 0 {
				ends = append(ends, in.Out)
			}
		}
		for len(ends) > 0 && !atEnd {
			more := b.closureEnd(ends, tag == "start")
			ends = nil
			for _, pc := range more {
				in := &b.prog.Inst[pc]
				if in.Op == syntax.InstMatch {
					atEnd = true
				}
			}
		}
	}
	b.d.accept = append(b.d.accept, accept)
	b.d.atEnd = append(b.d.atEnd, accept || atEnd)
	b.d.dead = append(b.d.dead, !accept && !live)
	return id
}

// closureEnd is closure at the end of text: $ passes, ^ passes only at the
// start as well.
func (b *dfaBuilder) closureEnd(pcs []uint32, atStart bool) []uint32 {
	var set []uint32
	stack := append([]uint32(nil), pcs...)
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if slices.Contains(set, pc) {
			continue
		}
		set = append(set, pc)
		in := &b.prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, in.Out, in.Arg)
		case syntax.InstNop, syntax.InstCapture:
			stack = append(stack, in.Out)
		case syntax.InstEmptyWidth:
			op := syntax.EmptyOp(in.Arg)
			if op == syntax.EmptyEndText || (op == syntax.EmptyBeginText && atStart) {
				stack = append(stack, in.Out)
			}
		}
	}
	return set
}
