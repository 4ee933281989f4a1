package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"admincenter/internal/domain"
	"admincenter/internal/store/storetest"
)

// Every cached read sees a change as soon as the method that made it returns.
func TestCachedReadsSeeEveryCommit(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	list := func() []string {
		t.Helper()
		page, err := f.s.ListAccounts(ctx, AccountFilter{OrgSID: f.org.SID, Relation: "managed", Brief: true})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, a := range page.Accounts {
			names = append(names, a.FriendlyName)
		}
		return names
	}
	if got := list(); len(got) != 1 || got[0] != "Billing EU" {
		t.Fatalf("list = %q", got)
	}
	c, _ := f.s.CountAccounts(ctx, f.org.SID)
	if _, err := f.s.CreateAccount(ctx, f.owner, domain.CreateAccountInput{FriendlyName: "Support US", Type: "standard"}, ""); err != nil {
		t.Fatal(err)
	}
	if got := list(); len(got) != 2 || got[0] != "Support US" {
		t.Errorf("list after create = %q", got)
	}
	if c2, _ := f.s.CountAccounts(ctx, f.org.SID); c2.Managed != c.Managed+1 {
		t.Errorf("managed count after create = %d, want %d", c2.Managed, c.Managed+1)
	}

	// Access: the developer's roles, then none.
	acc, err := f.s.FindAccountAccess(ctx, f.dev, f.acct.SID)
	if err != nil || len(acc.Roles) != 1 {
		t.Fatalf("developer's access: %v %+v", err, acc)
	}
	// What a caller does to its answer is its own.
	acc.Account.FriendlyName, acc.Roles[0] = "changed by a handler", "owner"
	again, _ := f.s.FindAccountAccess(ctx, f.dev, f.acct.SID)
	if again.Account.FriendlyName != "Billing EU" || again.Roles[0] != domain.RoleDeveloper {
		t.Errorf("a caller's change reached the cache: %q %q", again.Account.FriendlyName, again.Roles)
	}
	if _, err := f.s.RemoveAccountUser(ctx, f.owner, f.acct.SID, f.dev.SID, ""); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.FindAccountAccess(ctx, f.dev, f.acct.SID)
	wantErrCode(t, err, domain.ENotFound)
	users, _ := f.s.ListAccountUsers(ctx, f.acct.SID)
	for _, u := range users {
		if u.User.SID == f.dev.SID {
			t.Errorf("removed developer still listed on the Users tab")
		}
	}

	// The lock-out list follows the administrators' two-factor state.
	locked := func() int {
		l, err := f.s.ListLockedOut(ctx, f.acct)
		if err != nil {
			t.Fatal(err)
		}
		return len(l)
	}
	before := locked()
	if err := storetest.SetTOTPEnabled(ctx, f.s, f.admin.SID, true); err != nil {
		t.Fatal(err)
	}
	if after := locked(); after != before-1 {
		t.Errorf("locked out after the admin turned on 2FA = %d, want %d", after, before-1)
	}

	// The audit log shows the newest event at once.
	page, err := f.s.ListAuditEvents(ctx, AuditFilter{OrgSID: f.org.SID})
	if err != nil || len(page.Events) == 0 {
		t.Fatal(err)
	}
	if _, err := f.s.SuspendAccount(ctx, f.owner, f.acct.SID, ""); err != nil {
		t.Fatal(err)
	}
	page2, _ := f.s.ListAuditEvents(ctx, AuditFilter{OrgSID: f.org.SID})
	if page2.Events[0].ID == page.Events[0].ID || page2.Events[0].Action != "account.suspend" {
		t.Errorf("newest event after suspend = %q (id %d, was %d)", page2.Events[0].Action, page2.Events[0].ID, page.Events[0].ID)
	}

	// A settings change retires only its topics: the lists, the audit log and the account's own
	// reads all show it at once.
	if _, err := f.s.UpdateAccountSettings(ctx, f.owner, f.acct.SID, domain.AccountSettings{FriendlyName: "Billing EMEA", WebhooksHTTPSOnly: true}, ""); err != nil {
		t.Fatal(err)
	}
	if got := list(); len(got) != 2 || got[1] != "Billing EMEA" {
		t.Errorf("list after the rename = %q", got)
	}
	if acc, err := f.s.FindAccountAccess(ctx, f.owner, f.acct.SID); err != nil || acc.Account.FriendlyName != "Billing EMEA" {
		t.Errorf("access after the rename: %v %+v", err, acc)
	}
	if page, _ := f.s.ListAuditEvents(ctx, AuditFilter{OrgSID: f.org.SID}); page.Events[0].Action != "account.settings" {
		t.Errorf("newest event after the rename = %q", page.Events[0].Action)
	}
	// So does a failed sign-in, which retires the audit log only.
	if err := f.s.RecordSignInFailure(ctx, f.dev, SignInSource{Email: f.dev.Email, IP: "10.0.0.1"}, "password"); err != nil {
		t.Fatal(err)
	}
	if page, _ := f.s.ListAuditEvents(ctx, AuditFilter{OrgSID: f.org.SID}); page.Events[0].Action != "signin.failure" {
		t.Errorf("newest event after a failed sign-in = %q", page.Events[0].Action)
	}
}

