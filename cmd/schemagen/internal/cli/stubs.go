package cli

func runInit(e *env, args []string) error     { return usageErr("not yet") }
func runGenerate(e *env, args []string) error { return usageErr("not yet") }
func runFetch(e *env, args []string) error    { return usageErr("not yet") }
func runConfig(e *env, args []string) error   { return usageErr("not yet") }
func runDev(e *env, args []string) error      { return usageErr("not yet") }
func runProduce(e *env, args []string) error  { return usageErr("not yet") }
func runDemo(e *env, args []string) error     { return usageErr("not yet") }
