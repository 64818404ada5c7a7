package serve

import (
	"fmt"
	"sync"
	"testing"
)

// TestLRU: the cache keeps at most its size, drops the value least
// recently got or added, and a value added again replaces the old one
// without taking a second place.
func TestLRU(t *testing.T) {
	c := newLRU[int](2)
	c.Add("a", 1)
	c.Add("b", 2)
	if v, ok := c.Get("a"); !ok || v != 1 { // a is now the most recent
		t.Fatalf("Get(a) = %d, %v; want 1, true", v, ok)
	}
	c.Add("c", 3) // drops b, the least recently used
	if _, ok := c.Get("b"); ok {
		t.Error("b is still cached: the least recently used value was not dropped")
	}
	for k, want := range map[string]int{"a": 1, "c": 3} {
		if v, ok := c.Get(k); !ok || v != want {
			t.Errorf("Get(%s) = %d, %v; want %d, true", k, v, ok, want)
		}
	}
	c.Add("c", 4)
	if v, _ := c.Get("c"); v != 4 || c.Len() != 2 {
		t.Errorf("after adding c again: Get(c) = %d, Len %d; want 4, 2", v, c.Len())
	}
	if _, ok := c.Get("never"); ok {
		t.Error("Get of a key never added found a value")
	}
}

// TestLRUConcurrent: many goroutines getting and adding never leave the
// cache over its size (run with -race to see the locking).
func TestLRUConcurrent(t *testing.T) {
	c := newLRU[string](8)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				k := fmt.Sprint((g*7 + i) % 20)
				if _, ok := c.Get(k); !ok {
					c.Add(k, k)
				}
			}
		}()
	}
	wg.Wait()
	if n := c.Len(); n != 8 {
		t.Errorf("Len %d after the goroutines, want 8", n)
	}
}
