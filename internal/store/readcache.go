package store

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// The pages an administrator opens again and again (the Accounts list and its counts, an
// account's access, the lock-out list, the Users tab, the audit log) read the same rows until
// something changes them. Those reads keep their results in a readCache: a result is served
// again only while no write that could change it has been committed since it was read, so a
// cached read answers exactly what the query would. Every commit of Store.write bumps the
// generation, which retires every entry at once. Each cached read also names its topic (the
// audit log, the Accounts lists and counts, or one account's access and people), and the few
// frequent writes that change less than everything (an account's settings, a sign-out, a failed
// sign-in) commit with writeRetiring and bump only the topics they change: a rename retires the
// lists, the audit log and that account's pages, not every other account's. Writes to tables no
// cached read reads (a session's last-seen time, an OAuth app's last token) retire nothing.
//
// Another process writing the same file (admincenter seed beside a live server) does not bump
// the generation: entries also expire after readCacheTTL, which bounds how long such a change
// stays unseen.

const (
	readCacheTTL = time.Second
	// readCacheEntries bounds the memory: an entry is at most a page of 50 rows (an audit page,
	// the largest, is about 40 KB), so a full cache holds roughly 10 MB.
	readCacheEntries = 256
)

type readCache struct {
	gen     atomic.Uint64
	topics  [topicCount]atomic.Uint64 // a generation per topic
	mu      sync.Mutex
	m       map[any]cacheEntry
	flights map[flightKey]*flight // reads under way, which callers of the same key and generation wait for
	off     bool                  // --read-cache=false: every read goes to the database
}

type flightKey struct {
	key       any
	gen, tgen uint64
}

// topic is what a cached read depends on besides every commit of Store.write.
type topic int

const (
	topicAudit topic = iota // the audit log
	topicLists              // the Accounts lists and their counts
	// topicAccounts and the accountTopics after it: an account's access, people and lock-out
	// list, by a hash of its SID (two accounts may share one; that retires a little more).
	topicAccounts
	accountTopics = 64
	topicCount    = int(topicAccounts) + accountTopics
)

// accountTopic is the topic of the reads of one account.
func accountTopic(sid string) topic {
	h := uint32(2166136261) // FNV-1a
	for i := 0; i < len(sid); i++ {
		h = (h ^ uint32(sid[i])) * 16777619
	}
	return topicAccounts + topic(h%accountTopics)
}

// flight is one read under way; done closes when v and err are set.
type flight struct {
	done    chan struct{}
	v       any
	err     error
	waiters int // callers waiting for it (under readCache.mu)
}

var errReadPanicked = errors.New("store: a cached read panicked")

type cacheEntry struct {
	t         topic
	gen, tgen uint64
	at        time.Time
	v         any
}

// changed retires every cached result; it runs after each commit of Store.write.
func (c *readCache) changed() { c.gen.Add(1) }

// changedTopics retires the cached results of the topics; it runs after a commit that changed
// nothing the other topics' reads read.
func (c *readCache) changedTopics(ts ...topic) {
	for _, t := range ts {
		c.topics[t].Add(1)
	}
}

// current reports whether e may still be served at now.
func (c *readCache) current(e cacheEntry, now time.Time) bool {
	return e.gen == c.gen.Load() && e.tgen == c.topics[e.t].Load() && now.Sub(e.at) < readCacheTTL
}

// cachedRead returns the result of read for key (a comparable value naming the method and its
// arguments) of topic t, from the cache while it is current. The result is shared by every
// caller until the next commit that retires it: callers must not modify it.
func cachedRead[T any](c *readCache, t topic, key any, read func() (T, error)) (T, error) {
	if c.off {
		return read()
	}
	gen, tgen, now := c.gen.Load(), c.topics[t].Load(), time.Now()
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && e.t == t && e.gen == gen && e.tgen == tgen && now.Sub(e.at) < readCacheTTL {
		return e.v.(T), nil
	}
	// After a commit many requests miss at once: the first reads, the others of the same key and
	// generation wait for its result, which is as current for them (no commit since they came).
	fk := flightKey{key, gen, tgen}
	c.mu.Lock()
	if f, ok := c.flights[fk]; ok {
		f.waiters++
		c.mu.Unlock()
		<-f.done
		if f.err == nil {
			return f.v.(T), nil
		}
		return read() // the first caller's failure (its request may have gone) is not theirs
	}
	if c.flights == nil {
		c.flights = make(map[flightKey]*flight)
	}
	f := &flight{done: make(chan struct{})}
	c.flights[fk] = f
	c.mu.Unlock()

	finished := false
	defer func() {
		if !finished { // read panicked: release the waiters, let the panic go on
			f.err = errReadPanicked
			close(f.done)
			c.mu.Lock()
			delete(c.flights, fk)
			c.mu.Unlock()
		}
	}()
	// gen and tgen were loaded before read's transaction began, so a write committed meanwhile
	// has bumped a generation past them and the entry is never served.
	v, err := read()
	finished = true
	f.v, f.err = v, err
	close(f.done)
	c.mu.Lock()
	delete(c.flights, fk)
	if err == nil {
		if c.m == nil {
			c.m = make(map[any]cacheEntry, 64)
		}
		if len(c.m) >= readCacheEntries {
			c.evict(time.Now())
		}
		c.m[key] = cacheEntry{t: t, gen: gen, tgen: tgen, at: now, v: v}
	}
	c.mu.Unlock()
	return v, err
}

// evict drops the entries that can no longer be served, and everything when all are current
// (many different pages read within a second): the cache then fills again with what is read
// now. It runs with c.mu held.
func (c *readCache) evict(now time.Time) {
	for k, e := range c.m {
		if !c.current(e, now) {
			delete(c.m, k)
		}
	}
	if len(c.m) >= readCacheEntries {
		clear(c.m)
	}
}

// Derived keeps one value made from a read's result for as long as that result is kept: the
// read cache shares a result until the next commit, so the console renders a cached page's
// rows once, not once a request. The value must depend on the result alone (never on who reads).
type Derived struct {
	once sync.Once
	v    any
}

// Get returns the value, made by build on the first call.
func (d *Derived) Get(build func() any) any {
	d.once.Do(func() { d.v = build() })
	return d.v
}
