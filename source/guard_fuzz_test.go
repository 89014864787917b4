package source_test

import (
	"net/netip"
	"testing"

	"github.com/rendition-go/rendition/source"
)

// FuzzGuard checks the address classifier against the reference built from
// the IANA tables, for the 16 bytes as an IPv6 address, their first four as
// an IPv4 address, and those four hidden in IPv6 as an IPv4-mapped, NAT64,
// 6to4 and IPv4-compatible address.
func FuzzGuard(f *testing.F) {
	for _, table := range [][]ianaBlock{ianaIPv4, ianaIPv6} {
		for _, b := range table {
			for _, ip := range []netip.Addr{b.prefix.Masked().Addr(), lastAddr(b.prefix)} {
				a := ip.As16()
				if ip.Is4() {
					v4 := ip.As4()
					copy(a[:], v4[:])
				}
				f.Add(a[:])
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var a [16]byte
		copy(a[:], b)
		v4 := [4]byte(a[:4])
		addrs := []netip.Addr{
			netip.AddrFrom16(a),
			netip.AddrFrom4(v4),
			netip.AddrFrom16([16]byte{10: 0xff, 11: 0xff, 12: v4[0], 13: v4[1], 14: v4[2], 15: v4[3]}),
			netip.AddrFrom16([16]byte{1: 0x64, 2: 0xff, 3: 0x9b, 12: v4[0], 13: v4[1], 14: v4[2], 15: v4[3]}),
			netip.AddrFrom16([16]byte{0: 0x20, 1: 0x02, 2: v4[0], 3: v4[1], 4: v4[2], 5: v4[3], 15: a[15]}),
			netip.AddrFrom16([16]byte{12: v4[0], 13: v4[1], 14: v4[2], 15: v4[3]}),
		}
		for _, ip := range addrs {
			if got, want := source.PublicAddr(ip), referencePublic(ip); got != want {
				t.Errorf("PublicAddr(%v) = %v, want %v", ip, got, want)
			}
		}
	})
}
