package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// session is one signed-in client with its own cookies.
type session struct {
	c    *http.Client
	base string
	csrf string
}

// signIn signs in on a new cookie jar and returns the session.
func signIn(tr http.RoundTripper, base, email, password string) (*session, error) {
	jar, _ := cookiejar.New(nil)
	s := &session{base: base, c: &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	_, body, err := s.get("/login")
	if err != nil {
		return nil, err
	}
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		return nil, errors.New("no CSRF field on /login")
	}
	s.csrf = m[1]
	res, err := s.c.PostForm(base+"/login", url.Values{"_csrf": {s.csrf}, "email": {email}, "password": {password}})
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("sign in: status %d", res.StatusCode)
	}
	return s, nil
}

func (s *session) get(path string) (int, string, error) {
	res, err := s.c.Get(s.base + path)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, string(b), err
}

type mixedConfig struct {
	base, email, password string
	clients               int
	dur                   time.Duration
	writes                float64
	signIns               bool
	tr                    *http.Transport
	mem                   *memSampler
}

var accountLinkRE = regexp.MustCompile(`href="/admin/accounts/(AC[0-9a-f]{32})">([^<]+)</a>`)

// Pool sizes: 60 Accounts pages, 40 searches, the General and Users tabs of 100 accounts, and
// the pages that exist once (audit log, org Users, access review, Independent and Pending).
const (
	poolListPages = 60
	poolSearches  = 40
	poolAccounts  = 100
)

// mixedPool finds the pages of the mixed load: it follows the Accounts list's next links for
// poolListPages pages, takes poolAccounts accounts spread over them and poolSearches words seen
// in their names.
func mixedPool(s *session) (pool []string, account string, err error) {
	page := "/admin/accounts"
	var accounts []string
	words := map[string]bool{}
	for i := 0; i < poolListPages; i++ {
		status, body, err := s.get(page)
		if err != nil || status != http.StatusOK {
			return nil, "", fmt.Errorf("accounts page %d (%s): %d %v", i+1, page, status, err)
		}
		pool = append(pool, page)
		for j, m := range accountLinkRE.FindAllStringSubmatch(body, -1) {
			if j%30 == i%30 { // one or two accounts a page, at different places on each
				accounts = append(accounts, m[1])
			}
			for _, w := range strings.Fields(strings.ToLower(m[2])) {
				if len(w) >= 3 && !strings.ContainsAny(w, "&;#%") {
					words[w] = true
				}
			}
		}
		n := nextRE.FindStringSubmatch(body)
		if n == nil {
			return nil, "", fmt.Errorf("the list has only %d pages", i+1)
		}
		page = strings.ReplaceAll(n[1], "&amp;", "&")
	}
	if len(accounts) < poolAccounts {
		return nil, "", fmt.Errorf("only %d accounts found on %d pages", len(accounts), poolListPages)
	}
	accounts = accounts[:poolAccounts]
	sorted := make([]string, 0, len(words))
	for w := range words {
		sorted = append(sorted, w)
	}
	slices.Sort(sorted)
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(sorted), func(i, j int) { sorted[i], sorted[j] = sorted[j], sorted[i] })
	for _, w := range sorted[:min(poolSearches, len(sorted))] {
		pool = append(pool, "/admin/accounts?q="+url.QueryEscape(w))
	}
	for _, a := range accounts {
		pool = append(pool, "/admin/accounts/"+a, "/admin/accounts/"+a+"/users")
	}
	pool = append(pool, "/admin/audit", "/admin/users", "/admin/access-review",
		"/admin/accounts?tab=independent", "/admin/accounts?tab=pending")
	// Every page must open before it is measured.
	for _, p := range pool {
		if status, _, err := s.get(p); err != nil || status != http.StatusOK {
			return nil, "", fmt.Errorf("%s: %d %v", p, status, err)
		}
	}
	return pool, "/admin/accounts/" + accounts[0], nil
}

