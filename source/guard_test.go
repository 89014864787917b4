package source_test

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rendition-go/rendition/source"
)

// ianaBlock is an address block and whether the guard should let
// connections to it through.
type ianaBlock struct {
	prefix netip.Prefix
	public bool
	name   string
}

func block(prefix string, public bool, name string) ianaBlock {
	return ianaBlock{netip.MustParsePrefix(prefix), public, name}
}

// ianaIPv4 is the IANA IPv4 Special-Purpose Address Registry with its
// "Globally Reachable" column as public, plus the multicast block from the
// IPv4 Multicast Address Space Registry. Everything else is public.
var ianaIPv4 = []ianaBlock{
	block("0.0.0.0/0", true, "unicast"),
	block("0.0.0.0/8", false, "this network"),
	block("0.0.0.0/32", false, "this host on this network"),
	block("10.0.0.0/8", false, "private-use"),
	block("100.64.0.0/10", false, "shared address space"),
	block("127.0.0.0/8", false, "loopback"),
	block("169.254.0.0/16", false, "link local"),
	block("172.16.0.0/12", false, "private-use"),
	block("192.0.0.0/24", false, "IETF protocol assignments"),
	block("192.0.0.0/29", false, "IPv4 service continuity prefix"),
	block("192.0.0.8/32", false, "IPv4 dummy address"),
	// Globally reachable in the registry, but refused with the rest of
	// 192.0.0.0/24: they are anycast service addresses, never origins.
	block("192.0.0.9/32", false, "port control protocol anycast"),
	block("192.0.0.10/32", false, "TURN anycast"),
	block("192.0.0.170/32", false, "NAT64/DNS64 discovery"),
	block("192.0.0.171/32", false, "NAT64/DNS64 discovery"),
	block("192.0.2.0/24", false, "documentation (TEST-NET-1)"),
	block("192.31.196.0/24", true, "AS112-v4"),
	block("192.52.193.0/24", true, "AMT"),
	block("192.88.99.0/24", false, "deprecated 6to4 relay anycast"),
	block("192.168.0.0/16", false, "private-use"),
	block("192.175.48.0/24", true, "direct delegation AS112 service"),
	block("198.18.0.0/15", false, "benchmarking"),
	block("198.51.100.0/24", false, "documentation (TEST-NET-2)"),
	block("203.0.113.0/24", false, "documentation (TEST-NET-3)"),
	block("224.0.0.0/4", false, "multicast"),
	block("240.0.0.0/4", false, "reserved"),
	block("255.255.255.255/32", false, "limited broadcast"),
}

// ianaIPv6 is the IANA IPv6 Special-Purpose Address Registry with its
// "Globally Reachable" column as public (N/A counted as not public), over
// the IANA IPv6 Address Space Registry, in which only 2000::/3 is allocated
// for global unicast. The blocks whose addresses reach the IPv4 address
// they carry are in ianaEmbedded instead.
var ianaIPv6 = []ianaBlock{
	block("::/0", false, "reserved by IETF"),
	block("2000::/3", true, "global unicast"),
	block("::/128", false, "unspecified"),
	block("::1/128", false, "loopback"),
	block("::/96", false, "IPv4-compatible (deprecated)"),
	block("64:ff9b:1::/48", false, "local-use IPv4/IPv6 translation"),
	block("100::/64", false, "discard-only"),
	block("100:0:0:1::/64", false, "dummy IPv6 prefix"),
	block("2001::/23", false, "IETF protocol assignments"),
	block("2001::/32", false, "Teredo"),
	block("2001:1::1/128", true, "port control protocol anycast"),
	block("2001:1::2/128", true, "TURN anycast"),
	block("2001:1::3/128", true, "DNS-SD service registration protocol anycast"),
	block("2001:2::/48", false, "benchmarking"),
	block("2001:3::/32", true, "AMT"),
	block("2001:4:112::/48", true, "AS112-v6"),
	block("2001:10::/28", false, "deprecated ORCHID"),
	block("2001:20::/28", true, "ORCHIDv2"),
	block("2001:30::/28", true, "drone remote ID protocol entity tags"),
	block("2001:db8::/32", false, "documentation"),
	block("2002::/16", false, "6to4 (globally reachable: N/A)"),
	block("2620:4f:8000::/48", true, "direct delegation AS112 service"),
	block("3fff::/20", false, "documentation"),
	block("5f00::/16", false, "segment routing SIDs"),
	block("fc00::/7", false, "unique-local"),
	block("fe80::/10", false, "link-local unicast"),
	block("fec0::/10", false, "site-local (deprecated)"),
	block("ff00::/8", false, "multicast"),
}

// ianaEmbedded are the IPv6 blocks whose addresses carry an IPv4 address at
// a byte offset, and are as public as that IPv4 address.
var ianaEmbedded = []struct {
	prefix netip.Prefix
	offset int
}{
	{netip.MustParsePrefix("::ffff:0:0/96"), 12}, // IPv4-mapped
	{netip.MustParsePrefix("64:ff9b::/96"), 12},  // IPv4/IPv6 translation
}

