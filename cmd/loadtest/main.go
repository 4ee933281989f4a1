// Command loadtest measures Admin Center's pages under concurrent load. It only talks to the
// server it is given, which must be on this machine (loopback).
//
// In -mode pages (the default) it signs in, finds an account, the twentieth page of the
// Accounts list and a search, then runs C clients against each target for a fixed time and
// prints requests per second, p50 and p99. The targets marked "+ writer" run while one more
// client saves the account's settings (a rename) as fast as it can, so that the pages are
// measured with their cached reads retired after every commit.
//
// In -mode mixed (mixed.go) C clients, each signed in on its own session, ask for pages drawn
// at random from a pool of 300 distinct pages, without and then with a writer saving an
// account's settings -writes times a second, then sign in C at a time.
//
// With -pid (the server's process id, or several: instances behind a proxy) it samples the
// server's anonymous memory (RssAnon in /proc/PID/status) every 100 ms and reports the peak of
// each target, and the server's CPU time per request (from /proc/PID/stat), which other work on
// the machine disturbs less than req/s. With -dbpid (PostgreSQL's postmaster) it also reports the
// database server's CPU time per request, its backends included.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

var (
	csrfRE    = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	accountRE = regexp.MustCompile(`href="(/admin/accounts/AC[0-9a-f]{32})"`)
	nextRE    = regexp.MustCompile(`rel="next" href="([^"]+)"`)
)

// target is one page to measure; with a form it is a POST that must answer 303. With a writer,
// one more client renames the account meanwhile.
type target struct {
	name, path string
	form       url.Values
	writer     bool
}

var checkedRE = regexp.MustCompile(`id="(webhooks_https_only|pkcv_required)" name="[a-z_]+" type="checkbox" checked`)