// runMixed measures /healthz, then the pool without and with the writer, then sign-ins.
func runMixed(cfg mixedConfig) error {
	sessions := make([]*session, cfg.clients+1) // the last one writes
	for i := range sessions {
		s, err := signIn(cfg.tr, cfg.base, cfg.email, cfg.password)
		if err != nil {
			return err
		}
		sessions[i] = s
	}
	readers, ws := sessions[:cfg.clients], sessions[cfg.clients]
	pool, account, err := mixedPool(readers[0])
	if err != nil {
		return err
	}
	_, general, err := ws.get(account)
	if err != nil {
		return err
	}
	settings := url.Values{"_csrf": {ws.csrf}}
	for _, c := range checkedRE.FindAllStringSubmatch(general, -1) {
		settings.Set(c[1], "on")
	}
	w := &writer{c: ws.c, url: cfg.base + account + "/settings", form: settings, rate: cfg.writes}

	fmt.Printf("mixed: %d pages at random, %d clients on their own sessions, %s per target, against %s\n\n",
		len(pool), cfg.clients, cfg.dur, cfg.base)
	printHeader()
	phase := func(run func() result) result {
		cfg.mem.reset()
		c0, d0 := cfg.mem.cpu(), cfg.mem.dbCPU()
		r := run()
		r.cpu, r.dbCPU = cfg.mem.cpu()-c0, cfg.mem.dbCPU()-d0
		return r
	}
	health := phase(func() result { return measurePool(readers, []string{"/healthz"}, cfg.dur, nil) })
	printResult("/healthz (ceiling)", health, health.rate, false, cfg.mem.peak())
	r := phase(func() result { return measurePool(readers, pool, cfg.dur, nil) })
	printResult("mixed", r, health.rate, false, cfg.mem.peak())
	if cfg.writes > 0 {
		rw := phase(func() result { return measurePool(readers, pool, cfg.dur, w) })
		printResult(fmt.Sprintf("mixed + writer (%g/s)", cfg.writes), rw, health.rate, true, cfg.mem.peak())
		fmt.Printf("%-34s %8.2f×\n", "reads with the writer / without", rw.rate/r.rate)
	}
	if !cfg.signIns {
		printPeak(cfg.mem)
		return nil
	}
	// Sign-in is slow on purpose (argon2id): measured for the memory it takes, each client
	// signing in again and again on a session of its own that it then leaves.
	login := url.Values{"email": {cfg.email}, "password": {cfg.password}}
	si := phase(func() result { return measureSignIns(readers, login, cfg.dur) })
	printResult(fmt.Sprintf("sign-in, %d at once", cfg.clients), si, health.rate, false, cfg.mem.peak())
	printPeak(cfg.mem)
	return nil
}

// measurePool runs one loop per session, each asking for pages of pool drawn at random until
// dur has passed, with w saving meanwhile when given.
func measurePool(sessions []*session, pool []string, dur time.Duration, w *writer) result {
	return measureLoops(sessions, dur, w, func(s *session, rng *rand.Rand) bool {
		res, err := s.c.Get(s.base + pool[rng.IntN(len(pool))])
		if err != nil {
			failures.note("GET", 0, err)
			return false
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			failures.note("GET", res.StatusCode, nil)
			return false
		}
		return true
	})
}

// measureSignIns has each session post the sign-in form again and again.
func measureSignIns(sessions []*session, form url.Values, dur time.Duration) result {
	return measureLoops(sessions, dur, nil, func(s *session, _ *rand.Rand) bool {
		f := url.Values{"_csrf": {s.csrf}}
		for k, v := range form {
			f[k] = v
		}
		res, err := s.c.PostForm(s.base+"/login", f)
		if err != nil {
			failures.note("sign-in", 0, err)
			return false
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			failures.note("sign-in", res.StatusCode, nil)
			return false
		}
		return true
	})
}

// failures counts the failed requests of a phase by what they got (a status or an error), for
// printResult to say what the errors were.
var failures failureCounts

type failureCounts struct {
	mu sync.Mutex
	n  map[string]int
}

func (f *failureCounts) note(what string, status int, err error) {
	k := fmt.Sprintf("%s %d", what, status)
	if err != nil {
		k = what + " " + err.Error()
		if len(k) > 80 {
			k = k[:80]
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n == nil {
		f.n = map[string]int{}
	}
	f.n[k]++
}

// take returns the counts so far, most first, and starts again.
func (f *failureCounts) take() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ks []string
	for k := range f.n {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b string) int { return f.n[b] - f.n[a] })
	var out []string
	for i, k := range ks {
		if i == 5 {
			break
		}
		out = append(out, fmt.Sprintf("%s ×%d", k, f.n[k]))
	}
	f.n = nil
	return strings.Join(out, ", ")
}

