package jsonschema

// Fast acceptors for the formats records use most. Each accepts only
// strings the library's own check (jsonschema.Formats) accepts; anything
// it does not accept goes to the library's check, so the verdict is always
// the library's. The differential tests hold them to that.

var fastFormats = map[string]func([]byte) bool{
	"uuid":      fastUUID,
	"date-time": fastDateTime,
	"date":      fastDate,
	"email":     fastEmail,
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// fastUUID accepts 8-4-4-4-12 hex digits.
func fastUUID(s []byte) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func num2(s []byte) (int, bool) {
	if !isDigit(s[0]) || !isDigit(s[1]) {
		return 0, false
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), true
}

// fastDate accepts YYYY-MM-DD with a day that exists, year 1 to 9999.
func fastDate(s []byte) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	hi, ok1 := num2(s[0:2])
	lo, ok2 := num2(s[2:4])
	m, ok3 := num2(s[5:7])
	d, ok4 := num2(s[8:10])
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return false
	}
	y := hi*100 + lo
	if y < 1 || m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m]
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}

// fastDateTime accepts YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM) without leap
// seconds.
func fastDateTime(s []byte) bool {
	if len(s) < 20 || (s[10] != 'T' && s[10] != 't') || !fastDate(s[:10]) {
		return false
	}
	t := s[11:]
	if t[2] != ':' || t[5] != ':' {
		return false
	}
	h, ok1 := num2(t[0:2])
	m, ok2 := num2(t[3:5])
	sec, ok3 := num2(t[6:8])
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || sec > 59 {
		return false
	}
	t = t[8:]
	if t[0] == '.' {
		n := 1
		for n < len(t) && isDigit(t[n]) {
			n++
		}
		if n == 1 {
			return false
		}
		t = t[n:]
	}
	switch {
	case len(t) == 1 && (t[0] == 'Z' || t[0] == 'z'):
		return true
	case len(t) == 6 && (t[0] == '+' || t[0] == '-') && t[3] == ':':
		zh, ok1 := num2(t[1:3])
		zm, ok2 := num2(t[4:6])
		return ok1 && ok2 && zh <= 23 && zm <= 59
	}
	return false
}

// fastEmail accepts a dot-atom local part of common characters, at most 64
// bytes, an @, and a host name of letters, digits and inner hyphens.
func fastEmail(s []byte) bool {
	if len(s) > 254 {
		return false
	}
	at := -1
	for i, c := range s {
		if c == '@' {
			if at >= 0 {
				return false
			}
			at = i
		}
	}
	if at < 1 || at > 64 || at == len(s)-1 {
		return false
	}
	// Local part: atoms of [A-Za-z0-9+_-] joined by single dots.
	prev := byte('.')
	for _, c := range s[:at] {
		switch {
		case c == '.':
			if prev == '.' {
				return false
			}
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', isDigit(c), c == '+', c == '_', c == '-':
		default:
			return false
		}
		prev = c
	}
	if prev == '.' {
		return false
	}
	// Domain: labels of 1 to 63 [A-Za-z0-9-], not starting or ending
	// with a hyphen, joined by single dots.
	dom := s[at+1:]
	if len(dom) > 253 {
		return false
	}
	label := 0
	prev = '.'
	for _, c := range dom {
		switch {
		case c == '.':
			if prev == '.' || prev == '-' {
				return false
			}
			label = 0
		case c == '-':
			if prev == '.' {
				return false
			}
			label++
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', isDigit(c):
			label++
		default:
			return false
		}
		if label > 63 {
			return false
		}
		prev = c
	}
	return prev != '.' && prev != '-'
}
