package producer

import (
	"github.com/twmb/franz-go/pkg/kgo"
)

// Partitioner sets how records are spread over partitions, overriding the
// default KeyHash.
func Partitioner(p kgo.Partitioner) Opt {
	return opt(func(c *cfg) {
		if p == nil {
			c.fail("nil partitioner")
			return
		}
		c.partitioner = p
	})
}

// KeyHash is the default partitioning, the Java client's: a keyed record
// goes to murmur2(key) & 0x7fffffff % partitions (the partition Java's
// producer and librdkafka's murmur2_random pick for the same key), a record
// with a nil key goes to a sticky partition that changes with each new batch.
// It is franz-go's kgo.StickyKeyPartitioner(nil).
func KeyHash() Opt { return Partitioner(kgo.StickyKeyPartitioner(nil)) }

// RoundRobin sends records to each partition in turn, keyed or not.
func RoundRobin() Opt { return Partitioner(kgo.RoundRobinPartitioner()) }

// PartitionFunc partitions with fn: given the topic, the serialized key (nil
// for none) and the partition count n, it returns a partition in [0, n). A
// result outside that range fails the record. fn is called for one record
// of a topic at a time.
func PartitionFunc(fn func(topic string, key []byte, n int) int) Opt {
	if fn == nil {
		return opt(func(c *cfg) { c.fail("nil partition function") })
	}
	return Partitioner(kgo.BasicConsistentPartitioner(func(topic string) func(*kgo.Record, int) int {
		return func(r *kgo.Record, n int) int { return fn(topic, r.Key, n) }
	}))
}

// explicitTopic wraps the configured partitioner's topic partitioner so
// that a record produced with the ToPartition record option keeps the
// partition it asked for, whatever the configured partitioner would pick.
type explicitTopic struct{ inner kgo.TopicPartitioner }

func explicit(r *kgo.Record) bool {
	return r.Context != nil && r.Context.Value(explicitKey{}) != nil
}

func (e *explicitTopic) RequiresConsistency(r *kgo.Record) bool {
	return explicit(r) || e.inner.RequiresConsistency(r)
}

func (e *explicitTopic) Partition(r *kgo.Record, n int) int {
	if explicit(r) {
		return int(r.Partition)
	}
	return e.inner.Partition(r, n)
}

// explicitNB forwards OnNewBatch for inner partitioners that have it
// (sticky ones). Only those get it: kgo holds a lock while buffering for a
// partitioner with OnNewBatch.
type explicitNB struct {
	explicitTopic
	nb kgo.TopicPartitionerOnNewBatch
}

func (e *explicitNB) OnNewBatch() { e.nb.OnNewBatch() }

// explicitBackup is used when the inner partitioner partitions by backup
// (kgo then calls only PartitionByBackup).
type explicitBackup struct {
	explicitTopic
	backup kgo.TopicBackupPartitioner
}

func (e *explicitBackup) PartitionByBackup(r *kgo.Record, n int, it kgo.TopicBackupIter) int {
	if explicit(r) {
		return int(r.Partition)
	}
	return e.backup.PartitionByBackup(r, n, it)
}

type explicitBackupNB struct {
	explicitBackup
	nb kgo.TopicPartitionerOnNewBatch
}

func (e *explicitBackupNB) OnNewBatch() { e.nb.OnNewBatch() }

type explicitPartitioner struct{ inner kgo.Partitioner }

func (e explicitPartitioner) ForTopic(t string) kgo.TopicPartitioner {
	tp := e.inner.ForTopic(t)
	base := explicitTopic{inner: tp}
	b, isBackup := tp.(kgo.TopicBackupPartitioner)
	nb, isNB := tp.(kgo.TopicPartitionerOnNewBatch)
	switch {
	case isBackup && isNB:
		return &explicitBackupNB{explicitBackup{base, b}, nb}
	case isBackup:
		return &explicitBackup{base, b}
	case isNB:
		return &explicitNB{base, nb}
	}
	return &base
}

func wrapPartitioner(p kgo.Partitioner) kgo.Partitioner {
	return explicitPartitioner{p}
}