// Readers racing a writer never see a name older than the last rename that returned.
func TestCachedReadsUnderConcurrentWrites(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var mu sync.Mutex
	done := 0 // the last rename that returned
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				mu.Lock()
				want := done
				mu.Unlock()
				acc, err := f.s.FindAccountAccess(ctx, f.owner, f.acct.SID)
				if err != nil {
					errs <- err
					return
				}
				var got int
				if _, err := fmt.Sscanf(acc.Account.FriendlyName, "Rename %d", &got); err != nil && want > 0 {
					errs <- fmt.Errorf("name %q after rename %d", acc.Account.FriendlyName, want)
					return
				}
				if got < want {
					errs <- fmt.Errorf("saw rename %d after rename %d had returned", got, want)
					return
				}
			}
		}()
	}
	for i := 1; i <= 60; i++ {
		if _, err := f.s.UpdateAccountSettings(ctx, f.owner, f.acct.SID, domain.AccountSettings{FriendlyName: fmt.Sprintf("Rename %d", i)}, ""); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		done = i
		mu.Unlock()
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// The Pending tab's count (a counter table kept by triggers, 0008) follows every request.
func TestPendingCountFollowsRequests(t *testing.T) {
	f := newFixture(t)
	f.s.sealer = testKeys(t) // a resend mails a new link
	ctx := context.Background()
	pending := func() int {
		t.Helper()
		c, err := f.s.CountAccounts(ctx, f.org.SID)
		if err != nil {
			t.Fatal(err)
		}
		return c.Pending
	}
	if err := storetest.AddAccountRequest(ctx, f.s, f.org.SID, f.acct.SID, "import", f.owner.SID, ms(f.s.Now())+3600_000); err != nil {
		t.Fatal(err)
	}
	if got := pending(); got != 1 {
		t.Fatalf("pending after a request = %d, want 1", got)
	}
	reqs, err := listPending(ctx, f.s, f.org.SID)
	if err != nil || len(reqs) != 1 {
		t.Fatalf("requests: %v %d", err, len(reqs))
	}
	// A resend replaces the request: still one pending.
	next, err := f.s.ResendAccountRequest(ctx, f.admin, reqs[0].ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := pending(); got != 1 {
		t.Errorf("pending after a resend = %d, want 1", got)
	}
	if _, err := f.s.CancelAccountRequest(ctx, f.admin, next.ID, ""); err != nil {
		t.Fatal(err)
	}
	if got := pending(); got != 0 {
		t.Errorf("pending after a cancel = %d, want 0", got)
	}
}

func TestReadCacheRules(t *testing.T) {
	var c readCache
	reads := 0
	read := func() (int, error) { reads++; return reads, nil }
	get := func(key any) int {
		t.Helper()
		v, err := cachedRead(&c, topicLists, key, read)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if a, b := get("k"), get("k"); a != 1 || b != 1 || reads != 1 {
		t.Errorf("a second read of the same key read again: %d %d (reads %d)", a, b, reads)
	}
	c.changed()
	if v := get("k"); v != 2 {
		t.Errorf("after a commit the cache answered %d, want a fresh read (2)", v)
	}
	// A change of some topics retires only their reads.
	other := 0
	getOther := func() int {
		t.Helper()
		v, err := cachedRead(&c, accountTopic("AC1"), "other", func() (int, error) { other++; return other, nil })
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	getOther()
	c.changedTopics(topicAudit, accountTopic("AC2"))
	if accountTopic("AC2") == accountTopic("AC1") {
		t.Fatal("pick another pair of SIDs: AC1 and AC2 share a topic")
	}
	if v, o := get("k"), getOther(); v != 2 || o != 1 {
		t.Errorf("a change of other topics retired a read: %d %d", v, o)
	}
	c.changedTopics(topicLists)
	if v, o := get("k"), getOther(); v != 3 || o != 1 {
		t.Errorf("after a change of its topic the cache answered %d (want 3), the other read %d (want 1)", v, o)
	}
	c.changed()
	if o := getOther(); o != 2 {
		t.Errorf("a commit of Store.write left a read of a topic cached: %d", o)
	}
	// Errors are not kept.
	fails := 0
	for range 2 {
		_, err := cachedRead(&c, topicLists, "bad", func() (int, error) { fails++; return 0, domain.ErrBadCursor })
		if err != domain.ErrBadCursor {
			t.Fatalf("error = %v", err)
		}
	}
	if fails != 2 {
		t.Errorf("a failed read was cached (%d reads for 2 calls)", fails)
	}
	// However many keys are read, the cache stays bounded.
	for i := range 3 * readCacheEntries {
		get(i)
	}
	if n := len(c.m); n > readCacheEntries {
		t.Errorf("cache holds %d entries, more than %d", n, readCacheEntries)
	}
	// Off: every call reads.
	off := readCache{off: true}
	n := 0
	for range 3 {
		_, _ = cachedRead(&off, topicLists, "k", func() (int, error) { n++; return n, nil })
	}
	if n != 3 {
		t.Errorf("a disabled cache read %d times for 3 calls", n)
	}
}

// Callers that miss together while a read of the same key is under way wait for it and share
// its result; when it fails, each reads for itself.
func TestReadCacheSharesAReadUnderWay(t *testing.T) {
	for _, fail := range []bool{false, true} {
		var c readCache
		var mu sync.Mutex
		reads := 0
		release := make(chan struct{})
		first := true
		read := func() (int, error) {
			mu.Lock()
			reads++
			me := first
			first = false
			mu.Unlock()
			if me {
				<-release
				if fail {
					return 0, domain.ErrBadCursor
				}
			}
			return 42, nil
		}
		const callers = 8
		got := make(chan int, callers)
		go func() { v, _ := cachedRead(&c, topicLists, "k", read); got <- v }()
		waitFor(t, func() bool { c.mu.Lock(); defer c.mu.Unlock(); return len(c.flights) == 1 })
		for range callers - 1 {
			go func() { v, _ := cachedRead(&c, topicLists, "k", read); got <- v }()
		}
		waitFor(t, func() bool {
			c.mu.Lock()
			defer c.mu.Unlock()
			for _, f := range c.flights {
				return f.waiters == callers-1
			}
			return false
		})
		close(release)
		answers := 0
		for range callers {
			if <-got == 42 {
				answers++
			}
		}
		// Every waiter gets the value; the first caller too, unless its read failed.
		if want := map[bool]int{false: callers, true: callers - 1}[fail]; answers != want {
			t.Errorf("fail=%v: %d callers got the value, want %d", fail, answers, want)
		}
		if want := map[bool]int{false: 1, true: callers}[fail]; reads != want {
			t.Errorf("fail=%v: %d reads for %d callers, want %d", fail, reads, callers, want)
		}
	}
}

// waitFor polls cond until it holds; it fails the test after ten seconds rather than hang.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition never held")
		}
		time.Sleep(time.Millisecond)
	}
}
