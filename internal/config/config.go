// Package config turns flags and ADMINCENTER_* environment variables into a validated Config.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of a running Admin Center.
type Config struct {
	Addr            string
	DataDir         string
	BaseURL         string
	SMTPURL         string
	MailFrom        string
	DNS             string
	Dev             bool
	TrustedProxies  []netip.Prefix
	SessionIdle     time.Duration
	SessionAbsolute time.Duration
	ClosureGrace    time.Duration
	ReadCache       bool
	APIRate         float64 // API calls a second per OAuth app; bursts of twice as many
	// Database is the PostgreSQL URL (postgres://…) shared by several instances, or "" for the
	// SQLite file admincenter.db in DataDir.
	Database string
}

// DatabaseLabel names the database for logs and messages: the SQLite file, or the PostgreSQL
// URL without its password.
func (c *Config) DatabaseLabel() string {
	if c.Database == "" {
		return "sqlite:" + c.DataDir + "/admincenter.db"
	}
	return RedactURL(c.Database)
}

// RedactURL is a URL with its password replaced by "xxxxx", for logs and error messages.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// setting is one flag with its environment variable.
type setting struct {
	flag, env, def, usage string
}

var settings = []setting{
	{"addr", "ADMINCENTER_ADDR", "127.0.0.1:8080", "address to listen on"},
	{"data", "ADMINCENTER_DATA", "./data", "folder for the database and generated keys"},
	{"base-url", "ADMINCENTER_BASE_URL", "", "public URL used in emailed links (default http://ADDR)"},
	{"smtp", "ADMINCENTER_SMTP_URL", "", "smtp://user:pass@host:port?tls=none|starttls|tls&timeout=30s; empty keeps mail in the development mailbox"},
	{"mail-from", "ADMINCENTER_MAIL_FROM", "Admin Center <no-reply@localhost>", "From address of outgoing mail"},
	{"dns", "ADMINCENTER_DNS", "", "DNS server host:port for domain checks (default: the system resolver)"},
	{"dev", "ADMINCENTER_DEV", "false", "development mode: /dev/mail, text logs"},
	{"trusted-proxies", "ADMINCENTER_TRUSTED_PROXIES", "", "comma-separated CIDRs whose X-Forwarded-For is trusted"},
	{"session-idle", "ADMINCENTER_SESSION_IDLE", "30m", "sign out after this long without a request"},
	{"session-absolute", "ADMINCENTER_SESSION_ABSOLUTE", "12h", "sign out this long after sign-in, whatever happens"},
	{"closure-grace", "ADMINCENTER_CLOSURE_GRACE", "72h", "cooling-off period before a closing account is closed for good"},
	{"read-cache", "ADMINCENTER_READ_CACHE", "true", "serve the busiest pages' reads from memory until the next change (false: every page reads the database)"},
	{"database", "ADMINCENTER_DATABASE", "", "empty: the SQLite file admincenter.db in the data folder; postgres://user:pass@host:port/db?sslmode=… : that PostgreSQL database, shared by any number of instances"},
	{"api-rate", "ADMINCENTER_API_RATE", "50", "Organizations API calls a second per OAuth app, in bursts of up to twice as many (then 429)"},
}

// FlagSet returns a flag set with every setting, defaults taken from the environment.
func FlagSet(name string, getenv func(string) string) (*flag.FlagSet, map[string]*string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	vals := map[string]*string{}
	for _, s := range settings {
		def := s.def
		if v := getenv(s.env); v != "" {
			def = v
		}
		v := def
		vals[s.flag] = &v
		if s.flag == "dev" {
			fs.Var((*boolString)(&v), s.flag, s.usage+" ($"+s.env+")")
		} else {
			fs.StringVar(&v, s.flag, def, s.usage+" ($"+s.env+")")
		}
	}
	return fs, vals
}

// boolString is a flag that may be given bare (--dev) or with a value (--dev=false);
// it keeps the text so that validation can name a bad value.
type boolString string

func (b *boolString) String() string     { return string(*b) }
func (b *boolString) Set(v string) error { *b = boolString(v); return nil }
func (b *boolString) IsBoolFlag() bool   { return true }

// Load parses args (flags) over the environment and validates the result.
func Load(name string, args []string, getenv func(string) string) (*Config, []string, error) {
	fs, vals := FlagSet(name, getenv)
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	c, err := build(vals)
	return c, fs.Args(), err
}

// LoadEnv is Load with the process environment.
func LoadEnv(name string, args []string) (*Config, []string, error) {
	return Load(name, args, os.Getenv)
}

// FromValues validates the values of a flag set made by FlagSet, after parsing.
func FromValues(v map[string]*string) (*Config, error) { return build(v) }

