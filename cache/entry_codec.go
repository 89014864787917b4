package cache

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"time"
)

// The encoding of an entry stored by [Bucket], version 2. All integers are
// big-endian. Objects of another version are misses.
//
//	offset  size  field
//	0       4     magic "\x89RCE"
//	4       1     version, 2
//	5       8     Status, int64
//	13      8     ModTime, seconds since the Unix epoch, int64
//	21      4     ModTime, nanoseconds within the second, uint32 < 1e9
//	25      8     Expires, seconds since the Unix epoch, int64
//	33      4     Expires, nanoseconds within the second, uint32 < 1e9
//	37      8     FreshUntil, seconds since the Unix epoch, int64
//	45      4     FreshUntil, nanoseconds within the second, uint32 < 1e9
//	49      2     length of the key, uint16
//	51      2     length of ContentType, uint16
//	53      2     length of ETag, uint16
//	55      2     length of ErrorCode, uint16
//	57      4     length of Data, uint32, at most maxDataLen
//	61      ...   the key, ContentType, ETag, ErrorCode and Data, in order
//	end-4   4     CRC-32C (Castagnoli) of every byte before it
//
// The key is stored so that an object found under a key's name is never
// served for another key, whatever the mapping of keys to names.
//
// The checksum is CRC-32C: the threat is accidental damage (a torn or
// truncated write, a flipped bit, an unrelated object under the name), not
// tampering, since whoever can write to the bucket can write any entry. A
// CRC-32C detects every burst error of up to 32 bits and any other damage
// with probability 1-2⁻³², and is computed in hardware on common CPUs.
//
// A zero time is stored as the seconds of [time.Time]'s zero value
// (-62135596800) and decodes back to the zero value. Times are limited to
// the years 1 to 9999 and decode in UTC.
//
// The encoding is canonical: decoding accepts only what encoding produces,
// so encoding a decoded entry reproduces its bytes exactly.
const (
	entryMagic   = "\x89RCE"
	entryVersion = 2

	entryHeaderLen  = 61
	entryTrailerLen = 4

	// maxStringLen is the longest key, ContentType, ETag or ErrorCode the
	// encoding holds.
	maxStringLen = math.MaxUint16

	// maxDataLen is the longest Data the encoding holds: 256 MiB.
	maxDataLen = 256 << 20

	// maxEncodedLen is the length of the longest encoded entry.
	maxEncodedLen = entryHeaderLen + 4*maxStringLen + maxDataLen + entryTrailerLen

	// minUnix and maxUnix bound the seconds of a stored time: the start of
	// year 1 and the end of year 9999, in UTC.
	minUnix = -62135596800
	maxUnix = 253402300799
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errCorrupt is wrapped by every error of decodeEntry: the bytes are not an
// entry of this version, or were damaged.
var errCorrupt = errors.New("cache: corrupt entry")

// errEntryTooLarge is wrapped by the error of appendEntryHeader for an entry
// whose Data is longer than the encoding holds.
var errEntryTooLarge = errors.New("cache: entry too large")

// appendEntryHeader appends to dst the encoding of key and e up to, not
// including, e.Data: the fixed header and the strings. The full encoding is
// the result, then e.Data, then the trailer that appendEntryTrailer makes.
// It fails, naming the field, when a string or Data is too long or a time
// is outside the years 1 to 9999.
func appendEntryHeader(dst []byte, key string, e *Entry) ([]byte, error) {
	strs := [...]struct {
		name, s string
	}{
		{"key", key},
		{"ContentType", e.ContentType},
		{"ETag", e.ETag},
		{"ErrorCode", e.ErrorCode},
	}
	for _, f := range strs {
		if len(f.s) > maxStringLen {
			return dst, fmt.Errorf("cache: encode entry: %s is %d bytes, longer than the %d bytes allowed", f.name, len(f.s), maxStringLen)
		}
	}
	if len(e.Data) > maxDataLen {
		return dst, fmt.Errorf("%w: Data is %d bytes, longer than the %d bytes allowed", errEntryTooLarge, len(e.Data), maxDataLen)
	}
	modSec, modNsec, err := encodeTime("ModTime", e.ModTime)
	if err != nil {
		return dst, err
	}
	expSec, expNsec, err := encodeTime("Expires", e.Expires)
	if err != nil {
		return dst, err
	}
	freshSec, freshNsec, err := encodeTime("FreshUntil", e.FreshUntil)
	if err != nil {
		return dst, err
	}

	dst = append(dst, entryMagic...)
	dst = append(dst, entryVersion)
	dst = binary.BigEndian.AppendUint64(dst, uint64(int64(e.Status)))
	dst = binary.BigEndian.AppendUint64(dst, uint64(modSec))
	dst = binary.BigEndian.AppendUint32(dst, modNsec)
	dst = binary.BigEndian.AppendUint64(dst, uint64(expSec))
	dst = binary.BigEndian.AppendUint32(dst, expNsec)
	dst = binary.BigEndian.AppendUint64(dst, uint64(freshSec))
	dst = binary.BigEndian.AppendUint32(dst, freshNsec)
	for _, f := range strs {
		dst = binary.BigEndian.AppendUint16(dst, uint16(len(f.s)))
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(e.Data)))
	for _, f := range strs {
		dst = append(dst, f.s...)
	}
	return dst, nil
}

