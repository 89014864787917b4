package source

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"syscall"
)

// ErrForbiddenAddress means that a connection or URL was refused because its
// address is not a public one: loopback, private, link-local and the like
// (see [PublicAddr]). [WebProxy] reports it together with [ErrNotFound].
var ErrForbiddenAddress = errors.New("address not allowed")

// PublicAddr reports whether ip is a public unicast address, one that a
// server fetching URLs on behalf of its clients may connect to. It is the
// classifier of [Guard].
//
// The refused addresses are those that the IANA IPv4 and IPv6
// Special-Purpose Address Registries do not list as globally reachable, the
// IPv4 and IPv6 multicast ranges, and the IPv6 space outside 2000::/3 that
// the IANA IPv6 Address Space Registry has not allocated for global unicast:
//
//   - IPv4: 0.0.0.0/8 (this network, including 0.0.0.0), 10.0.0.0/8,
//     100.64.0.0/10 (shared, CGNAT), 127.0.0.0/8, 169.254.0.0/16
//     (link-local, including the cloud metadata address 169.254.169.254),
//     172.16.0.0/12, 192.0.0.0/24 (IETF protocol assignments),
//     192.0.2.0/24, 192.88.99.0/24 (deprecated 6to4 relay anycast),
//     192.168.0.0/16, 198.18.0.0/15, 198.51.100.0/24, 203.0.113.0/24,
//     224.0.0.0/4 (multicast) and 240.0.0.0/4 (reserved, including the
//     broadcast address 255.255.255.255).
//   - IPv6: everything outside 2000::/3 (::, ::1, ::/96 IPv4-compatible,
//     100::/64 discard-only, 64:ff9b:1::/48 local-use translation,
//     fc00::/7 unique-local, fe80::/10 link-local, fec0::/10 site-local,
//     ff00::/8 multicast, ...), and inside it 2001::/23 (IETF protocol
//     assignments, including Teredo 2001::/32) except the blocks the
//     registry lists as globally reachable (2001:1::1, 2001:1::2, 2001:1::3,
//     2001:3::/32, 2001:4:112::/48, 2001:20::/28 and 2001:30::/28),
//     2001:db8::/32 and 3fff::/20 (documentation).
//   - IPv4 hidden in IPv6 is judged by the IPv4 address it carries in the
//     IPv4-mapped ::ffff:0:0/96 and the well-known NAT64 prefix
//     64:ff9b::/96, where connecting to it means connecting to that IPv4
//     address. 6to4 2002::/16 is refused: its /48s are whole sites behind
//     their IPv4 address, internal hosts included.
//
// An address with a zone is judged without it. The zero Addr is not public.
func PublicAddr(ip netip.Addr) bool {
	p, _ := addrProblem(ip)
	return p == ""
}

// addrProblem returns why ip is not a public address, or "" if it is. When
// the problem is that of an IPv4 address carried by the IPv6 address ip,
// form names the way it is carried.
func addrProblem(ip netip.Addr) (problem, form string) {
	switch {
	case ip.Is4():
		return addr4Problem(ip.As4()), ""
	case !ip.Is6():
		return "invalid address", ""
	case ip.Is4In6():
		return addr4Problem(ip.Unmap().As4()), "IPv4-mapped"
	}
	a := ip.As16()
	if a[0]&0xe0 != 0x20 {
		// Outside 2000::/3, the global unicast space.
		switch {
		case ip == netip.IPv6Unspecified():
			return "unspecified", ""
		case ip == netip.IPv6Loopback():
			return "loopback", ""
		case isZero(a[:12]):
			return "IPv4-compatible (deprecated)", ""
		case a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b && isZero(a[4:12]):
			// 64:ff9b::/96, the well-known NAT64 prefix.
			return addr4Problem([4]byte(a[12:])), "NAT64"
		case a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b && a[4] == 0x00 && a[5] == 0x01:
			return "local-use IPv4/IPv6 translation", ""
		case a[0] == 0x01 && a[1] == 0x00 && isZero(a[2:8]):
			return "discard-only", ""
		case a[0]&0xfe == 0xfc:
			return "unique-local (private)", ""
		case a[0] == 0xfe && a[1]&0xc0 == 0x80:
			return "link-local", ""
		case a[0] == 0xfe && a[1]&0xc0 == 0xc0:
			return "site-local (deprecated)", ""
		case a[0] == 0xff:
			return "multicast", ""
		}
		return "reserved (not global unicast)", ""
	}
	switch {
	case a[0] == 0x20 && a[1] == 0x01 && a[2] < 0x02:
		// 2001::/23, IETF protocol assignments.
		return ietf6Problem(a), ""
	case a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8:
		return "documentation", ""
	case a[0] == 0x20 && a[1] == 0x02:
		// 2002::/16. Unlike a mapped or NAT64 address, a 6to4 address is
		// not the IPv4 host it names: 2002:V4ADDR::/48 is a whole site
		// behind it, internal hosts included.
		return "6to4", ""
	case a[0] == 0x3f && a[1] == 0xff && a[2]&0xf0 == 0x00:
		return "documentation", ""
	}
	return "", ""
}