func build(v map[string]*string) (*Config, error) {
	var errs []error
	bad := func(flagName, msg string, args ...any) {
		env := ""
		for _, s := range settings {
			if s.flag == flagName {
				env = s.env
			}
		}
		errs = append(errs, fmt.Errorf("--%s (%s): %s", flagName, env, fmt.Sprintf(msg, args...)))
	}
	c := &Config{Addr: *v["addr"], DataDir: *v["data"], BaseURL: *v["base-url"], SMTPURL: *v["smtp"],
		MailFrom: *v["mail-from"], DNS: *v["dns"]}
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		bad("addr", "want host:port, got %q", c.Addr)
	}
	if c.DataDir == "" {
		bad("data", "must not be empty")
	}
	if c.BaseURL == "" {
		// Listening on every interface (":8080", "0.0.0.0:8080"): links and the URL to open
		// name this machine as a browser on it reaches it.
		if ip, err := netip.ParseAddr(host); host == "" || (err == nil && ip.IsUnspecified()) {
			host = "localhost"
		}
		c.BaseURL = "http://" + net.JoinHostPort(host, port)
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		bad("base-url", "want an http or https URL without a path, got %q", c.BaseURL)
	}
	c.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
	if c.SMTPURL != "" {
		if _, err := ParseSMTP(c.SMTPURL); err != nil {
			bad("smtp", "%v", err)
		}
	}
	if c.MailFrom == "" || !strings.Contains(c.MailFrom, "@") {
		bad("mail-from", "want an address like \"Admin Center <no-reply@example.com>\"")
	}
	if c.DNS != "" {
		if _, _, err := net.SplitHostPort(c.DNS); err != nil {
			bad("dns", "want host:port, got %q", c.DNS)
		}
	}
	dev, err := strconv.ParseBool(*v["dev"])
	if err != nil {
		bad("dev", "want true or false, got %q", *v["dev"])
	}
	c.Dev = dev
	readCache, err := strconv.ParseBool(*v["read-cache"])
	if err != nil {
		bad("read-cache", "want true or false, got %q", *v["read-cache"])
	}
	c.ReadCache = readCache
	if c.APIRate, err = strconv.ParseFloat(*v["api-rate"], 64); err != nil || c.APIRate < 1 {
		bad("api-rate", "want a number of calls a second, at least 1, got %q", *v["api-rate"])
	}
	if d := strings.TrimSpace(*v["database"]); d != "" {
		u, err := url.Parse(d)
		switch {
		case err != nil:
			bad("database", "want empty (the SQLite file in the data folder) or postgres://user:pass@host:port/db, got an unparsable URL")
		case u.Scheme != "postgres" && u.Scheme != "postgresql":
			bad("database", "want empty (the SQLite file in the data folder) or postgres://user:pass@host:port/db, got a %q URL", u.Scheme)
		case u.Host == "" || strings.Trim(u.Path, "/") == "":
			bad("database", "want postgres://user:pass@host:port/db with a host and a database name, got %q", u.Redacted())
		default:
			c.Database = d
		}
	}
	if p := strings.TrimSpace(*v["trusted-proxies"]); p != "" {
		for _, part := range strings.Split(p, ",") {
			part = strings.TrimSpace(part)
			if !strings.Contains(part, "/") {
				if a, err := netip.ParseAddr(part); err == nil {
					part = netip.PrefixFrom(a, a.BitLen()).String()
				}
			}
			pre, err := netip.ParsePrefix(part)
			if err != nil {
				bad("trusted-proxies", "want CIDRs like 10.0.0.0/8, got %q", part)
				continue
			}
			c.TrustedProxies = append(c.TrustedProxies, pre.Masked())
		}
	}
	for _, d := range []struct {
		flag string
		dst  *time.Duration
	}{{"session-idle", &c.SessionIdle}, {"session-absolute", &c.SessionAbsolute}, {"closure-grace", &c.ClosureGrace}} {
		x, err := time.ParseDuration(*v[d.flag])
		if err != nil || x <= 0 {
			bad(d.flag, "want a positive duration like 30m, got %q", *v[d.flag])
		}
		*d.dst = x
	}
	if c.SessionIdle > c.SessionAbsolute && c.SessionAbsolute > 0 {
		bad("session-idle", "must not be longer than --session-absolute")
	}
	return c, errors.Join(errs...)
}

// SMTP is a parsed --smtp URL.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	TLS      string // none, starttls or tls
	// Timeout bounds one message, connection included (?timeout=, default 30 s). A message is
	// claimed for twice as long: see mail.Sender.
	Timeout time.Duration
}

// ParseSMTP parses smtp://user:pass@host:port?tls=none|starttls|tls&timeout=30s.
func ParseSMTP(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "smtp" || u.Hostname() == "" {
		return nil, errors.New("want smtp://user:pass@host:port?tls=none|starttls|tls")
	}
	s := &SMTP{Host: u.Hostname(), Port: 587, TLS: "starttls", Timeout: 30 * time.Second}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("bad port %q", p)
		}
		s.Port = n
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	if t := u.Query().Get("tls"); t != "" {
		switch t {
		case "none", "starttls", "tls":
			s.TLS = t
		default:
			return nil, fmt.Errorf("tls must be none, starttls or tls, got %q", t)
		}
	}
	if t := u.Query().Get("timeout"); t != "" {
		d, err := time.ParseDuration(t)
		if err != nil || d < time.Second || d > 10*time.Minute {
			return nil, fmt.Errorf("timeout must be a duration from 1s to 10m, got %q", t)
		}
		s.Timeout = d
	}
	return s, nil
}
