package cli

func runInit(e *env, args []string) error { return usageErr("not yet") }