// measureLoops runs do in one loop per session until dur has passed and times each call.
func measureLoops(sessions []*session, dur time.Duration, w *writer, do func(*session, *rand.Rand) bool) result {
	var mu sync.Mutex
	var all []time.Duration
	var errs atomic.Int64
	stop := make(chan struct{})
	writes, badWrites := make(chan [2]int, 1), 0
	if w != nil {
		go func() {
			ok, bad := w.run(stop)
			writes <- [2]int{ok, bad}
		}()
	}
	start := time.Now()
	deadline := start.Add(dur)
	var wg sync.WaitGroup
	for i, s := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), uint64(start.UnixNano())))
			var mine []time.Duration
			for time.Now().Before(deadline) {
				t0 := time.Now()
				ok := do(s, rng)
				mine = append(mine, time.Since(t0))
				if !ok {
					errs.Add(1)
				}
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stop)
	r := result{}
	if w != nil {
		n := <-writes
		r.writeRate, badWrites = float64(n[0])/elapsed.Seconds(), n[1]
	}
	r.errors = int(errs.Load()) + badWrites
	slices.Sort(all)
	if n := len(all); n > 0 {
		r.n, r.rate = n, float64(n)/elapsed.Seconds()
		r.p50, r.p99 = all[n*50/100], all[min(n-1, n*99/100)]
	}
	return r
}

// memSampler reads the server's RssAnon (anonymous resident memory, in kB: what the process
// itself holds, not the file pages it maps) every 100 ms and keeps the maxima; with several
// server processes (instances behind a proxy) it adds theirs up.
type memSampler struct {
	paths     []string // /proc/PID/status of each server process
	dbPid     int      // the database server's main process (PostgreSQL's postmaster), or 0
	done      chan struct{}
	phase, mx atomic.Int64
}

func newMemSampler(pids []int, dbPid int) *memSampler {
	m := &memSampler{done: make(chan struct{}), dbPid: dbPid}
	for _, pid := range pids {
		if pid > 0 {
			m.paths = append(m.paths, "/proc/"+strconv.Itoa(pid)+"/status")
		}
	}
	if len(m.paths) == 0 {
		return m
	}
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			m.sample()
			select {
			case <-m.done:
				return
			case <-t.C:
			}
		}
	}()
	return m
}

func (m *memSampler) sample() {
	var kb int64
	for _, path := range m.paths {
		kb += rssAnon(path)
	}
	if kb == 0 {
		return
	}
	for {
		p := m.phase.Load()
		if kb <= p || m.phase.CompareAndSwap(p, kb) {
			break
		}
	}
	for {
		p := m.mx.Load()
		if kb <= p || m.mx.CompareAndSwap(p, kb) {
			break
		}
	}
}

// rssAnon is the RssAnon of /proc/PID/status at path, in kB (0 when it cannot be read).
func rssAnon(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "RssAnon:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb
		}
	}
	return 0
}

// reset starts a new phase; peak is the phase's maximum so far, max the run's.
func (m *memSampler) reset() {
	m.phase.Store(0)
	m.sample()
}
func (m *memSampler) peak() int64 { m.sample(); return m.phase.Load() }
func (m *memSampler) max() int64  { return m.mx.Load() }
func (m *memSampler) stop()       { close(m.done) }

// cpu returns the server processes' CPU time so far (user and system), or 0 when not sampled.
func (m *memSampler) cpu() time.Duration {
	var d time.Duration
	for _, path := range m.paths {
		d += procCPU(strings.TrimSuffix(path, "status") + "stat")
	}
	return d
}

// dbCPU returns the CPU time so far of the database server: its main process and every process
// it started (PostgreSQL's backend for each connection, its writers), or 0 when not sampled. A
// backend that has exited is no longer counted; the servers keep their connections open.
func (m *memSampler) dbCPU() time.Duration {
	if m.dbPid <= 0 {
		return 0
	}
	d := procCPU("/proc/" + strconv.Itoa(m.dbPid) + "/stat")
	dirs, _ := os.ReadDir("/proc")
	for _, e := range dirs {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		if ppid, cpu := procStat("/proc/" + e.Name() + "/stat"); ppid == m.dbPid {
			d += cpu
		}
	}
	return d
}

func procCPU(path string) time.Duration { _, cpu := procStat(path); return cpu }

// procStat reads a /proc/PID/stat: the parent's pid and the CPU time used (user and system).
func procStat(path string) (ppid int, cpu time.Duration) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0
	}
	// The fields after the command's closing parenthesis: ppid is the 2nd, utime and stime the
	// 12th and 13th.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0, 0
	}
	ppid, _ = strconv.Atoi(f[1])
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return ppid, time.Duration(u+s) * time.Second / 100 // clock ticks (USER_HZ, 100 on Linux)
}