func run() error {
	base := flag.String("base", "http://127.0.0.1:8102", "the server to measure (loopback only)")
	email := flag.String("email", "", "who signs in")
	clients := flag.Int("c", 8, "concurrent clients")
	dur := flag.Duration("d", 10*time.Second, "how long each target is measured")
	search := flag.String("q", "billing", "the name fragment to search for")
	maxReq := flag.Int("max", 2_000_000, "stop a target after this many requests in all")
	only := flag.String("only", "", "measure only the targets whose name contains this (and /healthz, the reference)")
	mode := flag.String("mode", "pages", "pages: one page again and again, target by target; mixed: a pool of pages at random")
	writes := flag.Float64("writes", 10, "mixed mode: saves a second of the writer (0: no writer run)")
	signIns := flag.Bool("signin", true, "mixed mode: also measure C sign-ins at once")
	pidList := flag.String("pid", "", "the server's process id, or several separated by commas (instances behind a proxy), to sample their anonymous memory and CPU time")
	dbPid := flag.Int("dbpid", 0, "the database server's main process id (PostgreSQL's postmaster), to count its CPU time and its children's")
	flag.Parse()
	password := os.Getenv("LOADTEST_PASSWORD")
	if *email == "" || password == "" {
		return errors.New("give -email and the password in $LOADTEST_PASSWORD")
	}
	u, err := url.Parse(*base)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(u.Hostname()); (ip == nil || !ip.IsLoopback()) && u.Hostname() != "localhost" {
		return fmt.Errorf("-base must be a loopback address, got %q", u.Hostname())
	}
	var pids []int
	for _, p := range strings.Split(*pidList, ",") {
		if p = strings.TrimSpace(p); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil {
				return fmt.Errorf("-pid: %q is not a process id", p)
			}
			pids = append(pids, n)
		}
	}
	mem := newMemSampler(pids, *dbPid)
	defer mem.stop()
	tr := &http.Transport{MaxIdleConnsPerHost: *clients * 2, MaxConnsPerHost: *clients * 2}
	if *mode == "mixed" {
		return runMixed(mixedConfig{base: *base, email: *email, password: password, clients: *clients, dur: *dur,
			writes: *writes, signIns: *signIns, tr: tr, mem: mem})
	}
	if *mode != "pages" {
		return fmt.Errorf("unknown -mode %q: pages or mixed", *mode)
	}
	s, err := signIn(tr, *base, *email, password)
	if err != nil {
		return err
	}
	c, csrf := s.c, s.csrf
	get := s.get

	// Find an account that opens, and the twentieth page.
	status, body, err := get("/admin/accounts")
	if err != nil || status != 200 {
		return fmt.Errorf("accounts page: %d %v", status, err)
	}
	account := ""
	for _, l := range accountRE.FindAllStringSubmatch(body, -1) {
		if st, _, _ := get(l[1]); st == 200 {
			account = l[1]
			break
		}
	}
	if account == "" {
		return errors.New("no account on the first page opens")
	}
	page := "/admin/accounts"
	for i := 1; i < 20; i++ {
		n := nextRE.FindStringSubmatch(body)
		if n == nil {
			return fmt.Errorf("the list has only %d pages", i)
		}
		page = strings.ReplaceAll(n[1], "&amp;", "&")
		if status, body, err = get(page); err != nil || status != 200 {
			return fmt.Errorf("page %d: %d %v", i+1, status, err)
		}
	}

	// The writer keeps the account's settings as they are and changes only its name.
	_, general, err := get(account)
	if err != nil {
		return err
	}
	settings := url.Values{"_csrf": {csrf}}
	for _, c := range checkedRE.FindAllStringSubmatch(general, -1) {
		settings.Set(c[1], "on")
	}
	w := &writer{c: c, url: *base + account + "/settings", form: settings}

	targets := []target{
		{name: "healthz", path: "/healthz"},
		{name: "accounts, first page", path: "/admin/accounts"},
		{name: "accounts, search " + *search, path: "/admin/accounts?q=" + url.QueryEscape(*search)},
		{name: "accounts, page 20", path: page},
		{name: "account page (General)", path: account},
		{name: "account Users tab", path: account + "/users"},
		{name: "audit log", path: "/admin/audit"},
		{name: "Pending tab", path: "/admin/accounts?tab=pending"},
		{name: "org Users", path: "/admin/users"},
		{name: "access review", path: "/admin/access-review"},
		{name: "My accounts", path: "/accounts"},
		{name: "accounts, first page + writer", path: "/admin/accounts", writer: true},
		{name: "account page + writer", path: account, writer: true},
		{name: "audit log + writer", path: "/admin/audit", writer: true},
		// Sign-in is slow on purpose (argon2id): measured last, it replaces the session each time.
		{name: "sign-in (POST /login)", path: "/login", form: url.Values{"_csrf": {csrf}, "email": {*email}, "password": {password}}},
	}
	fmt.Printf("%d clients × %s per target against %s\n\n", *clients, *dur, *base)
	printHeader()
	var healthRate float64
	for _, t := range targets {
		if *only != "" && t.path != "/healthz" && !strings.Contains(t.name, *only) {
			continue
		}
		var wr *writer
		if t.writer {
			wr = w
		}
		mem.reset()
		c0, d0 := mem.cpu(), mem.dbCPU()
		r := measure(c, *base+t.path, t.form, *clients, *dur, *maxReq, wr)
		r.cpu, r.dbCPU = mem.cpu()-c0, mem.dbCPU()-d0
		if t.path == "/healthz" {
			healthRate = r.rate
		}
		printResult(t.name, r, healthRate, wr != nil, mem.peak())
	}
	printPeak(mem)
	return nil
}

func printHeader() {
	fmt.Printf("%-34s %8s %8s %8s %11s %6s %8s %11s %12s %14s\n", "target", "req/s", "p50 ms", "p99 ms", "vs /healthz", "errors", "writes/s", "RssAnon MB", "CPU µs/req", "DB CPU µs/req")
}

