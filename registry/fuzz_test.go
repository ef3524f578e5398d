package registry

import (
	"fmt"
	"strings"
	"testing"
)

// FuzzURLs: New never panics on a URL, and neither its error nor the
// client's formatting ever prints the password of the URL's userinfo.
// Seeds are the schemes of issue 13 item 5.
func FuzzURLs(f *testing.F) {
	for _, u := range []string{"http://u:SECRETPW@h:1", "HTTP://u:SECRETPW@h:1", "Https://u:SECRETPW@h", "ftp://u:SECRETPW@h", "htp://u:SECRETPW@h",
		"http:/u:SECRETPW@h", "//u:SECRETPW@h", "u:SECRETPW@h", "http://u:SECRET/PW@h:1", "h:8081", "http://[::1]:1/base"} {
		f.Add(u)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		const pw = "SECRETPW"
		// only a password: a host or path named SECRETPW may be printed
		if !strings.Contains(raw, ":"+pw+"@") || strings.Count(raw, pw) != 1 {
			return
		}
		c, err := New(URLs(raw))
		if err != nil {
			if strings.Contains(err.Error(), pw) {
				t.Fatalf("error prints the password: %v", err)
			}
			return
		}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			if strings.Contains(fmt.Sprintf(verb, c), pw) {
				t.Fatalf("%s prints the password", verb)
			}
		}
		for _, u := range c.cfg.urls {
			if strings.Contains(u, pw) && c.cfg.auth.pass == pw {
				t.Fatalf("url %q keeps the password", u)
			}
		}
	})
}