// appendEntryTrailer appends the trailer of an encoded entry whose header
// (from appendEntryHeader) is header and whose Data is data.
func appendEntryTrailer(dst, header, data []byte) []byte {
	sum := crc32.Update(crc32.Checksum(header, castagnoli), castagnoli, data)
	return binary.BigEndian.AppendUint32(dst, sum)
}

// encodeEntry returns the encoding of key and e.
func encodeEntry(key string, e *Entry) ([]byte, error) {
	n := entryHeaderLen + len(key) + len(e.ContentType) + len(e.ETag) + len(e.ErrorCode) + len(e.Data) + entryTrailerLen
	buf, err := appendEntryHeader(make([]byte, 0, n), key, e)
	if err != nil {
		return nil, err
	}
	header := buf
	buf = append(buf, e.Data...)
	return appendEntryTrailer(buf, header, e.Data), nil
}

// encodeTime returns the seconds and nanoseconds that store t.
func encodeTime(field string, t time.Time) (int64, uint32, error) {
	sec := t.Unix()
	if sec < minUnix || sec > maxUnix {
		return 0, 0, fmt.Errorf("cache: encode entry: %s %v is outside the years 1 to 9999", field, t)
	}
	return sec, uint32(t.Nanosecond()), nil
}

// decodeTime returns the time stored as sec and nsec.
func decodeTime(field string, sec int64, nsec uint32) (time.Time, error) {
	if sec < minUnix || sec > maxUnix || nsec >= 1e9 {
		return time.Time{}, fmt.Errorf("%w: %s out of range (%d s, %d ns)", errCorrupt, field, sec, nsec)
	}
	return time.Unix(sec, int64(nsec)).UTC(), nil
}

// decodeEntry decodes an entry encoded by encodeEntry and returns its key
// and the entry. The entry's Data aliases b, with its capacity limited to
// its length; its strings do not.
//
// Every length is checked against the length of b before anything is
// allocated. Bytes that are not exactly an encoded entry of this version
// (another magic or version, a truncation, trailing bytes, a checksum
// mismatch, a field out of range) are an error wrapping errCorrupt.
func decodeEntry(b []byte) (key string, e *Entry, err error) {
	if len(b) <= len(entryMagic) {
		return "", nil, fmt.Errorf("%w: truncated header (%d bytes)", errCorrupt, len(b))
	}
	if string(b[:len(entryMagic)]) != entryMagic {
		return "", nil, fmt.Errorf("%w: bad magic number %q", errCorrupt, b[:len(entryMagic)])
	}
	if v := b[len(entryMagic)]; v != entryVersion {
		return "", nil, fmt.Errorf("%w: unsupported version %d, want %d", errCorrupt, v, entryVersion)
	}
	if len(b) < entryHeaderLen+entryTrailerLen {
		return "", nil, fmt.Errorf("%w: truncated header (%d bytes)", errCorrupt, len(b))
	}

	be := binary.BigEndian
	var strLens [4]int
	strTotal := 0
	for i := range strLens {
		strLens[i] = int(be.Uint16(b[49+2*i:]))
		strTotal += strLens[i]
	}
	dataLen := int64(be.Uint32(b[57:]))
	if dataLen > maxDataLen {
		return "", nil, fmt.Errorf("%w: Data length %d over the limit of %d", errCorrupt, dataLen, maxDataLen)
	}
	want := int64(entryHeaderLen) + int64(strTotal) + dataLen + entryTrailerLen
	switch {
	case int64(len(b)) < want:
		return "", nil, fmt.Errorf("%w: truncated: %d bytes, want %d", errCorrupt, len(b), want)
	case int64(len(b)) > want:
		return "", nil, fmt.Errorf("%w: %d trailing bytes", errCorrupt, int64(len(b))-want)
	}
	body := b[:len(b)-entryTrailerLen]
	if got, stored := crc32.Checksum(body, castagnoli), be.Uint32(b[len(body):]); got != stored {
		return "", nil, fmt.Errorf("%w: checksum mismatch: computed %08x, stored %08x", errCorrupt, got, stored)
	}

	status := int64(be.Uint64(b[5:]))
	if status != int64(int(status)) {
		return "", nil, fmt.Errorf("%w: Status %d out of range", errCorrupt, status)
	}
	modTime, err := decodeTime("ModTime", int64(be.Uint64(b[13:])), be.Uint32(b[21:]))
	if err != nil {
		return "", nil, err
	}
	expires, err := decodeTime("Expires", int64(be.Uint64(b[25:])), be.Uint32(b[33:]))
	if err != nil {
		return "", nil, err
	}
	freshUntil, err := decodeTime("FreshUntil", int64(be.Uint64(b[37:])), be.Uint32(b[45:]))
	if err != nil {
		return "", nil, err
	}

	// One allocation holds the four strings.
	strs := string(b[entryHeaderLen : entryHeaderLen+strTotal])
	var fields [4]string
	off := 0
	for i, n := range strLens {
		fields[i] = strs[off : off+n]
		off += n
	}
	dataStart := entryHeaderLen + strTotal
	e = &Entry{
		Data:        b[dataStart:len(body):len(body)],
		ContentType: fields[1],
		ETag:        fields[2],
		ModTime:     modTime,
		Expires:     expires,
		FreshUntil:  freshUntil,
		Status:      int(status),
		ErrorCode:   fields[3],
	}
	return fields[0], e, nil
}
