package cache

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"strings"
	"testing"
	"time"
)

// codecEntries are entries with every field at ordinary and extreme values.
var codecEntries = []struct {
	name string
	key  string
	e    Entry
}{
	{"empty", "", Entry{}},
	{"image", "v1/3fa2/9c01", Entry{
		Data:        []byte("\x89PNG\r\n\x1a\n...pixels..."),
		ContentType: "image/png",
		ETag:        `"d41d8cd98f00b204"`,
		ModTime:     time.Date(2024, 2, 29, 12, 30, 45, 0, time.UTC),
		Expires:     time.Date(2030, 1, 1, 0, 0, 0, 123456789, time.UTC),
		FreshUntil:  time.Date(2029, 12, 1, 0, 0, 0, 5, time.UTC),
		Status:      200,
	}},
	{"error answer", "photos/missing.jpg", Entry{
		Data:        []byte("not found\n"),
		ContentType: "text/plain; charset=utf-8",
		Expires:     time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC),
		Status:      404,
		ErrorCode:   "ENOENT",
	}},
	{"non-UTF-8 and NUL bytes", "k\x00\xff", Entry{
		Data:        []byte{0, 0, 0},
		ContentType: "\xff\xfe",
		ETag:        "\x00",
		ErrorCode:   "日本語",
	}},
	{"extreme times and status", "t", Entry{
		ModTime: time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		Expires: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		Status:  -1 << 31,
	}},
	{"times in another zone", "z", Entry{
		ModTime: time.Date(2024, 6, 1, 8, 0, 0, 0, time.FixedZone("UTC+8", 8*3600)),
		Expires: time.Date(1960, 6, 1, 8, 0, 0, 5, time.FixedZone("UTC-5", -5*3600)),
		Status:  599,
	}},
	{"longest strings", strings.Repeat("k", maxStringLen), Entry{
		Data:        bytes.Repeat([]byte{0xaa}, 1<<16),
		ContentType: strings.Repeat("c", maxStringLen),
		ETag:        strings.Repeat("e", maxStringLen),
		ErrorCode:   strings.Repeat("x", maxStringLen),
	}},
}

// entryDiff reports how got differs from want, or "" if they are equal.
func entryDiff(got, want *Entry) string {
	var d []string
	if !bytes.Equal(got.Data, want.Data) {
		d = append(d, "Data")
	}
	if got.ContentType != want.ContentType {
		d = append(d, "ContentType")
	}
	if got.ETag != want.ETag {
		d = append(d, "ETag")
	}
	if !got.ModTime.Equal(want.ModTime) || got.ModTime.IsZero() != want.ModTime.IsZero() {
		d = append(d, "ModTime "+got.ModTime.String()+" != "+want.ModTime.String())
	}
	if !got.Expires.Equal(want.Expires) || got.Expires.IsZero() != want.Expires.IsZero() {
		d = append(d, "Expires "+got.Expires.String()+" != "+want.Expires.String())
	}
	if got.Status != want.Status {
		d = append(d, "Status")
	}
	if got.ErrorCode != want.ErrorCode {
		d = append(d, "ErrorCode")
	}
	return strings.Join(d, ", ")
}

func mustEncode(t testing.TB, key string, e *Entry) []byte {
	t.Helper()
	b, err := encodeEntry(key, e)
	if err != nil {
		t.Fatalf("encodeEntry(%.20q): %v", key, err)
	}
	return b
}

func TestEntryCodecRoundTrip(t *testing.T) {
	for _, tt := range codecEntries {
		t.Run(tt.name, func(t *testing.T) {
			b := mustEncode(t, tt.key, &tt.e)
			wantLen := entryHeaderLen + len(tt.key) + len(tt.e.ContentType) + len(tt.e.ETag) +
				len(tt.e.ErrorCode) + len(tt.e.Data) + entryTrailerLen
			if len(b) != wantLen {
				t.Errorf("encoded length = %d, want %d", len(b), wantLen)
			}
			key, e, err := decodeEntry(b)
			if err != nil {
				t.Fatalf("decodeEntry: %v", err)
			}
			if key != tt.key {
				t.Errorf("key = %.20q, want %.20q", key, tt.key)
			}
			if d := entryDiff(e, &tt.e); d != "" {
				t.Errorf("decoded entry differs: %s", d)
			}
			if cap(e.Data) != len(e.Data) {
				t.Errorf("cap(Data) = %d, want len(Data) = %d", cap(e.Data), len(e.Data))
			}
			if again := mustEncode(t, key, e); !bytes.Equal(again, b) {
				t.Error("encoding the decoded entry gives other bytes")
			}
		})
	}
}

