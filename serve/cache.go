package serve

import (
	"container/list"
	"sync"
)

// lru is a cache of at most max values by key that makes room by dropping
// the value least recently got or added. It is safe for concurrent use.
// The page asks again and again for the pictures of the checkpoints it
// shows, and a checkpoint never changes once written, so what was used
// last is what is asked for next.
type lru[V any] struct {
	max int

	mu    sync.Mutex
	order *list.List               // of *lruEntry[V], the most recently used first
	byKey map[string]*list.Element // into order
}

type lruEntry[V any] struct {
	key string
	val V
}

// newLRU makes an empty cache of at most max values (max ≥ 1).
func newLRU[V any](max int) *lru[V] {
	if max < 1 {
		panic("serve: an LRU cache needs room for a value")
	}
	return &lru[V]{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

// Get is the value cached under key, if any, which becomes the most
// recently used.
func (c *lru[V]) Get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*lruEntry[V]).val, true
}

// Add caches val under key, replacing what was there, and drops the least
// recently used value when the cache is over its size.
func (c *lru[V]) Add(key string, val V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[key]; ok {
		e.Value.(*lruEntry[V]).val = val
		c.order.MoveToFront(e)
		return
	}
	c.byKey[key] = c.order.PushFront(&lruEntry[V]{key: key, val: val})
	if c.order.Len() > c.max {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.byKey, oldest.Value.(*lruEntry[V]).key)
	}
}

// Len is the number of values cached.
func (c *lru[V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