// ietf6Problem returns why an address in 2001::/23 is not public, or "" for
// the blocks of it that are globally reachable.
func ietf6Problem(a [16]byte) string {
	switch {
	case a[2] == 0x00 && a[3] == 0x00:
		return "Teredo"
	case a[2] == 0x00 && a[3] == 0x01 && isZero(a[4:15]) && 1 <= a[15] && a[15] <= 3:
		// 2001:1::1, 2001:1::2 and 2001:1::3: PCP, TURN and DNS-SD SRP
		// anycast.
		return ""
	case a[2] == 0x00 && a[3] == 0x02 && a[4] == 0x00 && a[5] == 0x00:
		return "benchmarking"
	case a[2] == 0x00 && a[3] == 0x03:
		// 2001:3::/32, AMT.
		return ""
	case a[2] == 0x00 && a[3] == 0x04 && a[4] == 0x01 && a[5] == 0x12:
		// 2001:4:112::/48, AS112-v6.
		return ""
	case a[2] == 0x00 && (a[3]&0xf0 == 0x20 || a[3]&0xf0 == 0x30):
		// 2001:20::/28 and 2001:30::/28: ORCHIDv2 and drone remote ID.
		return ""
	}
	return "IETF protocol assignment"
}

// addr4Problem returns why the IPv4 address a is not public, or "" if it is.
func addr4Problem(a [4]byte) string {
	switch {
	case a[0] == 0:
		if a == [4]byte{} {
			return "unspecified"
		}
		return "reserved (this network)"
	case a[0] == 10:
		return "private"
	case a[0] == 100 && a[1]&0xc0 == 64:
		return "shared address space (CGNAT)"
	case a[0] == 127:
		return "loopback"
	case a[0] == 169 && a[1] == 254:
		return "link-local"
	case a[0] == 172 && a[1]&0xf0 == 16:
		return "private"
	case a[0] == 192 && a[1] == 0 && a[2] == 0:
		return "IETF protocol assignment"
	case a[0] == 192 && a[1] == 0 && a[2] == 2,
		a[0] == 198 && a[1] == 51 && a[2] == 100,
		a[0] == 203 && a[1] == 0 && a[2] == 113:
		return "documentation"
	case a[0] == 192 && a[1] == 88 && a[2] == 99:
		return "6to4 relay anycast (deprecated)"
	case a[0] == 192 && a[1] == 168:
		return "private"
	case a[0] == 198 && a[1]&0xfe == 18:
		return "benchmarking"
	case a[0]&0xf0 == 224:
		return "multicast"
	case a == [4]byte{255, 255, 255, 255}:
		return "broadcast"
	case a[0]&0xf0 == 240:
		return "reserved"
	}
	return ""
}

// isZero reports whether every byte of b is 0.
func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// Guard refuses network connections to addresses that are not public. Its
// Control method is meant for [net.Dialer.Control]: it runs on the address
// each connection is about to be made to, after name resolution, so a name
// that resolves to a private address, or one that resolves differently on
// a second lookup (DNS rebinding), is refused too. The zero Guard refuses
// every address [PublicAddr] does not accept.
//
// A Guard is a value with no state; it is safe for concurrent use.
type Guard struct {
	// AllowPrivate turns the guard off: every address is allowed, loopback
	// and private networks included. It is meant for development and tests
	// against servers on the local machine, never for production.
	AllowPrivate bool
}

// Check returns nil if the guard allows connections to ip, and otherwise an
// error that wraps [ErrForbiddenAddress] and says what kind of address ip
// is.
func (g Guard) Check(ip netip.Addr) error {
	if g.AllowPrivate {
		return nil
	}
	if p, form := addrProblem(ip.WithZone("")); p != "" {
		return &addrError{addr: ip.String(), problem: p, form: form}
	}
	return nil
}

// Control checks address, the "host:port" a connection on network is about
// to be made to, as [Guard.Check] does. address must hold an IP address, as
// it does when a [net.Dialer] calls Control; anything else is refused. It
// has the signature of [net.Dialer.Control] and never uses c.
func (g Guard) Control(network, address string, c syscall.RawConn) error {
	if g.AllowPrivate {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &addrError{addr: address, problem: "not an IP address and port"}
	}
	return g.Check(ap.Addr())
}

// controlContext returns a function for [net.Dialer.ControlContext] that
// runs the guard and then next, if not nil.
func (g Guard) controlContext(next func(ctx context.Context, network, address string, c syscall.RawConn) error) func(context.Context, string, string, syscall.RawConn) error {
	return func(ctx context.Context, network, address string, c syscall.RawConn) error {
		if err := g.Control(network, address, c); err != nil {
			return err
		}
		if next != nil {
			return next(ctx, network, address, c)
		}
		return nil
	}
}

// addrError reports an address refused by a Guard.
type addrError struct {
	addr    string
	problem string // what kind of address it is
	form    string // how an IPv4 address is carried in IPv6, or ""
}

func (e *addrError) Error() string {
	if e.form != "" {
		return fmt.Sprintf("%s %s: %s (%s)", ErrForbiddenAddress, e.addr, e.problem, e.form)
	}
	return fmt.Sprintf("%s %s: %s", ErrForbiddenAddress, e.addr, e.problem)
}

func (e *addrError) Unwrap() error { return ErrForbiddenAddress }