// reseal recomputes the checksum of an encoded entry after a test changed
// it, so that decoding gets past the checksum to the check under test.
func reseal(b []byte) []byte {
	body := b[:len(b)-entryTrailerLen]
	binary.BigEndian.PutUint32(b[len(body):], crc32.Checksum(body, castagnoli))
	return b
}

func TestDecodeEntryRejects(t *testing.T) {
	valid := mustEncode(t, "v1/ab/cd", &codecEntries[1].e)
	mod := func(f func(b []byte) []byte) []byte {
		return f(bytes.Clone(valid))
	}
	tests := []struct {
		name string
		b    []byte
		want string // in the error message
	}{
		{"nil", nil, "truncated"},
		{"magic only", []byte(entryMagic), "truncated"},
		{"other magic", mod(func(b []byte) []byte { b[1] = 'X'; return reseal(b) }), "magic"},
		{"text file", []byte("hello, world\n"), "magic"},
		{"version 0", mod(func(b []byte) []byte { b[4] = 0; return reseal(b) }), "version 0"},
		{"version 1", mod(func(b []byte) []byte { b[4] = 1; return reseal(b) }), "version 1"},
		{"version 3", mod(func(b []byte) []byte { b[4] = 3; return reseal(b) }), "version 3"},
		{"header cut", valid[:entryHeaderLen], "truncated"},
		{"last byte cut", valid[:len(valid)-1], "truncated"},
		{"trailing byte", append(bytes.Clone(valid), 0), "trailing"},
		{"checksum flipped", mod(func(b []byte) []byte { b[len(b)-1] ^= 1; return b }), "checksum"},
		{"data flipped", mod(func(b []byte) []byte { b[len(b)-5] ^= 0x80; return b }), "checksum"},
		{"data length huge", mod(func(b []byte) []byte {
			binary.BigEndian.PutUint32(b[57:], 0xffffffff)
			return reseal(b)
		}), "over the limit"},
		{"data length one more", mod(func(b []byte) []byte {
			binary.BigEndian.PutUint32(b[57:], binary.BigEndian.Uint32(b[57:])+1)
			return reseal(b)
		}), "truncated"},
		{"key length one less", mod(func(b []byte) []byte {
			binary.BigEndian.PutUint16(b[49:], binary.BigEndian.Uint16(b[49:])-1)
			return reseal(b)
		}), "trailing"},
		{"nanoseconds 1e9", mod(func(b []byte) []byte {
			binary.BigEndian.PutUint32(b[21:], 1e9)
			return reseal(b)
		}), "ModTime out of range"},
		{"year 10000", mod(func(b []byte) []byte {
			binary.BigEndian.PutUint64(b[25:], maxUnix+1)
			return reseal(b)
		}), "Expires out of range"},
		{"year 0", mod(func(b []byte) []byte {
			sec := int64(minUnix - 1)
			binary.BigEndian.PutUint64(b[13:], uint64(sec))
			return reseal(b)
		}), "ModTime out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, e, err := decodeEntry(tt.b)
			if err == nil {
				t.Fatalf("decodeEntry = key %q, entry %+v, want an error", key, e)
			}
			if !errors.Is(err, errCorrupt) {
				t.Errorf("error %v does not wrap errCorrupt", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

// TestDecodeEntryDamage checks that every truncation of an encoded entry,
// and every change of one bit, is rejected.
func TestDecodeEntryDamage(t *testing.T) {
	valid := mustEncode(t, "v1/ab/cd", &codecEntries[2].e)
	for n := range len(valid) {
		if _, _, err := decodeEntry(valid[:n]); !errors.Is(err, errCorrupt) {
			t.Errorf("truncated to %d of %d bytes: err = %v, want errCorrupt", n, len(valid), err)
		}
	}
	b := bytes.Clone(valid)
	for i := range b {
		for bit := range 8 {
			b[i] ^= 1 << bit
			if _, _, err := decodeEntry(b); !errors.Is(err, errCorrupt) {
				t.Errorf("bit %d of byte %d flipped: err = %v, want errCorrupt", bit, i, err)
			}
			b[i] ^= 1 << bit
		}
	}
}

func TestDecodeEntryAllocs(t *testing.T) {
	// A header announcing the largest lengths allocates nothing before the
	// lengths are found to disagree with the input.
	b := mustEncode(t, "k", &Entry{})
	for i := range 4 {
		binary.BigEndian.PutUint16(b[49+2*i:], 0xffff)
	}
	binary.BigEndian.PutUint32(b[57:], maxDataLen)
	reseal(b)
	allocs := testing.AllocsPerRun(100, func() {
		if _, _, err := decodeEntry(b); err == nil {
			t.Fatal("decodeEntry accepted absurd lengths")
		}
	})
	// The error itself allocates; the announced 256 MiB must not be.
	if allocs > 8 {
		t.Errorf("decodeEntry of absurd lengths made %v allocations", allocs)
	}
}

func TestEncodeEntryRejects(t *testing.T) {
	long := strings.Repeat("x", maxStringLen+1)
	tests := []struct {
		name string
		key  string
		e    Entry
		want string
	}{
		{"key", long, Entry{}, "key is 65536 bytes"},
		{"ContentType", "k", Entry{ContentType: long}, "ContentType is 65536 bytes"},
		{"ETag", "k", Entry{ETag: long}, "ETag is 65536 bytes"},
		{"ErrorCode", "k", Entry{ErrorCode: long}, "ErrorCode is 65536 bytes"},
		{"year 10000", "k", Entry{Expires: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "Expires"},
		{"year 0", "k", Entry{ModTime: time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC)}, "ModTime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := encodeEntry(tt.key, &tt.e)
			if err == nil {
				t.Fatalf("encodeEntry = %d bytes, want an error", len(b))
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

func TestEncodeEntryTooLarge(t *testing.T) {
	// The pages of a fresh large allocation are not touched by the check.
	e := &Entry{Data: make([]byte, maxDataLen+1)}
	_, err := appendEntryHeader(nil, "k", e)
	if !errors.Is(err, errEntryTooLarge) {
		t.Errorf("appendEntryHeader of %d bytes of Data = %v, want errEntryTooLarge", len(e.Data), err)
	}
}

func FuzzCacheEntry(f *testing.F) {
	for _, tt := range codecEntries[:len(codecEntries)-1] {
		b := mustEncode(f, tt.key, &tt.e)
		f.Add(b)
		f.Add(b[:len(b)/2])
		f.Add(append(bytes.Clone(b), 0))
	}
	f.Add([]byte{})
	f.Add([]byte(entryMagic))
	f.Add([]byte("\x89RCE\x02"))
	f.Add([]byte("not an entry at all"))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkCanonical(t, b)
		if len(b) >= entryTrailerLen {
			// Past the checksum, to the checks behind it.
			checkCanonical(t, reseal(bytes.Clone(b)))
		}
	})
}

// checkCanonical checks that decoding b fails with errCorrupt, or succeeds
// and encoding the result gives b again.
func checkCanonical(t *testing.T, b []byte) {
	t.Helper()
	key, e, err := decodeEntry(b)
	if err != nil {
		if !errors.Is(err, errCorrupt) {
			t.Fatalf("decodeEntry error %v does not wrap errCorrupt", err)
		}
		return
	}
	again, err := encodeEntry(key, e)
	if err != nil {
		t.Fatalf("encodeEntry of a decoded entry: %v", err)
	}
	if !bytes.Equal(again, b) {
		t.Fatalf("encode(decode(x)) != x:\n x = %q\n y = %q", b, again)
	}
	key2, e2, err := decodeEntry(again)
	if err != nil {
		t.Fatalf("decodeEntry of a re-encoded entry: %v", err)
	}
	if key2 != key {
		t.Fatalf("key %q became %q", key, key2)
	}
	if d := entryDiff(e2, e); d != "" {
		t.Fatalf("entry changed on a second round trip: %s", d)
	}
}
