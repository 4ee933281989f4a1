// Command admincenter serves Admin Center and runs its maintenance subcommands.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"admincenter/internal/auth"
	"admincenter/internal/config"
	"admincenter/internal/domain"
	"admincenter/internal/jobs"
	"admincenter/internal/store"
	"admincenter/web"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "admincenter:", err)
		}
		os.Exit(1)
	}
}

// commands are the subcommands, in the order usage lists them.
var commands = []struct{ name, what string }{
	{"serve", "serve the console (the default when no command is given)"},
	{"setup", "create the organization and its Owner from the command line"},
	{"seed", "write demo or benchmark data: --accounts N --users M"},
	{"backup", "write a consistent copy of the database: --out FILE"},
	{"version", "print the version"},
}

// usage prints the subcommands and the settings every command shares.
func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: admincenter [command] [flags]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s  %s\n", c.name, c.what)
	}
	fmt.Fprintln(w, "\nRun \"admincenter COMMAND --help\" for a command's own flags. Settings (each flag also an environment variable):")
	fs, _ := config.FlagSet("admincenter", os.Getenv)
	fs.SetOutput(w)
	fs.PrintDefaults()
}

func isHelp(arg string) bool {
	switch arg {
	case "help", "-h", "-help", "--help":
		return true
	}
	return false
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && isHelp(args[0]) {
		usage(stdout)
		return nil
	}
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, stderr)
	case "setup":
		return setup(ctx, args, stdin, stdout)
	case "backup":
		return backup(ctx, args, stdout)
	case "seed":
		return seed(ctx, args, stdout)
	case "version":
		fmt.Fprintln(stdout, "admincenter", version)
		return nil
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q (want serve, setup, seed, backup or version)", cmd)
}

// openStore opens the database: the PostgreSQL database of --database, or the SQLite file in
// the data folder.
func openStore(ctx context.Context, cfg *config.Config, opts store.Options) (*store.Store, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("--data (ADMINCENTER_DATA): %w", err)
	}
	if cfg.Database != "" {
		st, err := store.Open(ctx, cfg.Database, opts)
		if err != nil {
			return nil, fmt.Errorf("--database (ADMINCENTER_DATABASE): %w", err)
		}
		return st, nil
	}
	return store.Open(ctx, filepath.Join(cfg.DataDir, "admincenter.db"), opts)
}