func printResult(name string, r result, healthRate float64, writes bool, peakKB int64) {
	w, mem, cpu, dbCPU := "", "", "", ""
	if writes {
		w = fmt.Sprintf("%.1f", r.writeRate)
	}
	if peakKB > 0 {
		mem = fmt.Sprintf("%.1f", float64(peakKB)/1024)
	}
	if r.cpu > 0 && r.n > 0 {
		cpu = fmt.Sprintf("%.0f", float64(r.cpu.Microseconds())/float64(r.n))
	}
	if r.dbCPU > 0 && r.n > 0 {
		dbCPU = fmt.Sprintf("%.0f", float64(r.dbCPU.Microseconds())/float64(r.n))
	}
	fmt.Printf("%-34s %8.0f %8.2f %8.2f %10.2f× %6d %8s %11s %12s %14s\n", name, r.rate, ms(r.p50), ms(r.p99), r.rate/healthRate, r.errors, w, mem, cpu, dbCPU)
	if f := failures.take(); f != "" {
		fmt.Printf("  %s\n", f)
	}
}

func printPeak(mem *memSampler) {
	if kb := mem.max(); kb > 0 {
		fmt.Printf("\nserver peak RssAnon over the run: %.1f MB (sampled every 100 ms)\n", float64(kb)/1024)
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

type result struct {
	n         int           // requests made
	cpu       time.Duration // the server processes'
	dbCPU     time.Duration // the database server's (PostgreSQL), when measured
	rate      float64
	p50, p99  time.Duration
	errors    int // failed reads and failed writes
	writeRate float64
}

// writer renames an account through its settings form, one save after another, or rate
// saves a second when rate is set.
type writer struct {
	c    *http.Client
	url  string
	form url.Values
	rate float64
}

// run saves until stop is closed and returns how many saves answered 303 and how many failed.
func (w *writer) run(stop <-chan struct{}) (ok, bad int) {
	form := url.Values{}
	for k, v := range w.form {
		form[k] = v
	}
	var tick <-chan time.Time
	if w.rate > 0 {
		t := time.NewTicker(time.Duration(float64(time.Second) / w.rate))
		defer t.Stop()
		tick = t.C
	}
	for i := 0; ; i++ {
		if tick != nil {
			select {
			case <-stop:
				return ok, bad
			case <-tick:
			}
		}
		select {
		case <-stop:
			return ok, bad
		default:
		}
		form.Set("friendly_name", fmt.Sprintf("Load test %d", i%2))
		res, err := w.c.PostForm(w.url, form)
		if err != nil {
			failures.note("save", 0, err)
			bad++
			continue
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode == http.StatusSeeOther {
			ok++
		} else {
			failures.note("save", res.StatusCode, nil)
			bad++
		}
	}
}

// measure runs clients loops of GET url (POST form, when given) until dur has passed or max
// requests were sent, with w saving meanwhile when given.
func measure(c *http.Client, u string, form url.Values, clients int, dur time.Duration, max int, w *writer) result {
	want := http.StatusOK
	if form != nil {
		want = http.StatusSeeOther
	}
	var mu sync.Mutex
	var all []time.Duration
	errs, sent := 0, 0
	deadline := time.Now().Add(dur)
	start := time.Now()
	stop := make(chan struct{})
	writes, badWrites := make(chan int, 1), 0
	if w != nil {
		go func() {
			ok, bad := w.run(stop)
			mu.Lock()
			badWrites = bad
			mu.Unlock()
			writes <- ok
		}()
	}
	var wg sync.WaitGroup
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			bad := 0
			for time.Now().Before(deadline) {
				mu.Lock()
				if sent >= max {
					mu.Unlock()
					break
				}
				sent++
				mu.Unlock()
				t0 := time.Now()
				var res *http.Response
				var err error
				if form != nil {
					res, err = c.PostForm(u, form)
				} else {
					res, err = c.Get(u)
				}
				if err == nil {
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				mine = append(mine, time.Since(t0))
				if err != nil || res.StatusCode != want {
					bad++
				}
			}
			mu.Lock()
			all = append(all, mine...)
			errs += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stop)
	r := result{}
	if w != nil {
		r.writeRate = float64(<-writes) / elapsed.Seconds()
	}
	mu.Lock()
	r.errors = errs + badWrites
	mu.Unlock()
	slices.Sort(all)
	if n := len(all); n > 0 {
		r.n, r.rate = n, float64(n)/elapsed.Seconds()
		r.p50, r.p99 = all[n*50/100], all[min(n-1, n*99/100)]
	}
	return r
}
