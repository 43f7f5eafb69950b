package german

import (
	"sync"
	"sync/atomic"
)

// maxCachedWords bounds the word cache of an analyzer. Past it, words are
// analysed without caching; the vocabulary of a federation's content fits
// well below it.
const maxCachedWords = 200_000

// wordCache maps a word in lower case to its analysis. It is split into
// shards so that parallel analysis rarely waits on a lock.
type wordCache struct {
	shards [32]struct {
		sync.RWMutex
		words map[string]*wordAnalysis
	}
	size atomic.Int64
}

// shard returns the shard of key by its FNV-1a hash.
func (c *wordCache) shard(key []byte) int {
	h := uint32(2166136261)
	for _, b := range key {
		h ^= uint32(b)
		h *= 16777619
	}
	return int(h % uint32(len(c.shards)))
}

func (c *wordCache) get(key []byte) *wordAnalysis {
	s := &c.shards[c.shard(key)]
	s.RLock()
	w := s.words[string(key)]
	s.RUnlock()
	return w
}

func (c *wordCache) put(key string, w *wordAnalysis) {
	if c.size.Load() >= maxCachedWords {
		return
	}
	s := &c.shards[c.shard([]byte(key))]
	s.Lock()
	if s.words == nil {
		s.words = map[string]*wordAnalysis{}
	}
	if _, ok := s.words[key]; !ok {
		s.words[key] = w
		c.size.Add(1)
	}
	s.Unlock()
}
