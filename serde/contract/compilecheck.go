package contract

import (
	"fmt"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"

	"github.com/schemagen/schemagen/serde"
)

// CompileRuleSet compiles every CEL and CEL_FIELD rule of rs (domain,
// migration and encoding rules, disabled ones too) without a schema: the
// variables the executors bind are declared dyn-typed (message for CEL;
// value, name, fullName, typeName, tags and message for CEL_FIELD), with
// the same library (string checks, the strings extension) New uses. It
// returns nil or a *CompileError, wrapping ErrRuleSet, for the first rule
// that does not compile. A CONDITION rule must yield a bool (or dyn); a
// TRANSFORM rule may yield anything. Rules of other types (ENCRYPT,
// JSONATA, ...) are not looked at: they are their executors' business.
//
// It is the check a registry can make when a rule set is registered,
// before any schema binds it; New checks the same rules again against
// the schema's own types.
func CompileRuleSet(rs *serde.RuleSet) error {
	if rs == nil {
		return nil
	}
	envs, err := checkEnvs()
	if err != nil {
		return err
	}
	msgEnv, fieldEnv := envs[0], envs[1]
	for _, list := range [][]serde.Rule{rs.DomainRules, rs.MigrationRules, rs.EncodingRules} {
		for _, r := range list {
			var env *cel.Env
			switch strings.ToUpper(r.Type) {
			case "CEL":
				env = msgEnv
			case "CEL_FIELD":
				env = fieldEnv
			default:
				continue
			}
			if strings.EqualFold(r.Kind, "TRANSFORM") {
				if err := compileAny(env, r); err != nil {
					return err
				}
				continue
			}
			if _, err := compileRule(env, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkEnvs are CompileRuleSet's environments, built once: a cel.Env is
// safe for concurrent use.
var checkEnvs = sync.OnceValues(func() ([2]*cel.Env, error) {
	base, err := cel.NewEnv(cel.Lib(library{}))
	if err != nil {
		return [2]*cel.Env{}, fmt.Errorf("contract: cel environment: %w", err)
	}
	msgEnv, err := base.Extend(cel.Variable("message", cel.DynType))
	if err != nil {
		return [2]*cel.Env{}, fmt.Errorf("contract: cel environment: %w", err)
	}
	fieldEnv, err := base.Extend(
		cel.Variable("value", cel.DynType),
		cel.Variable("fullName", cel.StringType),
		cel.Variable("name", cel.StringType),
		cel.Variable("typeName", cel.StringType),
		cel.Variable("tags", cel.ListType(cel.StringType)),
		cel.Variable("message", cel.DynType))
	if err != nil {
		return [2]*cel.Env{}, fmt.Errorf("contract: cel environment: %w", err)
	}
	return [2]*cel.Env{msgEnv, fieldEnv}, nil
})

// compileAny compiles a TRANSFORM rule's guard (a bool) and expression
// (any type), split at the first ';' as compileRule splits it.
func compileAny(env *cel.Env, r serde.Rule) error {
	expr := r.Expr
	if i := strings.IndexByte(expr, ';'); i >= 0 {
		if guard := strings.TrimSpace(expr[:i]); guard != "" {
			if _, err := compileBool(env, guard); err != nil {
				return &CompileError{Rule: r.Name, Expr: r.Expr, Err: fmt.Errorf("guard: %w", err)}
			}
		}
		expr = expr[i+1:]
	}
	if strings.TrimSpace(expr) == "" {
		return &CompileError{Rule: r.Name, Expr: r.Expr, Err: fmt.Errorf("empty expression")}
	}
	if _, iss := env.Compile(expr); iss != nil && iss.Err() != nil {
		return &CompileError{Rule: r.Name, Expr: r.Expr, Err: iss.Err()}
	}
	return nil
}
