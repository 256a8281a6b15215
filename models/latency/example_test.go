package latency_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/raftsim/raftsim/models/latency"
)

func Example() {
	// A WAN link: never faster than 20ms, usually a little slower.
	d, err := latency.Parse("lognormal:5ms:0.5:20ms")
	if err != nil {
		panic(err)
	}
	fmt.Println(d)
	fmt.Println("mean:", d.Mean())
	fmt.Println("median:", d.Quantile(0.5))

	// The caller owns the random source; the same seed gives the same delays.
	r := rand.New(rand.NewPCG(1, 2))
	for range 3 {
		if s := d.Sample(r); s < 20_000_000 {
			fmt.Println("below the floor:", s)
		}
	}
	// Output:
	// lognormal:5ms:0.5:20ms
	// mean: 25.665742ms
	// median: 25ms
}

func ExampleParse_error() {
	_, err := latency.Parse("uniform:8ms:2ms")
	fmt.Println(err)
	// Output:
	// latency: "uniform:8ms:2ms": min 8ms > max 2ms
}

func ExampleDist_String() {
	for _, spec := range []string{"5ms", "uniform:3ms:3ms", "normal:10ms:2ms:0s:inf", "exp:1ms:0s"} {
		fmt.Printf("%-24q -> %s\n", spec, latency.MustParse(spec))
	}
	// Output:
	// "5ms"                    -> const:5ms
	// "uniform:3ms:3ms"        -> const:3ms
	// "normal:10ms:2ms:0s:inf" -> normal:10ms:2ms
	// "exp:1ms:0s"             -> exp:1ms
}
