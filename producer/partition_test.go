package producer_test

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/producer"
)

// javaPartition is Kafka's BuiltInPartitioner.partitionForKey:
// Utils.toPositive(Utils.murmur2(key)) % numPartitions, from a published
// murmur2 hash.
func javaPartition(hash int32, n int) int32 { return int32(uint32(hash)&0x7fffffff) % int32(n) }

// Published murmur2 vectors for Kafka's Utils.murmur2, the hash the Java
// producer partitions keyed records with:
//   - apache/kafka clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java, testMurmur2
//   - confluentinc/librdkafka src/rdmurmur2.c, unittest_murmurhashneutral2
//     ("java_murmur2_results", the hashes librdkafka's murmur2 and
//     murmur2_random partitioners use for non-null keys)
//   - tulios/kafkajs src/producer/partitioners/defaultJava/murmur2.spec.js
//     (printed by Kafka's murmur2 in the Test.java beside it; kafkajs's
//     default/ directory holds its older, non-Java hash, whose vectors this
//     test rejects)
//   - akka/akka Murmur2Spec.scala (values from Kafka's Utils.murmur2)
var murmur2Vectors = []struct {
	name   string
	key    []byte
	hash   int32
	source string
}{
	{"21", []byte("21"), -973932308, "kafka UtilsTest"},
	{"foobar", []byte("foobar"), -790332482, "kafka UtilsTest"},
	{"a-little-bit-long-string", []byte("a-little-bit-long-string"), -985981536, "kafka UtilsTest"},
	{"a-little-bit-longer-string", []byte("a-little-bit-longer-string"), -1486304829, "kafka UtilsTest"},
	{"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", []byte("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971, "kafka UtilsTest"},
	{"abc", []byte{'a', 'b', 'c'}, 479470107, "kafka UtilsTest"},
	{"kafka", []byte("kafka"), 1348980580, "librdkafka rdmurmur2.c"},
	{"amqp", []byte("amqp"), 767747138, "librdkafka rdmurmur2.c"},
	{"giberish123456789", []byte("giberish123456789"), 257239820, "librdkafka rdmurmur2.c"},
	{"0", []byte("0"), 971027396, "kafkajs defaultJava/murmur2.spec.js"},
	{"1", []byte("1"), -1993445489, "kafkajs defaultJava/murmur2.spec.js"},
	{"128", []byte("128"), -326012175, "kafkajs defaultJava/murmur2.spec.js"},
	{"2187", []byte("2187"), -1508407203, "kafkajs defaultJava/murmur2.spec.js"},
	{"16384", []byte("16384"), -325739742, "kafkajs defaultJava/murmur2.spec.js"},
	{"78125", []byte("78125"), -1654490814, "kafkajs defaultJava/murmur2.spec.js"},
	{"10000000", []byte("10000000"), -1830336757, "kafkajs defaultJava/murmur2.spec.js"},
	{"170859375", []byte("170859375"), -1658323481, "kafkajs defaultJava/murmur2.spec.js"},
	{"100:48069", []byte("100:48069"), 1009543857, "kafkajs defaultJava/murmur2.spec.js"},
	{"12345", []byte("12345"), -1188365604, "akka Murmur2Spec (Kafka's murmur2)"},
}

// TestKeyHashMatchesJava checks the default partitioner against the Java
// client's choice for every vector and several partition counts, in
// process (no broker needed).
func TestKeyHashMatchesJava(t *testing.T) {
	tp := kgo.StickyKeyPartitioner(nil).ForTopic("t")
	for _, v := range murmur2Vectors {
		t.Run(v.name, func(t *testing.T) {
			for _, n := range []int{1, 2, 3, 6, 7, 12, 100, 1000} {
				got := tp.Partition(&kgo.Record{Key: v.key}, n)
				if want := javaPartition(v.hash, n); int32(got) != want {
					t.Errorf("%s (%s): %d partitions: got %d, want %d", v.name, v.source, n, got, want)
				}
			}
		})
	}
}

// TestPartitioning produces through kfake and checks where records land.
func TestPartitioning(t *testing.T) {
	const parts = 7
	tests := []struct {
		name  string
		opts  []producer.Opt
		check func(t *testing.T, typed *producer.Typed[[]byte, *order])
	}{
		{name: "keyed records land where Java puts them", check: func(t *testing.T, typed *producer.Typed[[]byte, *order]) {
			for _, v := range murmur2Vectors {
				md, err := typed.ProduceSync(context.Background(), v.key, &order{ID: v.name})
				if err != nil {
					t.Fatal(err)
				}
				if want := javaPartition(v.hash, parts); md.Partition != want {
					t.Errorf("key %q: partition %d, Java picks %d", v.name, md.Partition, want)
				}
			}
		}},
		{name: "null keys stick to one partition per batch", opts: []producer.Opt{producer.Linger(time.Minute)}, check: func(t *testing.T, typed *producer.Typed[[]byte, *order]) {
			// Learn the topic's partitions first. Records produced
			// before that wait in franz-go's unknown-topic buffer; if
			// Flush starts before the metadata answer, each is
			// partitioned during the flush, batches drain as they
			// form, and the sticky partitioner rightly moves on at
			// each new batch (KIP-480), which once spread 20 records
			// over two partitions on a loaded CI machine.
			if _, err := typed.Produce(context.Background(), nil, &order{ID: "warm-up"}); err != nil {
				t.Fatal(err)
			}
			if err := typed.Producer().Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			var futs []*producer.Future
			for range 20 {
				f, err := typed.Produce(context.Background(), nil, &order{ID: "x"})
				if err != nil {
					t.Fatal(err)
				}
				futs = append(futs, f)
			}
			if err := typed.Producer().Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			seen := map[int32]int{}
			for _, f := range futs {
				md, err := f.Get(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				seen[md.Partition]++
			}
			if len(seen) != 1 {
				t.Errorf("one batch of null-key records spread over %v", seen)
			}
		}},
		{name: "round robin", opts: []producer.Opt{producer.RoundRobin()}, check: func(t *testing.T, typed *producer.Typed[[]byte, *order]) {
			seen := map[int32]int{}
			for i := range 3 * parts {
				md, err := typed.ProduceSync(context.Background(), []byte("same-key"), &order{ID: "x", Qty: i})
				if err != nil {
					t.Fatal(err)
				}
				seen[md.Partition]++
			}
			for p := range int32(parts) {
				if seen[p] != 3 {
					t.Errorf("round robin: %v", seen)
					break
				}
			}
		}},
		{name: "explicit partition beats the key", check: func(t *testing.T, typed *producer.Typed[[]byte, *order]) {
			for p := range int32(parts) {
				md, err := typed.ProduceSync(context.Background(), []byte("kafka"), &order{ID: "x"}, producer.ToPartition(p))
				if err != nil {
					t.Fatal(err)
				}
				if md.Partition != p {
					t.Errorf("asked for %d, got %d", p, md.Partition)
				}
			}
			if _, err := typed.ProduceSync(context.Background(), nil, &order{ID: "x"}, producer.ToPartition(parts)); err == nil {
				t.Error("a partition the topic lacks was accepted")
			}
		}},
		{name: "custom function", opts: []producer.Opt{producer.PartitionFunc(func(topic string, key []byte, n int) int {
			if topic != "t" {
				return -1
			}
			return len(key) % n
		})}, check: func(t *testing.T, typed *producer.Typed[[]byte, *order]) {
			for _, k := range []string{"", "a", "abcd", "abcdefghij"} {
				md, err := typed.ProduceSync(context.Background(), []byte(k), &order{ID: "x"})
				if err != nil {
					t.Fatal(err)
				}
				if want := int32(len(k) % parts); md.Partition != want {
					t.Errorf("key %q: partition %d, want %d", k, md.Partition, want)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cluster(t, kfake.SeedTopics(parts, "t"))
			p := newProducer(t, c, append([]producer.Opt{producer.LowLatency()}, tt.opts...)...)
			tt.check(t, newOrders(t, p, "t", nil))
		})
	}
}