// referencePublic is the reference classifier: the most specific block of
// the IANA tables that contains ip decides.
func referencePublic(ip netip.Addr) bool {
	ip = ip.WithZone("")
	if ip.Is4() {
		return longestMatch(ianaIPv4, ip)
	}
	for _, e := range ianaEmbedded {
		if e.prefix.Contains(ip) {
			b := ip.As16()
			return longestMatch(ianaIPv4, netip.AddrFrom4([4]byte(b[e.offset:e.offset+4])))
		}
	}
	return longestMatch(ianaIPv6, ip)
}

func longestMatch(table []ianaBlock, ip netip.Addr) bool {
	best := -1
	public := false
	for _, b := range table {
		if b.prefix.Contains(ip) && b.prefix.Bits() > best {
			best, public = b.prefix.Bits(), b.public
		}
	}
	return public
}

// lastAddr returns the last address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	ip, _ := netip.AddrFromSlice(b)
	return ip
}

// TestPublicAddrIANA checks every edge of every block of the IANA tables
// against the reference classifier: the first and last addresses of each
// block and their neighbours outside it.
func TestPublicAddrIANA(t *testing.T) {
	var blocks []netip.Prefix
	for _, b := range ianaIPv4 {
		blocks = append(blocks, b.prefix)
	}
	for _, b := range ianaIPv6 {
		blocks = append(blocks, b.prefix)
	}
	for _, e := range ianaEmbedded {
		blocks = append(blocks, e.prefix)
	}
	for _, p := range blocks {
		first, last := p.Masked().Addr(), lastAddr(p)
		for _, ip := range []netip.Addr{first, last, first.Prev(), last.Next(), first.Next(), last.Prev()} {
			if !ip.IsValid() {
				continue
			}
			if got, want := source.PublicAddr(ip), referencePublic(ip); got != want {
				t.Errorf("PublicAddr(%v) = %v, want %v (edge of %v)", ip, got, want, p)
			}
		}
	}
}

func TestPublicAddr(t *testing.T) {
	tests := []struct {
		addr   string
		public bool
	}{
		// Public.
		{"8.8.8.8", true},
		{"1.1.1.1", true},
		{"93.184.215.14", true},
		{"192.0.1.255", true},
		{"192.0.3.0", true},
		{"172.15.255.255", true},
		{"172.32.0.0", true},
		{"100.63.255.255", true},
		{"100.128.0.0", true},
		{"169.253.255.255", true},
		{"198.17.255.255", true},
		{"198.20.0.0", true},
		{"223.255.255.255", true},
		{"2606:4700:4700::1111", true},
		{"2a00:1450:4001:80b::200e", true},
		{"2001:1::1", true},
		{"2001:4:112::1", true},
		{"2001:200::1", true},
		{"::ffff:8.8.8.8", true},
		{"64:ff9b::8.8.8.8", true},
		{"2002:808:808::1", false}, // 6to4: a site behind a public address

		// Loopback and unspecified.
		{"127.0.0.1", false},
		{"127.255.255.254", false},
		{"0.0.0.0", false},
		{"0.1.2.3", false},
		{"::1", false},
		{"::", false},
		// Private.
		{"10.0.0.1", false},
		{"172.16.0.1", false},
		{"172.31.255.255", false},
		{"192.168.1.1", false},
		{"fc00::1", false},
		{"fdff:ffff::1", false},
		// Link-local, including the cloud metadata address.
		{"169.254.169.254", false},
		{"169.254.0.1", false},
		{"fe80::1", false},
		{"fe80::1%eth0", false},
		{"febf::1", false},
		// CGNAT.
		{"100.64.0.1", false},
		{"100.127.255.255", false},
		// Multicast and broadcast.
		{"224.0.0.1", false},
		{"239.255.255.250", false},
		{"ff02::1", false},
		{"255.255.255.255", false},
		// Reserved and documentation.
		{"240.0.0.1", false},
		{"192.0.0.1", false},
		{"192.0.0.9", false},
		{"192.0.2.1", false},
		{"198.18.0.1", false},
		{"198.19.255.255", false},
		{"198.51.100.1", false},
		{"203.0.113.1", false},
		{"192.88.99.1", false},
		{"2001:db8::1", false},
		{"3fff::1", false},
		{"100::1", false},
		{"2001:2::1", false},
		{"2001:10::1", false},
		{"2001:1::4", false},
		{"fec0::1", false},
		{"5f00::1", false},
		{"4000::1", false},
		// IPv4 hidden in IPv6.
		{"::ffff:127.0.0.1", false},
		{"::ffff:10.0.0.1", false},
		{"::ffff:169.254.169.254", false},
		{"::ffff:0.0.0.0", false},
		{"::127.0.0.1", false},
		{"::8.8.8.8", false},
		{"64:ff9b::127.0.0.1", false},
		{"64:ff9b::10.0.0.1", false},
		{"64:ff9b:1::8.8.8.8", false},
		{"2002:7f00:1::", false},
		{"2002:a00:1::1", false},
		{"2002:a9fe:a9fe::1", false},
		{"2001::1", false},
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", false},
	}
	for _, tt := range tests {
		ip := netip.MustParseAddr(tt.addr)
		if got := source.PublicAddr(ip); got != tt.public {
			t.Errorf("PublicAddr(%s) = %v, want %v", tt.addr, got, tt.public)
		}
		if got := referencePublic(ip); got != tt.public {
			t.Errorf("reference classifier says %s is public: %v, want %v", tt.addr, got, tt.public)
		}
	}
	if source.PublicAddr(netip.Addr{}) {
		t.Error("PublicAddr(zero Addr) = true, want false")
	}
}

