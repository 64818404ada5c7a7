package mnist

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/boltzmann-go/boltzmann/data"
)

// MaxIDXBytes bounds the payload an IDX file may declare (1 GiB), so that a
// corrupt header cannot make the reader allocate without limit.
const MaxIDXBytes = 1 << 30

// idxUnsignedByte is the IDX type code for unsigned bytes, the only element
// type MNIST-like datasets use.
const idxUnsignedByte = 0x08

// IDX is the content of one IDX file of unsigned bytes: its dimensions and
// its data in row-major order.
type IDX struct {
	Dims []int
	Data []byte
}

// ReadIDX reads an IDX file, gzip-compressed or raw (detected from its first
// bytes). Every error names the file.
func ReadIDX(path string) (*IDX, error) {
	idx, _, err := readIDXFile(path)
	return idx, err
}

// readIDXFile reads an IDX file and hashes its bytes as stored.
func readIDXFile(path string) (*IDX, data.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, data.File{}, fmt.Errorf("mnist: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	idx, err := ParseIDX(io.TeeReader(f, h))
	if err == nil {
		_, err = io.Copy(h, f)
	}
	if err != nil {
		return nil, data.File{}, fmt.Errorf("mnist: %s: %w", path, err)
	}
	return idx, data.File{Path: path, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// ParseIDX parses an IDX stream, gzip-compressed or raw. It rejects a wrong
// magic number, an element type other than unsigned byte, zero or
// overflowing dimensions, truncated data and trailing bytes.
func ParseIDX(r io.Reader) (*IDX, error) {
	br := bufio.NewReader(r)
	head, err := br.Peek(2)
	if err != nil {
		return nil, fmt.Errorf("reading header: %w", truncated(err))
	}
	var src io.Reader = br
	if head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("opening gzip stream: %w", err)
		}
		defer zr.Close()
		src = zr
	}
	var magic [4]byte
	if _, err := io.ReadFull(src, magic[:]); err != nil {
		return nil, fmt.Errorf("reading magic number: %w", truncated(err))
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("bad magic number 0x%02x%02x%02x%02x: want 0x0000TTDD (two zero bytes, type, dimensions)",
			magic[0], magic[1], magic[2], magic[3])
	}
	if magic[2] != idxUnsignedByte {
		return nil, fmt.Errorf("element type 0x%02x not supported: want 0x08 (unsigned byte)", magic[2])
	}
	nd := int(magic[3])
	if nd == 0 {
		return nil, errors.New("zero dimensions")
	}
	dims := make([]int, nd)
	total := 1
	for i := range dims {
		var d uint32
		if err := binary.Read(src, binary.BigEndian, &d); err != nil {
			return nil, fmt.Errorf("reading dimension %d of %d: %w", i+1, nd, truncated(err))
		}
		if d == 0 {
			return nil, fmt.Errorf("dimension %d is zero", i+1)
		}
		if uint64(total)*uint64(d) > MaxIDXBytes {
			return nil, fmt.Errorf("dimensions %v... declare more than %d bytes", append(dims[:i:i], int(d)), MaxIDXBytes)
		}
		dims[i] = int(d)
		total *= int(d)
	}
	// Read through a limit so a lying header costs at most what is really there.
	// The buffer starts at the declared size up to 64 MiB (MNIST's largest
	// file is 47 MB), so that the common case allocates once.
	var buf bytes.Buffer
	buf.Grow(min(total, 64<<20))
	n, err := io.Copy(&buf, io.LimitReader(src, int64(total)))
	if err != nil {
		return nil, fmt.Errorf("reading data: %w", truncated(err))
	}
	if n < int64(total) {
		return nil, fmt.Errorf("truncated data: dimensions %v need %d bytes, file has %d", dims, total, n)
	}
	var extra [1]byte
	k, err := io.ReadFull(src, extra[:])
	if k > 0 {
		return nil, fmt.Errorf("trailing data after the %d bytes that dimensions %v declare", total, dims)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("reading end of data: %w", err)
	}
	return &IDX{Dims: dims, Data: buf.Bytes()}, nil
}

func truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("file truncated: %w", io.ErrUnexpectedEOF)
	}
	return err
}