func newLogger(dev bool, w io.Writer) *slog.Logger {
	if dev {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

func serve(ctx context.Context, args []string, stderr io.Writer) error {
	fs, vals := config.FlagSet("admincenter serve", os.Getenv)
	fs.SetOutput(stderr)
	fs.Usage = func() { usage(stderr) }
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.FromValues(vals)
	if err != nil {
		return err
	}
	log := newLogger(cfg.Dev, stderr)
	tuneMemory()
	keys, err := auth.LoadOrCreateKeys(cfg.DataDir)
	if err != nil {
		return fmt.Errorf("--data (ADMINCENTER_DATA): %w", err)
	}
	st, err := openStore(ctx, cfg, store.Options{Sealer: keys, NoReadCache: !cfg.ReadCache})
	if err != nil {
		return err
	}
	if err := st.CheckKeys(ctx, store.KeysFingerprint(keys.Session, keys.Encrypt, keys.Signing)); err != nil {
		st.Close()
		return err
	}
	defer st.Close() // last: after the requests and the workers, checkpoints the WAL
	srv := web.New(cfg, st, keys, log)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("--addr (ADMINCENTER_ADDR): %w", err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute}
	// The workers have their own context: a signal first drains the requests, which may still
	// queue mail, and only then stops the workers.
	wctx, stopWorkers := context.WithCancel(context.WithoutCancel(ctx))
	workers := jobs.Start(wctx, cfg, st, log)
	defer workers.Wait()
	defer stopWorkers()
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	base := cfg.BaseURL
	if strings.HasSuffix(base, ":0") { // --addr host:0, the port the system chose
		base = "http://" + ln.Addr().String()
	}
	open := base + "/"
	if ok, err := st.IsSetUp(ctx); err == nil && !ok {
		open = base + "/setup"
	}
	log.Info("serving", slog.String("addr", ln.Addr().String()), slog.String("open", open), slog.Bool("dev", cfg.Dev),
		slog.String("database", cfg.DatabaseLabel()))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	return hs.Shutdown(sctx)
}

func setup(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fs, vals := config.FlagSet("admincenter setup", os.Getenv)
	org := fs.String("org", "", "organization name")
	domainName := fs.String("domain", "", "the organization's first (trusted) email domain")
	name := fs.String("name", "", "the Owner's name")
	email := fs.String("email", "", "the Owner's email")
	pwFile := fs.String("password-file", "", "read the Owner's password from this file (else $ADMINCENTER_SETUP_PASSWORD, else a prompt)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.FromValues(vals)
	if err != nil {
		return err
	}
	password, err := readPassword(*pwFile, stdin, stdout)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	keys, err := auth.LoadOrCreateKeys(cfg.DataDir)
	if err != nil {
		return err
	}
	if err := st.CheckKeys(ctx, store.KeysFingerprint(keys.Session, keys.Encrypt, keys.Signing)); err != nil {
		return err
	}
	o, u, err := setUp(ctx, st, domain.SetupInput{OrgName: *org, Domain: *domainName, Name: *name, Email: *email, Password: password})
	if err != nil {
		if fe := flagErrors(err); fe != "" {
			return errors.New(strings.ReplaceAll(fe, "--org-name", "--org"))
		}
		return err
	}
	fmt.Fprintf(stdout, "organization: %s (%s)\nowner: %s (%s)\nsign in at %s/login\n", o.Name, o.SID, u.Email, u.SID, cfg.BaseURL)
	return nil
}

// setUp creates the organization and its Owner, as the setup page does: the password is checked
// against the policy and hashed before the store sees it.
func setUp(ctx context.Context, st *store.Store, in domain.SetupInput) (*domain.Organization, *domain.User, error) {
	if err := in.Validate(auth.PasswordProblem); err != nil {
		return nil, nil, err
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return nil, nil, err
	}
	return st.Setup(ctx, in, hash, "")
}

// flagErrors joins the field messages of a validation error into one line that names each
// field as the flag it came from (org_name is --org-name).
func flagErrors(err error) string {
	fields := domain.FieldErrors(err)
	keys := slices.Sorted(maps.Keys(fields))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = "--" + strings.ReplaceAll(k, "_", "-") + ": " + fields[k]
	}
	return strings.Join(parts, "; ")
}

func readPassword(file string, stdin io.Reader, stdout io.Writer) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("--password-file: %w", err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	if p := os.Getenv("ADMINCENTER_SETUP_PASSWORD"); p != "" {
		return p, nil
	}
	fmt.Fprint(stdout, "Owner's password: ")
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stdout)
		return string(b), err
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password given: use --password-file, ADMINCENTER_SETUP_PASSWORD or type it at the prompt")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func backup(ctx context.Context, args []string, stdout io.Writer) error {
	fs, vals := config.FlagSet("admincenter backup", os.Getenv)
	out := fs.String("out", "", "write the copy to this file (must not exist)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("--out FILE is required")
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("--out %s: file exists", *out)
	}
	cfg, err := config.FromValues(vals)
	if err != nil {
		return err
	}
	if cfg.Database != "" {
		return pgDump(ctx, cfg.Database, *out, stdout)
	}
	st, err := openStore(ctx, cfg, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s\n", *out)
	return nil
}

// seed writes demo or benchmark data. On an empty database it first creates the organization
// and its Owner, and prints the Owner's email and password to sign in with.
func seed(ctx context.Context, args []string, stdout io.Writer) error {
	fs, vals := config.FlagSet("admincenter seed", os.Getenv)
	accounts := fs.Int("accounts", 200, "how many accounts to write")
	users := fs.Int("users", 50, "how many users to write (one in twenty outside the organization)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *accounts < 0 || *users < 0 {
		return errors.New("--accounts and --users must not be negative")
	}
	cfg, err := config.FromValues(vals)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := auth.LoadOrCreateKeys(cfg.DataDir); err != nil {
		return err
	}
	start := time.Now()
	ok, err := st.IsSetUp(ctx)
	if err != nil {
		return err
	}
	password := strings.ReplaceAll(auth.NewToken()[:24], "-", "x")
	if !ok {
		_, u, err := setUp(ctx, st, domain.SetupInput{OrgName: "Example Corp", Domain: "example.com", Name: "Olive Owner",
			Email: "owner@example.com", Password: password})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "email: %s\npassword: %s\n", u.Email, password)
	}
	hash, err := auth.HashPassword(password) // once, for every seeded user
	if err != nil {
		return err
	}
	res, err := st.Seed(ctx, store.SeedInput{Accounts: *accounts, Users: *users, PasswordHash: hash})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %d accounts (%d suspended, %d pending closure, %d closed, %d independent, %d with a pending request) and %d users (%d managed, %d external) in %s\n",
		res.Accounts, res.Suspended, res.PendingClosure, res.Closed, res.Indep, res.Requests, res.Users+res.External, res.Users, res.External,
		time.Since(start).Round(time.Millisecond))
	if ok {
		fmt.Fprintf(stdout, "seeded users' password: %s\n", password)
	}
	return nil
}

// tuneMemory trades a little memory for less garbage-collection work: the live heap is a few MB,
// so collecting at 4× it (rather than 2×) halves the collector's CPU on busy pages. A soft limit
// of 80 MiB keeps the process inside 150 MB of RSS even through bursts of sign-ins, whose argon2id
// hashes churn 19 MiB each (96 MiB allowed peaks of 146–153 MB for ~15 % more sign-ins a second).
// GOGC and GOMEMLIMIT still win when set.
func tuneMemory() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(80 << 20)
	}
}

// pgDump backs up a PostgreSQL database with PostgreSQL's own pg_dump (custom format, for
// pg_restore), which must be installed and at least as new as the server. The password goes to
// pg_dump in its environment, not on its command line.
func pgDump(ctx context.Context, database, out string, stdout io.Writer) error {
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		return errors.New("the database is PostgreSQL (--database): back it up with PostgreSQL's pg_dump, which is not installed here " +
			"(Debian: apt-get install postgresql-client), e.g. pg_dump --format=custom --file=admincenter.dump \"$ADMINCENTER_DATABASE\"")
	}
	u, err := url.Parse(database)
	if err != nil {
		return errors.New("--database (ADMINCENTER_DATABASE): not a URL")
	}
	env := os.Environ()
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	cmd := exec.CommandContext(ctx, bin, "--format=custom", "--file="+out, "--dbname="+u.String())
	cmd.Env = env
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pg_dump: %v: %s", err, strings.TrimSpace(string(msg)))
	}
	fmt.Fprintf(stdout, "backup written to %s by pg_dump (restore it with pg_restore)\n", out)
	return nil
}
