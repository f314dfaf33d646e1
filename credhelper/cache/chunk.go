package cache

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A value larger than the keyring's per-item limit is split into chunk
// items, and the item under the key itself holds a head line naming them:
//
//	regcred-chunks/1 <generation> <count> <sha256 of the whole value>
//
// Chunks are written first under a fresh generation, then the head, then
// the previous generation's chunks are deleted, so a reader sees the old
// value or the new one. The checksum catches a mix (a reader racing a
// writer, a chunk edited by hand); a mix is a miss.
const chunkMagic = "regcred-chunks/1 "

// MinChunkLimit is the smallest per-item limit accepted: the head line and
// a multi-byte character must fit in one item.
const MinChunkLimit = 128

// maxChunks bounds what a head may claim before anything is fetched.
const maxChunks = maxRecord/MinChunkLimit + 1

type chunkHead struct {
	gen   string
	count int
	sum   string
}

type chunkItem struct{ user, value string }

func (h chunkHead) String() string {
	return fmt.Sprintf("%s%s %d %s", chunkMagic, h.gen, h.count, h.sum)
}

func chunkUser(key, gen string, i int) string { return key + "." + gen + "." + strconv.Itoa(i) }

// split cuts value into pieces of at most limit bytes, never inside a UTF-8
// sequence (keyrings store text).
func split(value string, limit int) []string {
	var parts []string
	for len(value) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(value[cut]) {
			cut--
		}
		if cut == 0 { // not UTF-8 after all: cut anywhere rather than loop
			cut = limit
		}
		parts = append(parts, value[:cut])
		value = value[cut:]
	}
	return append(parts, value)
}

// chunked returns the chunk items and the head for value.
func chunked(key, value string, limit int) ([]chunkItem, chunkHead, error) {
	var g [8]byte
	if _, err := rand.Read(g[:]); err != nil {
		return nil, chunkHead{}, fmt.Errorf("choosing a chunk generation: %w", err)
	}
	sum := sha256.Sum256([]byte(value))
	parts := split(value, limit)
	head := chunkHead{gen: hex.EncodeToString(g[:]), count: len(parts), sum: hex.EncodeToString(sum[:])}
	items := make([]chunkItem, len(parts))
	for i, p := range parts {
		items[i] = chunkItem{user: chunkUser(key, head.gen, i), value: p}
	}
	return items, head, nil
}

// parseHead recognises a head line; a record (JSON) is not one.
func parseHead(v string) (chunkHead, bool) {
	rest, ok := strings.CutPrefix(v, chunkMagic)
	if !ok {
		return chunkHead{}, false
	}
	f := strings.Fields(rest)
	if len(f) != 3 || len(f[0]) != 16 || len(f[2]) != 2*sha256.Size {
		return chunkHead{}, false
	}
	n, err := strconv.Atoi(f[1])
	if err != nil || n < 1 || n > maxChunks {
		return chunkHead{}, false
	}
	return chunkHead{gen: f[0], count: n, sum: f[2]}, true
}

// verify checks the joined value against the head's checksum.
func (h chunkHead) verify(value string) bool {
	sum := sha256.Sum256([]byte(value))
	return hex.EncodeToString(sum[:]) == h.sum
}
