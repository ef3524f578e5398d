package contract

import (
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/ext"
)

// library is the CEL environment Confluent's executors offer: numeric
// comparisons across types, the strings extension, and the string checks
// isEmail, isHostname, isIpv4, isIpv6, isUri, isUriRef and isUuid.
type library struct{}

func (library) CompileOptions() []cel.EnvOption {
	check := func(name string, f func(string) bool) cel.EnvOption {
		return cel.Function(name, cel.MemberOverload("string_"+name+"_bool",
			[]*cel.Type{cel.StringType}, cel.BoolType,
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				s, ok := v.Value().(string)
				return types.Bool(ok && f(s))
			})))
	}
	return []cel.EnvOption{
		cel.CrossTypeNumericComparisons(true),
		ext.Strings(),
		check("isEmail", isEmail),
		check("isHostname", isHostname),
		check("isIpv4", func(s string) bool { return isIP(s, 4) }),
		check("isIpv6", func(s string) bool { return isIP(s, 6) }),
		check("isUri", isURI),
		check("isUriRef", isURIRef),
		check("isUuid", isUUID),
	}
}

func (library) ProgramOptions() []cel.ProgramOption {
	return []cel.ProgramOption{cel.EvalOptions(cel.OptOptimize)}
}

func isEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && at <= 64 && isHostname(s[at+1:])
}

func isHostname(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

func isIP(s string, version int) bool {
	ip := net.ParseIP(s)
	if ip == nil {
		return false
	}
	if version == 4 {
		return ip.To4() != nil && !strings.Contains(s, ":")
	}
	return strings.Contains(s, ":")
}

func isURI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != ""
}

func isURIRef(s string) bool {
	_, err := url.Parse(s)
	return err == nil
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func isUUID(s string) bool { return uuidRE.MatchString(s) }