func TestGuardCheck(t *testing.T) {
	tests := []struct {
		addr string
		kind string // in the error; "" if allowed
	}{
		{"8.8.8.8", ""},
		{"2606:4700:4700::1111", ""},
		{"127.0.0.1", "loopback"},
		{"::1", "loopback"},
		{"0.0.0.0", "unspecified"},
		{"::", "unspecified"},
		{"10.1.2.3", "private"},
		{"fd00::1", "private"},
		{"169.254.169.254", "link-local"},
		{"100.64.0.1", "CGNAT"},
		{"224.0.0.1", "multicast"},
		{"255.255.255.255", "broadcast"},
		{"192.0.2.1", "documentation"},
		{"::ffff:127.0.0.1", "IPv4-mapped"},
		{"64:ff9b::a00:1", "NAT64"},
		{"2002:c0a8:101::", "6to4"},
		{"2001::1", "Teredo"},
		{"::7f00:1", "IPv4-compatible"},
	}
	for _, tt := range tests {
		ip := netip.MustParseAddr(tt.addr)
		err := source.Guard{}.Check(ip)
		switch {
		case tt.kind == "" && err != nil:
			t.Errorf("Check(%s) = %v, want nil", tt.addr, err)
		case tt.kind != "" && !errors.Is(err, source.ErrForbiddenAddress):
			t.Errorf("Check(%s) = %v, want an error wrapping ErrForbiddenAddress", tt.addr, err)
		case tt.kind != "" && !strings.Contains(err.Error(), tt.kind):
			t.Errorf("Check(%s) = %q, want it to say %q", tt.addr, err, tt.kind)
		}
		if err := (source.Guard{AllowPrivate: true}).Check(ip); err != nil {
			t.Errorf("Guard{AllowPrivate: true}.Check(%s) = %v, want nil", tt.addr, err)
		}
	}
}

func TestGuardControl(t *testing.T) {
	tests := []struct {
		network, address string
		allowed          bool
	}{
		{"tcp4", "8.8.8.8:443", true},
		{"tcp6", "[2606:4700:4700::1111]:80", true},
		{"tcp4", "127.0.0.1:80", false},
		{"tcp6", "[::1]:80", false},
		{"tcp6", "[::ffff:127.0.0.1]:80", false},
		{"tcp6", "[fe80::1%eth0]:80", false},
		{"tcp4", "169.254.169.254:80", false},
		{"udp4", "10.0.0.1:53", false},
		{"tcp", "example.com:80", false},
		{"tcp", "8.8.8.8", false},
		{"tcp", "", false},
	}
	for _, tt := range tests {
		err := source.Guard{}.Control(tt.network, tt.address, nil)
		if tt.allowed && err != nil {
			t.Errorf("Control(%q, %q) = %v, want nil", tt.network, tt.address, err)
		}
		if !tt.allowed && !errors.Is(err, source.ErrForbiddenAddress) {
			t.Errorf("Control(%q, %q) = %v, want an error wrapping ErrForbiddenAddress", tt.network, tt.address, err)
		}
		if err := (source.Guard{AllowPrivate: true}).Control(tt.network, tt.address, nil); err != nil {
			t.Errorf("Guard{AllowPrivate: true}.Control(%q, %q) = %v, want nil", tt.network, tt.address, err)
		}
	}
}

// A dialer with the guard as its Control never reaches a loopback server.
func TestGuardDialer(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
	}))
	defer srv.Close()

	d := &net.Dialer{Control: source.Guard{}.Control}
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DialContext: d.DialContext}}
	defer client.CloseIdleConnections()
	resp, err := client.Get(srv.URL)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("GET %s through the guard succeeded", srv.URL)
	}
	if !errors.Is(err, source.ErrForbiddenAddress) {
		t.Errorf("GET %s: %v, want an error wrapping ErrForbiddenAddress", srv.URL, err)
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("the loopback server saw %d requests, want 0", n)
	}
}

func BenchmarkPublicAddr(b *testing.B) {
	addrs := []netip.Addr{
		netip.MustParseAddr("8.8.8.8"),
		netip.MustParseAddr("192.168.1.1"),
		netip.MustParseAddr("2606:4700:4700::1111"),
		netip.MustParseAddr("::ffff:127.0.0.1"),
		netip.MustParseAddr("2001:4:112::1"),
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		source.PublicAddr(addrs[i%len(addrs)])
	}
}
