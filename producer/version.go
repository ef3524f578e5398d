package producer

// IsAtLeastVersion0_1_0 is referenced by code that schemagen generates
// (const _ = producer.IsAtLeastVersion0_1_0), so a generated package fails
// to compile against a runtime older than the generator it came from.
// Later runtimes keep every older constant and add their own.
const IsAtLeastVersion0_1_0 = true
