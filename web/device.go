package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"admincenter/internal/domain"
	"admincenter/internal/store"
)

// Device cookies, after OWASP's "Slow Down Online Guessing Attacks with Device Cookies" and
// ASVS 5.0 §6.3 (brute-force protection that does not let an attacker lock a user out): after a
// full sign-in the browser gets a long-lived cookie that names the user and a random id, signed
// with the installation's session key. A sign-in attempt that carries a valid device cookie of
// the user it names is counted against that cookie alone (store.MaxDeviceFailures), and is not
// paused by the account's or the address's count of failures from everyone else; so an attacker
// guessing a password from elsewhere pauses only browsers the user never signed in with.
// A browser holds one device cookie: signing in as someone else replaces it. The signature
// covers the user's password hash too, so a new password (changed or reset) retires every device
// cookie issued before it: a browser that signed in with a stolen password keeps no exemption.

// deviceCookieTTL is how long a device cookie is honoured after it was issued; each sign-in
// issues a new one.
const deviceCookieTTL = 365 * 24 * time.Hour

func (s *Server) deviceCookieName() string {
	if s.secure {
		return "__Host-ac_device"
	}
	return "ac_device"
}

// deviceMAC signs a device cookie's payload for u, with its own label so that no other value
// signed with the session key can pass for one, and with u's password hash, so that the cookie
// is honoured only while u keeps the password they signed in with.
func (s *Server) deviceMAC(payload string, u *domain.User) string {
	m := hmac.New(sha256.New, s.keys.Session)
	m.Write([]byte("device-cookie\x00" + payload + "\x00" + u.PasswordHash))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// setDeviceCookie gives the browser a new device cookie for u: user SID, random id and issue
// time, then the signature. HttpOnly, SameSite=Strict (only our own sign-in form needs it) and
// Secure when the console is served over https.
func (s *Server) setDeviceCookie(c echo.Context, u *domain.User) {
	payload := u.SID + "." + randomHex(16) + "." + strconv.FormatInt(s.store.Now().Unix(), 10)
	c.SetCookie(&http.Cookie{Name: s.deviceCookieName(), Value: payload + "." + s.deviceMAC(payload, u), Path: "/",
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteStrictMode, MaxAge: int(deviceCookieTTL / time.Second)})
}

// deviceCookie returns the raw value of the browser's device cookie, or "".
func (s *Server) deviceCookie(c echo.Context) string {
	ck, err := c.Cookie(s.deviceCookieName())
	if err != nil || len(ck.Value) > 200 {
		return ""
	}
	return ck.Value
}

// deviceID returns the id in the device cookie raw when it is valid for u: signed by this
// installation, issued to u while u had their present password, and not older than
// deviceCookieTTL. Otherwise "" (a browser
// without a device cookie of u).
func (s *Server) deviceID(raw string, u *domain.User) string {
	if raw == "" || u == nil {
		return ""
	}
	i := strings.LastIndexByte(raw, '.')
	if i < 0 || !hmac.Equal([]byte(raw[i+1:]), []byte(s.deviceMAC(raw[:i], u))) {
		return ""
	}
	parts := strings.Split(raw[:i], ".")
	if len(parts) != 3 || parts[0] != u.SID || len(parts[1]) != 32 {
		return ""
	}
	issued, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || s.store.Now().Sub(time.Unix(issued, 0)) > deviceCookieTTL {
		return ""
	}
	return parts[1]
}

// signInSource is where an attempt by the signed-in or signing-in user u comes from: the
// client address and the browser's device cookie, if it is u's.
func (s *Server) signInSource(c echo.Context, u *domain.User) store.SignInSource {
	return store.SignInSource{Email: u.Email, IP: clientIP(c), Device: s.deviceID(s.deviceCookie(c), u)}
}
