package signing

import (
	"net/url"
	"testing"
)

func BenchmarkVerify(b *testing.B) {
	const path, query = "/photos/my%20dog.jpg", "w=300&h=200&fit=crop&auto=format,compress&q=75"
	for _, s := range schemes(b) {
		signed := s.signer.Sign(path, query)
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.verifier.Verify(path, signed, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSign(b *testing.B) {
	const path, query = "/photos/my%20dog.jpg", "w=300&h=200&fit=crop&auto=format,compress&q=75"
	for _, s := range schemes(b) {
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.signer.Sign(path, query)
			}
		})
	}
}

func BenchmarkBuilderURL(b *testing.B) {
	bld := Builder{Host: "https://img.example.com", Signer: mustHMAC(b, "example-key")}
	params := url.Values{"w": {"300"}, "h": {"200"}, "fit": {"crop"}, "txt64": {"Hello, World"}}
	b.ReportAllocs()
	for b.Loop() {
		bld.URL("photos/my dog.jpg", params)
	}
}

func BenchmarkSrcSet(b *testing.B) {
	bld := Builder{Host: "https://img.example.com", Signer: mustHMAC(b, "example-key")}
	params := url.Values{"fit": {"crop"}}
	b.ReportAllocs()
	for b.Loop() {
		bld.SrcSet("photos/dog.jpg", params, nil)
	}
}
