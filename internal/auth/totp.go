package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"image/png"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"admincenter/internal/domain"
)

// TOTPPeriod is the length of one TOTP time step.
const TOTPPeriod = 30 * time.Second

var totpOpts = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// NewTOTPSecret returns a random 160-bit TOTP secret in base32 without padding (RFC 4226's
// recommended length), the form authenticator apps expect.
func NewTOTPSecret() string {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}

// TOTPURL is the otpauth:// URL an authenticator app reads from the QR code.
func TOTPURL(issuer, account, secret string) string {
	q := url.Values{}
	q.Set("secret", secret)
	q.Set("issuer", issuer)
	q.Set("algorithm", "SHA1")
	q.Set("digits", "6")
	q.Set("period", "30")
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + account, RawQuery: q.Encode()}
	return u.String()
}

// TOTPQRCode renders the otpauth URL as a PNG QR code of size×size pixels.
func TOTPQRCode(otpauthURL string, size int) ([]byte, error) {
	key, err := otp.NewKeyFromURL(otpauthURL)
	if err != nil {
		return nil, err
	}
	img, err := key.Image(size, size)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// TOTPStep is the number of the 30-second step that t falls in.
func TOTPStep(t time.Time) int64 { return t.Unix() / int64(TOTPPeriod/time.Second) }

// MatchTOTP returns the time step whose code is code: the step of now, or the one before it
// (a code typed just as it changed). ok is false when neither matches. Callers must still refuse
// a step at or before the last step used, so that a code is accepted once.
func MatchTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	if !domain.IsTOTPCode(code) {
		return 0, false
	}
	cur := TOTPStep(now)
	for _, st := range []int64{cur, cur - 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(st*int64(TOTPPeriod/time.Second), 0), totpOpts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return st, true
		}
	}
	return 0, false
}

// RecoveryCodeCount is how many recovery codes a user has (domain.IsRecoveryCode says what one looks like).
const RecoveryCodeCount = 10

// NewRecoveryCodes returns n fresh recovery codes, formatted for display (xxxx-xxxx-xxxx-xxxx).
func NewRecoveryCodes(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = newRecoveryCode()
	}
	return out
}

func newRecoveryCode() string {
	var b strings.Builder
	buf := make([]byte, 1)
	for n := 0; n < domain.RecoveryCodeLen; {
		if _, err := rand.Read(buf); err != nil {
			panic(err)
		}
		// Rejection sampling keeps every symbol equally likely.
		v := int(buf[0])
		if v >= 256-256%len(domain.RecoveryCodeSymbols) {
			continue
		}
		if n > 0 && n%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(domain.RecoveryCodeSymbols[v%len(domain.RecoveryCodeSymbols)])
		n++
	}
	return b.String()
}

// HashRecoveryCode returns the stored form of a recovery code, as typed or as displayed.
func HashRecoveryCode(code string) []byte { return HashToken("recovery:" + domain.NormalizeCode(code)) }
